/**
 * A single change (every write of the details panel, a service account, the undo of a field edit): a job of one user
 * through the same pipeline as a bulk job, with a modal instead of the preview webview where the kind is destructive.
 */
import * as vscode from 'vscode';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { ConnectionProfile } from '../looker/profile';
import { ACTIONS } from '../actions/table';
import { confirmModal } from '../commands/prompt';
import { describeChanges } from '../actions/edits';
import { applyAction, type ActionOutcome, type ApplyOptions } from './actions';
import type { JobFlow } from './jobFlow';
import { jobFromPlan, planJob } from './plan';
import { confirmWords } from './titles';
import type { BulkAction, BulkParams, SingleOutcome } from '../actions/types';

export class SingleChanges implements vscode.Disposable {
  /** One client per connection for single changes (no login and logout per edit); dropped when connections change. */
  private readonly clients = new Map<string, LookerClient>();

  constructor(private readonly flow: JobFlow) {
    const { context, manager } = flow.deps;
    context.subscriptions.push(
      manager.store.onDidChange(() => this.dropClients()),
      manager.store.onDidChangeSecret(() => this.dropClients()),
    );
  }

  private dropClients(): void {
    for (const c of this.clients.values()) c.dispose();
    this.clients.clear();
  }

  /** The client of single changes on a connection: like a bulk job's (the runner alone retries), kept between edits. */
  private client(profile: ConnectionProfile): LookerClient {
    let c = this.clients.get(profile.id);
    if (!c) {
      c = this.flow.bulkClient(profile);
      this.clients.set(profile.id, c);
    }
    return c;
  }

  /**
   * A single change (the details panel, Undo of a single edit): a job of one user through the same pipeline as a
   * bulk job — the dry run (will change / already so / cannot, with the reason), a confirmation in the preview's
   * words naming the connection and host when the kind is destructive, the job saved with the instance and locked,
   * the runner (retry safety from the write table), one audit entry. No preview webview and no report: the panel
   * shows the outcome (Looker's field errors included).
   */
  async run(action: BulkAction, userId: string, connectionId: string, params: BulkParams, opts: { undoOf?: string } = {}): Promise<SingleOutcome> {
    const { manager } = this.flow.deps;
    const profile = manager.store.get(connectionId);
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('That connection no longer exists. Nothing was sent.') });
    const client = this.client(profile);
    const reader = manager.client(profile.id) ?? client;
    const me = await manager.apiUser(profile.id);
    const plan = await planJob(reader, action, params, [String(userId)], { apiUserId: me.id });
    const item = plan.items[0];
    if (item.kind !== 'change') return { status: item.kind === 'skip' ? 'skipped' : 'failed', message: item.reason, item };
    if (ACTIONS[action].destructive) {
      const words = confirmWords(action, params, 1, 1, profile);
      const detail = [item.label, describeChanges(item.before ?? {}, item.after ?? {})].filter(Boolean).join('\n');
      if ((await confirmModal(words.title, detail, words.confirmLabel)) !== words.confirmLabel) return { status: 'cancelled', item };
    }
    // A field edit sends only what differs from Looker's values now (the dry run's "after").
    const job = jobFromPlan(action === 'updateUser' ? { ...plan, params: { ...params, fields: item.after } } : plan, profile.id, { undoOf: opts.undoOf });
    job.instance = this.flow.identity(profile, me);
    await this.flow.jobs.save(job);
    // The write's own result stays in memory: a reset link is handed to the panel, never saved with the job.
    let outcome: ActionOutcome | undefined;
    let error: unknown;
    const apply = async (id: string, o: ApplyOptions) => {
      try {
        outcome = await applyAction(client, job.action, job.params, id, o);
        return outcome;
      } catch (err) {
        error = err;
        throw err;
      }
    };
    const { result } = await this.flow.execute(job, profile, client, { apply, single: true });
    if (result.fatal) throw result.fatal;
    const state = job.state[String(userId)];
    if (state?.status === 'done') return { status: 'done', item, after: state.after, secret: outcome?.secret };
    if (state?.status === 'skipped') return { status: 'skipped', message: state.message, item };
    if (state?.status === 'failed') return { status: 'failed', message: state.message, error, item };
    return { status: 'cancelled', item };
  }

  dispose(): void {
    // Running jobs stop with the extension host and resume later.
    this.dropClients();
  }
}
