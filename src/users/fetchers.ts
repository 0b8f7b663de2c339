/** The Users tree's reads from Looker: the groups of one load, each with its page fetcher, and the login lockouts. */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { shortRelease, type ApiSurface } from '../looker/apiSurface';
import type { Log } from '../log';
import { readActivity } from './activity';
import { parseQuery, resolveGroup, type UserQuery } from './query';
import { SMART_SEARCHES, type SmartSearch } from './smartSearches';
import { TREE_USER_FIELDS, USER_GROUPS, combineQuery, combineSmartQuery, groupSupported, satisfiesParams, ungroupedRequest } from './status';
import { type ActivitySource, type UserActivity } from './signIns';
import { GROUP_LABELS, GROUP_TOOLTIPS, GroupNode, smartLabel, smartTooltip, type PageFetcher } from './nodes';

/** A query that parsed but cannot be applied (e.g. an unknown group name). */
export class QueryError extends Error {}

/** A fixed list of users shown as an extra group at the top (e.g. "Access to model X"). */
export interface PinnedGroup {
  key: string;
  label: string;
  users: IUser[];
  /** Per user id, the reason shown as the user's description. */
  reasons?: ReadonlyMap<string, string>;
  tooltip?: string;
}

interface SavedSearch {
  name: string;
  query: string;
}

type ActivityNote = { source: ActivitySource; reason?: string };

/** The saved searches of the settings (`looker.savedSearches`), malformed entries left out. */
function savedSearches(): SavedSearch[] {
  const raw = vscode.workspace.getConfiguration('looker').get<unknown[]>('savedSearches', []);
  return (Array.isArray(raw) ? raw : []).filter(
    (s): s is SavedSearch => !!s && typeof (s as SavedSearch).name === 'string' && typeof (s as SavedSearch).query === 'string',
  );
}

/** Builds the tree's groups and reads their pages; remembers per client whether System Activity was refused. */
export class GroupReads {
  /** Per connection: whether System Activity was refused (asked once, not for every page). */
  private readonly activityDenied = new WeakMap<LookerClient, { denied?: string }>();

  constructor(
    private readonly log: Log,
    private readonly now: () => number,
  ) {}

  /**
   * The groups of one load, in tree order: the pinned group, the status groups (or one "Results" group for a query
   * that cannot be split by status), the saved searches (without a query) and the smart searches.
   */
  groups(client: LookerClient, surface: ApiSurface, query: UserQuery | undefined, pinned: PinnedGroup | undefined): GroupNode[] {
    const groups: GroupNode[] = [];
    if (pinned) {
      const fetcher: PageFetcher = async (offset, limit) => ({ items: pinned.users.slice(offset, offset + limit), total: pinned.users.length, limit, offset });
      groups.push(new GroupNode({ kind: 'pinned', key: pinned.key }, pinned.label, fetcher, { expanded: true, tooltip: pinned.tooltip, reasons: pinned.reasons ?? new Map() }));
    }
    const baseQuery: UserQuery = query ?? { text: '', mode: 'search', params: {}, filterOr: false };
    const statuses = USER_GROUPS.map((g) => ({ g, params: combineQuery(baseQuery, g, surface) }));
    if (statuses.some((s) => s.params === 'ungrouped')) {
      groups.push(new GroupNode({ kind: 'results' }, vscode.l10n.t('Results'), this.search(client, baseQuery), {
        expanded: true,
        tooltip: vscode.l10n.t('Users matching {0}', baseQuery.text),
        narrowable: true,
      }));
    } else {
      for (const { g, params } of statuses) {
        if (!groupSupported(g, surface)) {
          // Shown as unavailable, not filled with what the instance would answer to a filter it ignores.
          groups.push(new GroupNode({ kind: 'status', status: g }, GROUP_LABELS[g](), async () => ({ items: [], limit: 0, offset: 0 }), {
            lazy: true,
            unavailable: vscode.l10n.t('Not available on this Looker instance (release {0}): its API cannot tell these users apart.', shortRelease(surface.release)),
          }));
          continue;
        }
        if (params === null || params === 'ungrouped') continue;
        const fetcher: PageFetcher = (offset, limit, s, fields) =>
          client.searchUsers({ ...params, sorts: params.sorts ?? 'last_name,first_name', fields: fields ?? TREE_USER_FIELDS, limit, offset }, s);
        groups.push(new GroupNode({ kind: 'status', status: g }, GROUP_LABELS[g](), fetcher, { expanded: g === 'active', tooltip: GROUP_TOOLTIPS[g](), narrowable: true }));
      }
    }
    if (!query) {
      for (const saved of savedSearches()) {
        const parsed = parseQuery(saved.query, surface);
        if (!parsed.ok) {
          this.log.warn(`Saved search "${saved.name}" is not valid: ${parsed.error}`);
          continue;
        }
        groups.push(new GroupNode({ kind: 'saved', name: saved.name }, saved.name, this.saved(client, parsed.query), { lazy: true, tooltip: saved.query, narrowable: true }));
      }
    }
    // The derived groups stay during a search, counted among the users it matches.
    for (const smart of SMART_SEARCHES) {
      const holder: { node?: GroupNode } = {};
      const fetcher = this.smart(client, smart, surface, (activity) => {
        if (holder.node) holder.node.activity = activity;
      }, query);
      const tooltip = query ? `${smartTooltip(smart)}\n\n${vscode.l10n.t('Among the users matching {0}.', query.text)}` : smartTooltip(smart);
      holder.node = new GroupNode({ kind: 'smart', id: smart.id }, smartLabel(smart), fetcher, { lazy: true, tooltip });
      groups.push(holder.node);
    }
    return groups;
  }

  /** The ids of the users with a login lockout; none when they cannot be read. */
  lockouts(client: LookerClient, signal: AbortSignal): Promise<Set<string>> {
    return client
      .allLoginLockouts('user_id', signal)
      .then((list) => new Set(list.map((l) => String(l.user_id ?? '')).filter(Boolean)))
      .catch(() => new Set<string>());
  }

  private activityAccess(client: LookerClient): { denied?: string } {
    let a = this.activityDenied.get(client);
    if (!a) {
      a = {};
      this.activityDenied.set(client, a);
    }
    return a;
  }

  /** A saved search: its group name is resolved when it is read (groups may be renamed meanwhile). */
  private saved(client: LookerClient, parsed: UserQuery): PageFetcher {
    return async (offset, limit, s, fields) => {
      let q = parsed;
      if (q.groupName !== undefined) {
        const r = resolveGroup(q, await client.allGroups({ fields: 'id,name' }, s));
        if (!r.ok) throw new QueryError(r.error);
        q = r.query;
      }
      return this.search(client, q)(offset, limit, s, fields);
    };
  }

  private search(client: LookerClient, q: UserQuery): PageFetcher {
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
  private smart(client: LookerClient, smart: SmartSearch, surface: ApiSurface, onActivity: (a: ActivityNote) => void, query?: UserQuery): PageFetcher {
    let all: IUser[] | undefined;
    return async (offset, limit, s) => {
      if (!all) {
        const lockouts = smart.needsLockouts ? (await client.allLoginLockouts('user_id', s)).map((l) => String(l.user_id ?? '')) : undefined;
        const ctx = { now: this.now(), lockedOutUserIds: lockouts, surface };
        const own = smart.params(ctx);
        // Within a search: one request with both filters where they combine, else the search's results, checked here.
        const combined = own && query ? combineSmartQuery(query, own) : own;
        const params = combined === 'ungrouped' ? {} : combined;
        const inSearch = combined === 'ungrouped' && query ? this.search(client, query) : undefined;
        const fields = smart.fields ?? TREE_USER_FIELDS;
        const found: IUser[] = [];
        let source: ActivityNote | undefined;
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
}
