/**
 * A job's cost in API calls, in words: the preview's notes (what the dry run made, what the job will make, the
 * month's allowance, cheaper routes) and the confirmation before a job that takes much of what is left.
 */
import * as vscode from 'vscode';
import type { BudgetCheck } from '../looker/meter';
import type { ConnectionProfile } from '../looker/profile';
import { confirmModal } from '../commands/prompt';
import { hostOf } from '../util/urls';
import type { JobCost } from './cost';

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

/** Asks before a job that uses more than the set share of the month's API calls left, or goes over the allowance. */
export async function confirmBudget(profile: ConnectionProfile, b: BudgetCheck): Promise<boolean> {
  const go = vscode.l10n.t('Run Anyway');
  const message = b.used + b.calls > (b.allowance ?? 0)
    ? vscode.l10n.t('This job makes {0} API calls on {1} ({2}): more than the {3} left of this month\'s allowance of {4}.', b.calls.toLocaleString(), profile.name, hostOf(profile.baseUrl), (b.left ?? 0).toLocaleString(), (b.allowance ?? 0).toLocaleString())
    : vscode.l10n.t('This job makes {0} API calls on {1} ({2}): {3} of the {4} left this month.', b.calls.toLocaleString(), profile.name, hostOf(profile.baseUrl), percent(b.shareOfLeft ?? 0), (b.left ?? 0).toLocaleString());
  return (await confirmModal(message, vscode.l10n.t('Change the threshold with the setting looker.api.confirmAbovePercent.'), go)) === go;
}
