/**
 * The bulk feature (its own bundle, loaded on first use by features.ts): bulk actions with dry run, preview, progress,
 * report and resume; Update Emails and Invite Users from CSV; Export Users…; the audit log and Undo; and the single
 * changes of the details panel and service accounts (jobs of one). Takes over `looker.disableUsers` /
 * `looker.enableUsers`.
 *
 * Where things are: the command table and the actions' titles in titles.ts; a command's targets in targets.ts and its
 * parameters in pickers.ts; the pipeline (dry run → preview → job → runner → audit → report) in jobFlow.ts; a job of
 * one in runOne.ts; undo.ts, resume.ts, report.ts, invitations.ts, updateEmails.ts, exportUsers.ts.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import type { AuditEntry, AuditLog } from '../audit/log';
import type { ConnectionProfile } from '../looker/profile';
import type { Handler, Registrar } from '../commands/register';
import { exportUsers, type ExportRequest } from './exportUsers';
import { InviteCommands } from './invitations';
import { JobFlow, type BulkDeps, type BulkOutcome } from './jobFlow';
import { BulkPreview } from './preview';
import { saveReportCsv } from './report';
import { offerResume, resume, retryFailed } from './resume';
import { SingleChanges } from './runOne';
import type { SingleOutcome } from '../actions/types';
import { JobStore } from './store';
import { resolveTargets, type BulkRequest } from './targets';
import { ACTION_COMMANDS } from './titles';
import type { BulkJob } from './types';
import type { BulkAction, BulkParams, Invite } from '../actions/types';
import { openAuditLog, undo } from './undo';
import { updateEmailsFromCsv } from './updateEmails';

export type { BulkDeps, BulkOutcome } from './jobFlow';
export type { BulkRequest } from './targets';

export class BulkCommands implements vscode.Disposable {
  readonly jobs: JobStore;
  readonly preview: BulkPreview;
  /** The core audit log (built in extension.ts). */
  readonly audit: AuditLog;
  private readonly flow: JobFlow;
  private readonly single: SingleChanges;
  private readonly invites: InviteCommands;

  constructor(private readonly deps: BulkDeps) {
    this.audit = deps.audit;
    this.jobs = new JobStore(path.join(deps.context.globalStorageUri.fsPath, 'bulk-jobs'));
    this.preview = new BulkPreview(deps.context.extensionUri);
    this.flow = new JobFlow(deps, this.jobs, this.preview, {
      retryFailed: (job, profile) => this.retryFailed(job, profile),
      resume: (jobId) => this.resume(jobId),
    });
    this.single = new SingleChanges(this.flow);
    this.invites = new InviteCommands(this.flow);
  }

  /**
   * Registers the commands with one call. Commands are a public API (other extensions, command links): their
   * arguments only say which tree items were clicked (or which CSV file was dropped). Ids, parameters, targets and
   * fields from anywhere else never reach a write or skip a dialog.
   */
  register(registrar: Registrar): void {
    const actions: Record<string, Handler> = {};
    for (const [id, action] of ACTION_COMMANDS) actions[id] = (c?: unknown, s?: unknown) => this.start(action, c, s);
    const csv = (file?: unknown) => (file instanceof vscode.Uri ? file : undefined);
    registrar({
      ...actions,
      'looker.bulk.updateEmailsFromCsv': (file?: unknown) => this.updateEmailsFromCsv(csv(file)),
      'looker.bulk.inviteUser': () => this.inviteUser(),
      'looker.bulk.inviteUsersFromCsv': (file?: unknown) => this.inviteUsersFromCsv(csv(file)),
      'looker.exportUsers': (c?: unknown, s?: unknown) => this.exportUsers(c, s),
      'looker.openAuditLog': () => openAuditLog(this.audit),
      'looker.undo': () => this.undo(),
      'looker.bulk.resume': (jobId?: unknown) => this.resume(typeof jobId === 'string' ? jobId : undefined),
    });
    this.deps.context.subscriptions.push(this.preview, this);
    void offerResume(this.flow);
  }

  /** A bulk command: targets (tree items) → parameters → dry run → preview → run → report. */
  async start(action: BulkAction, clicked?: unknown, selected?: unknown): Promise<BulkOutcome | undefined> {
    return this.startFor(action, await resolveTargets(this.deps.manager, this.deps.view, clicked, selected));
  }

  /** A job for explicit users (the test handle, the details panel): dry run → preview → run → report, like a command. */
  startFor(action: BulkAction, req: BulkRequest): Promise<BulkOutcome | undefined> {
    return this.flow.startFor(action, req);
  }

  /** A single change (the details panel, service accounts): a job of one user, see runOne.ts. */
  runOne(action: BulkAction, userId: string, connectionId: string, params: BulkParams): Promise<SingleOutcome> {
    return this.single.run(action, userId, connectionId, params);
  }

  /** Undo: picked from the audit log (or, from the test handle, a job or entry id). */
  undo(pick?: { jobId?: string; entryId?: string }): Promise<BulkOutcome | AuditEntry | undefined> {
    return undo(this.flow, this.single, pick);
  }

  /** Resumes a cancelled or interrupted job (picked from a list when no id is given). */
  resume(jobId?: string): Promise<BulkOutcome | undefined> {
    return resume(this.flow, jobId);
  }

  /** "Retry failed": a new dry run and job for the users that failed. */
  retryFailed(job: BulkJob, profile?: ConnectionProfile): Promise<BulkOutcome | undefined> {
    return retryFailed(this.flow, job, profile);
  }

  saveReportCsv(job: BulkJob): Promise<vscode.Uri | undefined> {
    return saveReportCsv(job);
  }

  /** Export Users…; `opts` comes only from internal callers (the test handle), never from the command's arguments. */
  exportUsers(clicked?: unknown, selected?: unknown, opts?: ExportRequest): Promise<vscode.Uri | undefined> {
    return exportUsers(this.deps, clicked, selected, opts);
  }

  /** Invite User…; `invite` comes only from internal callers (the test handle), never from the command's arguments. */
  inviteUser(invite?: Invite): Promise<BulkOutcome | undefined> {
    return this.invites.inviteUser(invite);
  }

  inviteUsersFromCsv(file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
    return this.invites.inviteUsersFromCsv(file);
  }

  updateEmailsFromCsv(file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
    return updateEmailsFromCsv(this.flow, file);
  }

  dispose(): void {
    // The preview is disposed through context.subscriptions; running jobs stop with the extension host and resume later.
    this.single.dispose();
  }
}
