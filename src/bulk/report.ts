/**
 * What a job tells when it ends: the message with its buttons (Open Report, Save as CSV…, Retry Failed, Resume), the
 * report as Markdown or CSV, and why an invitation made no job (everyone invited exists already).
 */
import * as vscode from 'vscode';
import * as os from 'os';
import * as path from 'path';
import type { Log } from '../log';
import type { ConnectionProfile } from '../looker/profile';
import { describeError } from '../commands/errors';
import { saveDialog } from '../commands/prompt';
import { userOfLabel } from '../audit/log';
import { hostOf } from '../util/urls';
import { userCount } from '../util/plural';
import { toCsv } from './csv';
import type { Plan } from './plan';
import type { RunResult } from './runner';
import { actionTitle } from './titles';
import { jobCounts, type BulkJob } from './types';

/** What the report's Retry Failed and Resume buttons start. */
export interface ReportActions {
  retryFailed(job: BulkJob, profile: ConnectionProfile): Promise<unknown>;
  resume(jobId: string): Promise<unknown>;
}

/** Where exports and reports are saved by default. */
export function defaultDir(): string {
  // Exports and reports hold personal data: they default to the home folder, never into a (git) workspace.
  return os.homedir();
}

/** The message at the end of a bulk job (not of a single change), and what its buttons do. */
export async function showReport(job: BulkJob, result: RunResult, profile: ConnectionProfile, actions: ReportActions): Promise<void> {
  const c = result.counts;
  const openReportLabel = vscode.l10n.t('Open Report');
  const saveCsv = vscode.l10n.t('Save as CSV…');
  const retry = vscode.l10n.t('Retry Failed');
  const resume = vscode.l10n.t('Resume');
  const items = [openReportLabel, saveCsv];
  if (c.failed) items.push(retry);
  if (c.pending) items.push(resume);
  let text = vscode.l10n.t('{0}: {1} succeeded, {2} skipped, {3} failed.', actionTitle(job.action), c.done, c.skipped, c.failed);
  if (result.fatal) text += ' ' + describeError(result.fatal);
  else if (c.pending) text += ' ' + vscode.l10n.t('Stopped with {0} left; the job can be resumed.', userCount(c.pending));
  const show = c.failed || result.fatal ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const pick = await show(text, ...items);
  if (pick === openReportLabel) await openReport(job);
  else if (pick === saveCsv) await saveReportCsv(job);
  else if (pick === retry) await actions.retryFailed(job, profile);
  else if (pick === resume) await actions.resume(job.id);
}

/** The report as CSV: user id, user, status, message, before, after. */
function reportCsv(job: BulkJob): string {
  return toCsv(
    ['user_id', 'user', 'status', 'message', 'before', 'after'],
    job.userIds.map((id) => {
      const s = job.state[id] ?? { status: 'pending' };
      return [id, s.label ?? '', s.status, s.message ?? '', s.before ?? '', s.after ?? ''];
    }),
  );
}

/** The report as a Markdown document: the counts, then one row per user. */
async function openReport(job: BulkJob): Promise<vscode.TextDocument> {
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

/** Saves the report as CSV where the save dialog says. */
export async function saveReportCsv(job: BulkJob): Promise<vscode.Uri | undefined> {
  const uri = await saveDialog({ filters: { CSV: ['csv'] }, defaultUri: vscode.Uri.file(path.join(defaultDir(), `looker-${job.action}-${job.id}.csv`)) });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(reportCsv(job), 'utf8'));
  return uri;
}

/** Every invited email exists already: say who has it (nothing to preview), with a button to open them. */
export function reportExisting(plan: Plan, profile: ConnectionProfile, log: Log): void {
  const existing = plan.items.filter((i) => i.existingUserId);
  log.info(`Invite on ${profile.name}: ${plan.items.length} invitation(s), ${existing.length} existing, none to create; nothing was written`);
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
