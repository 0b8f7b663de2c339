/**
 * The dry run (plain Node, no `vscode`): reads the current state of every user and says, per user, what the action
 * would change (before → after), what is already in the target state (skip) and what cannot be done. It sends
 * read requests only.
 */
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { mapLimit } from '../util/concurrency';
import { personName } from '../format/names';
import { findConflicts, withoutApplied, type UserLike } from '../details/diff';
import type { Edits } from '../details/protocol';
import { planInvites } from './invite';
import { newJobId, type BulkAction, type BulkJob, type BulkParams, type FieldValues, type UserState } from './types';

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

export interface Plan {
  action: BulkAction;
  params: BulkParams;
  items: PlanItem[];
  counts: Record<PlanKind, number>;
}

export type PlanClient = Pick<LookerClient, 'allUsers' | 'user' | 'folder' | 'userRoles' | 'roleUsers' | 'allLoginLockouts' | 'userAttributeValues' | 'searchUsers' | 'scheduledPlans'>;

export interface PlanOptions {
  /** The API user's id: it cannot disable or delete itself. */
  apiUserId?: string;
  signal?: AbortSignal;
  /** Parallel per-user reads (direct roles). */
  concurrency?: number;
  /**
   * The users, already read with {@link PLAN_USER_FIELDS} (a whole group is read in pages of 1,000 that way): the
   * dry run then reads no user again. Ids without an entry here are read by id.
   */
  users?: IUser[];
}

/** What the dry run reads of each user: web sessions come with the user (`User.sessions`), not one call per user. */
export const PLAN_USER_FIELDS =
  'id,first_name,last_name,display_name,email,is_disabled,group_ids,role_ids,personal_folder_id,credentials_email(email,forced_password_reset_at_next_login,logged_in_at),sessions(id)';

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

/** What the dry run of a service-account change reads besides {@link PLAN_USER_FIELDS} (releases with them only). */
const SERVICE_ACCOUNT_FIELDS = 'is_service_account,service_account_name';

/** What the dry run reads of every schedule: one request for all owners (`all_users`). */
export const SCHEDULE_FIELDS = 'id,name,title,user_id';

/** Every schedule of the instance by owner (one request; the caller needs see_schedules, which admins have). */
export async function schedulesByOwner(client: Pick<LookerClient, 'scheduledPlans'>, signal?: AbortSignal): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  for (const p of await client.scheduledPlans({ allUsers: true, fields: SCHEDULE_FIELDS }, signal)) {
    const owner = String(p.user_id ?? '');
    if (!owner || !p.id) continue;
    const list = out.get(owner) ?? [];
    list.push({ id: String(p.id), name: p.name ?? p.title ?? `#${p.id}` });
    out.set(owner, list);
  }
  return out;
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

/** The user's value of one attribute (its `source` says user / group / default), or undefined when not listed. */
export async function attributeNow(client: Pick<LookerClient, 'userAttributeValues'>, userId: string, attributeId: string, signal?: AbortSignal): Promise<AttributeNow | undefined> {
  const rows = await client.userAttributeValues(userId, { fields: 'user_attribute_id,value,source', include_unset: true }, signal);
  const row = rows.find((r) => String(r.user_attribute_id ?? '') === attributeId);
  return row ? { source: row.source ?? null, value: row.value ?? null } : undefined;
}

/**
 * The dry run: reads (users given in `opts.users`, the others by id in batches of up to 1,000; direct roles or the attribute's
 * value per user when the action changes them; the lockout list once for Unlock), no writes. Web sessions are
 * counted from the users' `sessions` field.
 */
export async function planJob(client: PlanClient, action: BulkAction, params: BulkParams, userIds: string[], opts: PlanOptions = {}): Promise<Plan> {
  const ids = [...new Set(userIds.map(String))];
  if (action === 'createServiceAccount') {
    // No user exists yet: the job's one key stands for the account to make (the name it will have).
    const name = (params.serviceAccountName ?? '').trim();
    return countedPlan(action, params, ids.map((key) => name
      ? { userId: key, label: name, kind: 'change', before: { service_account: null }, after: { service_account_name: name, is_disabled: false } }
      : { userId: key, label: key, kind: 'impossible', reason: 'No name given.' }));
  }
  if (action === 'createUser') return countedPlan(action, params, await planInvites(client, params, ids, { signal: opts.signal, concurrency: opts.concurrency }));
  const byId = new Map((opts.users ?? []).map((u) => [String(u.id), u]));
  const missing = ids.filter((id) => !byId.has(id));
  // Deleting a credential also reads that credential (to tell one already gone).
  const fields = (action === 'deleteCredential' || action === 'deleteApiKey') && params.credentialKind ? `${PLAN_USER_FIELDS},${credentialField(params.credentialKind)}`
    : action === 'updateServiceAccount' || action === 'deleteServiceAccount' ? `${PLAN_USER_FIELDS},${SERVICE_ACCOUNT_FIELDS}` : PLAN_USER_FIELDS;
  if (missing.length) for (const u of await client.allUsers(missing, fields, opts.signal)) byId.set(String(u.id), u);
  const extras = new Map<string, PlanExtra>();
  let planParams = params;
  if (action === 'updateUser') {
    // The edited fields exactly as Looker has them now, and whether a new home folder exists (Looker accepts any id).
    const keys = Object.keys(params.fields ?? {});
    const folder = params.fields?.home_folder_id;
    let exists: boolean | undefined;
    for (const id of ids.filter((x) => byId.has(x))) {
      const current = (await client.user(id, keys.join(','), opts.signal)) as UserLike;
      const checked = typeof folder === 'string' && folder !== '' && String(current.home_folder_id ?? '') !== folder;
      if (checked) exists ??= await folderExists(client, folder, opts.signal);
      extras.set(id, { current, folderMissing: checked && !exists ? folder : undefined });
    }
  }
  if (action === 'endSessions') {
    for (const [id, u] of byId) extras.set(id, { sessions: Array.isArray(u.sessions) ? u.sessions.length : undefined });
  }
  if ((action === 'addRole' || action === 'removeRole') && params.roleId) {
    // Who has the role directly: one read for every user (not one per user).
    const holders = new Set((await client.roleUsers(params.roleId, 'id', true, opts.signal)).map((x) => String(x.id)));
    for (const id of ids.filter((x) => byId.has(x))) extras.set(id, { hasRole: holders.has(id) });
  }
  const needAttribute = action === 'setUserAttribute' || action === 'clearUserAttribute';
  if (needAttribute) {
    const present = ids.filter((id) => byId.has(id));
    const results = await mapLimit(present, Math.max(1, opts.concurrency ?? 4), async (id) => {
      if (opts.signal?.aborted) throw new LookerApiError({ kind: 'cancelled', message: 'Cancelled.' });
      extras.set(id, { attribute: await attributeNow(client, id, params.attributeId ?? '', opts.signal) });
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  if (action === 'unlock') {
    // One read of the lockout list (admins only; Looker keeps it short: it expires on its own).
    const counts = new Map<string, number>();
    for (const l of await client.allLoginLockouts('user_id', opts.signal)) {
      const id = String(l.user_id ?? '');
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of ids) extras.set(id, { lockouts: counts.get(id) ?? 0 });
  }
  if (action === 'delete') {
    // What each user owns: every schedule in one request, then one read of each personal folder's looks and dashboards.
    const schedules = await schedulesByOwner(client, opts.signal);
    const present = ids.filter((id) => byId.has(id));
    const results = await mapLimit(present, Math.max(1, opts.concurrency ?? 4), async (id) => {
      if (opts.signal?.aborted) throw new LookerApiError({ kind: 'cancelled', message: 'Cancelled.' });
      const owns: Owned = { schedules: schedules.get(id) ?? [] };
      const folderId = byId.get(id)?.personal_folder_id;
      if (folderId) {
        try {
          const f = await client.folder(String(folderId), 'id,looks(id),dashboards(id)', opts.signal);
          owns.looks = (f.looks ?? []).length;
          owns.dashboards = (f.dashboards ?? []).length;
        } catch (err) {
          if (!(err instanceof LookerApiError && err.status === 404)) throw err; // no such folder: nothing in it
        }
      }
      extras.set(id, { owns });
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  if (action === 'reassignSchedules' || action === 'reassignSchedulesBack') {
    const byOwner = await schedulesByOwner(client, opts.signal);
    const owner = new Map<string, string>();
    for (const [o, list] of byOwner) for (const p of list) owner.set(p.id, o);
    const planned: Record<string, string[]> = {};
    for (const id of ids) {
      // Forward: the user's schedules now. Back: the schedules the forward job moved (from its parameters).
      const list = action === 'reassignSchedules' ? (byOwner.get(id) ?? []).map((p) => p.id) : (params.schedules?.[id] ?? []);
      const now = list.filter((s) => owner.has(s)).map((s) => ({ id: s, owner: owner.get(s) as string }));
      extras.set(id, { schedules: now });
      const from = action === 'reassignSchedules' ? id : params.toUserId;
      const moving = now.filter((p) => p.owner === from).map((p) => p.id);
      if (moving.length) planned[id] = moving;
    }
    planParams = { ...params, schedules: planned };
  }
  const items = ids.map((id) => classify(action, planParams, id, byId.get(id), { ...extras.get(id), apiUserId: opts.apiUserId }));
  return countedPlan(action, planParams, items);
}

function countedPlan(action: BulkAction, params: BulkParams, items: PlanItem[]): Plan {
  const counts: Record<PlanKind, number> = { change: 0, skip: 0, impossible: 0 };
  for (const i of items) counts[i.kind]++;
  return { action, params, items, counts };
}

/** True when `folderId` is a folder of the instance (404: it is not). */
async function folderExists(client: Pick<LookerClient, 'folder'>, folderId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.folder(folderId, 'id', signal);
    return true;
  } catch (err) {
    if (err instanceof LookerApiError && err.status === 404) return false;
    throw err;
  }
}

/** A job from a confirmed plan: the users to change are pending; skipped and impossible ones are recorded as such. */
export function jobFromPlan(plan: Plan, connectionId: string, extra: { undoOf?: string; now?: number } = {}): BulkJob {
  const state: Record<string, UserState> = {};
  for (const i of plan.items) {
    if (i.kind === 'change') state[i.userId] = { status: 'pending', label: i.label, before: i.before, after: i.after };
    else state[i.userId] = { status: i.kind === 'skip' ? 'skipped' : 'failed', label: i.label, message: i.reason };
  }
  const job: BulkJob = {
    id: newJobId(extra.now),
    connectionId,
    action: plan.action,
    params: plan.params,
    userIds: plan.items.map((i) => i.userId),
    createdAt: new Date(extra.now ?? Date.now()).toISOString(),
    state,
  };
  if (extra.undoOf) job.undoOf = extra.undoOf;
  return job;
}
