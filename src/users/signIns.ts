/**
 * When a user signed in, first got a credential and was last active (credentials' dates, and System Activity's when
 * known): the dates behind the "Inactive > 90 days" and "Never signed in" groups. Pure code: no `vscode` import.
 */
import type { IUser } from '@looker/sdk';

export const DAY_MS = 24 * 60 * 60 * 1000;

interface CredentialLike {
  readonly logged_in_at?: string | null;
  readonly created_at?: string | null;
}

/** Every credential object of the user, of every kind (single ones and the api3 / embed lists). */
function credentials(user: IUser, signInOnly = false): CredentialLike[] {
  const single = [
    user.credentials_email,
    user.credentials_saml,
    user.credentials_oidc,
    user.credentials_google,
    user.credentials_ldap,
    user.credentials_looker_openid,
    user.credentials_workforce,
    ...(signInOnly ? [] : [user.credentials_totp]),
  ];
  const lists = [...(signInOnly ? [] : (user.credentials_api3 ?? [])), ...(user.credentials_embed ?? [])];
  return [...single, ...lists].filter((c): c is NonNullable<typeof c> => c !== undefined && c !== null) as CredentialLike[];
}

function parseTime(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** A time as epoch milliseconds. */
export function toMs(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

/** Latest `logged_in_at` across every credential kind; undefined when none records a login. */
export function lastLoginAt(user: IUser): Date | undefined {
  let best: number | undefined;
  for (const c of credentials(user)) {
    const t = parseTime(c.logged_in_at);
    if (t !== undefined && (best === undefined || t > best)) best = t;
  }
  return best === undefined ? undefined : new Date(best);
}

/**
 * Earliest `created_at` across the user's sign-in credentials (email, SSO kinds, looker_openid, embed) — the
 * User model has no creation time of its own. TOTP and API keys are left out: they are not ways to sign in
 * to the UI, and TREE_USER_FIELDS does not fetch them.
 */
export function firstCredentialAt(user: IUser): Date | undefined {
  let best: number | undefined;
  for (const c of credentials(user, true)) {
    const t = parseTime(c.created_at);
    if (t !== undefined && (best === undefined || t < best)) best = t;
  }
  return best === undefined ? undefined : new Date(best);
}

/** Last UI and API activity of a user from System Activity (`user_facts`); absent = none recorded. */
export interface UserActivity {
  readonly lastUi?: Date;
  readonly lastApi?: Date;
}

/** Where activity dates came from: System Activity (UI and API), or the credentials' `logged_in_at` (UI only). */
export type ActivitySource = 'systemActivity' | 'credentials';

/** Latest activity: credentials' logins and, when known, System Activity's last UI and API use. */
export function lastActivityAt(user: IUser, activity?: UserActivity): Date | undefined {
  let best = lastLoginAt(user)?.getTime();
  for (const d of [activity?.lastUi, activity?.lastApi]) {
    const t = d?.getTime();
    if (t !== undefined && !Number.isNaN(t) && (best === undefined || t > best)) best = t;
  }
  return best === undefined ? undefined : new Date(best);
}

/** The oldest creation date among the user's credentials, API keys included (for users who never did anything). */
function firstAnyCredentialAt(user: IUser): Date | undefined {
  let best: number | undefined;
  for (const c of [...credentials(user, true), ...((user.credentials_api3 ?? []) as CredentialLike[])]) {
    const t = parseTime(c.created_at);
    if (t !== undefined && (best === undefined || t < best)) best = t;
  }
  return best === undefined ? undefined : new Date(best);
}

/**
 * True when the user shows no activity in the last `days` days before `now`: the latest activity (logins, and API
 * use when `activity` from System Activity is given) is older, or there was none and the oldest credential is older
 * (or no credential carries a date at all).
 */
export function isInactiveSince(user: IUser, days: number, now: Date | number, activity?: UserActivity): boolean {
  const cutoff = toMs(now) - days * DAY_MS;
  const reference = lastActivityAt(user, activity) ?? firstAnyCredentialAt(user);
  return reference === undefined || reference.getTime() < cutoff;
}
