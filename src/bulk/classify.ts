/**
 * What the dry run concludes for each user (plain Node, no `vscode`): from what plan.ts read of the user (and the
 * extra reads an action needs), whether the action would change it (before → after), find it already so (skip), or
 * cannot (with the reason). A new kind of change gets its `case` in `classify` here.
 */
import type { IUser } from '@looker/sdk';
import { personName } from '../format/names';
import { findConflicts, withoutApplied, type UserLike } from '../actions/edits';
import type { Edits } from '../actions/edits';
import type { BulkAction, BulkParams, FieldValues } from '../actions/types';

export type PlanKind = 'change' | 'skip' | 'impossible';

export interface PlanItem {
  userId: string;
  label: string;
  kind: PlanKind;
  /** Why it is skipped or impossible. */
  reason?: string;
  /** The field an "impossible" is about (a single edit shows it next to that field). */
  field?: string;
  before?: FieldValues;
  after?: FieldValues;
  /** createUser: the user who already has the invited email. */
  existingUserId?: string;
  /** Delete: what the user owns that the delete takes with it (read by the dry run). */
  owns?: Owned;
}

/** What a user owns that a delete affects: Looker deletes their schedules, and their personal folder goes to Trash. */
export interface Owned {
  schedules: { id: string; name: string }[];
  /** Looks and dashboards directly in the personal folder (undefined: the user has none, or it could not be read). */
  looks?: number;
  dashboards?: number;
}

/** The user's field holding a credential of `kind` (`credentials_api3`, …). */
export function credentialField(kind: string): string {
  return `credentials_${kind}`;
}

/** Whether the user (read with {@link credentialField}) still has that credential (api3 and embed: that id). */
export function hasCredential(u: IUser, kind: string, credentialId?: string): boolean {
  const v = (u as Record<string, unknown>)[credentialField(kind)];
  if (Array.isArray(v)) return v.some((c: { id?: unknown }) => String(c?.id ?? '') === credentialId);
  return !!v;
}

/** What the dry run reads besides each user: the edited fields (updateUser) and whether a home folder exists. */
export interface PlanExtra {
  roles?: string[];
  /** addRole / removeRole: whether the user has the role directly (one role_users read for all users). */
  hasRole?: boolean;
  sessions?: number;
  lockouts?: number;
  attribute?: AttributeNow;
  apiUserId?: string;
  /** updateUser: the current values of the edited fields. */
  current?: UserLike;
  /** updateUser: the new home_folder_id is no folder of the instance. */
  folderMissing?: string;
  /** delete: what the user owns that the delete takes with it. */
  owns?: Owned;
  /** reassignSchedules / Back: the planned schedules and their owners now. */
  schedules?: { id: string; owner: string }[];
}

/** A user's current value of one attribute: where it comes from, and the value unless it is hidden. */
export interface AttributeNow {
  source: string | null;
  value: string | null;
}

/** What the audit log and the preview show for an attribute value: never a hidden one. */
export function shownValue(params: BulkParams, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return params.attributeHidden ? '(hidden)' : value;
}

export function labelOf(u: IUser | undefined, id: string): string {
  if (!u) return `#${id}`;
  const name = personName(u);
  const email = u.email ?? u.credentials_email?.email ?? '';
  if (name && email) return `${name} <${email}>`;
  return name || email || `#${id}`;
}

function item(userId: string, label: string, kind: PlanKind, extra: Partial<PlanItem> = {}): PlanItem {
  return { userId, label, kind, ...extra };
}

/** Classifies one user from what was read (roles: the direct role ids; sessions: the count). */
export function classify(
  action: BulkAction,
  params: BulkParams,
  userId: string,
  u: IUser | undefined,
  extra: PlanExtra = {},
): PlanItem {
  const label = labelOf(u, userId);
  if (!u) return item(userId, label, 'impossible', { reason: 'User not found (deleted?).' });
  const self = extra.apiUserId !== undefined && String(u.id) === extra.apiUserId;
  const cred = u.credentials_email ?? undefined;
  switch (action) {
    case 'disable':
      if (self) return item(userId, label, 'impossible', { reason: 'This is the API user of the connection.' });
      if (u.is_disabled) return item(userId, label, 'skip', { reason: 'Already disabled.' });
      return item(userId, label, 'change', { before: { is_disabled: false }, after: { is_disabled: true } });
    case 'enable':
      if (!u.is_disabled) return item(userId, label, 'skip', { reason: 'Already enabled.' });
      return item(userId, label, 'change', { before: { is_disabled: true }, after: { is_disabled: false } });
    case 'forcePasswordReset':
    case 'clearPasswordReset': {
      const flag = action === 'forcePasswordReset';
      if (!cred) return item(userId, label, 'impossible', { reason: 'No email/password login.' });
      if (!!cred.forced_password_reset_at_next_login === flag) {
        return item(userId, label, 'skip', { reason: flag ? 'A reset is already required.' : 'No reset is required.' });
      }
      return item(userId, label, 'change', { before: { forced_password_reset_at_next_login: !flag }, after: { forced_password_reset_at_next_login: flag } });
    }
    case 'sendPasswordReset':
      if (!cred) return item(userId, label, 'impossible', { reason: 'No email/password login.' });
      if (u.is_disabled) return item(userId, label, 'impossible', { reason: 'The user is disabled.' });
      // Looker sends the account setup email instead to a user who never logged in (an invited user).
      return item(userId, label, 'change', { after: { [cred.logged_in_at ? 'password_reset_email' : 'setup_email']: 'sent' } });
    case 'endSessions': {
      if (params.sessionIds) {
        const open = new Set((u.sessions ?? []).map((s) => String(s.id)));
        const ending = params.sessionIds.filter((s) => open.has(s)).length;
        if (!ending) return item(userId, label, 'skip', { reason: 'Already ended.' });
        return item(userId, label, 'change', { before: { sessions: open.size }, after: { sessions: open.size - ending } });
      }
      if (extra.sessions === 0) return item(userId, label, 'skip', { reason: 'No active sessions.' });
      return item(userId, label, 'change', { before: { sessions: extra.sessions ?? null }, after: { sessions: 0 } });
    }
    case 'addToGroup':
    case 'removeFromGroup': {
      const g = params.groupId ?? '';
      const member = (u.group_ids ?? []).map(String).includes(g);
      if (action === 'addToGroup' && member) return item(userId, label, 'skip', { reason: 'Already a member.' });
      if (action === 'removeFromGroup' && !member) return item(userId, label, 'skip', { reason: 'Not a direct member.' });
      return action === 'addToGroup'
        ? item(userId, label, 'change', { before: { group: null }, after: { group: g } })
        : item(userId, label, 'change', { before: { group: g }, after: { group: null } });
    }
    case 'addRole':
    case 'removeRole': {
      const r = params.roleId ?? '';
      if (extra.hasRole !== undefined) {
        // Read for all users at once (the role's direct members): the change is shown for this role only; the write
        // reads the user's direct roles again and sends them with this one added or removed.
        if (action === 'addRole' && extra.hasRole) return item(userId, label, 'skip', { reason: 'Already has the role.' });
        if (action === 'removeRole' && !extra.hasRole) return item(userId, label, 'skip', { reason: 'Does not have the role directly.' });
        return item(userId, label, 'change', { before: { role: action === 'addRole' ? null : r }, after: { role: action === 'addRole' ? r : null } });
      }
      const current = extra.roles ?? (u.role_ids ?? []).map(String);
      const has = current.includes(r);
      if (action === 'addRole' && has) return item(userId, label, 'skip', { reason: 'Already has the role.' });
      if (action === 'removeRole' && !has) return item(userId, label, 'skip', { reason: 'Does not have the role directly.' });
      const next = action === 'addRole' ? [...current, r] : current.filter((x) => x !== r);
      return item(userId, label, 'change', { before: { role_ids: current }, after: { role_ids: next } });
    }
    case 'delete':
      if (self) return item(userId, label, 'impossible', { reason: 'This is the API user of the connection.' });
      return item(userId, label, 'change', { before: { exists: true }, after: { exists: false }, ...(extra.owns ? { owns: extra.owns } : {}) });
    case 'reassignSchedules':
    case 'reassignSchedulesBack': {
      const to = params.toUserId ?? '';
      if (!to) return item(userId, label, 'impossible', { reason: 'No new owner given.' });
      if (action === 'reassignSchedules' && userId === to) return item(userId, label, 'impossible', { reason: 'This is the new owner.' });
      // Forward: every schedule the user owns goes to `to`. Back: the planned ones still with `to` return to the user.
      const from = action === 'reassignSchedules' ? userId : to;
      const dest = action === 'reassignSchedules' ? to : userId;
      const moving = (extra.schedules ?? []).filter((p) => p.owner === from);
      if (!moving.length) return item(userId, label, 'skip', { reason: action === 'reassignSchedules' ? 'Owns no schedules.' : 'No schedule to give back.' });
      return item(userId, label, 'change', { before: { schedule_owner: from, schedules: moving.length }, after: { schedule_owner: dest, schedules: moving.length } });
    }
    case 'updateEmail': {
      const next = params.emails?.[userId];
      if (!next) return item(userId, label, 'impossible', { reason: 'No new email given.' });
      if (!cred) return item(userId, label, 'impossible', { reason: 'No email/password login.' });
      if ((cred.email ?? '').toLowerCase() === next.toLowerCase()) return item(userId, label, 'skip', { reason: 'Already has this email.' });
      return item(userId, label, 'change', { before: { email: cred.email ?? null }, after: { email: next } });
    }
    case 'setUserAttribute':
    case 'clearUserAttribute': {
      const key = params.attributeName ?? params.attributeId ?? 'attribute';
      const now = extra.attribute;
      if (!now) return item(userId, label, 'impossible', { reason: 'The attribute could not be read for this user.' });
      const own = now.source === 'user';
      if (action === 'clearUserAttribute') {
        if (!own) return item(userId, label, 'skip', { reason: 'No value set for this user.' });
        return item(userId, label, 'change', { before: { [key]: shownValue(params, now.value ?? '') }, after: { [key]: null } });
      }
      if (params.value === undefined) return item(userId, label, 'impossible', { reason: 'No value given.' });
      if (own && !params.attributeHidden && now.value === params.value) return item(userId, label, 'skip', { reason: 'Already has this value.' });
      const before = own ? shownValue(params, now.value ?? '') : null;
      return item(userId, label, 'change', { before: { [key]: before }, after: { [key]: params.attributeHidden ? '(hidden, replaced)' : params.value } });
    }
    case 'updateUser': {
      const edits = (params.fields ?? {}) as Edits;
      const current = extra.current ?? {};
      // Someone else changed a field since the person loaded it: nothing is written until they choose.
      const conflicts = findConflicts(params.base ?? {}, edits, current);
      if (conflicts.length) return item(userId, label, 'impossible', { reason: `Changed elsewhere since it was loaded: ${conflicts.map((c) => c.field).join(', ')}.`, before: pickKeys(current, Object.keys(edits)) });
      if (extra.folderMissing !== undefined) return item(userId, label, 'impossible', { reason: `There is no folder with id "${extra.folderMissing}" on this instance: home_folder_id was not changed.`, field: 'home_folder_id' });
      const body = withoutApplied(edits, current);
      if (!Object.keys(body).length) return item(userId, label, 'skip', { reason: 'Already has these values.' });
      return item(userId, label, 'change', { before: pickKeys(current, Object.keys(body)), after: { ...body } });
    }
    case 'createCredentialsEmail': {
      const next = params.emails?.[userId];
      if (!next) return item(userId, label, 'impossible', { reason: 'No new email given.' });
      if (cred) return item(userId, label, 'impossible', { reason: 'The user already has an email login.' });
      return item(userId, label, 'change', { before: { email: null }, after: { email: next } });
    }
    case 'createPasswordResetLink':
      if (!cred) return item(userId, label, 'impossible', { reason: 'No email/password login.' });
      return item(userId, label, 'change', { after: { reset_link: 'created' } });
    case 'deleteCredential': {
      const kind = params.credentialKind ?? '';
      const what = params.credentialId ? `${kind} ${params.credentialId}` : kind;
      if (!hasCredential(u, kind, params.credentialId)) return item(userId, label, 'skip', { reason: 'Already deleted.' });
      return item(userId, label, 'change', { before: { credential: what }, after: { credential: null } });
    }
    case 'createApiKey':
      return item(userId, label, 'change', { before: { api_key: null }, after: { api_key: 'created' } });
    case 'updateServiceAccount': {
      if (!u.is_service_account) return item(userId, label, 'impossible', { reason: 'Not a service account.' });
      const now = u as Record<string, unknown>;
      const body = Object.fromEntries(Object.entries(params.serviceAccount ?? {}).filter(([k, v]) => (now[k] ?? null) !== v));
      if (!Object.keys(body).length) return item(userId, label, 'skip', { reason: 'Already has these values.' });
      return item(userId, label, 'change', { before: pickKeys(now, Object.keys(body)), after: body });
    }
    case 'deleteServiceAccount':
      if (!u.is_service_account) return item(userId, label, 'impossible', { reason: 'Not a service account.' });
      return item(userId, label, 'change', { before: { service_account_name: u.service_account_name ?? null }, after: { service_account_name: null } });
    case 'deleteApiKey':
      if (!hasCredential(u, 'api3', params.credentialId)) return item(userId, label, 'skip', { reason: 'Already deleted.' });
      return item(userId, label, 'change', { before: { client_id: params.clientId ?? params.credentialId ?? null }, after: { client_id: null } });
    case 'createServiceAccount':
      return item(userId, label, 'impossible', { reason: 'A new service account is planned from its name, not from a user.' });
    case 'createUser':
      return item(userId, label, 'impossible', { reason: 'An invitation is planned from its row, not from a user.' });
    case 'unlock':
      if (!extra.lockouts) return item(userId, label, 'skip', { reason: 'Not locked out.' });
      return item(userId, label, 'change', { before: { locked_out: true }, after: { locked_out: false } });
  }
}

function pickKeys(values: UserLike, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, values[k] ?? null]));
}
