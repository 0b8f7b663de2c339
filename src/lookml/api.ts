/** The LookML feature's reads from the Looker API: the model-access source, the preview user's attribute data. */
import type { IGroup, IUserAttribute, IUserAttributeGroupValue, IUserAttributeWithValue } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import type { AccessSource } from './access';

/** What this feature needs of `LookerClient`. */
export type LookmlClient = Pick<
  LookerClient,
  | 'allRoles'
  | 'roleUsers'
  | 'roleGroups'
  | 'allModelSets'
  | 'allGroups'
  | 'groupUsers'
  | 'groupGroups'
  | 'allUserAttributes'
  | 'userAttributeValues'
  | 'userAttributeGroupValues'
  | 'searchUsers'
  | 'searchUsersNames'
  | 'user'
  | 'apiSurface'
>;

/** Fields requested for users listed in the pinned group (what the Users tree shows). */
export const ACCESS_USER_FIELDS = 'id,first_name,last_name,display_name,email,is_disabled,is_service_account,credentials_embed(id),role_ids,group_ids';

/** An {@link AccessSource} over the Looker API. */
export function apiAccessSource(client: LookmlClient, signal?: AbortSignal, userFields = ACCESS_USER_FIELDS): AccessSource {
  return {
    modelSets: () => client.allModelSets('id,name,models,all_access', signal),
    roles: () => client.allRoles('id,name,model_set(id,name),permission_set(id,all_access,permissions)', signal),
    roleUsers: (roleId) => client.roleUsers(roleId, userFields, true, signal),
    roleGroups: (roleId) => client.roleGroups(roleId, 'id,name', signal),
    groupUsers: (groupId) => client.groupUsers(groupId, { fields: userFields }, signal),
    groupGroups: (groupId) => client.groupGroups(groupId, 'id,name', signal),
  };
}

/** Everything a hover needs about the preview user's attributes, loaded once per (connection, user). */
export interface PreviewData {
  definitions: IUserAttribute[];
  /** All entries of the search path per attribute name (`all_values=true`, `include_unset=true`). */
  values: Map<string, IUserAttributeWithValue[]>;
  groupNames: Map<string, string>;
}

export async function loadPreviewData(client: LookmlClient, userId: string, signal?: AbortSignal): Promise<PreviewData> {
  const [definitions, entries, groups] = await Promise.all([
    client.allUserAttributes('id,name,label,type,default_value,value_is_hidden,user_can_view,user_can_edit', undefined, signal),
    client.userAttributeValues(userId, { all_values: true, include_unset: true }, signal),
    client.allGroups({ fields: 'id,name' }, signal).catch(() => [] as IGroup[]),
  ]);
  const values = new Map<string, IUserAttributeWithValue[]>();
  for (const e of entries) {
    const key = e.name ?? '';
    if (!values.has(key)) values.set(key, []);
    values.get(key)!.push(e);
  }
  // Lowest rank first within the search path; the user's own value before any group; default last.
  const order = (s: string | null | undefined) => (/^user/i.test(s ?? '') ? 0 : /^group/i.test(s ?? '') ? 1 : /^default/i.test(s ?? '') ? 2 : 3);
  for (const list of values.values()) list.sort((a, b) => order(a.source) - order(b.source) || (a.rank ?? 0) - (b.rank ?? 0));
  const groupNames = new Map(groups.map((g) => [String(g.id ?? ''), g.name ?? String(g.id ?? '')]));
  return { definitions, values, groupNames };
}

/** Group values of one attribute. */
export async function loadGroupValues(client: LookmlClient, attributeId: string, signal?: AbortSignal): Promise<IUserAttributeGroupValue[]> {
  return client.userAttributeGroupValues(attributeId, 'id,group_id,user_attribute_id,rank,value,value_is_hidden', signal);
}
