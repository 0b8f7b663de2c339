import * as vscode from 'vscode';
import { shellHtml, webviewOptions } from '../webview/shell';
import type { Owned, Plan, PlanItem } from './plan';
import { describeChange, type ValueNames } from '../format/changes';
import { parsePageMessage, type HostToPage, type PreviewData, type PreviewRow } from './protocol';

declare const __TEST_HOOKS__: boolean;

/** Reasons of plan.ts, localised (plan.ts has no vscode; its English text is the key). */
const REASONS: Record<string, () => string> = {
  'User not found (deleted?).': () => vscode.l10n.t('User not found (deleted?).'),
  'This is the API user of the connection.': () => vscode.l10n.t('This is the API user of the connection.'),
  'Already disabled.': () => vscode.l10n.t('Already disabled.'),
  'Already enabled.': () => vscode.l10n.t('Already enabled.'),
  'No email/password login.': () => vscode.l10n.t('No email/password login.'),
  'A reset is already required.': () => vscode.l10n.t('A reset is already required.'),
  'No reset is required.': () => vscode.l10n.t('No reset is required.'),
  'The user is disabled.': () => vscode.l10n.t('The user is disabled.'),
  'No active sessions.': () => vscode.l10n.t('No active sessions.'),
  'Already a member.': () => vscode.l10n.t('Already a member.'),
  'Not a direct member.': () => vscode.l10n.t('Not a direct member.'),
  'Already has the role.': () => vscode.l10n.t('Already has the role.'),
  'Does not have the role directly.': () => vscode.l10n.t('Does not have the role directly.'),
  'No new email given.': () => vscode.l10n.t('No new email given.'),
  'Already has this email.': () => vscode.l10n.t('Already has this email.'),
  'No invitation for this email.': () => vscode.l10n.t('No invitation for this email.'),
  'No new owner given.': () => vscode.l10n.t('No new owner given.'),
  'This is the new owner.': () => vscode.l10n.t('This is the new owner.'),
  'Owns no schedules.': () => vscode.l10n.t('Owns no schedules.'),
  'No schedule to give back.': () => vscode.l10n.t('No schedule to give back.'),
};

export function reasonText(reason: string | undefined): string {
  if (!reason) return '';
  const exists = /^Already exists: (.*)\.$/.exec(reason);
  if (exists) return vscode.l10n.t('Already exists: {0}.', exists[1]);
  return REASONS[reason]?.() ?? reason;
}

/** "Disabled: no → yes; …" for a change (field labels, names for ids), the reason for a skip. */
export function describeItem(i: PlanItem, names: ValueNames = {}): string {
  if (i.kind !== 'change') return reasonText(i.reason);
  const change = describeChange(i.before, i.after, names);
  return i.owns ? `${change}; ${describeOwned(i.owns)}` : change;
}

/** "Owns 2 schedules (Weekly revenue, Churn watch), which Looker deletes with the user; personal folder: 2 looks, 1 dashboard" */
export function describeOwned(o: Owned): string {
  const parts: string[] = [];
  const shown = o.schedules.slice(0, 5).map((s) => s.name);
  const more = o.schedules.length - shown.length;
  const list = shown.join(', ') + (more > 0 ? vscode.l10n.t(' and {0} more', more) : '');
  parts.push(o.schedules.length
    ? vscode.l10n.t('Owns {0} schedule(s) ({1}), which Looker deletes with the user', o.schedules.length, list)
    : vscode.l10n.t('Owns no schedules'));
  if (o.looks !== undefined || o.dashboards !== undefined) {
    parts.push(vscode.l10n.t('personal folder: {0} look(s), {1} dashboard(s)', o.looks ?? 0, o.dashboards ?? 0));
  }
  return parts.join('; ');
}

export interface PreviewOptions {
  title: string;
  confirmLabel: string;
  /** Text the user must type to enable Confirm (Delete: the count). */
  typeToConfirm?: string;
  /** Lines under the counts (API calls the job costs, cheaper routes). */
  notes?: string[];
  /** Names of the groups and roles whose ids appear in the changes. */
  names?: ValueNames;
  /** A warning shown above the list (e.g. the group is managed outside Looker). */
  warning?: string;
  /** The label of the rows that change, instead of "Will change" (e.g. "Will be requested"). */
  changeLabel?: string;
  /** A second way on, as a button (Delete: "Reassign Schedules First…"); `show` then resolves 'extra' when chosen. */
  extraLabel?: string;
}

/** How a preview was answered: confirmed, cancelled (or closed), or the extra button. */
export type PreviewAnswer = boolean | 'extra';

interface Open {
  plan: Plan;
  notes?: string[];
  panel: vscode.WebviewPanel;
  respond(confirm: PreviewAnswer, typed?: string): void;
}


/**
 * The dry-run preview: a webview listing per user what will change, be skipped or cannot be done, with counts and
 * Confirm / Cancel. `show` resolves true on Confirm, false on Cancel or when the panel is closed.
 */
export class BulkPreview implements vscode.Disposable {
  private open: Open | undefined;
  private readonly shown = new vscode.EventEmitter<Plan>();
  /** Fires when a preview is on screen (tests answer it with {@link respond}). */
  readonly onDidShow = this.shown.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  get current(): Plan | undefined {
    return this.open?.plan;
  }

  /** The lines shown under the counts of the open preview (API calls, cheaper routes). */
  get currentNotes(): readonly string[] {
    return this.open?.notes ?? [];
  }

  /** The title of the open preview (it names the connection and host). */
  get currentTitle(): string | undefined {
    return this.open?.panel.title;
  }

  /**
   * Answers the open preview as if its button was pressed ('extra': the extra button): for the in-host tests, so only
   * in a test build (the production bundle answers nothing).
   */
  respond(confirm: PreviewAnswer, typed?: string): boolean {
    if (typeof __TEST_HOOKS__ === 'undefined' || !__TEST_HOOKS__ || !this.open) return false;
    this.open.respond(confirm, typed);
    return true;
  }

  show(plan: Plan, opts: PreviewOptions): Promise<PreviewAnswer> {
    this.open?.respond(false);
    const panel = vscode.window.createWebviewPanel('looker.bulkPreview', opts.title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    const rows: PreviewRow[] = plan.items.map((i) => ({ userId: i.userId, label: i.label, kind: i.kind, detail: describeItem(i, opts.names) }));
    // Changes first, then skips, then the impossible ones.
    const order = { change: 0, impossible: 1, skip: 2 };
    rows.sort((a, b) => order[a.kind] - order[b.kind]);
    const data: PreviewData = {
      title: opts.title,
      confirmLabel: opts.confirmLabel,
      counts: plan.counts,
      notes: opts.notes,
      rows,
      strings: {
        change: opts.changeLabel ?? vscode.l10n.t('Will change'),
        skip: vscode.l10n.t('Skipped'),
        impossible: vscode.l10n.t('Cannot be done'),
        cancel: vscode.l10n.t('Cancel'),
        filter: vscode.l10n.t('Filter'),
        nothing: vscode.l10n.t('Nothing to change.'),
        user: vscode.l10n.t('User'),
        what: vscode.l10n.t('What happens'),
      },
    };
    if (opts.warning) data.warning = opts.warning;
    if (opts.extraLabel) data.extraLabel = opts.extraLabel;
    if (opts.typeToConfirm !== undefined) {
      data.typeToConfirm = opts.typeToConfirm;
      data.typePrompt = vscode.l10n.t('Type {0} to confirm:', opts.typeToConfirm);
    }
    const w = panel.webview;
    w.html = shellHtml(w, this.extensionUri, { style: 'bulk.css', script: 'bulk.js', rootId: 'root' });
    return new Promise<PreviewAnswer>((resolve) => {
      const subs: vscode.Disposable[] = [];
      let done = false;
      const finish = (ok: PreviewAnswer) => {
        if (done) return;
        done = true;
        if (this.open?.panel === panel) this.open = undefined;
        for (const s of subs) s.dispose();
        panel.dispose();
        resolve(ok);
      };
      const respond = (confirm: PreviewAnswer, typed?: string) => {
        if (!confirm) return finish(false);
        if (confirm === 'extra') return opts.extraLabel ? finish('extra') : undefined;
        if (plan.counts.change === 0) return;
        if (opts.typeToConfirm !== undefined && typed?.trim() !== opts.typeToConfirm) return;
        finish(true);
      };
      this.open = { plan, notes: opts.notes, panel, respond };
      subs.push(
        w.onDidReceiveMessage((raw: unknown) => {
          const m = parsePageMessage(raw);
          if (!m) return;
          if (m.type === 'ready') void w.postMessage({ type: 'show', data } satisfies HostToPage);
          else if (m.type === 'extra') respond('extra');
          else respond(m.type === 'confirm', m.type === 'confirm' ? m.typed : undefined);
        }),
        panel.onDidDispose(() => finish(false)),
      );
      this.shown.fire(plan);
    });
  }

  dispose(): void {
    this.open?.respond(false);
    this.shown.dispose();
  }
}
