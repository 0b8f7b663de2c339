import * as vscode from 'vscode';
import type { ConnectionManager } from './manager';

/** The active connection in the status bar (name and user count once known); a click switches connection. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('looker.connection', vscode.StatusBarAlignment.Left, 10);
  private readonly counts = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.item.name = vscode.l10n.t('Looker Connection');
    this.item.command = 'looker.switchConnection';
    this.subscription = manager.store.onDidChange(() => this.update());
    this.update();
  }

  /** Records the number of users the active connection's tree found. */
  setUserCount(connectionId: string, count: number | undefined): void {
    if (count === undefined) this.counts.delete(connectionId);
    else this.counts.set(connectionId, count);
    this.update();
  }

  get text(): string {
    return this.item.text;
  }

  update(): void {
    const active = this.manager.active();
    if (!active) {
      this.item.hide();
      return;
    }
    const count = this.counts.get(active.id);
    this.item.text = count === undefined ? `$(account) ${active.name}` : `$(account) ${active.name} · ${count.toLocaleString()}`;
    const info = this.manager.connectedInfo(active.id);
    const lines = [vscode.l10n.t('Looker: {0}', active.baseUrl)];
    if (info) lines.push(vscode.l10n.t('API user {0} · Looker {1}', info.userName, info.lookerVersion));
    if (count !== undefined) lines.push(vscode.l10n.t('{0} users', count.toLocaleString()));
    if (!active.verifyTls) lines.push(vscode.l10n.t('TLS verification is off for this connection'));
    lines.push(vscode.l10n.t('Click to switch connection'));
    this.item.tooltip = lines.join('\n');
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
