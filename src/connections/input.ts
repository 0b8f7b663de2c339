import * as vscode from 'vscode';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';

export const BACK = Symbol('back');

/**
 * Where a multi-step input goes once step `index` (of `count`) answered `value`: 'cancel' when it was dismissed, the
 * index of the step to show next (one back for {@link BACK}), or 'done' after the last step.
 */
export function nextStep(value: string | symbol | undefined, index: number, count: number): number | 'cancel' | 'done' {
  if (value === undefined) return 'cancel';
  if (value === BACK) return Math.max(0, index - 1);
  return index < count - 1 ? index + 1 : 'done';
}

export interface InputStep {
  title: string;
  step: number;
  totalSteps: number;
  value: string;
  prompt: string;
  placeholder?: string;
  password?: boolean;
  /** Shown under the box; returning undefined means valid. Warnings keep the box acceptable. */
  validate?: (value: string) => vscode.InputBoxValidationMessage | string | undefined;
  /** Message shown when the step opens (e.g. why the user was sent back here). */
  initialMessage?: vscode.InputBoxValidationMessage | string;
  canGoBack?: boolean;
  /** More title-bar buttons; pressing one resolves with its `result` and leaves the typed text in `value`. */
  extraButtons?: { button: vscode.QuickInputButton; result: symbol }[];
}

/**
 * One step of a multi-step input: resolves to the accepted text, {@link BACK}, or undefined when dismissed.
 * An error-severity validation message blocks Enter; the typed text is never cleared.
 */
export function showInputStep(s: InputStep): Promise<string | typeof BACK | symbol | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = s.title;
    box.step = s.step;
    box.totalSteps = s.totalSteps;
    box.value = s.value;
    box.prompt = s.prompt;
    box.placeholder = s.placeholder;
    box.password = !!s.password;
    box.ignoreFocusOut = true;
    box.buttons = [...(s.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(s.extraButtons ?? []).map((b) => b.button)];
    const check = (v: string): boolean => {
      const m = s.validate?.(v);
      box.validationMessage = m;
      return !m || (typeof m !== 'string' && m.severity !== vscode.InputBoxValidationSeverity.Error);
    };
    if (s.initialMessage) box.validationMessage = s.initialMessage;
    else check(s.value);
    let done = false;
    const finish = (v: string | symbol | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue((v) => check(v));
    box.onDidAccept(() => {
      if (check(box.value)) finish(box.value);
    });
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(BACK);
      const extra = s.extraButtons?.find((x) => x.button === b);
      if (extra) {
        s.value = box.value;
        finish(extra.result);
      }
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** The instance URL step's check: an unusable URL blocks Enter; with `warnings`, a doubtful one is flagged but accepted. */
export function validateUrl(v: string, warnings: boolean): vscode.InputBoxValidationMessage | undefined {
  const n = normalizeBaseUrl(v);
  if (n.error) return { message: n.error, severity: vscode.InputBoxValidationSeverity.Error };
  if (warnings && n.warning) return { message: n.warning, severity: vscode.InputBoxValidationSeverity.Warning };
  return undefined;
}

/** The client ID step's check: one must be typed. */
export function validateClientId(v: string): vscode.InputBoxValidationMessage | undefined {
  return v.trim() ? undefined : { message: vscode.l10n.t('Enter the client ID.'), severity: vscode.InputBoxValidationSeverity.Error };
}

/**
 * Picks one of `list`: the only one without asking, else from a quick pick (each with its URL; `active` marks the
 * active connection). Undefined when dismissed.
 */
export async function pickProfile(list: ConnectionProfile[], placeHolder: string, active?: string): Promise<ConnectionProfile | undefined> {
  if (list.length === 1) return list[0];
  const pick = await vscode.window.showQuickPick(
    list.map((p) => ({ label: p.name, description: p.baseUrl, detail: p.id === active ? vscode.l10n.t('Active') : undefined, profile: p })),
    { placeHolder },
  );
  return pick?.profile;
}
