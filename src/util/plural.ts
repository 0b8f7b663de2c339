import * as vscode from 'vscode';

/**
 * "1 user" / "15 users", each form a whole string for translators (vscode.l10n.t has no plural rules of its own,
 * so the two forms are separate messages).
 */
export function userCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 user') : vscode.l10n.t('{0} users', n.toLocaleString(vscode.env.language));
}
