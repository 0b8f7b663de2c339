import * as vscode from 'vscode';
import { inTestMode } from '../testMode';

/** See testMode.ts; repeated here so the production bundle drops the hooks below as dead code. */
declare const __TEST_HOOKS__: boolean;

/**
 * Answers for modal dialogs, queued by tests that run inside the extension host: VS Code offers an extension no way
 * to press a button of a modal message box. Each queued answer is used once, in order; every prompt is recorded.
 * Honoured only in a test build running in test mode (see testMode.ts); reachable only through the test handle.
 */
export const dialogTestHooks = {
  answers: [] as (string | undefined)[],
  /** Files chosen in the save dialog, used in order like `answers`. */
  saveAs: [] as (vscode.Uri | undefined)[],
  prompts: [] as string[],
  errors: [] as string[],
  warnings: [] as string[],
};

/** Records an error message shown to the user (test builds only), so in-host tests can read what a person saw. */
export function recordShownError(message: string): void {
  if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__ && inTestMode()) {
    dialogTestHooks.errors.push(message);
    if (dialogTestHooks.errors.length > 200) dialogTestHooks.errors.shift();
  }
}

/** Records a non-modal warning shown to the user (test builds only). */
export function recordShownWarning(message: string): void {
  if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) {
    dialogTestHooks.warnings.push(message);
    if (dialogTestHooks.warnings.length > 200) dialogTestHooks.warnings.shift();
  }
}

function hooked(message: string): { answered: boolean; value?: string } {
  if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__ && inTestMode() && dialogTestHooks.answers.length > 0) {
    dialogTestHooks.prompts.push(message);
    return { answered: true, value: dialogTestHooks.answers.shift() };
  }
  return { answered: false };
}

/**
 * The save dialog: the only way a file name reaches a write of the extension. A queued `saveAs` answer stands for
 * the person's choice only in a test build running in test mode (like `answers`).
 */
export async function saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
  if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__ && inTestMode() && dialogTestHooks.saveAs.length > 0) {
    dialogTestHooks.prompts.push(`save: ${options.defaultUri?.fsPath ?? ''}`);
    return dialogTestHooks.saveAs.shift();
  }
  return vscode.window.showSaveDialog(options);
}

/** A modal confirmation; resolves to the chosen item or undefined (cancelled). */
export async function confirmModal(message: string, detail: string | undefined, ...items: string[]): Promise<string | undefined> {
  const h = hooked(message);
  if (h.answered) return h.value;
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...items);
}
