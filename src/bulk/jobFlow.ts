/**
 * The write pipeline of a job: its parameters → the dry run → the preview (the confirmation naming the connection and
 * host) → the job saved with its instance and locked to this window → the runner → one audit line per write → the
 * report. Every bulk command, Undo, Resume and Retry Failed, and a single change (runOne.ts), run through here.
 */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import { apiAllowanceSettings } from '../connections/statusBar';
import { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { checkBudget } from '../looker/meter';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import type { UsersTreeProvider } from '../users/tree';
import { userOfLabel, type AuditConnection, type AuditLog } from '../audit/log';
import { describeChanges } from '../actions/edits';
import { previewNames } from './previewNames';
import { hostOf, sameInstance } from '../util/urls';
import { userCount } from '../util/plural';
import type { ActionOutcome, ApplyOptions } from './actions';
import { confirmBudget, costNotes } from './budget';
import { jobCost } from './cost';
import { pickNewOwner, askParams } from './pickers';
import { jobFromPlan, planJob, type Plan } from './plan';
import type { BulkPreview } from './preview';
import { reportExisting, showReport, type ReportActions } from './report';
import { DEFAULT_CONCURRENCY, runJob, type RunProgress, type RunResult } from './runner';
import { HEARTBEAT_MS, type JobStore } from './store';
import type { BulkRequest } from './targets';
import { actionTitle, confirmWords } from './titles';
import type { BulkJob } from './types';
import type { BulkAction, BulkParams } from '../actions/types';

/** What the bulk feature is built from (by features.ts). */
export interface BulkDeps {
  manager: ConnectionManager;
  tree: UsersTreeProvider;
  log: Log;
  context: vscode.ExtensionContext;
  /** The core audit log (built in extension.ts). */
  audit: AuditLog;
  /** The Users view: its selection is a command's target when no item was clicked. */
  view: vscode.TreeView<unknown>;
}

export interface BulkOutcome {
  job: BulkJob;
  result: RunResult;
}

/** How a saved job runs: a single change (no report, progress in the status bar) and its own apply step. */
export interface RunMode {
  single?: boolean;
  apply?: (userId: string, opts: ApplyOptions) => Promise<ActionOutcome>;
}

/** Refuses a change planned on one instance when its connection now points at another host. */
export function refuseOtherInstance(profile: ConnectionProfile, plannedUrl: string | undefined): void {
  if (plannedUrl === undefined || sameInstance(plannedUrl, profile.baseUrl)) return;
  throw new LookerApiError({
    kind: 'config',
    message: vscode.l10n.t(
      'Refused: this change was made on {0}, but the connection "{1}" now points at {2}. Nothing was sent.',
      hostOf(plannedUrl),
      profile.name,
      hostOf(profile.baseUrl),
    ),
  });
}

function runningElsewhere(): LookerApiError {
  return new LookerApiError({ kind: 'config', message: vscode.l10n.t('This bulk job is running in another VS Code window. It can be resumed there, or here once that window is closed.') });
}

function formatEta(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s >= 60 ? vscode.l10n.t('about {0} min left', Math.ceil(s / 60)) : vscode.l10n.t('about {0} s left', s);
}

export class JobFlow {
  /** This window, as the owner of the job locks (another window sees its jobs as running, not resumable). */
  readonly owner = `${vscode.env.sessionId}-${process.pid}`;
  private readonly running = new Map<string, Promise<BulkOutcome>>();

  constructor(
    readonly deps: BulkDeps,
    readonly jobs: JobStore,
    readonly preview: BulkPreview,
    private readonly reportActions: ReportActions,
  ) {}

  /** The bulk job's own client: no retries inside the client, so the runner alone paces requests after a 429. */
  bulkClient(profile: ConnectionProfile): LookerClient {
    const { manager, log } = this.deps;
    return new LookerClient(profile, {
      getSecret: () => manager.store.getSecret(profile.id),
      retry: { maxAttempts: 1 },
      log: (line) => log.trace(`[${profile.name}] bulk ${line}`),
    });
  }

  /** Runs `fn` with a bulk client of its own (see {@link bulkClient}), disposed when `fn` ends. */
  async withClient<T>(profile: ConnectionProfile, fn: (client: LookerClient) => Promise<T>): Promise<T> {
    const client = this.bulkClient(profile);
    try {
      return await fn(client);
    } finally {
      client.dispose();
    }
  }

  /** The instance identity a job and its audit entries carry. */
  identity(profile: ConnectionProfile, me: { id: string }): AuditConnection {
    const id = this.deps.manager.identity(profile.id) ?? { id: profile.id, name: profile.name, url: profile.baseUrl, host: hostOf(profile.baseUrl) };
    return me.id ? { ...id, apiUserId: me.id } : id;
  }

  /** The run of job `id` in this window, if it is running. */
  runningJob(id: string): Promise<BulkOutcome> | undefined {
    return this.running.get(id);
  }

  /** Runs `fn` holding job `id`'s lock (renewed by a heartbeat); refused while another window holds it. */
  async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (!(await this.jobs.claim(id, this.owner))) throw runningElsewhere();
    const beat = setInterval(() => void this.jobs.heartbeat(id), HEARTBEAT_MS);
    try {
      return await fn();
    } finally {
      clearInterval(beat);
      await this.jobs.release(id, this.owner).catch(() => undefined);
    }
  }

  /** A job for explicit users (a command's targets, the test handle, internal callers): parameters → dry run → preview → run → report. */
  async startFor(action: BulkAction, req: BulkRequest): Promise<BulkOutcome | undefined> {
    const ids = [...new Set(req.userIds.map(String))];
    if (!ids.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select one or more users (or a group) first.'));
      return undefined;
    }
    const { manager } = this.deps;
    const profile = req.connectionId ? manager.store.get(req.connectionId) : manager.requireClient().profile;
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('That connection no longer exists. Nothing was sent.') });
    return this.withClient(profile, async (client) => {
      const params = await askParams(manager.client(profile.id) ?? client, action, req.params ?? {});
      if (!params) return undefined;
      return this.planAndRun(profile, client, action, params, ids, { users: req.users });
    });
  }

  private async dryRun(profile: ConnectionProfile, bulkClient: LookerClient, action: BulkAction, params: BulkParams, ids: string[], users?: IUser[]): Promise<Plan> {
    // Reads go through the connection's usual client, which retries a 429 on its own; only the writes are paced by the runner.
    const client = this.deps.manager.client(profile.id) ?? bulkClient;
    const me = await this.deps.manager.apiUser(profile.id);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', userCount(ids.length)), cancellable: true },
      (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const concurrency = this.concurrency();
        return planJob(client, action, params, ids, { apiUserId: me.id, signal: abort.signal, concurrency, users });
      },
    );
  }

  private concurrency(): number {
    const n = vscode.workspace.getConfiguration('looker').get<number>('bulk.concurrency', DEFAULT_CONCURRENCY);
    return Number.isInteger(n) && n >= 1 && n <= 16 ? n : DEFAULT_CONCURRENCY;
  }

  /** Plans the job, shows the preview, saves and runs it once confirmed (`undoOf`: the job or entry it undoes). */
  async planAndRun(
    profile: ConnectionProfile,
    client: LookerClient,
    action: BulkAction,
    params: BulkParams,
    ids: string[],
    opts: { undoOf?: string; users?: IUser[] } = {},
  ): Promise<BulkOutcome | undefined> {
    const { manager, log } = this.deps;
    const meter = manager.meter;
    const callsBefore = meter?.counts(profile.id).month;
    const plan = await this.dryRun(profile, client, action, params, ids, opts.users);
    if (action === 'createUser' && !plan.counts.change) {
      reportExisting(plan, profile, log);
      return undefined;
    }
    const cost = jobCost(plan);
    const used = meter?.counts(profile.id).month ?? 0;
    if (callsBefore !== undefined) cost.planned = used - callsBefore;
    const { allowance, confirmAbovePercent } = apiAllowanceSettings();
    const budget = checkBudget(cost.apply, used, allowance, confirmAbovePercent);
    const notes = costNotes(cost, budget);
    log.info(`Dry run ${action} on ${profile.name}: ${plan.counts.change} to change; ${notes.join(' ')}`);
    // Every job, Undo and Resume included, is confirmed in the preview: nothing reaches Looker without it.
    const shown = await previewNames(client, action, plan.params);
    if (action === 'reassignSchedules' || action === 'reassignSchedulesBack') {
      shown.names = { ...shown.names, users: new Map([...plan.items.map((i): [string, string] => [i.userId, i.label]), ...(shown.names?.users ?? [])]) };
    }
    // Delete with a hand-over: users who own schedules (Looker deletes them with the user) can give them to someone first.
    const owners = action === 'delete' ? plan.items.filter((i) => i.kind === 'change' && (i.owns?.schedules.length ?? 0) > 0).map((i) => i.userId) : [];
    const ok = await this.preview.show(plan, {
      ...confirmWords(action, params, plan.items.length, plan.counts.change, profile),
      typeToConfirm: action === 'delete' ? String(plan.counts.change) : undefined,
      notes,
      ...shown,
      ...(owners.length ? { extraLabel: vscode.l10n.t('Reassign Schedules First…') } : {}),
    });
    if (ok === 'extra') {
      // The reassignment is a job of its own (dry run, preview naming the instance, audit, undo); then the delete is
      // planned and previewed again, showing what the users still own.
      const reader = manager.client(profile.id) ?? client;
      const to = await pickNewOwner(reader, new Set(ids), log);
      if (!to) return undefined;
      const moved = await this.planAndRun(profile, client, 'reassignSchedules', { toUserId: to.id, toUserName: to.name }, owners);
      if (!moved) return undefined;
      return this.planAndRun(profile, client, action, params, ids, opts);
    }
    if (!ok) {
      log.info(`Bulk ${action} on ${profile.name} (${profile.baseUrl}): preview of ${plan.items.length} user(s) cancelled; nothing was written`);
      return undefined;
    }
    if (budget.needsConfirmation && !(await confirmBudget(profile, budget))) return undefined;
    const job = jobFromPlan(plan, profile.id, { undoOf: opts.undoOf });
    job.instance = this.identity(profile, await manager.apiUser(profile.id));
    await this.jobs.save(job);
    return this.execute(job, profile, client);
  }

  /** Runs a saved job with progress, audit lines and the final report (a single change: no report). */
  execute(job: BulkJob, profile: ConnectionProfile, client: LookerClient, run: RunMode = {}): Promise<BulkOutcome> {
    const existing = this.running.get(job.id);
    if (existing) return existing;
    const p = this.locked(job.id, () => this.executeClaimed(job, profile, client, run)).finally(() => this.running.delete(job.id));
    this.running.set(job.id, p);
    return p;
  }

  private async executeClaimed(job: BulkJob, profile: ConnectionProfile, client: LookerClient, run: RunMode): Promise<BulkOutcome> {
    const { manager, log, tree, audit } = this.deps;
    const me = await manager.apiUser(profile.id);
    const title = actionTitle(job.action);
    const result = await vscode.window.withProgress(
      { location: run.single ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title, cancellable: !run.single },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let lastPct = 0;
        const report = (p: RunProgress) => {
          const finished = p.done + p.skipped + p.failed;
          const pct = p.total ? (finished / p.total) * 100 : 100;
          const parts = [vscode.l10n.t('{0} of {1}', finished, p.total)];
          if (p.failed) parts.push(vscode.l10n.t('{0} failed', p.failed));
          if (p.paused) parts.push(vscode.l10n.t('Looker asked to slow down'));
          const eta = formatEta(p.etaMs);
          if (eta) parts.push(eta);
          progress.report({ increment: Math.max(0, pct - lastPct), message: parts.join(' · ') });
          lastPct = pct;
        };
        return runJob(job, {
          client,
          apply: run.apply,
          concurrency: this.concurrency(),
          signal: abort.signal,
          onProgress: report,
          persist: (j) => this.jobs.save(j),
          onUserDone: (userId, state) => {
            // A single change is also one Output line: who, where, what (before → after), whom. Never a secret.
            if (run.single) log.info(`${me.name} @ ${profile.name}: ${job.action} ${describeChanges(state.before ?? {}, state.after ?? {})} — user ${userId} (${state.label ?? ''})`);
            return audit
              .record({
                connection: this.identity(profile, me),
                apiUser: me.name,
                action: job.action,
                // An invitation's key is its email (a new service account's, its name): the audit names the user it created.
                userId: (job.action === 'createUser' || job.action === 'createServiceAccount') && state.after?.id ? String(state.after.id) : userId,
                user: userOfLabel(state.label),
                before: state.before,
                after: state.after,
                jobId: job.id,
                params: job.params.groupId || job.params.roleId
                  ? { groupId: job.params.groupId, roleId: job.params.roleId, groupName: job.params.groupName, roleName: job.params.roleName }
                  : job.params.toUserId
                    ? { toUserId: job.params.toUserId, toUserName: job.params.toUserName, schedules: { [userId]: job.params.schedules?.[userId] ?? [] } }
                    : undefined,
                undoOf: job.undoOf,
              })
              .then(() => undefined);
          },
        });
      },
    );
    const counts = result.counts;
    log.info(`[${profile.name}] ${me.name}: bulk ${job.action} job ${job.id}: ${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.pending} pending, ${result.retries} retries, ${result.ms} ms`);
    const changed = job.userIds.filter((id) => job.state[id]?.status === 'done');
    // A single change's panel re-reads the user and refreshes the tree itself; it shows its own outcome.
    if (changed.length && !run.single) {
      if (job.action === 'delete') tree.removeUsers(changed);
      // The lockout list is read with the groups: a full reload empties "Locked out" and clears the users' lock flags.
      else if (job.action === 'unlock' || job.action === 'createUser' || job.action === 'createServiceAccount') tree.refresh();
      else void tree.updateUsers(changed).catch((err) => log.error('Refreshing users failed', err));
    }
    if (counts.pending === 0) await this.jobs.remove(job.id).catch(() => undefined);
    if (!run.single) void showReport(job, result, profile, this.reportActions);
    return { job, result };
  }
}
