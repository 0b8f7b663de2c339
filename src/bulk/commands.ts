import * as vscode from 'vscode';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IUser } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { registerCommand } from '../commands/register';
import { describeError } from '../commands/errors';
import { confirmModal } from '../commands/prompt';
import { hostOf, sameInstance } from '../util/urls';
import type { UsersTreeProvider } from '../users/tree';
import { GroupNode } from '../users/nodes';
import { targetUsers } from '../users/commands';
import { undoStep, undoableEntries, undoableJobs, userOfLabel, type AuditConnection, type AuditEntry, type AuditLog, type UndoableJob } from '../audit/log';
import { checkAttributeValue, settablePerUser } from './attributes';
import { EXPORT_FIELDS, apiFields, parseEmailCsv, toCsv, usersToCsv, usersToJson, type BadRow } from './csv';
import { PLAN_USER_FIELDS, jobFromPlan, planJob, type Plan, type PlanItem } from './plan';
import { ACTIONS } from '../actions/table';
import { applyAction, type ActionOutcome, type ApplyOptions } from './actions';
import { describeChanges } from '../details/diff';
import { jobCost, type JobCost } from './cost';
import { BATCH_LIMIT, idChunks, pages, writeUsers } from './export';
import { checkBudget, type BudgetCheck } from '../looker/meter';
import { apiAllowanceSettings } from '../connections/statusBar';
import { BulkPreview } from './preview';
import { DEFAULT_CONCURRENCY, runJob, type RunProgress, type RunResult } from './runner';
import { HEARTBEAT_MS, JobStore } from './store';
import { isBulkAction, jobCounts, type BulkAction, type BulkJob, type BulkParams } from './types';
import { inviteKey, parseInviteCsv, INVITE_COLUMNS, type Invite } from './invite';
import { askInvite, type InviteDraft } from './inviteInput';
import { pickExportTarget, type ExportTarget } from './exportTarget';
import { changeLabel, describeValues, fieldLabel } from '../format/labels';
import { previewNames } from '../format/previewNames';
import { formatDateTime } from '../format/dates';
import { userCount } from '../util/plural';
import { personName } from '../format/names';

/**
 * How a bulk job is started from code (the test handle, Undo): explicit users and parameters. Never reachable from a
 * command's arguments, and it always goes through the dry run and the preview.
 */
export interface BulkRequest {
  userIds: string[];
  params?: BulkParams;
  /** The users already read with PLAN_USER_FIELDS (a whole group): the dry run reads them no second time. */
  users?: IUser[];
  /** The connection the users belong to (a details panel's); the active connection when absent. */
  connectionId?: string;
}

export interface BulkOutcome {
  job: BulkJob;
  result: RunResult;
}

/** How a saved job runs: a single change (no report, progress in the status bar) and its own apply step. */
interface RunMode {
  single?: boolean;
  apply?: (userId: string, opts: ApplyOptions) => Promise<ActionOutcome>;
}

const ACTION_COMMANDS: [string, BulkAction][] = [
  ['looker.disableUsers', 'disable'],
  ['looker.enableUsers', 'enable'],
  ['looker.bulk.forcePasswordReset', 'forcePasswordReset'],
  ['looker.bulk.sendPasswordReset', 'sendPasswordReset'],
  ['looker.bulk.endSessions', 'endSessions'],
  ['looker.bulk.addToGroup', 'addToGroup'],
  ['looker.bulk.removeFromGroup', 'removeFromGroup'],
  ['looker.bulk.addRole', 'addRole'],
  ['looker.bulk.removeRole', 'removeRole'],
  ['looker.bulk.delete', 'delete'],
  ['looker.bulk.unlock', 'unlock'],
  ['looker.bulk.setUserAttribute', 'setUserAttribute'],
  ['looker.bulk.clearUserAttribute', 'clearUserAttribute'],
];

function actionTitle(a: BulkAction): string {
  switch (a) {
    case 'disable': return vscode.l10n.t('Disable');
    case 'enable': return vscode.l10n.t('Enable');
    case 'forcePasswordReset': return vscode.l10n.t('Force Password Reset at Next Login');
    case 'clearPasswordReset': return vscode.l10n.t('Clear Forced Password Reset');
    case 'sendPasswordReset': return vscode.l10n.t('Send Password Reset Email');
    case 'endSessions': return vscode.l10n.t('End All Sessions');
    case 'addToGroup': return vscode.l10n.t('Add to Group');
    case 'removeFromGroup': return vscode.l10n.t('Remove from Group');
    case 'addRole': return vscode.l10n.t('Add Role');
    case 'removeRole': return vscode.l10n.t('Remove Role');
    case 'delete': return vscode.l10n.t('Delete');
    case 'updateEmail': return vscode.l10n.t('Update Emails');
    case 'unlock': return vscode.l10n.t('Unlock');
    case 'setUserAttribute': return vscode.l10n.t('Set User Attribute');
    case 'clearUserAttribute': return vscode.l10n.t('Clear User Attribute');
    case 'updateUser': return vscode.l10n.t('Save Changes');
    case 'createCredentialsEmail': return vscode.l10n.t('Add Email Login');
    case 'createPasswordResetLink': return vscode.l10n.t('Create Password Reset Link');
    case 'deleteCredential': return vscode.l10n.t('Delete Credential');
    case 'createApiKey': return vscode.l10n.t('Create API Key');
    case 'deleteApiKey': return vscode.l10n.t('Delete API Key');
    case 'createServiceAccount': return vscode.l10n.t('New Service Account');
    case 'updateServiceAccount': return vscode.l10n.t('Edit Service Account');
    case 'deleteServiceAccount': return vscode.l10n.t('Delete Service Account');
    case 'createUser': return vscode.l10n.t('Invite User');
    case 'reassignSchedules': return vscode.l10n.t('Reassign Schedules');
    case 'reassignSchedulesBack': return vscode.l10n.t('Give Schedules Back');
  }
}

/**
 * The words of a job's confirmation, the same for a bulk preview and a single change from the details panel: the
 * action (and its group, role, attribute or credential), how many users, the connection and its host.
 */
function confirmWords(action: BulkAction, params: BulkParams, users: number, changing: number, profile: ConnectionProfile): { title: string; confirmLabel: string } {
  const target = params.groupName ?? params.roleName ?? params.attributeName ?? params.toUserName ?? params.serviceAccountName ?? params.credentialName ?? params.credentialKind;
  // Ending chosen sessions (a row of the details panel) is not "End All Sessions".
  const verb = action === 'endSessions' && params.sessionIds ? vscode.l10n.t('End Web Session') : actionTitle(action);
  const what = verb + (target ? ` — ${target}` : '');
  return {
    title: vscode.l10n.t('{0}: {1} on {2} ({3})', what, userCount(users), profile.name, hostOf(profile.baseUrl)),
    confirmLabel: vscode.l10n.t('{0} {1}', verb, userCount(changing)),
  };
}

/** The text of a CSV file: the one given (a file the person dropped or the test handle), else one picked in the open dialog. */
async function readCsv(file: vscode.Uri | string | undefined, title: string): Promise<string | undefined> {
  let uri = typeof file === 'string' ? vscode.Uri.file(file) : file;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { CSV: ['csv', 'txt'] }, openLabel: vscode.l10n.t('Use this CSV'), title });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/**
 * How a single change (a job of one user) ended, for the details panel: `error` is Looker's failure (a 422 carries
 * the field errors), `item` the dry run's line (a conflict holds the current values in `before`), `secret` what the
 * write returned that is never saved (a reset link).
 */
export interface SingleOutcome {
  status: 'done' | 'skipped' | 'failed' | 'cancelled';
  message?: string;
  error?: unknown;
  item?: PlanItem;
  /** What the change left (as audited). */
  after?: BulkParams['fields'];
  secret?: string;
  job?: BulkJob;
}

/**
 * Asks for a user attribute value, checked against the attribute's type as it is typed; a hidden attribute's value
 * is typed like a password and never shown again.
 */
export async function askAttributeValue(label: string, type: string, hidden: boolean, current?: string): Promise<string | undefined> {
  const raw = await vscode.window.showInputBox({
    title: vscode.l10n.t('Value of {0} ({1})', label, type),
    prompt: hidden ? vscode.l10n.t('The value is hidden: it replaces the current one and is never shown or logged.') : undefined,
    value: hidden ? '' : current ?? '',
    password: hidden,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = checkAttributeValue(type, v, vscode.l10n);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (raw === undefined) return undefined;
  const r = checkAttributeValue(type, raw, vscode.l10n);
  return 'value' in r ? r.value : undefined;
}

function formatEta(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s >= 60 ? vscode.l10n.t('about {0} min left', Math.ceil(s / 60)) : vscode.l10n.t('about {0} s left', s);
}

/** A group node of the Users tree (told apart by shape: tests may hold nodes from another copy of the classes). */
function asGroup(v: unknown): GroupNode | undefined {
  return v instanceof GroupNode ? v : undefined;
}

/** The ids of the users a command acts on (see `targetUsers`: multi-selection, else clicked item, else the view's). */
export function selectedUserIds(clicked: unknown, selected: unknown, view?: vscode.TreeView<unknown>): string[] {
  return targetUsers(clicked, selected, view).map((n) => n.id);
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

function cancelled(): LookerApiError {
  return new LookerApiError({ kind: 'cancelled', message: 'Cancelled.' });
}

/**
 * Bulk actions (with dry run, progress, report, resume), Export Users…, the audit log and Undo. Takes over
 * `looker.disableUsers` / `looker.enableUsers`.
 */
export class BulkCommands implements vscode.Disposable {
  readonly jobs: JobStore;
  readonly preview: BulkPreview;
  /** The last finished or stopped run (tests and the report commands read it). */
  last: BulkOutcome | undefined;
  private readonly running = new Map<string, Promise<BulkOutcome>>();
  /** This window, as the owner of the job locks (another window sees its jobs as running, not resumable). */
  private readonly owner = `${vscode.env.sessionId}-${process.pid}`;
  /** One client per connection for single changes (no login and logout per edit); dropped when connections change. */
  private readonly singleClients = new Map<string, LookerClient>();
  /** What Invite User… was given so far (a cancelled step loses nothing). */
  private inviteDraft: InviteDraft = {};

  constructor(
    private readonly manager: ConnectionManager,
    private readonly tree: UsersTreeProvider,
    private readonly log: Log,
    private readonly context: vscode.ExtensionContext,
    /** The core audit log (built in extension.ts). */
    readonly audit: AuditLog,
    private view?: vscode.TreeView<unknown>,
    storageDir?: string,
  ) {
    const dir = storageDir ?? context.globalStorageUri.fsPath;
    this.jobs = new JobStore(path.join(dir, 'bulk-jobs'));
    this.preview = new BulkPreview(context.extensionUri);
    context.subscriptions.push(
      manager.store.onDidChange(() => this.dropSingleClients()),
      manager.store.onDidChangeSecret(() => this.dropSingleClients()),
    );
  }

  private dropSingleClients(): void {
    for (const c of this.singleClients.values()) c.dispose();
    this.singleClients.clear();
  }

  /** The client of single changes on a connection: like a bulk job's (the runner alone retries), kept between edits. */
  private singleClient(profile: ConnectionProfile): LookerClient {
    let c = this.singleClients.get(profile.id);
    if (!c) {
      c = this.bulkClient(profile);
      this.singleClients.set(profile.id, c);
    }
    return c;
  }

  setView(view: vscode.TreeView<unknown>): void {
    this.view = view;
  }

  register(): void {
    const r = (id: string, h: (...a: any[]) => unknown) => registerCommand(this.context, this.log, id, h); // eslint-disable-line @typescript-eslint/no-explicit-any
    // Commands are a public API (other extensions, command links): their arguments only say which tree items were
    // clicked. Ids, parameters, targets and fields from anywhere else never reach a write or skip a dialog.
    for (const [id, action] of ACTION_COMMANDS) {
      r(id, (c?: unknown, s?: unknown) => this.start(action, c, s));
    }
    r('looker.bulk.updateEmailsFromCsv', (file?: unknown) => this.updateEmailsFromCsv(file instanceof vscode.Uri ? file : undefined));
    r('looker.bulk.inviteUser', () => this.inviteUser());
    r('looker.bulk.inviteUsersFromCsv', (file?: unknown) => this.inviteUsersFromCsv(file instanceof vscode.Uri ? file : undefined));
    r('looker.exportUsers', (c?: unknown, s?: unknown) => this.exportUsers(c, s));
    r('looker.openAuditLog', () => this.openAuditLog());
    r('looker.undo', () => this.undo());
    r('looker.bulk.resume', (jobId?: unknown) => this.resume(typeof jobId === 'string' ? jobId : undefined));
    this.context.subscriptions.push(this.preview, this);
    void this.offerResume();
  }

  // -----------------------------------------------------------------------------------------------------------
  // Connections and targets

  private profile(): ConnectionProfile {
    return this.manager.requireClient().profile;
  }

  /** The bulk job's own client: no retries inside the client, so the runner alone paces requests after a 429. */
  private bulkClient(profile: ConnectionProfile): LookerClient {
    return new LookerClient(profile, {
      getSecret: () => this.manager.store.getSecret(profile.id),
      retry: { maxAttempts: 1 },
      log: (line) => this.log.trace(`[${profile.name}] bulk ${line}`),
    });
  }

  /** The instance identity a job and its audit entries carry. */
  private identity(profile: ConnectionProfile, me: { id: string }): AuditConnection {
    const id = this.manager.identity(profile.id) ?? { id: profile.id, name: profile.name, url: profile.baseUrl, host: hostOf(profile.baseUrl) };
    return me.id ? { ...id, apiUserId: me.id } : id;
  }

  /**
   * A command's target: a whole group (all pages, read with the dry run's fields in pages of 1,000 where the group is
   * a server-side search, so planning costs ⌈N / 1000⌉ calls), or the tree's (multi-)selection.
   */
  async resolveTargets(clicked: unknown, selected: unknown): Promise<BulkRequest> {
    const group = asGroup(clicked);
    if (!group) return { userIds: selectedUserIds(clicked, selected, this.view) };
    if (!group.narrowable) return { userIds: (await this.allOfGroup(group)).map((u) => String(u.id)) };
    const users = await this.allOfGroup(group, PLAN_USER_FIELDS);
    return { userIds: users.map((u) => String(u.id)), users };
  }

  /**
   * Every user of a group or search result, all pages, with cancellable progress. With `fields`, a narrowable group
   * is read with them directly; another is read with the tree's fields, then again by id with `fields`.
   */
  async allOfGroup(group: GroupNode, fields?: string): Promise<IUser[]> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0}', group.label), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const out: IUser[] = [];
        // A read nobody pages through by hand: Looker's largest page.
        const limit = BATCH_LIMIT;
        const direct = fields !== undefined && group.narrowable;
        for (let offset = 0; ; ) {
          if (abort.signal.aborted) throw cancelled();
          const page = await group.fetcher(offset, limit, abort.signal, direct ? fields : undefined);
          out.push(...page.items);
          offset += page.items.length;
          progress.report({ message: page.total !== undefined ? vscode.l10n.t('{0} of {1}', out.length, page.total) : String(out.length) });
          if (page.items.length < limit || (page.total !== undefined && offset >= page.total)) break;
        }
        if (!fields || direct) return out;
        const client = this.manager.client();
        return client ? client.allUsers(out.map((u) => String(u.id)), fields, abort.signal) : out;
      },
    );
  }

  // -----------------------------------------------------------------------------------------------------------
  // Bulk actions

  private async pickGroup(client: LookerClient): Promise<BulkParams | undefined> {
    const groups = await client.allGroups({ fields: 'id,name,externally_managed' });
    const pick = await vscode.window.showQuickPick(
      groups.map((g) => ({ label: g.name ?? String(g.id), description: g.externally_managed ? vscode.l10n.t('externally managed') : undefined, id: String(g.id) })),
      { placeHolder: vscode.l10n.t('Which group?'), matchOnDescription: true },
    );
    return pick ? { groupId: pick.id, groupName: pick.label } : undefined;
  }

  /**
   * Who takes schedules over: enabled, non-embed users found by name or email as the admin types (the first page of
   * enabled users before that), never one of `exclude` (the users about to be deleted).
   */
  private async pickNewOwner(client: LookerClient, exclude: ReadonlySet<string>): Promise<{ id: string; name: string } | undefined> {
    type Item = vscode.QuickPickItem & { id: string };
    const fields = 'id,first_name,last_name,display_name,email,credentials_email(email)';
    const toItems = (users: IUser[]): Item[] =>
      users.filter((u) => u.id && !exclude.has(String(u.id))).map((u) => ({ label: personName(u) || `#${u.id}`, description: u.email ?? u.credentials_email?.email ?? '', id: String(u.id) }));
    const qp = vscode.window.createQuickPick<Item>();
    qp.placeholder = vscode.l10n.t('Who takes the schedules over? Type a name or email');
    qp.matchOnDescription = true;
    qp.busy = true;
    let seq = 0;
    const load = async (text: string) => {
      const mine = ++seq;
      qp.busy = true;
      try {
        const page = text.trim()
          ? await client.searchUsersNames(`%${text.trim()}%`, { is_disabled: false, fields, limit: 50 })
          : await client.searchUsers({ is_disabled: false, embed_user: false, sorts: 'last_name,first_name', fields, limit: 50 });
        if (mine === seq) qp.items = toItems(page.items);
      } catch (err) {
        if (mine === seq) qp.items = [];
        this.log.error('Looking up users failed', err);
      } finally {
        if (mine === seq) qp.busy = false;
      }
    };
    try {
      return await new Promise<{ id: string; name: string } | undefined>((resolve) => {
        qp.onDidChangeValue((v) => void load(v));
        qp.onDidAccept(() => {
          const pick = qp.selectedItems[0] ?? qp.activeItems[0];
          if (pick) resolve({ id: pick.id, name: pick.label });
        });
        qp.onDidHide(() => resolve(undefined));
        qp.show();
        void load('');
      });
    } finally {
      qp.dispose();
    }
  }

  private async pickRole(client: LookerClient): Promise<BulkParams | undefined> {
    const roles = await client.allRoles('id,name');
    const pick = await vscode.window.showQuickPick(
      roles.map((r) => ({ label: r.name ?? String(r.id), id: String(r.id) })),
      { placeHolder: vscode.l10n.t('Which role?') },
    );
    return pick ? { roleId: pick.id, roleName: pick.label } : undefined;
  }

  /** Which attribute (only those an admin can set per user), and for Set the value, checked against its type. */
  private async pickAttribute(client: LookerClient, action: BulkAction): Promise<BulkParams | undefined> {
    const attrs = (await client.allUserAttributes('id,name,label,type,is_system,user_can_edit,value_is_hidden')).filter(settablePerUser);
    const pick = await vscode.window.showQuickPick(
      attrs.map((a) => ({
        label: a.label || a.name || String(a.id),
        description: [a.name, a.type, a.value_is_hidden ? vscode.l10n.t('hidden value') : ''].filter(Boolean).join(' · '),
        attr: a,
      })),
      { placeHolder: vscode.l10n.t('Which user attribute?'), matchOnDescription: true },
    );
    if (!pick) return undefined;
    const a = pick.attr;
    const params: BulkParams = { attributeId: String(a.id), attributeName: a.name ?? String(a.id), attributeHidden: !!a.value_is_hidden };
    if (action === 'clearUserAttribute') return params;
    const value = await askAttributeValue(pick.label, a.type ?? 'string', !!a.value_is_hidden);
    return value === undefined ? undefined : { ...params, value };
  }

  /** A bulk command: targets (tree items) → parameters → dry run → preview → run → report. */
  async start(action: BulkAction, clicked?: unknown, selected?: unknown): Promise<BulkOutcome | undefined> {
    return this.startFor(action, await this.resolveTargets(clicked, selected));
  }

  /** A job for explicit users (the test handle, internal callers): dry run → preview → run → report, like a command. */
  async startFor(action: BulkAction, req: BulkRequest): Promise<BulkOutcome | undefined> {
    const ids = [...new Set(req.userIds.map(String))];
    if (!ids.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select one or more users (or a group) first.'));
      return undefined;
    }
    const profile = req.connectionId ? this.manager.store.get(req.connectionId) : this.profile();
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('That connection no longer exists. Nothing was sent.') });
    let params: BulkParams = req.params ?? {};
    const client = this.bulkClient(profile);
    try {
      const reader = this.manager.client(profile.id) ?? client;
      if ((action === 'addToGroup' || action === 'removeFromGroup') && !params.groupId) {
        const p = await this.pickGroup(reader);
        if (!p) return undefined;
        params = { ...params, ...p };
      }
      if ((action === 'setUserAttribute' || action === 'clearUserAttribute') && !params.attributeId) {
        const p = await this.pickAttribute(reader, action);
        if (!p) return undefined;
        params = { ...params, ...p };
      }
      if ((action === 'addRole' || action === 'removeRole') && !params.roleId) {
        const p = await this.pickRole(reader);
        if (!p) return undefined;
        params = { ...params, ...p };
      }
      return await this.planAndRun(profile, client, action, params, ids, { users: req.users });
    } finally {
      client.dispose();
    }
  }

  private async dryRun(profile: ConnectionProfile, bulkClient: LookerClient, action: BulkAction, params: BulkParams, ids: string[], users?: IUser[]): Promise<Plan> {
    // Reads go through the connection's usual client, which retries a 429 on its own; only the writes are paced by the runner.
    const client = this.manager.client(profile.id) ?? bulkClient;
    const me = await this.manager.apiUser(profile.id);
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

  private async planAndRun(
    profile: ConnectionProfile,
    client: LookerClient,
    action: BulkAction,
    params: BulkParams,
    ids: string[],
    opts: { undoOf?: string; users?: IUser[] } = {},
  ): Promise<BulkOutcome | undefined> {
    const meter = this.manager.meter;
    const callsBefore = meter?.counts(profile.id).month;
    const plan = await this.dryRun(profile, client, action, params, ids, opts.users);
    if (action === 'createUser' && !plan.counts.change) {
      this.reportExisting(plan, profile);
      return undefined;
    }
    const cost = jobCost(plan);
    const used = meter?.counts(profile.id).month ?? 0;
    if (callsBefore !== undefined) cost.planned = used - callsBefore;
    const { allowance, confirmAbovePercent } = apiAllowanceSettings();
    const budget = checkBudget(cost.apply, used, allowance, confirmAbovePercent);
    const notes = costNotes(cost, budget);
    this.log.info(`Dry run ${action} on ${profile.name}: ${plan.counts.change} to change; ${notes.join(' ')}`);
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
      const reader = this.manager.client(profile.id) ?? client;
      const to = await this.pickNewOwner(reader, new Set(ids));
      if (!to) return undefined;
      const moved = await this.planAndRun(profile, client, 'reassignSchedules', { toUserId: to.id, toUserName: to.name }, owners);
      if (!moved) return undefined;
      return this.planAndRun(profile, client, action, params, ids, opts);
    }
    if (!ok) {
      this.log.info(`Bulk ${action} on ${profile.name} (${profile.baseUrl}): preview of ${plan.items.length} user(s) cancelled; nothing was written`);
      return undefined;
    }
    if (budget.needsConfirmation && !(await this.confirmBudget(profile, budget))) return undefined;
    const job = jobFromPlan(plan, profile.id, { undoOf: opts.undoOf });
    job.instance = this.identity(profile, await this.manager.apiUser(profile.id));
    await this.jobs.save(job);
    return this.execute(job, profile, client);
  }

  /** Asks before a job that uses more than the set share of the month's API calls left, or goes over the allowance. */
  private async confirmBudget(profile: ConnectionProfile, b: BudgetCheck): Promise<boolean> {
    const go = vscode.l10n.t('Run Anyway');
    const message = b.used + b.calls > (b.allowance ?? 0)
      ? vscode.l10n.t('This job makes {0} API calls on {1} ({2}): more than the {3} left of this month\'s allowance of {4}.', b.calls.toLocaleString(), profile.name, hostOf(profile.baseUrl), (b.left ?? 0).toLocaleString(), (b.allowance ?? 0).toLocaleString())
      : vscode.l10n.t('This job makes {0} API calls on {1} ({2}): {3} of the {4} left this month.', b.calls.toLocaleString(), profile.name, hostOf(profile.baseUrl), percent(b.shareOfLeft ?? 0), (b.left ?? 0).toLocaleString());
    return (await confirmModal(message, vscode.l10n.t('Change the threshold with the setting looker.api.confirmAbovePercent.'), go)) === go;
  }

  /**
   * A single change (the details panel, Undo of a single edit): a job of one user through the same pipeline as a
   * bulk job — the dry run (will change / already so / cannot, with the reason), a confirmation in the preview's
   * words naming the connection and host when the kind is destructive, the job saved with the instance and locked,
   * the runner (retry safety from the write table), one audit entry. No preview webview and no report: the panel
   * shows the outcome (Looker's field errors included).
   */
  async runOne(action: BulkAction, userId: string, connectionId: string, params: BulkParams, opts: { undoOf?: string } = {}): Promise<SingleOutcome> {
    const profile = this.manager.store.get(connectionId);
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('That connection no longer exists. Nothing was sent.') });
    const client = this.singleClient(profile);
    const reader = this.manager.client(profile.id) ?? client;
    const me = await this.manager.apiUser(profile.id);
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
    job.instance = this.identity(profile, me);
    await this.jobs.save(job);
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
    const { result } = await this.execute(job, profile, client, { apply, single: true });
    if (result.fatal) throw result.fatal;
    const state = job.state[String(userId)];
    if (state?.status === 'done') return { status: 'done', item, after: state.after, secret: outcome?.secret, job };
    if (state?.status === 'skipped') return { status: 'skipped', message: state.message, item, job };
    if (state?.status === 'failed') return { status: 'failed', message: state.message, error, item, job };
    return { status: 'cancelled', item, job };
  }

  /** Runs a saved job with progress, audit lines and the final report (a single change: no report). */
  private execute(job: BulkJob, profile: ConnectionProfile, client: LookerClient, run: RunMode = {}): Promise<BulkOutcome> {
    const existing = this.running.get(job.id);
    if (existing) return existing;
    const p = this.executeNow(job, profile, client, run).finally(() => this.running.delete(job.id));
    this.running.set(job.id, p);
    return p;
  }

  private async executeNow(job: BulkJob, profile: ConnectionProfile, client: LookerClient, run: RunMode): Promise<BulkOutcome> {
    if (!(await this.jobs.claim(job.id, this.owner))) throw runningElsewhere();
    const beat = setInterval(() => void this.jobs.heartbeat(job.id), HEARTBEAT_MS);
    try {
      return await this.executeClaimed(job, profile, client, run);
    } finally {
      clearInterval(beat);
      await this.jobs.release(job.id, this.owner).catch(() => undefined);
    }
  }

  private async executeClaimed(job: BulkJob, profile: ConnectionProfile, client: LookerClient, run: RunMode): Promise<BulkOutcome> {
    const me = await this.manager.apiUser(profile.id);
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
            if (run.single) this.log.info(`${me.name} @ ${profile.name}: ${job.action} ${describeChanges(state.before ?? {}, state.after ?? {})} — user ${userId} (${state.label ?? ''})`);
            return this.audit
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
    this.log.info(`[${profile.name}] ${me.name}: bulk ${job.action} job ${job.id}: ${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.pending} pending, ${result.retries} retries, ${result.ms} ms`);
    const changed = job.userIds.filter((id) => job.state[id]?.status === 'done');
    // A single change's panel re-reads the user and refreshes the tree itself; it shows its own outcome.
    if (changed.length && !run.single) {
      if (job.action === 'delete') this.tree.removeUsers(changed);
      // The lockout list is read with the groups: a full reload empties "Locked out" and clears the users' lock flags.
      else if (job.action === 'unlock' || job.action === 'createUser' || job.action === 'createServiceAccount') this.tree.refresh();
      else void this.tree.updateUsers(changed).catch((err) => this.log.error('Refreshing users failed', err));
    }
    const outcome = { job, result };
    this.last = outcome;
    if (counts.pending === 0) await this.jobs.remove(job.id).catch(() => undefined);
    if (!run.single) void this.showReport(outcome, profile);
    return outcome;
  }

  private async showReport(o: BulkOutcome, profile: ConnectionProfile): Promise<void> {
    const c = o.result.counts;
    const openReport = vscode.l10n.t('Open Report');
    const saveCsv = vscode.l10n.t('Save as CSV…');
    const retry = vscode.l10n.t('Retry Failed');
    const resume = vscode.l10n.t('Resume');
    const items = [openReport, saveCsv];
    if (c.failed) items.push(retry);
    if (c.pending) items.push(resume);
    let text = vscode.l10n.t('{0}: {1} succeeded, {2} skipped, {3} failed.', actionTitle(o.job.action), c.done, c.skipped, c.failed);
    if (o.result.fatal) text += ' ' + describeError(o.result.fatal);
    else if (c.pending) text += ' ' + vscode.l10n.t('Stopped with {0} left; the job can be resumed.', userCount(c.pending));
    const show = c.failed || o.result.fatal ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const pick = await show(text, ...items);
    if (pick === openReport) await this.openReport(o.job);
    else if (pick === saveCsv) await this.saveReportCsv(o.job);
    else if (pick === retry) await this.retryFailed(o.job, profile);
    else if (pick === resume) await this.resume(o.job.id);
  }

  /** The report as CSV: user id, user, status, message, before, after. */
  reportCsv(job: BulkJob): string {
    return toCsv(
      ['user_id', 'user', 'status', 'message', 'before', 'after'],
      job.userIds.map((id) => {
        const s = job.state[id] ?? { status: 'pending' };
        return [id, s.label ?? '', s.status, s.message ?? '', s.before ?? '', s.after ?? ''];
      }),
    );
  }

  async openReport(job: BulkJob): Promise<vscode.TextDocument> {
    const c = jobCounts(job);
    const lines = [
      `# ${actionTitle(job.action)} — ${job.id}`,
      '',
      vscode.l10n.t('{0} succeeded, {1} skipped, {2} failed, {3} pending.', c.done, c.skipped, c.failed, c.pending),
      '',
      `| ${vscode.l10n.t('User')} | ${vscode.l10n.t('Status')} | ${vscode.l10n.t('Message')} |`,
      '|---|---|---|',
      ...job.userIds.map((id) => {
        const s = job.state[id] ?? { status: 'pending' };
        const cell = (v: string) => v.replace(/[|\\`*_[\]<>]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
        return `| ${cell(s.label ?? id)} | ${s.status} | ${cell(s.message ?? '')} |`;
      }),
    ];
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') + '\n' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  async saveReportCsv(job: BulkJob, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const uri =
      target ??
      (await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, defaultUri: vscode.Uri.file(path.join(this.defaultDir(), `looker-${job.action}-${job.id}.csv`)) }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(this.reportCsv(job), 'utf8'));
    return uri;
  }

  private defaultDir(): string {
    // Exports and reports hold personal data: they default to the home folder, never into a (git) workspace.
    return os.homedir();
  }

  /** "Retry failed": a new dry run and job for the users that failed. */
  async retryFailed(job: BulkJob, profile?: ConnectionProfile): Promise<BulkOutcome | undefined> {
    const failed = job.userIds.filter((id) => job.state[id]?.status === 'failed');
    if (!failed.length) return undefined;
    const p = profile ?? this.manager.store.get(job.connectionId);
    if (!p) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
    const client = this.bulkClient(p);
    try {
      return await this.planAndRun(p, client, job.action, job.params, failed);
    } finally {
      client.dispose();
    }
  }

  /** Resumes a cancelled or interrupted job (picked from a list when no id is given). */
  async resume(jobId?: string): Promise<BulkOutcome | undefined> {
    let job: BulkJob | undefined;
    if (jobId) job = await this.jobs.load(jobId);
    else {
      const list = await this.jobs.unfinished(this.owner);
      if (!list.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No interrupted bulk jobs.'));
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        list.map((j) => {
          const c = jobCounts(j);
          return { label: actionTitle(j.action), description: new Date(j.createdAt).toLocaleString(), detail: vscode.l10n.t('{0} of {1} left', c.pending, c.total), job: j };
        }),
        { placeHolder: vscode.l10n.t('Which job to resume?') },
      );
      job = pick?.job;
    }
    if (!job) return undefined;
    const running = this.running.get(job.id);
    if (running) return running;
    const profile = this.manager.store.get(job.connectionId);
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
    refuseOtherInstance(profile, job.instance?.url);
    // Another window may be running it (or resuming it): never both.
    const old = job;
    if (!(await this.jobs.claim(old.id, this.owner))) throw runningElsewhere();
    const beat = setInterval(() => void this.jobs.heartbeat(old.id), HEARTBEAT_MS);
    const client = this.bulkClient(profile);
    try {
      // The job may be days old: its users are planned again and the preview shown again before anything is sent.
      const pending = old.userIds.filter((id) => (old.state[id]?.status ?? 'pending') === 'pending');
      if (!pending.length) {
        await this.jobs.remove(old.id).catch(() => undefined);
        return undefined;
      }
      const outcome = await this.planAndRun(profile, client, old.action, old.params, pending, { undoOf: old.undoOf });
      if (outcome) await this.jobs.remove(old.id).catch(() => undefined);
      return outcome;
    } finally {
      clearInterval(beat);
      client.dispose();
      await this.jobs.release(old.id, this.owner).catch(() => undefined);
    }
  }

  private async offerResume(): Promise<void> {
    try {
      const list = await this.jobs.unfinished(this.owner);
      if (!list.length) return;
      const resume = vscode.l10n.t('Resume');
      const discard = vscode.l10n.t('Discard');
      const j = list[0];
      const c = jobCounts(j);
      const p = this.manager.store.get(j.connectionId);
      const where = j.instance ? `${j.instance.name} (${j.instance.host ?? hostOf(j.instance.url)})` : p ? `${p.name} (${hostOf(p.baseUrl)})` : j.connectionId;
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('A bulk job "{0}" on {1} stopped with {2} of {3} user(s) left. Resuming checks them again first.', actionTitle(j.action), where, c.pending, c.total),
        resume,
        discard,
      );
      if (pick === resume) await vscode.commands.executeCommand('looker.bulk.resume', j.id);
      else if (pick === discard) await this.jobs.remove(j.id);
    } catch (err) {
      this.log.error('Reading interrupted bulk jobs failed', err);
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  // Update Emails from CSV

  async updateEmailsFromCsv(file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
    const text = await readCsv(file, vscode.l10n.t('CSV with two columns: user id or current email, new email'));
    if (text === undefined) return undefined;
    const { rows, bad } = parseEmailCsv(text);
    const profile = this.profile();
    const client = this.bulkClient(profile);
    try {
      const emails: Record<string, string> = {};
      const unresolved: BadRow[] = [...bad];
      for (const row of rows) {
        let id = row.key;
        if (row.by === 'email') {
          try {
            id = String((await client.userForCredential('email', row.key, 'id')).id);
          } catch (err) {
            if (err instanceof LookerApiError && err.status === 404) {
              unresolved.push({ line: row.line, message: vscode.l10n.t('No user has the login email {0}.', row.key) });
              continue;
            }
            throw err;
          }
        }
        if (emails[id]) {
          unresolved.push({ line: row.line, message: vscode.l10n.t('User {0} appears more than once.', id) });
          continue;
        }
        emails[id] = row.newEmail;
      }
      if (unresolved.length) {
        const detail = unresolved.sort((a, b) => a.line - b.line).slice(0, 20).map((b) => vscode.l10n.t('Line {0}: {1}', b.line, b.message)).join('\n');
        const go = vscode.l10n.t('Continue Without Them');
        const pick = await vscode.window.showWarningMessage(
          vscode.l10n.t('{0} row(s) of the CSV cannot be used.', unresolved.length),
          { modal: true, detail },
          ...(Object.keys(emails).length ? [go] : []),
        );
        if (pick !== go) return undefined;
      }
      if (!Object.keys(emails).length) return undefined;
      return await this.planAndRun(profile, client, 'updateEmail', { emails }, Object.keys(emails));
    } finally {
      client.dispose();
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  // Invite users

  /**
   * Invite User…: first name, last name, email, roles, groups, setup email (each step kept if cancelled), then the
   * dry run (an existing user with that email is named, with a button to open them), the preview and the job.
   * `invite` comes only from internal callers (the test handle), never from the command's arguments.
   */
  async inviteUser(invite?: Invite): Promise<BulkOutcome | undefined> {
    const profile = this.profile();
    const reader = this.manager.client(profile.id);
    if (!reader) return undefined;
    let inv = invite;
    if (!inv) {
      const [roles, groups] = await Promise.all([reader.allRoles('id,name'), reader.allGroups({ fields: 'id,name,externally_managed' })]);
      inv = await askInvite(this.inviteDraft, roles, groups);
      if (!inv) return undefined;
    }
    const key = inviteKey(inv.email);
    const client = this.bulkClient(profile);
    try {
      const outcome = await this.planAndRun(profile, client, 'createUser', { invites: { [key]: inv } }, [key]);
      if (outcome?.job.state[key]?.status === 'done') this.inviteDraft = {};
      return outcome;
    } finally {
      client.dispose();
    }
  }

  /**
   * Invite Users from CSV…: columns first_name,last_name,email,roles,groups,send_setup_email. Bad rows are listed (the
   * rest can go on); the dry run tells who exists already by email and who will be created; then the preview.
   */
  async inviteUsersFromCsv(file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
    const text = await readCsv(file, vscode.l10n.t('CSV with the columns {0}', INVITE_COLUMNS.join(',')));
    if (text === undefined) return undefined;
    const profile = this.profile();
    const reader = this.manager.client(profile.id);
    if (!reader) return undefined;
    const [roles, groups] = await Promise.all([reader.allRoles('id,name'), reader.allGroups({ fields: 'id,name' })]);
    const { invites, bad } = parseInviteCsv(text, roles, groups);
    if (bad.length) {
      const detail = bad.slice(0, 20).map((b) => vscode.l10n.t('Line {0}: {1}', b.line, b.message)).join('\n');
      const go = vscode.l10n.t('Continue Without Them');
      const pick = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} row(s) of the CSV cannot be used.', bad.length),
        { modal: true, detail },
        ...(invites.length ? [go] : []),
      );
      if (pick !== go) return undefined;
    }
    if (!invites.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The CSV has no one to invite.'));
      return undefined;
    }
    const byKey = Object.fromEntries(invites.map((i) => [inviteKey(i.email), i]));
    const client = this.bulkClient(profile);
    try {
      return await this.planAndRun(profile, client, 'createUser', { invites: byKey }, Object.keys(byKey));
    } finally {
      client.dispose();
    }
  }

  /** Every invited email exists already: say who has it (nothing to preview), with a button to open them. */
  private reportExisting(plan: Plan, profile: ConnectionProfile): void {
    const existing = plan.items.filter((i) => i.existingUserId);
    this.log.info(`Invite on ${profile.name}: ${plan.items.length} invitation(s), ${existing.length} existing, none to create; nothing was written`);
    const first = existing[0];
    const where = `${profile.name} (${hostOf(profile.baseUrl)})`;
    const text = plan.items.length === 1 && first
      ? vscode.l10n.t('A user with the email {0} already exists on {1}: user {2}. Nothing was created.', userOfLabel(first.label)?.email ?? first.label, where, first.existingUserId ?? '')
      : vscode.l10n.t('No one to invite on {0}: {1} already exist, {2} cannot be invited. Nothing was created.', where, existing.length, plan.counts.impossible);
    const open = vscode.l10n.t('Open User');
    void vscode.window.showInformationMessage(text, ...(first ? [open] : [])).then((pick) => {
      if (pick === open && first?.existingUserId) void vscode.commands.executeCommand('looker.openUser', first.existingUserId);
    });
  }

  // -----------------------------------------------------------------------------------------------------------
  // Export

  /**
   * Export Users…: fields picked from the allow-list, then the save dialog. `opts` comes only from internal callers
   * (the test handle), never from the command's arguments; its fields must be on the allow-list too.
   */
  async exportUsers(clicked?: unknown, selected?: unknown, opts: ExportRequest = {}): Promise<vscode.Uri | undefined> {
    const allowed = new Set(EXPORT_FIELDS.map((f) => f.path));
    const refused = (opts.fields ?? []).filter((f) => !allowed.has(f));
    if (refused.length) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('These fields cannot be exported: {0}.', refused.join(', ')) });
    // An internal caller with fields and a group or users: export those. Otherwise (palette, title bar, a group's
    // context menu) ask which users, the clicked group first.
    let target: ExportTarget | undefined;
    const scriptedGroup = opts.fields ? asGroup(clicked) : undefined;
    const scriptedIds = opts.fields && !scriptedGroup && (clicked !== undefined || selected !== undefined) ? selectedUserIds(clicked, selected) : [];
    if (scriptedGroup) target = { label: vscode.l10n.t('group "{0}"', scriptedGroup.label), groups: [scriptedGroup] };
    else if (scriptedIds.length) target = { label: vscode.l10n.t('the selected users'), ids: scriptedIds };
    else {
      this.manager.requireClient();
      target = await pickExportTarget(clicked, this.manager, this.tree, this.view);
    }
    if (!target) return undefined;
    let paths = opts.fields;
    if (!paths) {
      const picks = await vscode.window.showQuickPick(
        EXPORT_FIELDS.map((f) => ({ label: fieldLabel(f.path), description: f.path, path: f.path, picked: f.picked })),
        { canPickMany: true, placeHolder: vscode.l10n.t('Fields to export'), matchOnDescription: true, ignoreFocusOut: true },
      );
      if (!picks?.length) return undefined;
      paths = picks.map((p) => p.path);
    }
    let format = opts.format;
    if (!format) {
      const f = await vscode.window.showQuickPick([{ label: 'CSV', format: 'csv' as const }, { label: 'JSON', format: 'json' as const }], { placeHolder: vscode.l10n.t('Format'), ignoreFocusOut: true });
      if (!f) return undefined;
      format = f.format;
    }
    const fields = apiFields(['id', ...paths]);
    const client = this.manager.client();
    if (!client) return undefined;
    const uri =
      opts.target ??
      (await vscode.window.showSaveDialog({
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
        defaultUri: vscode.Uri.file(path.join(this.defaultDir(), `looker-users.${format}`)),
      }));
    if (!uri) return undefined;
    const count = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting {0}', target.label), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let written = 0;
        const source = counted(this.exportPages(client, target, fields, abort.signal), (n) => {
          written += n;
          progress.report({ message: written.toLocaleString() });
        });
        // Written page by page (Looker's pages of 1,000): an export of 100,000 users holds one page in memory.
        if (uri.scheme === 'file') return writeUsers(uri.fsPath, source, paths, format, abort.signal);
        const all: IUser[] = [];
        for await (const page of source) all.push(...page);
        await vscode.workspace.fs.writeFile(uri, Buffer.from(format === 'csv' ? usersToCsv(all, paths) : usersToJson(all, paths), 'utf8'));
        return all.length;
      },
    );
    this.log.info(`Export: ${count} user(s) of ${target.label} on ${this.manager.active()?.name ?? '?'} as ${format.toUpperCase()} (${paths.join(', ')}) to ${uri.fsPath}`);
    const open = vscode.l10n.t('Open');
    if (!opts.target) {
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Exported {0} ({1}) to {2}.', userCount(count), target.label, path.basename(uri.fsPath)), open)
        .then((p) => {
          if (p === open) void vscode.window.showTextDocument(uri);
        });
    }
    return uri;
  }

  /**
   * The pages an export writes, each user once: a server-side group in pages of 1,000 read with the export's fields;
   * another group (smart, pinned) by its ids, up to 1,000 a request; explicit ids likewise.
   */
  private async *exportPages(client: LookerClient, target: ExportTarget, fields: string, signal: AbortSignal): AsyncGenerator<IUser[]> {
    const seen = new Set<string>();
    const fresh = (users: IUser[]) => users.filter((u) => (seen.has(String(u.id)) ? false : (seen.add(String(u.id)), true)));
    for (const g of target.groups ?? []) {
      if (g.narrowable) {
        for await (const page of pages((offset, limit) => g.fetcher(offset, limit, signal, fields), BATCH_LIMIT, signal)) yield fresh(page);
      } else {
        const ids = fresh(await this.allOfGroup(g)).map((u) => String(u.id));
        for (const id of ids) seen.delete(id);
        for await (const chunk of idChunks(ids, (x) => client.allUsers(x, fields, signal))) yield fresh(chunk);
      }
    }
    if (target.ids) for await (const chunk of idChunks(target.ids, (x) => client.allUsers(x, fields, signal))) yield fresh(chunk);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Audit log and Undo

  async openAuditLog(): Promise<vscode.TextEditor> {
    await this.audit.flush();
    try {
      await fs.access(this.audit.file);
    } catch {
      await fs.mkdir(path.dirname(this.audit.file), { recursive: true });
      await fs.writeFile(this.audit.file, '', { flag: 'a' });
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(this.audit.file));
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Undo: a reversible bulk job (its done users) or a single reversible edit, picked from the audit log. */
  async undo(pick?: { jobId?: string; entryId?: string }): Promise<BulkOutcome | AuditEntry | undefined> {
    const entries = await this.audit.read();
    const jobs = undoableJobs(entries);
    const singles = undoableEntries(entries).slice(0, 50);
    let choice: { job?: UndoableJob; entry?: AuditEntry } | undefined;
    if (pick?.jobId) choice = { job: jobs.find((j) => j.jobId === pick.jobId) };
    else if (pick?.entryId) choice = { entry: singles.find((e) => e.id === pick.entryId) };
    else {
      type Item = vscode.QuickPickItem & { job?: UndoableJob; entry?: AuditEntry };
      const items: Item[] = [
        ...jobs.map((j) => ({
          label: `$(history) ${actionTitle(isBulkAction(j.action) ? j.action : 'disable')}`,
          description: vscode.l10n.t('{0} · {1}', userCount(j.userIds.length), formatDateTime(j.time)),
          detail: vscode.l10n.t('Undo: {0}', isBulkAction(j.inverse) ? actionTitle(j.inverse) : j.inverse),
          job: j,
        })),
        ...singles.map((e) => ({ label: `$(edit) ${changeLabel(e.action)}`, description: vscode.l10n.t('user {0} · {1}', e.userId, formatDateTime(e.time)), detail: describeValues(e.before), entry: e })),
      ];
      if (!items.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Nothing in the audit log can be undone.'));
        return undefined;
      }
      choice = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Undo which change?'), matchOnDescription: true });
    }
    if (!choice?.job && !choice?.entry) return undefined;
    if (choice.job) {
      const j = choice.job;
      const profile = this.manager.store.get(j.connectionId);
      if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
      refuseOtherInstance(profile, j.url);
      if (!isBulkAction(j.inverse)) return undefined;
      // The undo is a job like any other: dry run, then the preview is its confirmation.
      const client = this.bulkClient(profile);
      try {
        return await this.planAndRun(profile, client, j.inverse, { ...(j.params ?? {}) }, j.userIds, { undoOf: j.jobId });
      } finally {
        client.dispose();
      }
    }
    return this.undoEntry(choice.entry!);
  }

  private async undoEntry(e: AuditEntry): Promise<AuditEntry | BulkOutcome | undefined> {
    const step = undoStep(e);
    if (!step) return undefined;
    const profile = this.manager.store.get(e.connection.id);
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this change no longer exists.') });
    refuseOtherInstance(profile, e.connection.url);
    const client = this.manager.client(profile.id);
    if (!client) return undefined;
    if (step.kind === 'action') {
      if (!isBulkAction(step.action)) return undefined;
      const bulk = this.bulkClient(profile);
      try {
        return await this.planAndRun(profile, bulk, step.action, { ...(step.params ?? {}) }, [step.userId], { undoOf: e.id });
      } finally {
        bulk.dispose();
      }
    }
    // The user must still have the values this change left, else someone changed them since: a conflict, not an undo.
    const keys = Object.keys(step.body);
    const now = (step.kind === 'patchUser' ? await client.user(step.userId, keys.join(',')) : await client.userCredentialsEmail(step.userId, keys.join(','))) as Record<string, unknown>;
    const changed = keys.filter((k) => e.after && k in e.after && JSON.stringify(now[k] ?? null) !== JSON.stringify(e.after[k] ?? null));
    if (changed.length) {
      throw new LookerApiError({
        kind: 'config',
        message: vscode.l10n.t('Cannot undo: user {0} was changed again since ({1}). Nothing was written.', step.userId, changed.join(', ')),
      });
    }
    const go = vscode.l10n.t('Undo');
    const detail = keys.map((k) => `${k}: ${JSON.stringify(now[k] ?? null)} → ${JSON.stringify(step.body[k] ?? null)}`).join('\n');
    const ok = await confirmModal(vscode.l10n.t('Undo {0} for user {1} on {2} ({3})?', e.action, step.userId, profile.name, hostOf(profile.baseUrl)), detail, go);
    if (ok !== go) return undefined;
    // The undo is a change like any other: a job of one through the pipeline, whose dry run checks once more that
    // the values are still the ones this change left (a conflict otherwise), audited once with `undoOf`.
    const runs: [BulkAction, BulkParams][] =
      step.kind === 'patchUser'
        ? [['updateUser', { fields: step.body, base: pickValues(e.after, keys) }]]
        : keys.map((k): [BulkAction, BulkParams] =>
            k === 'email' ? ['updateEmail', { emails: { [step.userId]: String(step.body.email ?? '') } }] : [step.body[k] ? 'forcePasswordReset' : 'clearPasswordReset', {}],
          );
    let last: SingleOutcome | undefined;
    for (const [action, params] of runs) {
      last = await this.runOne(action, step.userId, profile.id, params, { undoOf: e.id });
      if (last.status === 'failed') throw last.error ?? new LookerApiError({ kind: 'config', message: vscode.l10n.t('Cannot undo: {0} Nothing was written.', last.message ?? '') });
    }
    void this.tree.updateUsers([step.userId]).catch(() => undefined);
    await this.audit.flush();
    if (last?.status !== 'done') return undefined;
    return [...(await this.audit.read())].reverse().find((x) => x.undoOf === e.id);
  }

  dispose(): void {
    // The preview is disposed through context.subscriptions; running jobs stop with the extension host and resume later.
    this.dropSingleClients();
  }
}

export interface ExportRequest {
  fields?: string[];
  format?: 'csv' | 'json';
  target?: vscode.Uri;
}

/** The `keys` of `values` (null where absent). */
function pickValues(values: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, values?.[k] ?? null]));
}

/** "12 %" in the display language. */
function percent(share: number): string {
  return Number.isFinite(share) ? new Intl.NumberFormat(vscode.env.language, { style: 'percent', maximumFractionDigits: 1 }).format(share) : '∞';
}

/** The preview's lines about what the job costs in API calls, against the month's allowance when one is set. */
export function costNotes(cost: JobCost, b: BudgetCheck): string[] {
  const notes: string[] = [];
  notes.push(cost.planned !== undefined
    ? vscode.l10n.t('API calls: this check made {0}; running the job will make {1} (one per change).', cost.planned.toLocaleString(), cost.apply.toLocaleString())
    : vscode.l10n.t('API calls: running the job will make {0} (one per change).', cost.apply.toLocaleString()));
  if (b.allowance) {
    notes.push(vscode.l10n.t('This month: {0} of {1} calls used; this job uses {2} of what is left.', b.used.toLocaleString(), b.allowance.toLocaleString(), percent(b.shareOfLeft ?? 0)));
  }
  if (cost.ownedReads) notes.push(vscode.l10n.t('Of these, {0} read what the users own: all schedules at once, and each personal folder.', cost.ownedReads.toLocaleString()));
  for (const h of cost.hints) {
    if (h.kind === 'roleForGroup') notes.push(vscode.l10n.t('Cheaper: give the role to a group these {0} users share (one call) instead of to each user.', h.users.toLocaleString()));
  }
  return notes;
}

/** The pages of `source`, telling `onPage` how many users each held. */
async function* counted(source: AsyncIterable<IUser[]>, onPage: (n: number) => void): AsyncGenerator<IUser[]> {
  for await (const page of source) {
    onPage(page.length);
    yield page;
  }
}
