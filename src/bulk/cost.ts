/**
 * What a planned job will cost in API calls, and the cheaper routes Looker offers for it. No `vscode` import: the
 * preview shows the figures, the meter (src/looker/meter.ts) puts them against the month's allowance.
 */
import type { IUser } from '@looker/sdk';
import type { Plan } from './plan';
import type { BulkAction } from '../actions/types';

export interface JobCost {
  /** Write calls the job will send when it runs: one per change (one per session for End Sessions). */
  apply: number;
  /** Read calls the dry run made (counted by the caller from the client's requests). */
  planned?: number;
  /** Cheaper routes, as message keys with their arguments (the caller localizes them). */
  hints: CostHint[];
  /** Delete: the reads of what the users own, part of the dry run (all schedules at once, one per personal folder). */
  ownedReads?: number;
}

/**
 * The read requests the dry run of `action` makes for what `users` own: Delete reads every schedule in one request
 * (`all_users`) and each personal folder once; a reassignment reads the schedules once.
 */
export function ownedReads(action: BulkAction, users: Pick<IUser, 'personal_folder_id'>[]): number {
  if (action === 'delete') return 1 + users.filter((u) => !!u.personal_folder_id).length;
  if (action === 'reassignSchedules' || action === 'reassignSchedulesBack') return 1;
  return 0;
}

/** A role given to or taken from many users one by one: giving it to a group they share costs one call. */
export type CostHint = { kind: 'roleForGroup'; users: number };

/** Users at or above which a role change is cheaper given to a group once than to each user. */
const ROLE_FOR_GROUP_AT = 20;

export function jobCost(plan: Plan): JobCost {
  let apply = 0;
  for (const item of plan.items) {
    if (item.kind !== 'change') continue;
    if (plan.action === 'createUser') {
      // create_user, set_user_roles, add_group_user per group, the setup email.
      const a = item.after ?? {};
      const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
      apply += 1 + (count(a.role_ids) ? 1 : 0) + count(a.group_ids) + (a.setup_email === true ? 1 : 0);
    } else if (plan.action === 'endSessions') {
      const n = Number(item.before?.sessions);
      apply += Number.isFinite(n) && n > 0 ? n : 1;
    } else if (plan.action === 'reassignSchedules' || plan.action === 'reassignSchedulesBack') {
      // One PATCH per schedule that changes owner.
      apply += plan.params.schedules?.[item.userId]?.length ?? 0;
    } else apply += 1;
  }
  const hints: CostHint[] = [];
  const changes = plan.counts.change;
  if ((plan.action === 'addRole' || plan.action === 'removeRole') && changes >= ROLE_FOR_GROUP_AT) hints.push({ kind: 'roleForGroup', users: changes });
  const cost: JobCost = { apply, hints };
  // A folder that was read has counts (a missing folder was read too, but has none: then one call fewer is shown).
  if (plan.action === 'delete') cost.ownedReads = ownedReads('delete', plan.items.filter((i) => i.owns?.looks !== undefined).map(() => ({ personal_folder_id: 'read' })));
  return cost;
}
