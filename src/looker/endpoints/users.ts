/**
 * `LookerClient`'s user endpoints: search, read (one, by ids in batches, by credential, every page), create,
 * update, delete, and service accounts.
 */
import type { IRequestSearchUsers, IRequestSearchUsersNames, IServiceAccount, IUser, IWriteServiceAccount, IWriteUser } from '@looker/sdk';
import { encodeQuery, seg, type Page } from '../http';
import { InstanceEndpoints } from './instance';

/** `credential_type` values of `user_for_credential`. */
export type CredentialType = 'email' | 'google' | 'saml' | 'oidc' | 'ldap' | 'api' | 'api3' | 'embed' | 'looker_openid';

/** At most this many ids per `all_users?ids=` request, like the 1,000-user pages of the other bulk reads. */
const IDS_PER_REQUEST = 1000;
/**
 * At most this many characters of query string (`fields` and `ids`) per request: with the path and the headers the
 * request stays under 8 KB, the default limit of common servers and proxies (nginx, Apache, Jetty). 1,000 ids of up
 * to six digits fit next to the dry run's fields; longer ids or fields make smaller batches.
 */
const QUERY_CHARS_PER_REQUEST = 7400;

/**
 * Splits ids into the batches {@link UserEndpoints.allUsers} sends: at most 1,000 ids, and at most `room` characters
 * of them with their commas (at least one id a batch).
 */
export function idBatches(ids: string[], room: number): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const id of ids) {
    const len = encodeURIComponent(id).length;
    if (batch.length && (batch.length >= IDS_PER_REQUEST || chars + 1 + len > room)) {
      out.push(batch);
      batch = [];
      chars = 0;
    }
    chars += (batch.length ? 1 : 0) + len;
    batch.push(id);
  }
  if (batch.length) out.push(batch);
  return out;
}

/** User endpoints; see client.ts for how the endpoint classes stack. */
export abstract class UserEndpoints extends InstanceEndpoints {
  /** GET /users/search; `total` from `X-Total-Count` (present when `limit` is given). */
  searchUsers(req: IRequestSearchUsers, signal?: AbortSignal): Promise<Page<IUser>> {
    return this.page({ method: 'GET', path: '/users/search', query: { ...req }, signal });
  }

  /** GET /users/search/names/{pattern}: pattern matched against first name, last name or email. */
  searchUsersNames(pattern: string, req: Omit<IRequestSearchUsersNames, 'pattern'> = {}, signal?: AbortSignal): Promise<Page<IUser>> {
    const { pattern: _ignored, ...rest } = req as IRequestSearchUsersNames;
    return this.page({ method: 'GET', path: `/users/search/names/${seg(pattern)}`, query: { ...rest }, signal });
  }

  /** GET /users?ids=… for exactly these users: batches of up to 1,000 ids, as many as fit in a request line. */
  async allUsers(ids: string[], fields?: string, signal?: AbortSignal): Promise<IUser[]> {
    const out: IUser[] = [];
    const room = QUERY_CHARS_PER_REQUEST - encodeQuery({ fields, ids: [] }).length;
    for (const batch of idBatches(ids, room)) {
      out.push(...(await this.list<IUser>({ method: 'GET', path: '/users', query: { fields, ids: batch }, signal })));
    }
    return out;
  }

  user(id: string, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: `/users/${seg(id)}`, query: { fields }, signal });
  }

  userForCredential(type: CredentialType, credentialId: string, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: `/users/credential/${seg(type)}/${seg(credentialId)}`, query: { fields }, signal });
  }

  createUser(body: Partial<IWriteUser>, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'POST', path: '/users', query: { fields }, body, signal });
  }

  /** PATCH /users/{id} with exactly the given fields. */
  updateUser(id: string, body: Partial<IWriteUser>, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}`, query: { fields }, body, signal });
  }

  deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Service accounts (alpha in Looker)

  createServiceAccount(body: Partial<IWriteServiceAccount>, fields?: string, signal?: AbortSignal): Promise<IServiceAccount> {
    return this.json({ method: 'POST', path: '/users/service_accounts', query: { fields }, body, signal });
  }

  updateServiceAccount(id: string, body: Partial<IWriteServiceAccount>, fields?: string, signal?: AbortSignal): Promise<IServiceAccount> {
    return this.json({ method: 'PATCH', path: `/users/service_accounts/${seg(id)}`, query: { fields }, body, signal });
  }

  deleteServiceAccount(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/service_accounts/${seg(id)}`, signal });
  }
}
