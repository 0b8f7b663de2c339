/**
 * Status groups of the Users tree, the finer per-user flags, and the search parameters of each group.
 * Pure code: no `vscode` import.
 *
 * Groups partition the users (every user is in exactly one):
 *   disabled  is_disabled
 *   embed     has an embed credential (search filter embed_user), not disabled
 *   service   is_service_account, not disabled, not embed
 *   active    everyone else
 *
 * Server-side grouping (`combineQuery`) ANDs the group's filters with the query's. That is impossible when
 *   - the query uses `or` (filter_or=true would OR the group filters into the query), or
 *   - the query has free text: search_users_names has is_disabled but no embed_user / is_service_account.
 * For those queries `combineQuery` answers 'ungrouped' for every group and the tree shows one flat, paged
 * list (built with `ungroupedRequest`) whose items still get their group icon from `classifyUser`.
 * Splitting only "disabled" off server-side would give three of the four groups wrong counts, so we don't.
 */
import type { IRequestSearchUsers, IRequestSearchUsersNames, IUser } from '@looker/sdk';
import type { ApiSurface } from '../looker/apiSurface';
import type { UserQuery, UserSearchParams } from './query';
import { DAY_MS, lastLoginAt, toMs } from './signIns';

export type UserGroup = 'active' | 'disabled' | 'embed' | 'service';

/** Display order of the groups. */
export const USER_GROUPS: readonly UserGroup[] = ['active', 'disabled', 'embed', 'service'];

export interface UserFlags {
  /** The user's id is in the login lockout list (search_user_login_lockouts / all_user_login_lockouts). */
  readonly lockedOut: boolean;
  /** No credential of any kind records a login, and the user has no API keys (see `noInteractiveSignIn`). */
  readonly neverSignedIn: boolean;
  /**
   * The user has API keys and no credential records an interactive sign-in. API use is not on the user record
   * (CredentialsApi3 has no logged_in_at), so this is not "never signed in": only System Activity knows.
   */
  readonly noInteractiveSignIn: boolean;
  /** credentials_email.forced_password_reset_at_next_login. */
  readonly forcedReset: boolean;
  /** Email user who never signed in and whose setup link (account setup or password reset URL) has expired. */
  readonly setupLinkExpired: boolean;
  /** Email user who never signed in and has a setup link that is still valid. */
  readonly setupLinkPending: boolean;
  /** A person (active or disabled group) without any SSO credential (saml, oidc, google, ldap, workforce). */
  readonly noSso: boolean;
  /** verified_looker_employee. */
  readonly lookerEmployee: boolean;
  /** presumed_looker_employee (deprecated in the API, still reported). */
  readonly presumedLookerEmployee: boolean;
}

export interface UserStatus {
  readonly group: UserGroup;
  readonly flags: UserFlags;
  /** Latest login over every credential (see `lastLoginAt`). */
  readonly lastLogin?: Date;
  /** Whole days between `lastLogin` and `now` (0 for a login in the future). */
  readonly daysSinceLogin?: number;
}

/** Anything that lists user ids: a Set, an array. */
export type UserIdCollection = ReadonlySet<string> | readonly string[];


/**
 * `fields` for the tree's search requests: what items, icons, tooltips, the flags and the smart searches need.
 * Note: the account setup / password reset URLs carry one-time tokens — treat response bodies as secret
 * (never log them). `classifyUser` works without the URL fields too (see `setupLink`), at the cost of not
 * detecting expired links; `TREE_USER_FIELDS_NO_URLS` is that variant.
 */
export const TREE_USER_FIELDS =
  'id,first_name,last_name,display_name,email,is_disabled,is_service_account,service_account_name,' +
  'verified_looker_employee,presumed_looker_employee,' +
  'credentials_email(email,created_at,logged_in_at,forced_password_reset_at_next_login,' +
  'account_setup_url,account_setup_url_expired,password_reset_url,password_reset_url_expired),' +
  'credentials_embed(id,external_user_id,created_at,logged_in_at),credentials_api3(id,created_at),' +
  'credentials_saml(created_at,logged_in_at),credentials_oidc(created_at,logged_in_at),' +
  'credentials_google(created_at,logged_in_at),credentials_ldap(created_at,logged_in_at),' +
  'credentials_workforce(created_at,logged_in_at),credentials_looker_openid(created_at,logged_in_at)';

/** TREE_USER_FIELDS without the token-bearing URLs (expired setup links are then not detected). */
export const TREE_USER_FIELDS_NO_URLS = TREE_USER_FIELDS.replace('account_setup_url,', '').replace(
  'password_reset_url,',
  '',
);

/**
 * Whether the instance can list `group` on its own: the "service" group needs the `is_service_account` filter, which
 * releases before 26.x lack (they would ignore it and list every enabled user). Without a surface: yes.
 */
export function groupSupported(group: UserGroup, surface?: ApiSurface): boolean {
  if (!surface) return true;
  return Object.keys(groupFilterAll(group)).every((p) => surface.searchUsers.has(p) || (group !== 'service' && p === 'is_service_account'));
}

/**
 * The server-side filters that select exactly one group with search_users. With `surface`, filters the instance
 * lacks are left out (on 24.20 "active" cannot exclude service accounts: that release has none to tell apart).
 */
export function groupFilter(group: UserGroup, surface?: ApiSurface): Readonly<UserSearchParams> {
  const all = groupFilterAll(group);
  if (!surface) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => surface.searchUsers.has(k))) as UserSearchParams;
}

function groupFilterAll(group: UserGroup): Readonly<UserSearchParams> {
  switch (group) {
    case 'disabled':
      return { is_disabled: true };
    case 'embed':
      return { is_disabled: false, embed_user: true };
    case 'service':
      return { is_disabled: false, embed_user: false, is_service_account: true };
    case 'active':
      return { is_disabled: false, embed_user: false, is_service_account: false };
  }
}

/**
 * The search_users parameters (without fields/limit/offset) for `group` under `query`:
 *   - null when no user of the group can match (the query pins a filter to the other value),
 *   - 'ungrouped' when server-side grouping is impossible (filter_or or free-text queries; see the file header).
 * A query with an unresolved `groupName` must go through `resolveGroup` first: that is a programming error
 * and throws, because dropping the group filter would silently show the wrong users.
 */
export function combineQuery(query: UserQuery, group: UserGroup, surface?: ApiSurface): UserSearchParams | null | 'ungrouped' {
  if (query.mode === 'names' || query.filterOr) return 'ungrouped';
  assertResolved(query);
  const out: Record<string, unknown> = { ...query.params };
  for (const [key, value] of Object.entries(groupFilter(group, surface))) {
    const current = out[key];
    if (current !== undefined && current !== null && current !== value) return null;
    out[key] = value;
  }
  return out as UserSearchParams;
}

/**
 * A derived group's server-side filters narrowed to a search: one request when both combine (null when they
 * contradict, so no user can match), 'ungrouped' when they cannot be sent together (a names search, OR, or two id
 * lists): then the search's own results are read and each user is checked with {@link satisfiesParams}.
 */
export function combineSmartQuery(query: UserQuery, params: Readonly<UserSearchParams>): UserSearchParams | null | 'ungrouped' {
  if (query.mode === 'names' || query.filterOr) return 'ungrouped';
  assertResolved(query);
  const out: Record<string, unknown> = { ...query.params };
  for (const [key, value] of Object.entries(params)) {
    const current = out[key];
    if (current === undefined || current === null) out[key] = value;
    else if (key === 'id') return 'ungrouped';
    else if (current !== value) return null;
  }
  return out as UserSearchParams;
}

/** Whether a user read by another request meets a derived group's server-side filters (booleans and id lists). */
export function satisfiesParams(user: IUser, params: Readonly<UserSearchParams>): boolean {
  const u = user as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'id' && typeof value === 'string') {
      if (!value.split(',').map((x) => x.trim()).includes(String(user.id ?? ''))) return false;
    } else if (typeof value === 'boolean' && u[key] !== undefined && u[key] !== null && u[key] !== value) {
      return false;
    }
  }
  return true;
}

/** The request of a flat (ungrouped) list for `query`. */
export type UsersRequest =
  | { readonly endpoint: 'search_users'; readonly params: IRequestSearchUsers }
  | { readonly endpoint: 'search_users_names'; readonly params: IRequestSearchUsersNames };

/** The flat-list request for `query` (used when `combineQuery` says 'ungrouped', or for a group-less view). */
export function ungroupedRequest(query: UserQuery): UsersRequest {
  assertResolved(query);
  if (query.mode === 'names') {
    const { id, first_name, last_name, email, is_disabled, verified_looker_employee, sorts } = query.params;
    const params: IRequestSearchUsersNames = { pattern: query.namesPattern ?? '%' };
    const extra = { id, first_name, last_name, email, is_disabled, verified_looker_employee, sorts };
    for (const [k, v] of Object.entries(extra)) {
      if (v !== undefined && v !== null) (params as unknown as Record<string, unknown>)[k] = v;
    }
    return { endpoint: 'search_users_names', params };
  }
  const params: IRequestSearchUsers = { ...query.params };
  if (query.filterOr) params.filter_or = true;
  return { endpoint: 'search_users', params };
}

function assertResolved(query: UserQuery): void {
  if (query.groupName !== undefined && (query.params.group_id === undefined || query.params.group_id === null)) {
    throw new Error('The group name of the query must be resolved to group_id first (resolveGroup)');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Classification

/** The group a user belongs to (same rules as `groupFilter`). */
export function groupOf(user: IUser): UserGroup {
  if (user.is_disabled === true) return 'disabled';
  if ((user.credentials_embed?.length ?? 0) > 0) return 'embed';
  if (user.is_service_account === true) return 'service';
  return 'active';
}

export const SSO_KINDS = ['credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap', 'credentials_workforce'] as const;

export function hasId(ids: UserIdCollection | undefined, id: string | undefined): boolean {
  if (!ids || id === undefined) return false;
  return 'has' in ids ? ids.has(id) : ids.includes(id);
}

/**
 * The setup-link state of an email user who never signed in. Looker sends new users either an account
 * setup URL or (older instances) a password reset URL; the `*_expired` flags mean "expired or not present",
 * so a link counts only when its URL is present — or, when the URL field was not requested at all
 * (undefined), when its expired flag is false (then it must be present and valid).
 */
function setupLink(user: IUser, neverSignedIn: boolean): 'none' | 'pending' | 'expired' {
  const ce = user.credentials_email;
  if (!ce || !neverSignedIn) return 'none';
  const links: Array<[string | null | undefined, boolean | undefined]> = [
    [ce.account_setup_url, ce.account_setup_url_expired],
    [ce.password_reset_url, ce.password_reset_url_expired],
  ];
  let expired = false;
  for (const [url, isExpired] of links) {
    if (typeof url === 'string' && url !== '') {
      if (isExpired !== true) return 'pending';
      expired = true;
    } else if (url === undefined && isExpired === false) {
      return 'pending';
    }
  }
  return expired ? 'expired' : 'none';
}

/** Group, flags and last login of a user. `lockedOutUserIds` comes from the login-lockout endpoints. */
export function classifyUser(user: IUser, now: Date | number, lockedOutUserIds?: UserIdCollection): UserStatus {
  const group = groupOf(user);
  const last = lastLoginAt(user);
  const apiKeys = (user.credentials_api3?.length ?? 0) > 0;
  const neverSignedIn = last === undefined && !apiKeys;
  const link = setupLink(user, last === undefined);
  const person = group === 'active' || group === 'disabled';
  const flags: UserFlags = {
    lockedOut: hasId(lockedOutUserIds, user.id),
    neverSignedIn,
    noInteractiveSignIn: last === undefined && apiKeys,
    forcedReset: user.credentials_email?.forced_password_reset_at_next_login === true,
    setupLinkExpired: link === 'expired',
    setupLinkPending: link === 'pending',
    noSso: person && SSO_KINDS.every((k) => user[k] === undefined || user[k] === null),
    lookerEmployee: user.verified_looker_employee === true,
    presumedLookerEmployee: user.presumed_looker_employee === true,
  };
  if (last === undefined) return { group, flags };
  return { group, flags, lastLogin: last, daysSinceLogin: Math.max(0, Math.floor((toMs(now) - last.getTime()) / DAY_MS)) };
}
