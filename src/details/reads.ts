/**
 * What opening a user's details reads from Looker, apart from the per-connection caches of role, group and attribute
 * names (no `vscode` import: the bench counts these same calls in plain Node).
 */
import type { IUserAttributeWithValue } from '@looker/sdk';
import type { LookerClient } from '../looker/client';

export type DetailsReadClient = Pick<LookerClient, 'user' | 'userRoles' | 'allLoginLockouts' | 'userAttributeValues'>;

/**
 * The three calls of an open: the user (all fields; its web sessions and `role_ids` — every role it holds, through
 * groups too — come with it), its direct roles (the panel shows and edits those), and the lockout list (a lockout comes
 * and goes, so it is read each time). Each settled on its own: a part that fails leaves the rest shown.
 */
export function openReads(client: DetailsReadClient, userId: string) {
  return Promise.allSettled([
    client.user(userId),
    client.userRoles(userId, 'id,name', true),
    client.allLoginLockouts('user_id,fail_count,lockout_at'),
  ]);
}

/** The user's attribute values with every source (user, groups, default): one call, made when the page asks. */
export function attributeValues(client: DetailsReadClient, userId: string): Promise<IUserAttributeWithValue[]> {
  return client.userAttributeValues(userId, { all_values: true, include_unset: true });
}
