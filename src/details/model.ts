/**
 * Turns what Looker returned into the display data of the details page (all values as text). No vscode import:
 * the caller passes its localizer (`vscode.l10n`) (vscode.l10n.t in the extension), so this is testable in plain Node.
 */
import type { IGroup, IRole, ISession, IUser, IUserAttribute, IUserAttributeWithValue, IUserLoginLockout } from '@looker/sdk';
import { settablePerUser } from '../actions/attributeValues';
import { editableValues } from '../actions/edits';
import { userLabel, type L10n } from '../format/names';
import type { AttributeRow, CredentialCard, CredentialKind, DetailsData, EmailCredential, LockoutInfo, NamedRef, Row, SessionRow } from './protocol';

export interface ModelInput {
  connectionId: string;
  connectionName: string;
  user: IUser;
  sessions: ISession[] | undefined;
  roles: Map<string, IRole> | undefined;
  /** Roles the user has including those through groups (from user_roles), when read. */
  effectiveRoles: IRole[] | undefined;
  /** Direct roles (user_roles?direct_association_only=true); `user.role_ids` is only the fallback. */
  directRoles?: IRole[] | undefined;
  groups: Map<string, IGroup> | undefined;
  attributes: IUserAttributeWithValue[] | undefined;
  /** Whether the attribute values were asked for and read (default: yes when `attributes` is given). */
  attributesLoaded?: boolean;
  /** The login lockout list (all_user_login_lockouts), when read; only this user's entries are used. */
  lockouts?: IUserLoginLockout[];
  /** The attributes' definitions (all_user_attributes: type, is_system, user_can_edit), when read. */
  attributeMeta?: IUserAttribute[];
  /** Folder names by id (home, personal, embed group folder), where they could be read. */
  folderNames?: Map<string, string>;
  partialErrors: string[];
  now: Date;
  locale?: string;
}

/** The date and time as the display language writes them ("15 Jul 2026, 09:00"), in the local time zone. */
export function localDateTime(ms: number, locale?: string): string {
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(locale || 'en', opts).format(new Date(ms));
  } catch {
    return new Intl.DateTimeFormat('en', opts).format(new Date(ms));
  }
}

/** "15 Jul 2026, 09:00 (3 days ago)" in the display language; '' for no date; the raw text when it does not parse. */
export function formatDate(value: unknown, now: Date, locale?: string): string {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  const iso = localDateTime(ms, locale);
  const diff = (ms - now.getTime()) / 1000;
  const abs = Math.abs(diff);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1],
  ];
  const [unit, size] = units.find(([, s]) => abs >= s) ?? ['second', 1];
  let rel: string;
  try {
    rel = new Intl.RelativeTimeFormat(locale || 'en', { numeric: 'auto' }).format(Math.round(diff / size), unit);
  } catch {
    rel = new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(diff / size), unit);
  }
  return `${iso} (${rel})`;
}


function text(v: unknown, l10n: L10n): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? l10n.t('Yes') : l10n.t('No');
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function names(ids: readonly string[] | null | undefined, all: Map<string, { name?: string | null }> | undefined, l10n: L10n): NamedRef[] {
  return (ids ?? []).map((id) => ({ id: String(id), name: all?.get(String(id))?.name || l10n.t('(unknown, id {0})', String(id)) }));
}

const SINGLE_KINDS: { kind: CredentialKind; key: keyof IUser; title: string; idField?: string }[] = [
  { kind: 'email', key: 'credentials_email', title: 'Email' },
  { kind: 'saml', key: 'credentials_saml', title: 'SAML', idField: 'saml_user_id' },
  { kind: 'oidc', key: 'credentials_oidc', title: 'OpenID Connect', idField: 'oidc_user_id' },
  { kind: 'google', key: 'credentials_google', title: 'Google', idField: 'google_user_id' },
  { kind: 'ldap', key: 'credentials_ldap', title: 'LDAP', idField: 'ldap_id' },
  { kind: 'totp', key: 'credentials_totp', title: 'Two-factor (TOTP)' },
  { kind: 'looker_openid', key: 'credentials_looker_openid', title: 'Looker OpenID' },
  { kind: 'workforce', key: 'credentials_workforce', title: 'Workforce identity', idField: 'workforce_user_id' },
];

/** Credential fields never shown (tokens, links to the API). */
const HIDDEN_CRED_FIELDS = new Set(['can', 'url', 'user_url', 'password_reset_url', 'account_setup_url', 'password_reset_url_expired', 'account_setup_url_expired', 'type', 'user_id']);

function credentialRows(c: Record<string, unknown>, l10n: L10n, now: Date, locale?: string): Row[] {
  const label: Record<string, string> = {
    created_at: l10n.t('Created'), logged_in_at: l10n.t('Last login'), is_disabled: l10n.t('Disabled'), email: l10n.t('Email'),
    forced_password_reset_at_next_login: l10n.t('Password reset forced at next login'), domain: l10n.t('Domain'),
    google_user_id: l10n.t('Google user ID'), ldap_dn: l10n.t('LDAP DN'), ldap_id: l10n.t('LDAP ID'), saml_user_id: l10n.t('SAML user ID'),
    oidc_user_id: l10n.t('OIDC user ID'), workforce_user_id: l10n.t('Workforce user ID'), logged_in_ip: l10n.t('Last login IP'),
    verified: l10n.t('Verified'), client_id: l10n.t('Client ID'), purpose: l10n.t('Purpose'), id: l10n.t('ID'),
    external_user_id: l10n.t('External user ID'), external_group_id: l10n.t('External group ID'),
  };
  const rows: Row[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (HIDDEN_CRED_FIELDS.has(k)) continue;
    const value = k.endsWith('_at') ? formatDate(v, now, locale) || '—' : text(v, l10n);
    rows.push({ label: label[k] ?? k, value });
  }
  return rows;
}

function emailCredential(user: IUser, now: Date, locale?: string): EmailCredential | null {
  const c = user.credentials_email;
  if (!c) return null;
  const out: EmailCredential = {
    email: c.email ?? '',
    forcedReset: !!c.forced_password_reset_at_next_login,
    isDisabled: !!c.is_disabled,
    resetOutstanding: !!c.password_reset_url && !c.password_reset_url_expired,
    setupOutstanding: !!c.account_setup_url && !c.account_setup_url_expired,
  };
  // A login never used (an invited user): Looker's setup email carries the setup link, or a reset link.
  if (!c.logged_in_at) {
    const links = [[c.account_setup_url, c.account_setup_url_expired], [c.password_reset_url, c.password_reset_url_expired]] as const;
    const link = links.some(([u, x]) => !!u && !x) ? 'outstanding' : links.some(([u]) => !!u) ? 'expired' : 'none';
    out.setup = { created: formatDate(c.created_at, now, locale) || '—', link };
  }
  return out;
}

function credentials(user: IUser, l10n: L10n, now: Date, locale?: string): CredentialCard[] {
  const cards: CredentialCard[] = [];
  const u = user as unknown as Record<string, unknown>;
  for (const s of SINGLE_KINDS) {
    const c = u[s.key];
    if (!c || typeof c !== 'object') continue;
    const rows = credentialRows(c as Record<string, unknown>, l10n, now, locale);
    const em = s.kind === 'email' ? user.credentials_email : undefined;
    if (em) {
      rows.push({ label: l10n.t('Reset link'), value: em.password_reset_url ? (em.password_reset_url_expired ? l10n.t('expired') : l10n.t('outstanding')) : l10n.t('none') });
      rows.push({ label: l10n.t('Setup link'), value: em.account_setup_url ? (em.account_setup_url_expired ? l10n.t('expired') : l10n.t('outstanding')) : l10n.t('none') });
    }
    cards.push({ kind: s.kind, title: s.title, rows, deletable: s.kind !== 'workforce' });
  }
  for (const c of user.credentials_api3 ?? []) {
    const rows = credentialRows(c as unknown as Record<string, unknown>, l10n, now, locale);
    cards.push({ kind: 'api3', credentialId: String(c.id), title: l10n.t('API key {0}', c.client_id ?? String(c.id)), rows, deletable: true });
  }
  for (const c of user.credentials_embed ?? []) {
    const rows = credentialRows(c as unknown as Record<string, unknown>, l10n, now, locale);
    cards.push({ kind: 'embed', credentialId: String(c.id), title: l10n.t('Embed {0}', c.external_user_id ?? String(c.id)), rows, deletable: true });
  }
  return cards;
}

function sessionRows(sessions: ISession[], now: Date, locale?: string): SessionRow[] {
  return sessions.map((s) => ({
    id: String(s.id),
    browser: s.browser ?? '',
    os: s.operating_system ?? '',
    ip: s.ip_address ?? '',
    location: [s.city, s.state, s.country].filter(Boolean).join(', '),
    credentialsType: s.credentials_type ?? '',
    created: formatDate(s.created_at, now, locale),
    expires: formatDate(s.expires_at, now, locale),
    expired: !!s.expires_at && Date.parse(s.expires_at) <= now.getTime(),
    extendedCount: s.extended_count === null || s.extended_count === undefined ? '' : String(s.extended_count),
  }));
}

/** Attribute rows: hidden values are never passed on; the source says user / group / default. */
export function attributeRows(attrs: IUserAttributeWithValue[], l10n: L10n, meta?: IUserAttribute[]): AttributeRow[] {
  const defs = new Map((meta ?? []).map((m) => [String(m.id), m]));
  // With all_values the API lists every value on the attribute's search path (user, groups, default), the applying
  // one first: one row per attribute, with the value that applies and where it comes from, the others noted.
  const byId = new Map<string, IUserAttributeWithValue[]>();
  for (const a of attrs) {
    const id = String(a.user_attribute_id ?? a.name ?? '');
    const list = byId.get(id);
    if (list) list.push(a);
    else byId.set(id, [a]);
  }
  return [...byId.entries()].map(([id, list]) => {
    const set = list.filter((x) => x.source);
    const a = set[0] ?? list[0];
    const def = defs.get(String(a.user_attribute_id ?? ''));
    const hidden = !!a.value_is_hidden;
    const isSet = !!a.source;
    const value = !isSet
      ? '—'
      : hidden
        ? l10n.t('(hidden value set)')
        : a.value === null || a.value === undefined
          ? '—'
          : String(a.value);
    const overridden = set.slice(1).map((x) => describeSource(x.source, l10n));
    const source = describeSource(a.source, l10n);
    return {
      id,
      label: a.label ?? a.name ?? '',
      name: a.name ?? '',
      value,
      hidden,
      source: overridden.length ? l10n.t('{0} (overrides {1})', source, overridden.join(', ')) : source,
      type: def?.type ?? 'string',
      // Editable only when the definition was read and allows a per-user value (and Looker says we may update it).
      editable: !!def && settablePerUser(def) && a.can?.update !== false,
      own: list.some((x) => x.source === 'user'),
    };
  });
}

/** Looker's `source` ("user", "group: Sales", "default", …) in plain words. */
export function describeSource(source: string | null | undefined, l10n: L10n): string {
  if (!source) return l10n.t('not set');
  const s = source.trim();
  if (/^user$/i.test(s)) return l10n.t('user');
  if (/^default$/i.test(s)) return l10n.t('default');
  if (/^group/i.test(s)) return s.replace(/^group/i, l10n.t('group'));
  return s;
}

/** A folder by name ("Priya Raman"), by id when its name is not known. */
function folderText(id: unknown, names: Map<string, string> | undefined, l10n: L10n): string {
  if (id === null || id === undefined || id === '') return text(id, l10n);
  return names?.get(String(id)) ?? l10n.t('Folder {0}', String(id));
}

function profileRows(user: IUser, l10n: L10n, folders?: Map<string, string>): Row[] {
  const u = user as unknown as Record<string, unknown>;
  const rows: Row[] = [
    { label: l10n.t('ID'), value: text(u.id, l10n) },
    { label: l10n.t('Display name'), value: text(u.display_name, l10n) },
    { label: l10n.t('Email'), value: text(u.email, l10n) },
    { label: l10n.t('Personal folder'), value: folderText(u.personal_folder_id, folders, l10n) },
    {
      label: l10n.t('Service account'),
      // Releases before 26.x have no service accounts and no such field: say so rather than "No".
      value: u.is_service_account === undefined
        ? l10n.t('not reported by this Looker release')
        : u.is_service_account ? text(u.service_account_name, l10n) : l10n.t('No'),
    },
    { label: l10n.t('Verified Looker employee'), value: text(u.verified_looker_employee, l10n) },
    { label: l10n.t('Presumed Looker employee'), value: text(u.presumed_looker_employee, l10n) },
    { label: l10n.t('IAM admin'), value: text(u.is_iam_admin, l10n) },
    { label: l10n.t('Roles managed externally'), value: text(u.roles_externally_managed, l10n) },
    { label: l10n.t('Direct roles allowed'), value: text(u.allow_direct_roles, l10n) },
    { label: l10n.t('Normal group membership allowed'), value: text(u.allow_normal_group_membership, l10n) },
    { label: l10n.t('Roles from normal groups allowed'), value: text(u.allow_roles_from_normal_groups, l10n) },
    { label: l10n.t('Embed group folder'), value: folderText(u.embed_group_folder_id, folders, l10n) },
    { label: l10n.t('Looker versions'), value: text(u.looker_versions, l10n) },
    { label: l10n.t('UI state'), value: text(u.ui_state, l10n) },
  ];
  return rows;
}

/** This user's login lockout from the lockout list (the most failed attempts when there are several). */
export function lockoutOf(userId: string, lockouts: IUserLoginLockout[] | undefined, now: Date, locale?: string): LockoutInfo | null {
  const mine = (lockouts ?? []).filter((l) => String(l.user_id ?? '') === userId);
  if (!mine.length) return null;
  const worst = mine.reduce((a, b) => ((b.fail_count ?? 0) > (a.fail_count ?? 0) ? b : a));
  return { failCount: String(worst.fail_count ?? '?'), lockedAt: formatDate(worst.lockout_at, now, locale) };
}

export function buildDetails(input: ModelInput, l10n: L10n): DetailsData {
  const { user, now, locale } = input;
  const roleIds = input.directRoles
    ? input.directRoles.map((r) => String(r.id ?? '')).filter((id) => id !== '')
    : (user.role_ids ?? []).map(String);
  const direct = new Set(roleIds);
  const inherited = (input.effectiveRoles ?? []).filter((r) => r.id && !direct.has(String(r.id)));
  return {
    connectionId: input.connectionId,
    connectionName: input.connectionName,
    userId: String(user.id ?? ''),
    title: userLabel(user, l10n),
    values: editableValues(user as unknown as Record<string, unknown>),
    profile: profileRows(user, l10n, input.folderNames),
    credentials: credentials(user, l10n, now, locale),
    email: emailCredential(user, input.now, input.locale),
    sessions: sessionRows(input.sessions ?? user.sessions ?? [], now, locale),
    roles: names(roleIds, input.roles, l10n),
    inheritedRoles: inherited.map((r) => ({ id: String(r.id), name: r.name ?? String(r.id) })),
    groups: names(user.group_ids, input.groups, l10n),
    attributes: attributeRows(input.attributes ?? [], l10n, input.attributeMeta),
    attributesLoaded: input.attributesLoaded ?? input.attributes !== undefined,
    lockout: lockoutOf(String(user.id ?? ''), input.lockouts, now, locale),
    partialErrors: input.partialErrors,
    folderNames: Object.fromEntries(input.folderNames ?? []),
    loadedAt: now.toISOString(),
  };
}

/** The user as JSON for the clipboard, without one-time reset/setup link tokens. */
export function userJsonForCopy(user: IUser): string {
  return JSON.stringify(
    user,
    (k, v) => ((k === 'password_reset_url' || k === 'account_setup_url') && typeof v === 'string' ? '(hidden)' : v),
    2,
  );
}
