/**
 * The smart (clean-up) searches of the Users tree: "Inactive > 90 days", "Never signed in", "Locked out", duplicate
 * emails and the others, each with its server-side filters and client-side test. Pure code: no `vscode` import.
 */
import type { IUser } from '@looker/sdk';
import type { ApiSurface } from '../looker/apiSurface';
import type { UserSearchParams } from './query';
import { isInactiveSince, type UserActivity } from './signIns';
import { SSO_KINDS, TREE_USER_FIELDS, classifyUser, groupFilter, groupOf, hasId, type UserIdCollection } from './status';

export interface SmartSearchContext {
  readonly now: Date | number;
  /** Needed by "Locked out": user ids from search_user_login_lockouts / all_user_login_lockouts. */
  readonly lockedOutUserIds?: UserIdCollection;
  /** What the instance accepts: filters it lacks are left out of `params`. */
  readonly surface?: ApiSurface;
  /** Last UI / API activity per user id from System Activity, when the API user may read it. */
  readonly activity?: ReadonlyMap<string, UserActivity>;
}

export type SmartSearchId = 'inactive90' | 'neverSignedIn' | 'lockedOut' | 'noEmail' | 'noSso' | 'duplicateEmails' | 'blankNames' | 'expiredSetup';

export interface SmartSearch {
  readonly id: SmartSearchId;
  readonly label: string;
  readonly description: string;
  /** The caller must fetch the login lockouts and pass their user ids in the context. */
  readonly needsLockouts: boolean;
  /** The caller should read System Activity for each page of candidates and pass it as `activity`. */
  readonly needsActivity: boolean;
  /**
   * Server-side filters (with TREE_USER_FIELDS and paging added by the caller). null = no user can match, skip
   * the request. Results must still pass `matches`, so counts are only known once every page is fetched.
   */
  params(ctx: SmartSearchContext): UserSearchParams | null;
  /** Client-side predicate over a user fetched with TREE_USER_FIELDS (or `fields`). */
  matches(user: IUser, ctx: SmartSearchContext): boolean;
  /** Fields to read instead of TREE_USER_FIELDS (a superset of them). */
  readonly fields?: string;
  /** A filter over all the matching users together (e.g. emails that more than one user has). */
  select?(users: IUser[]): IUser[];
}

/** TREE_USER_FIELDS plus the email of every credential that has one (for duplicate emails across credentials). */
export const EMAIL_CREDENTIAL_FIELDS = TREE_USER_FIELDS.replace(/credentials_(saml|oidc|google|ldap)\(created_at/g, 'credentials_$1(email,created_at');

const ALL_SSO_KINDS = [...SSO_KINDS, 'credentials_looker_openid'] as const;

/** Every email a user can log in with or is known by (lower case, unique). */
export function emailsOf(user: IUser): string[] {
  const u = user as unknown as Record<string, { email?: string | null } | string | null | undefined>;
  const out = new Set<string>();
  const add = (e: unknown) => {
    if (typeof e === 'string' && e.trim()) out.add(e.trim().toLowerCase());
  };
  add(user.email);
  add(user.credentials_email?.email);
  for (const k of ['credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap']) {
    const c = u[k];
    if (c && typeof c === 'object') add(c.email);
  }
  return [...out];
}

/** The users that share at least one email with another user (each email compared in lower case). */
export function withSharedEmails(users: IUser[]): IUser[] {
  const owners = new Map<string, Set<string>>();
  for (const u of users) {
    for (const e of emailsOf(u)) {
      const set = owners.get(e) ?? new Set<string>();
      set.add(String(u.id));
      owners.set(e, set);
    }
  }
  return users.filter((u) => emailsOf(u).some((e) => (owners.get(e)?.size ?? 0) > 1));
}

function blank(v: string | null | undefined): boolean {
  return !v || !v.trim();
}

/** Ids for a search_users `id` filter from a lockout list (unique, numeric, in the given order). */
function idList(ids: UserIdCollection | undefined): string[] {
  const out: string[] = [];
  for (const id of ids ?? []) if (/^[0-9]+$/.test(id) && !out.includes(id)) out.push(id);
  return out;
}

export const SMART_SEARCHES: readonly SmartSearch[] = [
  {
    id: 'inactive90',
    label: 'Inactive > 90 days',
    description:
      'Enabled people and API-only accounts whose latest activity is more than 90 days old: UI and API use from System ' +
      'Activity when readable, else the latest login on any credential (or creation, for those never seen)',
    needsLockouts: false,
    needsActivity: true,
    // Service accounts too: an API-only account nobody uses is what this view is for.
    params: (ctx) => {
      const { is_service_account: _any, ...rest } = groupFilter('active', ctx.surface);
      return rest;
    },
    matches: (user, ctx) => {
      const g = groupOf(user);
      return (g === 'active' || g === 'service') && isInactiveSince(user, 90, ctx.now, ctx.activity?.get(String(user.id ?? '')));
    },
  },
  {
    id: 'neverSignedIn',
    label: 'Never signed in',
    description: 'Enabled people without a login on any credential and without API keys (API-only users are not "never signed in")',
    needsLockouts: false,
    needsActivity: false,
    params: (ctx) => groupFilter('active', ctx.surface),
    matches: (user) => groupOf(user) === 'active' && classifyUser(user, 0).flags.neverSignedIn,
  },
  {
    id: 'lockedOut',
    label: 'Locked out',
    description: 'Users with a login lockout (too many failed attempts)',
    needsLockouts: true,
    needsActivity: false,
    params: (ctx) => {
      const ids = idList(ctx.lockedOutUserIds);
      return ids.length ? { id: ids.join(',') } : null;
    },
    matches: (user, ctx) => hasId(ctx.lockedOutUserIds, user.id),
  },
  {
    id: 'noEmail',
    needsActivity: false,
    label: 'No email login',
    description: 'Enabled people without an email/password credential',
    needsLockouts: false,
    params: () => groupFilter('active'),
    matches: (user) => groupOf(user) === 'active' && !user.credentials_email,
  },
  {
    id: 'noSso',
    needsActivity: false,
    label: 'No SSO login',
    description: 'Enabled people without any SSO credential (SAML, OIDC, Google, LDAP, workforce, Looker OpenID)',
    needsLockouts: false,
    params: () => groupFilter('active'),
    matches: (user) => groupOf(user) === 'active' && ALL_SSO_KINDS.every((k) => !(user as unknown as Record<string, unknown>)[k]),
  },
  {
    id: 'duplicateEmails',
    needsActivity: false,
    label: 'Duplicate emails',
    description: 'Users sharing an email with another user, on any credential',
    needsLockouts: false,
    fields: EMAIL_CREDENTIAL_FIELDS,
    params: () => ({}),
    matches: (user) => emailsOf(user).length > 0,
    select: withSharedEmails,
  },
  {
    id: 'blankNames',
    needsActivity: false,
    label: 'Blank names',
    description: 'Users with neither a first nor a last name',
    needsLockouts: false,
    params: () => ({}),
    matches: (user) => blank(user.first_name) && blank(user.last_name),
  },
  {
    id: 'expiredSetup',
    needsActivity: false,
    label: 'Expired setup links',
    description: 'People invited whose account setup link expired before they ever signed in',
    needsLockouts: false,
    params: () => ({ is_disabled: false }),
    matches: (user, ctx) => classifyUser(user, ctx.now).flags.setupLinkExpired,
  },
];
