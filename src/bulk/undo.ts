/**
 * Undo (a reversible job, or one reversible edit, picked from the audit log) and Open Audit Log. An undo is planned
 * and confirmed like any job, and refused when the connection now points at another host or the user changed since.
 */
import * as vscode from 'vscode';
import { promises as fs } from 'fs';
import * as path from 'path';
import { LookerApiError } from '../looker/errors';
import { undoStep, undoableEntries, undoableJobs, type AuditEntry, type AuditLog, type UndoableJob } from '../audit/log';
import { confirmModal } from '../commands/prompt';
import { changeLabel, describeValues } from '../format/labels';
import { formatDateTime } from '../format/dates';
import { hostOf } from '../util/urls';
import { userCount } from '../util/plural';
import { refuseOtherInstance, type BulkOutcome, type JobFlow } from './jobFlow';
import type { SingleChanges } from './runOne';
import type { SingleOutcome } from '../actions/types';
import { actionTitle } from './titles';
import { isBulkAction, type BulkAction, type BulkParams } from '../actions/types';

/** Opens the audit log (an empty file when nothing was written yet). */
export async function openAuditLog(audit: AuditLog): Promise<vscode.TextEditor> {
  await audit.flush();
  try {
    await fs.access(audit.file);
  } catch {
    await fs.mkdir(path.dirname(audit.file), { recursive: true });
    await fs.writeFile(audit.file, '', { flag: 'a' });
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(audit.file));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The `keys` of `values` (null where absent). */
function pickValues(values: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, values?.[k] ?? null]));
}

/** Undo: a reversible bulk job (its done users) or a single reversible edit, picked from the audit log. */
export async function undo(flow: JobFlow, single: SingleChanges, pick?: { jobId?: string; entryId?: string }): Promise<BulkOutcome | AuditEntry | undefined> {
  const { manager, audit } = flow.deps;
  const entries = await audit.read();
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
    const profile = manager.store.get(j.connectionId);
    if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
    refuseOtherInstance(profile, j.url);
    if (!isBulkAction(j.inverse)) return undefined;
    // The undo is a job like any other: dry run, then the preview is its confirmation.
    const inverse = j.inverse;
    return flow.withClient(profile, (client) => flow.planAndRun(profile, client, inverse, { ...(j.params ?? {}) }, j.userIds, { undoOf: j.jobId }));
  }
  return undoEntry(flow, single, choice.entry!);
}

async function undoEntry(flow: JobFlow, single: SingleChanges, e: AuditEntry): Promise<AuditEntry | BulkOutcome | undefined> {
  const { manager, tree, audit } = flow.deps;
  const step = undoStep(e);
  if (!step) return undefined;
  const profile = manager.store.get(e.connection.id);
  if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this change no longer exists.') });
  refuseOtherInstance(profile, e.connection.url);
  const client = manager.client(profile.id);
  if (!client) return undefined;
  if (step.kind === 'action') {
    if (!isBulkAction(step.action)) return undefined;
    const action = step.action;
    return flow.withClient(profile, (bulk) => flow.planAndRun(profile, bulk, action, { ...(step.params ?? {}) }, [step.userId], { undoOf: e.id }));
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
    last = await single.run(action, step.userId, profile.id, params, { undoOf: e.id });
    if (last.status === 'failed') throw last.error ?? new LookerApiError({ kind: 'config', message: vscode.l10n.t('Cannot undo: {0} Nothing was written.', last.message ?? '') });
  }
  void tree.updateUsers([step.userId]).catch(() => undefined);
  await audit.flush();
  if (last?.status !== 'done') return undefined;
  return [...(await audit.read())].reverse().find((x) => x.undoOf === e.id);
}
