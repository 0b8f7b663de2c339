/**
 * The dry run (plain Node, no `vscode`): reads the current state of every user and says, per user, what the action
 * would change (before → after), what is already in the target state (skip) and what cannot be done. It sends
 * read requests only; what each user's reads mean is `classify` (classify.ts). An action that needs a read besides
 * the user's gets it in `planJob` here.
 */
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { mapLimit } from '../util/concurrency';
import type { UserLike } from '../actions/edits';
import { classify, credentialField, type AttributeNow, type Owned, type PlanExtra, type PlanItem, type PlanKind } from './classify';
import { planInvites } from './invite';
import { newJobId, type BulkJob, type UserState } from './types';
import { type BulkAction, type BulkParams } from '../actions/types';

export type { Owned, PlanItem, PlanKind } from './classify';

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

/** What the dry run of a service-account change reads besides {@link PLAN_USER_FIELDS} (releases with them only). */
const SERVICE_ACCOUNT_FIELDS = 'is_service_account,service_account_name';

/** What the dry run reads of every schedule: one request for all owners (`all_users`). */
const SCHEDULE_FIELDS = 'id,name,title,user_id';

/** Every schedule of the instance by owner (one request; the caller needs see_schedules, which admins have). */
async function schedulesByOwner(client: Pick<LookerClient, 'scheduledPlans'>, signal?: AbortSignal): Promise<Map<string, { id: string; name: string }[]>> {
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
