import * as vscode from 'vscode';
import type { IGroup, IRole, IUserAttribute } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { PromiseCache } from '../util/promiseCache';
import { webviewOptions } from '../webview/shell';
import type { DetailsDeps, Lookups } from './deps';
import { DetailsPanel } from './panel';
import { VIEW_TYPE, isPageState, type Edits } from './protocol';

/** How long role and group lists, attribute definitions and folder names are reused before being read again. */
const LOOKUP_TTL_MS = 5 * 60 * 1000;

/**
 * Opens and keeps the user details panels: one per (connection, user); re-opening reveals the existing one. Panels
 * come back after a window reload through a {@link vscode.WebviewPanelSerializer}.
 */
export class UserDetailsController implements vscode.Disposable, Lookups {
  private readonly panels = new Map<string, DetailsPanel>();
  /** Unsaved edits of closed tabs, by (connection, user): offered again when the user is reopened. */
  private readonly drafts = new Map<string, { edits: Edits; base: Edits; title: string }>();
  /** Per-connection lookups (folders by connection and id): shared while loading, read again after {@link LOOKUP_TTL_MS}. */
  private readonly roleCache = new PromiseCache<Map<string, IRole>>(LOOKUP_TTL_MS);
  private readonly groupCache = new PromiseCache<Map<string, IGroup>>(LOOKUP_TTL_MS);
  private readonly attributeDefCache = new PromiseCache<IUserAttribute[]>(LOOKUP_TTL_MS);
  private readonly folderCache = new PromiseCache<string | undefined>(LOOKUP_TTL_MS);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: DetailsDeps) {
    this.disposables.push(
      deps.manager.store.onDidChange(() => {
        for (const c of [this.roleCache, this.groupCache, this.attributeDefCache, this.folderCache]) c.clear();
      }),
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

  /**
   * Opens (or reveals) the details panel of a user; `connectionId` defaults to the active connection. With `preview`
   * (a click in the tree) the panel replaces the previous preview panel unless that one was pinned or has edits, as
   * VS Code's preview editors do; opening a preview user again pins it.
   */
  async open(userId: string, connectionId?: string, preview = false): Promise<vscode.WebviewPanel> {
    const connection = connectionId ?? this.deps.manager.active()?.id;
    if (!connection || !this.deps.manager.store.get(connection)) {
      throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('Add or choose a Looker connection first.') });
    }
    const id = String(userId).trim();
    const existing = this.panels.get(key(connection, id));
    if (existing) {
      // A second open pins a preview (like a double-click on a preview editor's tab), unless it is a preview again.
      if (!preview) existing.preview = false;
      else if (existing.preview && existing.panel.active) existing.preview = false;
      existing.reveal();
      return existing.panel;
    }
    const replaced = preview ? [...this.panels.values()].find((p) => p.preview && !p.draft) : undefined;
    const column = replaced?.panel.viewColumn ?? vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('User {0}', id), column, webviewOptions(this.deps.extensionUri));
    const p = this.adopt(panel, connection, id);
    p.preview = preview;
    replaced?.dispose();
    const draft = this.drafts.get(key(connection, id));
    if (draft) {
      this.drafts.delete(key(connection, id));
      p.preview = false;
      p.restoreDraft({ edits: draft.edits, base: draft.base });
      void vscode.window.showInformationMessage(vscode.l10n.t('Restored the unsaved changes to {0} from the tab you closed.', draft.title));
    }
    return p.panel;
  }

  /**
   * "Keep Open" (the pin in the tab's title bar): the active details panel, or the given one, stops being the
   * preview, so the next user clicked in the tree opens in a tab of its own. Takes no arguments from the menu.
   */
  keepOpen(panel?: DetailsPanel): void {
    const p = panel ?? [...this.panels.values()].find((x) => x.panel.active);
    if (p) p.preview = false;
  }

  /** `looker.detailsPreview`: whether the active editor is a details panel in preview (Keep Open is offered then). */
  private updatePreviewContext(): void {
    const active = [...this.panels.values()].find((x) => x.panel.active);
    void vscode.commands.executeCommand('setContext', 'looker.detailsPreview', !!active?.preview);
  }

  private adopt(panel: vscode.WebviewPanel, connectionId: string, userId: string): DetailsPanel {
    const p = new DetailsPanel(panel, connectionId, userId, this.deps, this);
    const k = key(connectionId, userId);
    this.panels.set(k, p);
    p.onDidChangePreview(() => this.updatePreviewContext());
    panel.onDidChangeViewState(() => this.updatePreviewContext());
    p.onDidDispose(() => {
      if (this.panels.get(k) === p) this.panels.delete(k);
      this.updatePreviewContext();
      // Closing a tab with unsaved edits keeps them: they come back when the user is opened again.
      if (p.draft && !this.disposing) {
        const title = p.current?.title ?? vscode.l10n.t('User {0}', userId);
        this.drafts.set(k, { ...p.draft, title });
        const reopen = vscode.l10n.t('Reopen');
        void vscode.window
          .showWarningMessage(vscode.l10n.t('{0} had unsaved changes. They are kept and come back when you open the user again.', title), reopen)
          .then((pick) => {
            if (pick === reopen) void this.open(userId, connectionId).catch((err) => this.deps.log.error('Reopening a user failed', err));
          });
      }
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

  roles(connectionId: string, client: LookerClient, force = false): Promise<Map<string, IRole>> {
    return this.roleCache.get(connectionId, async () => {
      const list = await client.allRoles('id,name,permission_set(name)');
      return new Map(list.filter((r) => r.id).map((r) => [String(r.id), r]));
    }, force);
  }

  /** User attribute definitions (type, system, user-editable, hidden): cached like the role and group names. */
  attributeDefs(connectionId: string, client: LookerClient, force = false): Promise<IUserAttribute[]> {
    return this.attributeDefCache.get(connectionId, () => client.allUserAttributes('id,name,type,is_system,user_can_edit,value_is_hidden'), force);
  }

  groups(connectionId: string, client: LookerClient, force = false): Promise<Map<string, IGroup>> {
    return this.groupCache.get(connectionId, async () => {
      const list = await client.allGroups({ fields: 'id,name,user_count,externally_managed' });
      return new Map(list.filter((g) => g.id).map((g) => [String(g.id), g]));
    }, force);
  }

  /**
   * A folder's name by id (GET /folders/{id}), read once per connection and kept like the role names; undefined when
   * it cannot be read (deleted, or not visible to the API user).
   */
  folderName(connectionId: string, client: LookerClient, folderId: string): Promise<string | undefined> {
    return this.folderCache.get(key(connectionId, folderId), async () => {
      try {
        return (await client.folder(folderId, 'id,name')).name ?? undefined;
      } catch (err) {
        if (err instanceof LookerApiError && err.status === 404) return undefined;
        throw err;
      }
    });
  }

  /** Remembers a folder's name seen in a search (the picker), so showing the picked folder reads nothing more. */
  knowFolder(connectionId: string, folderId: string, name: string): void {
    this.folderCache.set(key(connectionId, folderId), Promise.resolve(name));
  }

  private disposing = false;

  dispose(): void {
    this.disposing = true;
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** A map key of a user (panels, drafts) or a folder (names) of a connection. */
function key(connectionId: string, id: string): string {
  return `${connectionId}\u0000${id}`;
}
