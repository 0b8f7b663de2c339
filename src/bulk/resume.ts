/**
 * A job that did not finish: Resume (its pending users planned and previewed again, on the instance it was planned
 * on), the offer to resume at start-up, and Retry Failed (a new job for the users that failed).
 */
import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import type { ConnectionProfile } from '../looker/profile';
import { hostOf } from '../util/urls';
import { refuseOtherInstance, type BulkOutcome, type JobFlow } from './jobFlow';
import { actionTitle } from './titles';
import { jobCounts, type BulkJob } from './types';

/** "Retry failed": a new dry run and job for the users that failed. */
export async function retryFailed(flow: JobFlow, job: BulkJob, profile?: ConnectionProfile): Promise<BulkOutcome | undefined> {
  const failed = job.userIds.filter((id) => job.state[id]?.status === 'failed');
  if (!failed.length) return undefined;
  const p = profile ?? flow.deps.manager.store.get(job.connectionId);
  if (!p) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
  return flow.withClient(p, (client) => flow.planAndRun(p, client, job.action, job.params, failed));
}

/** Resumes a cancelled or interrupted job (picked from a list when no id is given). */
export async function resume(flow: JobFlow, jobId?: string): Promise<BulkOutcome | undefined> {
  const { jobs, owner } = flow;
  let job: BulkJob | undefined;
  if (jobId) job = await jobs.load(jobId);
  else {
    const list = await jobs.unfinished(owner);
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
  const running = flow.runningJob(job.id);
  if (running) return running;
  const profile = flow.deps.manager.store.get(job.connectionId);
  if (!profile) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this job no longer exists.') });
  refuseOtherInstance(profile, job.instance?.url);
  // Another window may be running it (or resuming it): never both.
  const old = job;
  return flow.locked(old.id, () =>
    flow.withClient(profile, async (client) => {
      // The job may be days old: its users are planned again and the preview shown again before anything is sent.
      const pending = old.userIds.filter((id) => (old.state[id]?.status ?? 'pending') === 'pending');
      if (!pending.length) {
        await jobs.remove(old.id).catch(() => undefined);
        return undefined;
      }
      const outcome = await flow.planAndRun(profile, client, old.action, old.params, pending, { undoOf: old.undoOf });
      if (outcome) await jobs.remove(old.id).catch(() => undefined);
      return outcome;
    }),
  );
}

/** At start-up: offers to resume the first job this window left unfinished, or to discard it. */
export async function offerResume(flow: JobFlow): Promise<void> {
  try {
    const list = await flow.jobs.unfinished(flow.owner);
    if (!list.length) return;
    const resume = vscode.l10n.t('Resume');
    const discard = vscode.l10n.t('Discard');
    const j = list[0];
    const c = jobCounts(j);
    const p = flow.deps.manager.store.get(j.connectionId);
    const where = j.instance ? `${j.instance.name} (${j.instance.host ?? hostOf(j.instance.url)})` : p ? `${p.name} (${hostOf(p.baseUrl)})` : j.connectionId;
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t('A bulk job "{0}" on {1} stopped with {2} of {3} user(s) left. Resuming checks them again first.', actionTitle(j.action), where, c.pending, c.total),
      resume,
      discard,
    );
    if (pick === resume) await vscode.commands.executeCommand('looker.bulk.resume', j.id);
    else if (pick === discard) await flow.jobs.remove(j.id);
  } catch (err) {
    flow.deps.log.error('Reading interrupted bulk jobs failed', err);
  }
}
