import * as vscode from 'vscode';
import type { LookerClient } from '../looker/client';
import type { ConnectionManager } from '../connections/manager';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { LookerApiError } from '../looker/errors';
import { parseQuery, resolveGroup, type UserQuery } from './query';
import { TREE_USER_FIELDS, classifyUser, groupSupported } from './status';
import { GroupReads, QueryError, type PinnedGroup } from './fetchers';
import { GroupNode, MessageNode, MoreNode, UserNode, type UsersNode } from './nodes';

/**
 * The Users view: the active connection's users under status groups that page server-side, plus the saved and
 * smart searches. A query (set by the Search command) narrows every group.
 */
export class UsersTreeProvider implements vscode.TreeDataProvider<UsersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<UsersNode | UsersNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: UsersNode[] | undefined;
  private rootsLoading: Promise<UsersNode[]> | undefined;
  private generation = 0;
  private abort = new AbortController();
  /** The client the current roots load with (their fetchers hold it). */
  private rootsClient: LookerClient | undefined;
  private query: UserQuery | undefined;
  private lockedOut = new Set<string>();
  private pinned: PinnedGroup | undefined;
  /** When each connection's loads last retried a secret that could not be read yet. */
  private readonly secretRetries = new Map<string, number>();
  /** Whether a person sees the view (set by the composition root): derived groups count in the background only then. */
  isVisible: () => boolean = () => false;
  private readonly countChanged = new vscode.EventEmitter<number | undefined>();
  /** Fires with the number of users the view covers (all status groups) once known. */
  readonly onDidChangeCount = this.countChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reads: GroupReads;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {
    this.reads = new GroupReads(log, now);
    this.disposables.push(
      this.changed,
      this.countChanged,
      manager.onDidChangeActive(() => {
        this.query = undefined;
        void vscode.commands.executeCommand('setContext', 'looker.searchActive', false);
        this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('looker.pageSize') || e.affectsConfiguration('looker.savedSearches')) this.refresh();
      }),
    );
  }

  get pageSize(): number {
    const n = vscode.workspace.getConfiguration('looker').get<number>('pageSize', 100);
    return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 100;
  }

  get currentQuery(): UserQuery | undefined {
    return this.query;
  }

  /** Applies a parsed query (group names resolved here); undefined clears it. */
  async setQuery(query: UserQuery | undefined): Promise<void> {
    let q = query && query.text ? query : undefined;
    const client = q ? this.manager.client() : undefined;
    if (q && client) {
      // Checked against what this instance accepts: a key its release lacks would be silently ignored by Looker.
      const r = parseQuery(q.text, await client.apiSurface());
      if (!r.ok) throw new QueryError(r.error);
      q = r.query;
    }
    if (q?.groupName !== undefined) {
      const groups = await this.manager.requireClient().client.allGroups({ fields: 'id,name' });
      const r = resolveGroup(q, groups);
      if (!r.ok) throw new QueryError(r.error);
      q = r.query;
    }
    this.query = q;
    void vscode.commands.executeCommand('setContext', 'looker.searchActive', !!q);
    this.refresh();
  }

  /**
   * Shows a fixed list of users as an extra, expanded group at the top (e.g. "Access to model X"), each with a
   * reason shown as its description (e.g. "role Developer via group Analysts"). undefined removes it.
   */
  showPinnedGroup(group: PinnedGroup | undefined): void {
    this.pinned = group;
    void vscode.commands.executeCommand('setContext', 'looker.pinnedGroup', !!group);
    this.refresh();
  }

  /** Reloads everything (no argument) or one group. */
  refresh(group?: GroupNode): void {
    if (group) {
      group.users = [];
      group.total = undefined;
      group.loaded = false;
      group.loading = undefined;
      group.error = undefined;
      this.changed.fire(group);
      return;
    }
    this.generation++;
    this.abort.abort();
    this.abort = new AbortController();
    this.roots = undefined;
    this.rootsLoading = undefined;
    this.changed.fire();
  }

  /** Re-reads these users and updates their items in place; a user who moved group reloads the groups. */
  async updateUsers(ids: string[]): Promise<void> {
    const client = this.manager.client();
    if (!client || !this.roots || ids.length === 0) return;
    const fresh = await client.allUsers(ids, TREE_USER_FIELDS);
    const byId = new Map(fresh.map((u) => [String(u.id), u]));
    let regroup = false;
    for (const node of this.allUserNodes()) {
      const u = byId.get(node.id);
      if (!u) continue;
      const status = classifyUser(u, this.now(), this.lockedOut);
      if (node.parent.isStatus() && !node.parent.isStatus(status.group)) regroup = true;
      node.user = u;
      node.status = status;
      this.changed.fire(node);
    }
    if (regroup) this.refresh();
  }

  /** Removes deleted users from the view. */
  removeUsers(ids: string[]): void {
    if (!this.roots) return;
    const gone = new Set(ids);
    for (const g of this.roots) {
      if (!(g instanceof GroupNode)) continue;
      const before = g.users.length;
      g.users = g.users.filter((n) => !gone.has(n.id));
      if (g.users.length !== before) {
        if (g.total !== undefined) g.total -= before - g.users.length;
        this.changed.fire(g);
      }
    }
  }

  *allUserNodes(): Iterable<UserNode> {
    for (const g of this.roots ?? []) if (g instanceof GroupNode) yield* g.users;
  }

  /** The groups currently shown (for tests and commands). */
  groups(): GroupNode[] {
    return (this.roots ?? []).filter((n): n is GroupNode => n instanceof GroupNode);
  }

  getParent(node: UsersNode): UsersNode | undefined {
    return node instanceof GroupNode ? undefined : node.parent;
  }

  async getChildren(node?: UsersNode): Promise<UsersNode[]> {
    if (!node) return this.getRoots();
    if (!(node instanceof GroupNode)) return [];
    if (node.unavailable !== undefined) return [new MessageNode(node.unavailable, 'circle-slash', { parent: node })];
    if (!node.loaded) await this.loadFirst(node);
    if (node.error) {
      return [
        node.error instanceof LookerApiError && node.error.code === 'SIGN_IN_REQUIRED'
          ? new MessageNode(describeError(node.error, vscode.l10n.t('loading users')), 'sign-in', {
              parent: node,
              command: { command: 'looker.signInWithLooker', title: vscode.l10n.t('Sign In with Looker…'), arguments: [{ id: this.manager.active()?.id }] },
              tooltip: vscode.l10n.t('Click to sign in with Looker'),
            })
          : new MessageNode(describeError(node.error, vscode.l10n.t('loading users')), 'error', {
              parent: node,
              command: { command: 'looker.refreshGroup', title: vscode.l10n.t('Retry'), arguments: [node] },
              tooltip: vscode.l10n.t('Click to retry'),
            }),
      ];
    }
    if (node.users.length === 0) return [new MessageNode(vscode.l10n.t('No users'), 'info', { parent: node })];
    const out: UsersNode[] = [...node.users];
    if (node.hasMore()) out.push(new MoreNode(node));
    return out;
  }

  private async getRoots(): Promise<UsersNode[]> {
    if (this.roots) return this.roots;
    if (!this.rootsLoading) this.rootsLoading = this.buildRoots(this.generation);
    return this.rootsLoading;
  }

  private async buildRoots(generation: number): Promise<UsersNode[]> {
    const client = this.manager.client();
    if (!client) return [];
    this.rootsClient = client;
    const query = this.query;
    const signal = this.abort.signal;
    const pinned = this.pinned;
    const surface = await client.apiSurface();
    if (generation !== this.generation) return [];
    // Service account commands are offered only where the instance's API has service accounts.
    void vscode.commands.executeCommand('setContext', 'looker.serviceAccounts', groupSupported('service', surface));
    const groups = this.reads.groups(client, surface, query, pinned);
    // First pages of the status groups and the lockout list, in parallel.
    const lockouts = this.reads.lockouts(client, signal);
    await Promise.all(groups.filter((g) => !g.lazy).map((g) => this.loadFirst(g, signal)));
    this.lockedOut = await lockouts;
    if (generation !== this.generation) return [];
    for (const g of groups) for (const n of g.users) n.status = classifyUser(n.user, this.now(), this.lockedOut);
    if (query && groups.every((g) => g.lazy || (g.total === 0 && !g.error))) {
      // A search that matches nobody: its derived groups would all be empty too; the header says so and offers to clear.
      groups.splice(0, groups.length, ...groups.filter((g) => g.type.kind !== 'smart'));
    }
    const roots: UsersNode[] = [...groups];
    if (query) roots.unshift(this.searchHeader(query, groups));
    this.roots = roots;
    const statusGroups = groups.filter((g) => g.isStatus() && g.unavailable === undefined);
    // The derived groups (smart searches) read every candidate user: while the view is on screen and the instance is
    // small enough they load in the background so that they show a count unopened; otherwise when opened (API calls
    // are counted).
    const size = [...statusGroups, ...groups.filter((g) => g.type.kind === 'results')].reduce((n, g) => n + (g.total ?? Infinity), 0);
    if (size <= BACKGROUND_COUNT_MAX_USERS && this.isVisible()) {
      // All of them, then one update of their rows: the tree re-renders once, not under a person's pointer eight times.
      const smart = groups.filter((g) => g.type.kind === 'smart');
      void Promise.allSettled(smart.map((g) => this.loadFirst(g, signal))).then(() => {
        if (generation === this.generation && smart.length) this.changed.fire(smart);
      });
    }
    if (!query && statusGroups.length && statusGroups.every((g) => g.total !== undefined)) {
      this.countChanged.fire(statusGroups.reduce((n, g) => n + (g.total ?? 0), 0));
    }
    return roots;
  }

  /**
   * The first row while a search is active: the query, how many users it matched, and a click clears it. Zero
   * matches says so (the view's title does not show a description when it is the container's only view).
   */
  private searchHeader(query: UserQuery, groups: GroupNode[]): MessageNode {
    const shown = groups.filter((g) => !g.lazy);
    const total = shown.every((g) => g.total !== undefined && !g.error) ? shown.reduce((n, g) => n + (g.total ?? 0), 0) : undefined;
    const clear = { command: 'looker.clearSearch', title: vscode.l10n.t('Clear Search') };
    if (total === 0) {
      return new MessageNode(vscode.l10n.t('No users match {0} — click to clear the search', query.text), 'search-stop', {
        command: clear,
        tooltip: vscode.l10n.t('Nothing on {0} matches this search. Click to clear it, or use the search button to change it.', this.manager.active()?.name ?? ''),
        contextValue: 'searchHeader',
      });
    }
    return new MessageNode(
      total === undefined ? vscode.l10n.t('Search: {0}', query.text) : total === 1 ? vscode.l10n.t('Search: {0} · 1 match', query.text) : vscode.l10n.t('Search: {0} · {1} matches', query.text, total.toLocaleString(vscode.env.language)),
      'search',
      { command: clear, tooltip: vscode.l10n.t('Click to clear the search and show all users again.'), contextValue: 'searchHeader' },
    );
  }

  private loadFirst(group: GroupNode, signal = this.abort.signal): Promise<void> {
    if (group.loaded) return Promise.resolve();
    if (!group.loading) {
      group.loading = this.loadPage(group, signal).finally(() => {
        group.loading = undefined;
      });
    }
    return group.loading;
  }

  private async loadPage(group: GroupNode, signal: AbortSignal): Promise<void> {
    const size = this.pageSize;
    try {
      const page = await group.fetcher(group.users.length, size, signal);
      const now = this.now();
      group.users.push(...page.items.map((u) => new UserNode(u, classifyUser(u, now, this.lockedOut), group)));
      group.total = page.total;
      group.lastPageFull = page.items.length >= size;
      group.error = undefined;
    } catch (err) {
      if (signal.aborted) throw err;
      if (this.rootsClient && this.manager.client() !== this.rootsClient) {
        // The connection's client was replaced under this load (its profile changed, or it was switched, before the
        // change event reached the tree): whatever this load met (cut off, a sign-in that ended, a secret of the old
        // profile), the groups are stale, not failed. Load them again with the current client rather than leaving
        // "Click to retry" in the new tree.
        this.log.info(`Loading ${group.label} was cut off by a connection change; reloading`);
        this.refresh();
        return;
      }
      const active = this.manager.active();
      if ((err as { code?: unknown } | undefined)?.code === 'NO_SECRET' && active) {
        // A web workbench's SecretStorage can answer "none" for a moment right after a connection was saved: read
        // again once, a second later, before showing the error (a secret that is really missing fails the retry).
        const last = this.secretRetries.get(active.id);
        if (last === undefined || this.now() - last > SECRET_RETRY_WINDOW_MS) {
          this.secretRetries.set(active.id, this.now());
          this.log.info(`Loading ${group.label}: no client secret readable yet for ${active.name}; trying again in a second`);
          setTimeout(() => this.refresh(), 1000);
          return;
        }
      }
      group.error = err;
      this.log.error(`Loading ${group.label} failed`, err);
    } finally {
      group.loaded = true;
    }
  }

  /** The "Load more…" action: appends the next page of a group. */
  async loadMore(node: MoreNode | GroupNode): Promise<void> {
    const group = node instanceof MoreNode ? node.parent : node;
    if (node instanceof MoreNode) {
      if (node.loading) return;
      node.loading = true;
      this.changed.fire(node);
    }
    await this.loadPage(group, this.abort.signal);
    this.changed.fire(group);
  }

  getTreeItem(node: UsersNode): vscode.TreeItem {
    return node.treeItem({ idPrefix: `${this.manager.active()?.id ?? ''}/${this.generation}` });
  }

  dispose(): void {
    this.abort.abort();
    for (const d of this.disposables) d.dispose();
  }
}


/** A connection retries an unreadable secret at most once in this time. */
const SECRET_RETRY_WINDOW_MS = 30_000;

/** Users (all status groups) up to which the derived groups load in the background to show their counts. */
const BACKGROUND_COUNT_MAX_USERS = 5000;
