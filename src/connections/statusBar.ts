import * as vscode from 'vscode';
import type { Log } from '../log';
import type { ConnectionManager } from './manager';
import { isTestBuild } from '../testMode';

/** The `looker.api.*` settings that put the API call meter against the edition's monthly allowance. */
export function apiAllowanceSettings(): { allowance: number; confirmAbovePercent: number } {
  const cfg = vscode.workspace.getConfiguration('looker.api');
  const allowance = Number(cfg.get<number>('monthlyAllowance', 0));
  const percent = Number(cfg.get<number>('confirmAbovePercent', 10));
  return { allowance: Number.isFinite(allowance) && allowance > 0 ? Math.floor(allowance) : 0, confirmAbovePercent: Number.isFinite(percent) ? percent : 10 };
}

/** "API calls: 12 today · 340 this month (of 1,000)" for one connection, or undefined without a meter. */
export function apiCallsLine(manager: ConnectionManager, connectionId: string): string | undefined {
  if (!manager.meter) return undefined;
  const { today, month } = manager.meter.counts(connectionId);
  const { allowance } = apiAllowanceSettings();
  return allowance
    ? vscode.l10n.t('API calls: {0} today · {1} this month (of {2})', today.toLocaleString(), month.toLocaleString(), allowance.toLocaleString())
    : vscode.l10n.t('API calls: {0} today · {1} this month', today.toLocaleString(), month.toLocaleString());
}

/** How often at most the meter is written to the Output log per connection while calls are made. */
const METER_LOG_EVERY_MS = 60_000;

/** The active connection in the status bar (name and user count once known); a click switches connection. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('looker.connection', vscode.StatusBarAlignment.Left, 10);
  private readonly counts = new Map<string, number>();
  private readonly subscriptions: { dispose(): void }[] = [];
  private refresh: ReturnType<typeof setTimeout> | undefined;
  private readonly meterLogged = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly log?: Log,
  ) {
    this.item.name = vscode.l10n.t('Looker Connection');
    this.item.command = 'looker.switchConnection';
    this.subscriptions.push(
      manager.store.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('looker.api')) this.update();
      }),
    );
    if (manager.meter) this.subscriptions.push(manager.meter.onDidRecord((id) => this.recorded(id)));
    this.update();
  }

  /** A request was counted: the tooltip follows within a second, the Output log at most once a minute. */
  private recorded(connectionId: string): void {
    if (!this.refresh) {
      this.refresh = setTimeout(() => {
        this.refresh = undefined;
        this.update();
      }, 1000);
    }
    if (this.log && !this.meterLogged.has(connectionId)) {
      this.meterLogged.set(connectionId, setTimeout(() => {
        this.meterLogged.delete(connectionId);
        const line = apiCallsLine(this.manager, connectionId);
        const name = this.manager.store.get(connectionId)?.name ?? connectionId;
        if (line) this.log?.info(`[${name}] ${line}`);
      }, METER_LOG_EVERY_MS));
    }
  }

  /** Records the number of users the active connection's tree found. */
  setUserCount(connectionId: string, count: number | undefined): void {
    if (count === undefined) this.counts.delete(connectionId);
    else this.counts.set(connectionId, count);
    this.update();
  }

  /** What the item shows, for the in-host tests (empty in the production bundle, where nothing reads it). */
  get text(): string {
    return isTestBuild() ? this.item.text : '';
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
    const calls = apiCallsLine(this.manager, active.id);
    if (calls) lines.push(calls);
    lines.push(vscode.l10n.t('Click to switch connection'));
    this.item.tooltip = lines.join('\n');
    this.item.show();
  }

  /** The tooltip's text, for the in-host tests (empty in the production bundle, where nothing reads it). */
  get tooltip(): string {
    return isTestBuild() && typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    if (this.refresh) clearTimeout(this.refresh);
    for (const t of this.meterLogged.values()) clearTimeout(t);
    this.meterLogged.clear();
    this.item.dispose();
  }
}
