import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { LookerClient, Page } from '../looker/client';
import type { ConnectionManager } from '../connections/manager';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { shortRelease, type ApiSurface } from '../looker/apiSurface';
import { readActivity } from './activity';
import { LookerApiError } from '../looker/errors';
import { describeQuery, parseQuery, resolveGroup, type UserQuery } from './query';
import { userLabel } from '../format/names';
import { formatDateTime } from '../format/dates';
import {
  SMART_SEARCHES,
  TREE_USER_FIELDS,
  USER_GROUPS,
  classifyUser,
  combineQuery,
  combineSmartQuery,
  groupSupported,
  satisfiesParams,
  ungroupedRequest,
  type ActivitySource,
  type SmartSearch,
  type UserActivity,
  type UserGroup,
  type UserStatus,
} from './status';

/** Fetches `limit` users from `offset`; `total` when the server (or the client-side filter) knows it. */
/** One page of a group. `fields`: what to read instead of the tree's fields, honoured where {@link GroupNode.narrowable}. */
type PageFetcher = (offset: number, limit: number, signal: AbortSignal, fields?: string) => Promise<Page<IUser>>;

export type UsersNode = GroupNode | UserNode | MoreNode | MessageNode;

export class GroupNode {
  readonly kind = 'group';
  users: UserNode[] = [];
  total: number | undefined;
  loaded = false;
  loading: Promise<void> | undefined;
  error: unknown;
  constructor(
    readonly key: string,
    readonly label: string,
    readonly fetcher: PageFetcher,
    readonly expandedByDefault: boolean,
    /** Saved and smart searches load when expanded, not with the view. */
    readonly lazy: boolean,
    readonly tooltip?: string,
  ) {}
  get remaining(): number | undefined {
    return this.total === undefined ? undefined : Math.max(0, this.total - this.users.length);
  }
  /** True when the fetcher reads other fields on request (a server-side search); smart and pinned groups cannot. */
  narrowable = false;
  /** Whether a further page exists: from the total when known, else from whether the last page was full. */
  hasMore(): boolean {
    if (this.total !== undefined) return this.users.length < this.total;
    return this.lastPageFull;
  }
  lastPageFull = false;
  /** Set when the connected instance cannot list this group (e.g. "Service accounts" on Looker 24.20): why. */
  unavailable: string | undefined;
  /** For "Inactive > 90 days": where the activity dates came from, and why System Activity was not used. */
  activity: { source: ActivitySource; reason?: string } | undefined;
}

export class UserNode {
  readonly kind = 'user';
  constructor(
    public user: IUser,
    public status: UserStatus,
    readonly parent: GroupNode,
  ) {}
  get id(): string {
    return String(this.user.id ?? '');
  }
}

export class MoreNode {
  readonly kind = 'more';
  loading = false;
  constructor(readonly parent: GroupNode) {}
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly text: string,
    readonly icon: string,
    readonly parent?: GroupNode,
    readonly command?: vscode.Command,
    readonly tooltip?: string,
    readonly contextValue = 'message',
  ) {}
}

const GROUP_LABELS: Record<UserGroup, () => string> = {
  active: () => vscode.l10n.t('Active'),
  disabled: () => vscode.l10n.t('Disabled'),
  embed: () => vscode.l10n.t('Embed'),
  service: () => vscode.l10n.t('Service accounts'),
};

export interface SavedSearch {
  name: string;
  query: string;
}

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
  private pinned: { key: string; label: string; users: IUser[]; reasons: Map<string, string>; tooltip?: string } | undefined;
  /** When each connection's loads last retried a secret that could not be read yet. */
  private readonly secretRetries = new Map<string, number>();
  /** Whether a person sees the view (set by the composition root): derived groups count in the background only then. */
  isVisible: () => boolean = () => false;
  private readonly countChanged = new vscode.EventEmitter<number | undefined>();
  /** Fires with the number of users the view covers (all status groups) once known. */
  readonly onDidChangeCount = this.countChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly manager: ConnectionManager,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {
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
  showPinnedGroup(group: { key: string; label: string; users: IUser[]; reasons?: Map<string, string>; tooltip?: string } | undefined): void {
    this.pinned = group ? { ...group, reasons: group.reasons ?? new Map() } : undefined;
    void vscode.commands.executeCommand('setContext', 'looker.pinnedGroup', !!group);
    this.refresh();
  }

  /** The reason shown for a user of the pinned group. */
  pinnedReason(node: UserNode): string | undefined {
    return node.parent.key.startsWith('pinned:') ? this.pinned?.reasons.get(node.id) : undefined;
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
      const statusGroupKey = `status:${status.group}`;
      if (node.parent.key.startsWith('status:') && node.parent.key !== statusGroupKey) regroup = true;
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
    if (node.unavailable !== undefined) return [new MessageNode(node.unavailable, 'circle-slash', node)];
    if (!node.loaded) await this.loadFirst(node);
    if (node.error) {
      return [
        node.error instanceof LookerApiError && node.error.code === 'SIGN_IN_REQUIRED'
          ? new MessageNode(describeError(node.error, vscode.l10n.t('loading users')), 'sign-in', node, {
              command: 'looker.signInWithLooker',
              title: vscode.l10n.t('Sign In with Looker…'),
              arguments: [{ id: this.manager.active()?.id }],
            }, vscode.l10n.t('Click to sign in with Looker'))
          : new MessageNode(describeError(node.error, vscode.l10n.t('loading users')), 'error', node, {
              command: 'looker.refreshGroup',
              title: vscode.l10n.t('Retry'),
              arguments: [node],
            }, vscode.l10n.t('Click to retry')),
      ];
    }
    if (node.users.length === 0) return [new MessageNode(vscode.l10n.t('No users'), 'info', node)];
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
    const groups: GroupNode[] = [];
    const pinned = this.pinned;
    if (pinned) {
      const fetcher: PageFetcher = async (offset, limit) => ({ items: pinned.users.slice(offset, offset + limit), total: pinned.users.length, limit, offset });
      groups.push(new GroupNode(`pinned:${pinned.key}`, pinned.label, fetcher, true, false, pinned.tooltip));
    }
    const baseQuery: UserQuery = query ?? { text: '', mode: 'search', params: {}, filterOr: false };
    const surface = await client.apiSurface();
    if (generation !== this.generation) return [];
    // Service account commands are offered only where the instance's API has service accounts.
    void vscode.commands.executeCommand('setContext', 'looker.serviceAccounts', groupSupported('service', surface));
    const statuses = USER_GROUPS.map((g) => ({ g, params: combineQuery(baseQuery, g, surface) }));
    if (statuses.some((s) => s.params === 'ungrouped')) {
      const fetcher = this.requestFetcher(client, baseQuery);
      const results = new GroupNode('results', vscode.l10n.t('Results'), fetcher, true, false, vscode.l10n.t('Users matching {0}', baseQuery.text));
      results.narrowable = true;
      groups.push(results);
    } else {
      for (const { g, params } of statuses) {
        if (!groupSupported(g, surface)) {
          // Shown as unavailable, not filled with what the instance would answer to a filter it ignores.
          const node = new GroupNode(`status:${g}`, GROUP_LABELS[g](), async () => ({ items: [], limit: 0, offset: 0 }), false, true);
          node.unavailable = vscode.l10n.t('Not available on this Looker instance (release {0}): its API cannot tell these users apart.', shortRelease(surface.release));
          groups.push(node);
          continue;
        }
        if (params === null || params === 'ungrouped') continue;
        const fetcher: PageFetcher = (offset, limit, s, fields) =>
          client.searchUsers({ ...params, sorts: params.sorts ?? 'last_name,first_name', fields: fields ?? TREE_USER_FIELDS, limit, offset }, s);
        const node = new GroupNode(`status:${g}`, GROUP_LABELS[g](), fetcher, g === 'active', false, GROUP_TOOLTIPS[g]());
        node.narrowable = true;
        groups.push(node);
      }
    }
    if (!query) {
      for (const saved of this.savedSearches()) {
        const parsed = parseQuery(saved.query, surface);
        if (!parsed.ok) {
          this.log.warn(`Saved search "${saved.name}" is not valid: ${parsed.error}`);
          continue;
        }
        const fetcher: PageFetcher = async (offset, limit, s, fields) => {
          let q = parsed.query;
          if (q.groupName !== undefined) {
            const r = resolveGroup(q, await client.allGroups({ fields: 'id,name' }, s));
            if (!r.ok) throw new QueryError(r.error);
            q = r.query;
          }
          return this.requestFetcher(client, q)(offset, limit, s, fields);
        };
        const node = new GroupNode(`saved:${saved.name}`, saved.name, fetcher, false, true, saved.query);
        node.narrowable = true;
        groups.push(node);
      }
    }
    // The derived groups stay during a search, counted among the users it matches.
    for (const smart of SMART_SEARCHES) {
      const holder: { node?: GroupNode } = {};
      const fetcher = this.smartFetcher(client, smart, surface, (activity) => {
        if (holder.node) holder.node.activity = activity;
      }, query);
      const tooltip = query ? `${smartTooltip(smart)}\n\n${vscode.l10n.t('Among the users matching {0}.', query.text)}` : smartTooltip(smart);
      holder.node = new GroupNode(`smart:${smart.id}`, smartLabel(smart), fetcher, false, true, tooltip);
      groups.push(holder.node);
    }
    // First pages of the status groups and the lockout list, in parallel.
    const lockouts = client
      .allLoginLockouts('user_id', signal)
      .then((list) => new Set(list.map((l) => String(l.user_id ?? '')).filter(Boolean)))
      .catch(() => new Set<string>());
    await Promise.all(groups.filter((g) => !g.lazy).map((g) => this.loadFirst(g, signal)));
    this.lockedOut = await lockouts;
    if (generation !== this.generation) return [];
    for (const g of groups) for (const n of g.users) n.status = classifyUser(n.user, this.now(), this.lockedOut);
    if (query && groups.every((g) => g.lazy || (g.total === 0 && !g.error))) {
      // A search that matches nobody: its derived groups would all be empty too; the header says so and offers to clear.
      groups.splice(0, groups.length, ...groups.filter((g) => !g.key.startsWith('smart:')));
    }
    const roots: UsersNode[] = [...groups];
    if (query) roots.unshift(this.searchHeader(query, groups));
    this.roots = roots;
    const statusGroups = groups.filter((g) => g.key.startsWith('status:') && g.unavailable === undefined);
    // The derived groups (smart searches) read every candidate user: while the view is on screen and the instance is
    // small enough they load in the background so that they show a count unopened; otherwise when opened (API calls
    // are counted).
    const size = [...statusGroups, ...groups.filter((g) => g.key === 'results')].reduce((n, g) => n + (g.total ?? Infinity), 0);
    if (size <= BACKGROUND_COUNT_MAX_USERS && this.isVisible()) {
      // All of them, then one update of their rows: the tree re-renders once, not under a person's pointer eight times.
      const smart = groups.filter((g) => g.key.startsWith('smart:'));
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
      return new MessageNode(
        vscode.l10n.t('No users match {0} — click to clear the search', query.text),
        'search-stop',
        undefined,
        clear,
        vscode.l10n.t('Nothing on {0} matches this search. Click to clear it, or use the search button to change it.', this.manager.active()?.name ?? ''),
        'searchHeader',
      );
    }
    return new MessageNode(
      total === undefined ? vscode.l10n.t('Search: {0}', query.text) : total === 1 ? vscode.l10n.t('Search: {0} · 1 match', query.text) : vscode.l10n.t('Search: {0} · {1} matches', query.text, total.toLocaleString(vscode.env.language)),
      'search',
      undefined,
      clear,
      vscode.l10n.t('Click to clear the search and show all users again.'),
      'searchHeader',
    );
  }

  /** Per connection: whether System Activity was refused (asked once, not for every page). */
  private readonly activityDenied = new WeakMap<LookerClient, { denied?: string }>();
  private activityAccess(client: LookerClient): { denied?: string } {
    let a = this.activityDenied.get(client);
    if (!a) {
      a = {};
      this.activityDenied.set(client, a);
    }
    return a;
  }

  private savedSearches(): SavedSearch[] {
    const raw = vscode.workspace.getConfiguration('looker').get<unknown[]>('savedSearches', []);
    return (Array.isArray(raw) ? raw : []).filter(
      (s): s is SavedSearch => !!s && typeof (s as SavedSearch).name === 'string' && typeof (s as SavedSearch).query === 'string',
    );
  }

  private requestFetcher(client: LookerClient, q: UserQuery): PageFetcher {
    const req = ungroupedRequest(q);
    return (offset, limit, s, fields = TREE_USER_FIELDS) => {
      if (req.endpoint === 'search_users_names') {
        const { pattern, ...rest } = req.params;
        return client.searchUsersNames(pattern, { ...rest, fields, limit, offset }, s);
      }
      return client.searchUsers({ sorts: 'last_name,first_name', ...req.params, fields, limit, offset }, s);
    };
  }

  /** Smart searches filter on the client: all matching users are collected once, then paged locally. */
  private smartFetcher(
    client: LookerClient,
    smart: SmartSearch,
    surface: ApiSurface,
    onActivity: (a: { source: ActivitySource; reason?: string }) => void,
    query?: UserQuery,
  ): PageFetcher {
    let all: IUser[] | undefined;
    return async (offset, limit, s) => {
      if (!all) {
        const lockouts = smart.needsLockouts ? (await client.allLoginLockouts('user_id', s)).map((l) => String(l.user_id ?? '')) : undefined;
        const ctx = { now: this.now(), lockedOutUserIds: lockouts, surface };
        const own = smart.params(ctx);
        // Within a search: one request with both filters where they combine, else the search's results, checked here.
        const combined = own && query ? combineSmartQuery(query, own) : own;
        const params = combined === 'ungrouped' ? {} : combined;
        const inSearch = combined === 'ungrouped' && query ? this.requestFetcher(client, query) : undefined;
        const fields = smart.fields ?? TREE_USER_FIELDS;
        const found: IUser[] = [];
        let source: { source: ActivitySource; reason?: string } | undefined;
        if (params) {
          const batch = 1000;
          for (let off = 0; ; off += batch) {
            const page = inSearch
              ? await inSearch(off, batch, s, fields)
              : await client.searchUsers({ ...params, sorts: 'last_name,first_name', fields, limit: batch, offset: off }, s);
            const read = page.items.length;
            const items = inSearch && own ? page.items.filter((u) => satisfiesParams(u, own)) : page.items;
            let activity: ReadonlyMap<string, UserActivity> | undefined;
            if (smart.needsActivity) {
              // One System Activity query per page of users; without the permission, credentials' logins (and say so).
              const r = await readActivity(client, items.map((u) => String(u.id ?? '')).filter((id) => id !== ''), s, this.activityAccess(client));
              activity = r.byId;
              if (!source || r.source === 'credentials') source = { source: r.source, ...(r.reason ? { reason: r.reason } : {}) };
            }
            found.push(...items.filter((u) => smart.matches(u, { ...ctx, activity })));
            if (read < batch || (page.total !== undefined && off + batch >= page.total)) break;
          }
        }
        all = smart.select ? smart.select(found) : found;
        if (source) onActivity(source);
      }
      return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
    };
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
    if (node instanceof GroupNode) return this.groupItem(node);
    if (node instanceof UserNode) return this.userItem(node);
    if (node instanceof MoreNode) {
      const remaining = node.parent.remaining;
      const label = node.loading
        ? vscode.l10n.t('Loading…')
        : remaining !== undefined
          ? vscode.l10n.t('Load more… ({0} remaining)', remaining.toLocaleString())
          : vscode.l10n.t('Load more…');
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.id = `${node.parent.key}/more/${node.parent.users.length}`;
      item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : 'ellipsis');
      item.contextValue = 'more';
      if (!node.loading) item.command = { command: 'looker.loadMore', title: vscode.l10n.t('Load more'), arguments: [node] };
      return item;
    }
    const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(node.icon);
    item.tooltip = node.tooltip;
    item.command = node.command;
    item.contextValue = node.contextValue;
    if (node.contextValue === 'searchHeader') item.id = `${this.manager.active()?.id ?? ''}/${this.generation}/searchHeader`;
    return item;
  }

  private groupItem(g: GroupNode): vscode.TreeItem {
    const expanded = g.expandedByDefault ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const empty = g.loaded && !g.error && g.users.length === 0 && !g.lazy;
    const item = new vscode.TreeItem(g.label, empty ? vscode.TreeItemCollapsibleState.None : expanded);
    item.id = `${this.manager.active()?.id ?? ''}/${this.generation}/${g.key}`;
    if (g.unavailable !== undefined) {
      item.description = vscode.l10n.t('not available');
      item.tooltip = g.unavailable;
    } else if (g.error) item.description = vscode.l10n.t('failed — click to retry');
    else if (g.activity && g.total !== undefined) {
      item.description = g.activity.source === 'systemActivity'
        ? vscode.l10n.t('{0} · dates from System Activity (UI and API)', g.total.toLocaleString())
        : vscode.l10n.t('{0} · dates from last logins (no System Activity)', g.total.toLocaleString());
    }
    else if (g.total !== undefined) item.description = g.total.toLocaleString();
    else if (g.loaded) item.description = g.users.length.toLocaleString();
    else if (g.lazy) item.description = '';
    item.iconPath = new vscode.ThemeIcon(groupIcon(g.key));
    item.contextValue = g.key.startsWith('status:') ? `group.status.${g.key.slice('status:'.length)}` : g.key.startsWith('smart:') ? 'group.smart' : g.key.startsWith('saved:') ? 'group.saved' : g.key.startsWith('pinned:') ? 'group.pinned' : 'group.results';
    if (g.tooltip) item.tooltip = g.tooltip;
    if (g.activity) {
      const note =
        g.activity.source === 'systemActivity'
          ? vscode.l10n.t('Last activity read from System Activity: last UI and last API use.')
          : vscode.l10n.t('Last activity read from the credentials\' last login: {0}. API use is not visible there.', g.activity.reason ?? '');
      item.tooltip = [g.tooltip ?? '', note].filter((x) => x !== '').join('\n\n');
    }
    return item;
  }

  private userItem(n: UserNode): vscode.TreeItem {
    const u = n.user;
    const item = new vscode.TreeItem(userLabel(u, vscode.l10n), vscode.TreeItemCollapsibleState.None);
    item.id = `${this.manager.active()?.id ?? ''}/${this.generation}/${n.parent.key}/${n.id}`;
    item.description = this.pinnedReason(n) ?? u.email ?? u.credentials_email?.email ?? '';
    const f = n.status.flags;
    const { icon, color } = userIcon(n.status);
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = userTooltip(n);
    const tokens = ['user', `group=${n.status.group}`];
    if (u.credentials_email || u.email) tokens.push('email');
    if (f.lockedOut) tokens.push('lockedOut');
    if (f.forcedReset) tokens.push('forcedReset');
    if (u.is_service_account) tokens.push('serviceAccount');
    item.contextValue = tokens.join(';') + ';';
    item.command = { command: 'looker.openUser', title: vscode.l10n.t('Open User'), arguments: [n] };
    item.accessibilityInformation = { label: `${userLabel(u, vscode.l10n)}, ${item.description}, ${statusWords(n.status).join(', ')}` };
    return item;
  }

  dispose(): void {
    this.abort.abort();
    for (const d of this.disposables) d.dispose();
  }
}

/** A query that parsed but cannot be applied (e.g. an unknown group name). */
export class QueryError extends Error {}

function smartLabel(s: SmartSearch): string {
  switch (s.id) {
    case 'inactive90':
      return vscode.l10n.t('Inactive > 90 days');
    case 'neverSignedIn':
      return vscode.l10n.t('Never signed in');
    case 'noEmail':
      return vscode.l10n.t('No email login');
    case 'noSso':
      return vscode.l10n.t('No SSO login');
    case 'duplicateEmails':
      return vscode.l10n.t('Duplicate emails');
    case 'blankNames':
      return vscode.l10n.t('Blank names');
    case 'expiredSetup':
      return vscode.l10n.t('Expired setup links');
    default:
      return vscode.l10n.t('Locked out');
  }
}

/** A connection retries an unreadable secret at most once in this time. */
const SECRET_RETRY_WINDOW_MS = 30_000;

/** Users (all status groups) up to which the derived groups load in the background to show their counts. */
const BACKGROUND_COUNT_MAX_USERS = 5000;

const GROUP_TOOLTIPS: Record<UserGroup, () => string> = {
  active: () => vscode.l10n.t('People who can sign in: not disabled, not embed users, not service accounts'),
  disabled: () => vscode.l10n.t('Users who cannot sign in until an admin enables them again'),
  embed: () => vscode.l10n.t('Users created by signed embedding (they sign in through an embedding application)'),
  service: () => vscode.l10n.t('Service accounts (API-only users)'),
};

function smartTooltip(s: SmartSearch): string {
  switch (s.id) {
    case 'inactive90':
      return vscode.l10n.t('Enabled people whose latest login on any credential is more than 90 days old (or who never signed in and were created more than 90 days ago)');
    case 'neverSignedIn':
      return vscode.l10n.t('Enabled people without a login on any credential');
    case 'lockedOut':
      return vscode.l10n.t('Users with a login lockout (too many failed attempts)');
    default:
      return s.description;
  }
}

function groupIcon(key: string): string {
  if (key === 'status:active') return 'pass';
  if (key === 'status:disabled') return 'circle-slash';
  if (key === 'status:embed') return 'link';
  if (key === 'status:service') return 'server-process';
  if (key.startsWith('saved:')) return 'bookmark';
  if (key === 'smart:inactive90') return 'history';
  if (key === 'smart:neverSignedIn') return 'circle-large-outline';
  if (key === 'smart:lockedOut') return 'lock';
  if (key.startsWith('smart:')) return 'sparkle';
  if (key.startsWith('pinned:')) return 'pinned';
  return 'search';
}

function userIcon(s: UserStatus): { icon: string; color?: string } {
  const f = s.flags;
  if (f.lockedOut) return { icon: 'lock', color: 'list.errorForeground' };
  if (s.group === 'disabled') return { icon: 'circle-slash', color: 'disabledForeground' };
  if (f.setupLinkExpired) return { icon: 'warning', color: 'list.warningForeground' };
  if (f.forcedReset) return { icon: 'key', color: 'list.warningForeground' };
  if (s.group === 'embed') return { icon: 'link' };
  if (s.group === 'service') return { icon: 'server-process' };
  if (f.lookerEmployee) return { icon: 'verified' };
  if (f.neverSignedIn) return { icon: 'circle-large-outline' };
  return { icon: 'account' };
}

export function statusWords(s: UserStatus): string[] {
  const f = s.flags;
  const words = [GROUP_LABELS[s.group]()];
  if (f.lockedOut) words.push(vscode.l10n.t('locked out'));
  if (f.neverSignedIn) words.push(vscode.l10n.t('never signed in'));
  if (f.noInteractiveSignIn) words.push(vscode.l10n.t('no interactive sign-in (API keys only)'));
  if (f.forcedReset) words.push(vscode.l10n.t('password reset required at next login'));
  if (f.setupLinkExpired) words.push(vscode.l10n.t('setup link expired'));
  if (f.setupLinkPending) words.push(vscode.l10n.t('setup link pending'));
  if (f.noSso) words.push(vscode.l10n.t('no SSO credential'));
  if (f.lookerEmployee) words.push(vscode.l10n.t('Looker employee'));
  return words;
}

function userTooltip(n: UserNode): vscode.MarkdownString {
  const u = n.user;
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(userLabel(u, vscode.l10n));
  md.appendMarkdown('**  \n');
  if (u.email) {
    md.appendText(u.email);
    md.appendMarkdown('  \n');
  }
  md.appendText(vscode.l10n.t('ID {0}', String(u.id ?? '')));
  md.appendMarkdown('  \n');
  md.appendText(statusWords(n.status).join(' · '));
  md.appendMarkdown('  \n');
  md.appendText(
    n.status.lastLogin
      ? vscode.l10n.t('Last login {0} ({1} days ago)', formatDateTime(n.status.lastLogin), n.status.daysSinceLogin ?? 0)
      : n.status.flags.noInteractiveSignIn
        ? vscode.l10n.t('No interactive sign-in (API keys only; API use is in System Activity)')
        : vscode.l10n.t('Never signed in'),
  );
  return md;
}

export { describeQuery };
