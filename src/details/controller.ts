import * as vscode from 'vscode';
import type { IGroup, IRole, IUserAttribute } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { Log } from '../log';
import type { AuditLog } from '../audit/log';
import type { BulkParams } from '../bulk/types';
import { DetailsPanel, webviewOptions, type Lookups } from './panel';
import { VIEW_TYPE, isPageState } from './protocol';

export interface DetailsDeps {
  manager: ConnectionManager;
  log: Log;
  extensionUri: vscode.Uri;
  /** Called after a change to users, so the tree refreshes only them. */
  onUsersChanged: (userIds: string[]) => void;
  /** The core audit log (src/audit): every write of the panel is recorded there with who, instance, user, before, after. */
  audit?: AuditLog;
  /**
   * Runs a change through the bulk pipeline for these users of that connection (dry run, preview naming the
   * connection and host, audit); resolves true when something changed. Used by actions the panel shares with the tree.
   */
  runJob?: (action: 'unlock' | 'setUserAttribute' | 'clearUserAttribute', userIds: string[], connectionId: string, params: BulkParams) => Promise<boolean>;
}

/** How long role/group names and the API user's name are reused before being read again. */
const LOOKUP_TTL_MS = 5 * 60 * 1000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/**
 * Opens and keeps the user details panels: one per (connection, user); re-opening reveals the existing one. Panels
 * come back after a window reload through a {@link vscode.WebviewPanelSerializer}.
 */
export class UserDetailsController implements vscode.Disposable, Lookups {
  private readonly panels = new Map<string, DetailsPanel>();
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: DetailsDeps) {
    this.disposables.push(deps.manager.store.onDidChange(() => this.cache.clear()));
  }

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => this.deserialize(panel, state) }),
    );
  }

  /** Restores a panel VS Code kept across a window reload. */
  async deserialize(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPageState(state) || this.panels.has(key(state.connectionId, state.userId))) {
      panel.dispose();
      return;
    }
    if (state.title) panel.title = state.title;
    this.adopt(panel, state.connectionId, state.userId);
  }

  /** Opens (or reveals) the details panel of a user; `connectionId` defaults to the active connection. */
  async open(userId: string, connectionId?: string): Promise<vscode.WebviewPanel> {
    const connection = connectionId ?? this.deps.manager.active()?.id;
    if (!connection || !this.deps.manager.store.get(connection)) {
      throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('Add or choose a Looker connection first.') });
    }
    const id = String(userId).trim();
    const existing = this.panels.get(key(connection, id));
    if (existing) {
      existing.reveal();
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('User {0}', id), vscode.ViewColumn.Active, webviewOptions(this.deps.extensionUri));
    return this.adopt(panel, connection, id).panel;
  }

  private adopt(panel: vscode.WebviewPanel, connectionId: string, userId: string): DetailsPanel {
    const p = new DetailsPanel(panel, connectionId, userId, this.deps, this);
    const k = key(connectionId, userId);
    this.panels.set(k, p);
    p.onDidDispose(() => {
      if (this.panels.get(k) === p) this.panels.delete(k);
    });
    return p;
  }

  /** The open panel of a user, if any (for commands and tests). */
  panelFor(userId: string, connectionId?: string): DetailsPanel | undefined {
    const connection = connectionId ?? this.deps.manager.active()?.id;
    return connection ? this.panels.get(key(connection, String(userId))) : undefined;
  }

  /** All open panels. */
  openPanels(): DetailsPanel[] {
    return [...this.panels.values()];
  }

  private cached<T>(name: string, connectionId: string, force: boolean, read: () => Promise<T>): Promise<T> {
    const k = `${connectionId}\u0000${name}`;
    const hit = this.cache.get(k) as Cached<T> | undefined;
    if (hit && !force && Date.now() - hit.at < LOOKUP_TTL_MS) return hit.value;
    const value = read();
    this.cache.set(k, { at: Date.now(), value });
    value.catch(() => {
      if (this.cache.get(k)?.value === value) this.cache.delete(k);
    });
    return value;
  }

  roles(connectionId: string, client: LookerClient, force = false): Promise<Map<string, IRole>> {
    return this.cached('roles', connectionId, force, async () => {
      const list = await client.allRoles('id,name,permission_set(name)');
      return new Map(list.filter((r) => r.id).map((r) => [String(r.id), r]));
    });
  }

  /** User attribute definitions (type, system, user-editable, hidden): cached like the role and group names. */
  attributeDefs(connectionId: string, client: LookerClient, force = false): Promise<IUserAttribute[]> {
    return this.cached('attributeDefs', connectionId, force, () => client.allUserAttributes('id,name,type,is_system,user_can_edit,value_is_hidden'));
  }

  groups(connectionId: string, client: LookerClient, force = false): Promise<Map<string, IGroup>> {
    return this.cached('groups', connectionId, force, async () => {
      const list = await client.allGroups({ fields: 'id,name,user_count,externally_managed' });
      return new Map(list.filter((g) => g.id).map((g) => [String(g.id), g]));
    });
  }

  apiUser(connectionId: string, client: LookerClient): Promise<string> {
    const known = this.deps.manager.connectedInfo(connectionId)?.userName;
    if (known) return Promise.resolve(known);
    return this.cached('me', connectionId, false, async () => {
      const me = await client.me('id,display_name,email');
      return `${me.display_name || me.email || 'API user'} (id ${me.id})`;
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function key(connectionId: string, userId: string): string {
  return `${connectionId}\u0000${userId}`;
}
