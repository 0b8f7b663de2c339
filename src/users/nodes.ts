/** The Users tree's nodes (groups, users, "Load more…", messages), each building its own `vscode.TreeItem`. */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { Page } from '../looker/client';
import { userLabel } from '../format/names';
import { formatDateTime } from '../format/dates';
import type { ActivitySource } from './signIns';
import type { SmartSearch, SmartSearchId } from './smartSearches';
import type { UserGroup, UserStatus } from './status';

/** One page of a group. `fields`: what to read instead of the tree's fields, honoured where {@link GroupNode.narrowable}. */
export type PageFetcher = (offset: number, limit: number, signal: AbortSignal, fields?: string) => Promise<Page<IUser>>;

/** What a group lists: a status group, a search's results, a saved or smart search, a pinned list, or everyone. */
export type GroupType =
  | { readonly kind: 'status'; readonly status: UserGroup }
  | { readonly kind: 'results' }
  | { readonly kind: 'saved'; readonly name: string }
  | { readonly kind: 'smart'; readonly id: SmartSearchId }
  | { readonly kind: 'pinned'; readonly key: string }
  /** All users of the connection (an export target; not shown in the tree). */
  | { readonly kind: 'everyone' };

/** The group's key, unique among the roots: part of its TreeItem id (and of its users'). */
function keyOf(t: GroupType): string {
  switch (t.kind) {
    case 'status':
      return `status:${t.status}`;
    case 'saved':
      return `saved:${t.name}`;
    case 'smart':
      return `smart:${t.id}`;
    case 'pinned':
      return `pinned:${t.key}`;
    default:
      return t.kind;
  }
}

/** Where the items of one load of the tree sit: their ids start with `idPrefix` (connection and load). */
export interface ItemContext {
  readonly idPrefix: string;
}

export interface GroupOptions {
  /** Shown expanded until the person folds it. */
  readonly expanded?: boolean;
  /** Saved and smart searches load when expanded, not with the view. */
  readonly lazy?: boolean;
  readonly tooltip?: string;
  /** The fetcher reads other fields on request (a server-side search); smart and pinned groups cannot. */
  readonly narrowable?: boolean;
  /** Why the connected instance cannot list this group (e.g. "Service accounts" on Looker 24.20). */
  readonly unavailable?: string;
  /** Per user id, the reason shown as the user's description (a pinned group: "role Developer via group Analysts"). */
  readonly reasons?: ReadonlyMap<string, string>;
}

export type UsersNode = GroupNode | UserNode | MoreNode | MessageNode;

export class GroupNode {
  readonly kind = 'group';
  readonly key: string;
  users: UserNode[] = [];
  total: number | undefined;
  loaded = false;
  loading: Promise<void> | undefined;
  error: unknown;
  lastPageFull = false;
  readonly expandedByDefault: boolean;
  readonly lazy: boolean;
  readonly tooltip: string | undefined;
  readonly narrowable: boolean;
  readonly unavailable: string | undefined;
  readonly reasons: ReadonlyMap<string, string> | undefined;
  /** For "Inactive > 90 days": where the activity dates came from, and why System Activity was not used. */
  activity: { source: ActivitySource; reason?: string } | undefined;

  constructor(
    readonly type: GroupType,
    readonly label: string,
    readonly fetcher: PageFetcher,
    options: GroupOptions = {},
  ) {
    this.key = keyOf(type);
    this.expandedByDefault = options.expanded ?? false;
    this.lazy = options.lazy ?? false;
    this.tooltip = options.tooltip;
    this.narrowable = options.narrowable ?? false;
    this.unavailable = options.unavailable;
    this.reasons = options.reasons;
  }

  /** A status group (of any status, or of this one). */
  isStatus(status?: UserGroup): boolean {
    return this.type.kind === 'status' && (status === undefined || this.type.status === status);
  }

  get remaining(): number | undefined {
    return this.total === undefined ? undefined : Math.max(0, this.total - this.users.length);
  }

  /** Whether a further page exists: from the total when known, else from whether the last page was full. */
  hasMore(): boolean {
    if (this.total !== undefined) return this.users.length < this.total;
    return this.lastPageFull;
  }

  treeItem(ctx: ItemContext): vscode.TreeItem {
    const empty = this.loaded && !this.error && this.users.length === 0 && !this.lazy;
    const state = empty ? vscode.TreeItemCollapsibleState.None : this.expandedByDefault ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(this.label, state);
    item.id = `${ctx.idPrefix}/${this.key}`;
    if (this.unavailable !== undefined) {
      item.description = vscode.l10n.t('not available');
      item.tooltip = this.unavailable;
    } else if (this.error) item.description = vscode.l10n.t('failed — click to retry');
    else if (this.activity && this.total !== undefined) {
      item.description = this.activity.source === 'systemActivity'
        ? vscode.l10n.t('{0} · dates from System Activity (UI and API)', this.total.toLocaleString())
        : vscode.l10n.t('{0} · dates from last logins (no System Activity)', this.total.toLocaleString());
    }
    else if (this.total !== undefined) item.description = this.total.toLocaleString();
    else if (this.loaded) item.description = this.users.length.toLocaleString();
    else if (this.lazy) item.description = '';
    item.iconPath = new vscode.ThemeIcon(groupIcon(this.type));
    item.contextValue = this.type.kind === 'status' ? `group.status.${this.type.status}` : this.type.kind === 'smart' || this.type.kind === 'saved' || this.type.kind === 'pinned' ? `group.${this.type.kind}` : 'group.results';
    if (this.tooltip) item.tooltip = this.tooltip;
    if (this.activity) {
      const note =
        this.activity.source === 'systemActivity'
          ? vscode.l10n.t('Last activity read from System Activity: last UI and last API use.')
          : vscode.l10n.t('Last activity read from the credentials\' last login: {0}. API use is not visible there.', this.activity.reason ?? '');
      item.tooltip = [this.tooltip ?? '', note].filter((x) => x !== '').join('\n\n');
    }
    return item;
  }
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

  treeItem(ctx: ItemContext): vscode.TreeItem {
    const u = this.user;
    const item = new vscode.TreeItem(userLabel(u, vscode.l10n), vscode.TreeItemCollapsibleState.None);
    item.id = `${ctx.idPrefix}/${this.parent.key}/${this.id}`;
    item.description = this.parent.reasons?.get(this.id) ?? u.email ?? u.credentials_email?.email ?? '';
    const f = this.status.flags;
    const { icon, color } = userIcon(this.status);
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = userTooltip(this);
    const tokens = ['user', `group=${this.status.group}`];
    if (u.credentials_email || u.email) tokens.push('email');
    if (f.lockedOut) tokens.push('lockedOut');
    if (f.forcedReset) tokens.push('forcedReset');
    if (u.is_service_account) tokens.push('serviceAccount');
    item.contextValue = tokens.join(';') + ';';
    item.command = { command: 'looker.openUser', title: vscode.l10n.t('Open User'), arguments: [this] };
    item.accessibilityInformation = { label: `${userLabel(u, vscode.l10n)}, ${item.description}, ${statusWords(this.status).join(', ')}` };
    return item;
  }
}

/** "Load more…": its command appends the next page of its group. */
export class MoreNode {
  readonly kind = 'more';
  loading = false;
  constructor(readonly parent: GroupNode) {}

  treeItem(): vscode.TreeItem {
    const remaining = this.parent.remaining;
    const label = this.loading
      ? vscode.l10n.t('Loading…')
      : remaining !== undefined
        ? vscode.l10n.t('Load more… ({0} remaining)', remaining.toLocaleString())
        : vscode.l10n.t('Load more…');
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `${this.parent.key}/more/${this.parent.users.length}`;
    item.iconPath = new vscode.ThemeIcon(this.loading ? 'loading~spin' : 'ellipsis');
    item.contextValue = 'more';
    if (!this.loading) item.command = { command: 'looker.loadMore', title: vscode.l10n.t('Load more'), arguments: [this] };
    return item;
  }
}

export interface MessageOptions {
  readonly parent?: GroupNode;
  readonly command?: vscode.Command;
  readonly tooltip?: string;
  /** `searchHeader`: the first row while a search is active (its id is stable within a load). */
  readonly contextValue?: 'message' | 'searchHeader';
}

/** A row that is not a user: "No users", an error with its retry or sign-in, the search header. */
export class MessageNode {
  readonly kind = 'message';
  readonly parent: GroupNode | undefined;
  readonly command: vscode.Command | undefined;
  readonly tooltip: string | undefined;
  readonly contextValue: 'message' | 'searchHeader';

  constructor(
    readonly text: string,
    readonly icon: string,
    options: MessageOptions = {},
  ) {
    this.parent = options.parent;
    this.command = options.command;
    this.tooltip = options.tooltip;
    this.contextValue = options.contextValue ?? 'message';
  }

  treeItem(ctx: ItemContext): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip;
    item.command = this.command;
    item.contextValue = this.contextValue;
    if (this.contextValue === 'searchHeader') item.id = `${ctx.idPrefix}/searchHeader`;
    return item;
  }
}

export const GROUP_LABELS: Record<UserGroup, () => string> = {
  active: () => vscode.l10n.t('Active'),
  disabled: () => vscode.l10n.t('Disabled'),
  embed: () => vscode.l10n.t('Embed'),
  service: () => vscode.l10n.t('Service accounts'),
};

export const GROUP_TOOLTIPS: Record<UserGroup, () => string> = {
  active: () => vscode.l10n.t('People who can sign in: not disabled, not embed users, not service accounts'),
  disabled: () => vscode.l10n.t('Users who cannot sign in until an admin enables them again'),
  embed: () => vscode.l10n.t('Users created by signed embedding (they sign in through an embedding application)'),
  service: () => vscode.l10n.t('Service accounts (API-only users)'),
};

export function smartLabel(s: SmartSearch): string {
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

export function smartTooltip(s: SmartSearch): string {
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

const STATUS_ICONS: Record<UserGroup, string> = { active: 'pass', disabled: 'circle-slash', embed: 'link', service: 'server-process' };
const SMART_ICONS: Partial<Record<SmartSearchId, string>> = { inactive90: 'history', neverSignedIn: 'circle-large-outline', lockedOut: 'lock' };

function groupIcon(t: GroupType): string {
  switch (t.kind) {
    case 'status':
      return STATUS_ICONS[t.status];
    case 'saved':
      return 'bookmark';
    case 'smart':
      return SMART_ICONS[t.id] ?? 'sparkle';
    case 'pinned':
      return 'pinned';
    default:
      return 'search';
  }
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

function statusWords(s: UserStatus): string[] {
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
