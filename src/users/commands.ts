import * as vscode from 'vscode';
import { isWebUrl } from '../util/urls';
import type { IUser } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import type { CredentialType, LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { Log } from '../log';
import { recordShownWarning } from '../commands/prompt';
import { registerCommands } from '../commands/register';
import { describeError } from '../commands/errors';
import { QUERY_HELP, parseQuery } from './query';
import type { UsersTreeProvider } from './tree';
import { QueryError } from './fetchers';
import { GroupNode, MoreNode, UserNode } from './nodes';
import { userLabel } from '../format/names';

const RECENT_KEY = 'looker.recentQueries';
const RECENT_MAX = 20;

/** Opens a user's details (the details panel registers itself here). */
export type OpenUser = (userId: string, connectionId?: string, preview?: boolean) => Promise<unknown>;

/** A user as commands receive it: a tree node, an id, or an object with an id. */
type UserRef = UserNode | string | { id?: string | null };

function userIdOf(ref: unknown): string | undefined {
  if (ref instanceof UserNode) return ref.id;
  if (typeof ref === 'string' && ref.trim()) return ref.trim();
  if (ref && typeof ref === 'object' && 'id' in ref) {
    const id = (ref as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

/**
 * The users a command acts on: every selected user when the clicked item is part of a multi-selection (VS Code
 * passes `(clicked, selected[])`), else the clicked one, else (command palette) the view's selection.
 */
export function targetUsers(clicked: unknown, selected: unknown, view?: vscode.TreeView<unknown>): UserNode[] {
  const fromList = (list: readonly unknown[]) => list.filter((n): n is UserNode => n instanceof UserNode);
  if (Array.isArray(selected) && selected.length) return dedupe(fromList(selected));
  if (clicked instanceof UserNode) return [clicked];
  if (clicked === undefined && view) return dedupe(fromList(view.selection));
  return [];
}

function dedupe(nodes: UserNode[]): UserNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => (seen.has(n.id) ? false : (seen.add(n.id), true)));
}

/** What the commands on the Users view work with. */
export interface UsersViewDeps {
  readonly context: vscode.ExtensionContext;
  readonly manager: ConnectionManager;
  readonly tree: UsersTreeProvider;
  readonly log: Log;
  readonly view?: vscode.TreeView<unknown>;
}

export interface UserCommandsDeps extends UsersViewDeps {
  readonly openUser: OpenUser;
}

export class UserCommands {
  constructor(private readonly deps: UserCommandsDeps) {}

  register(): void {
    // VS Code passes the focused tree item (or null) from the view's title bar and (item, selection) from a context
    // menu: every handler takes only the arguments it understands and treats anything else as "not given".
    registerCommands(this.deps.context, this.deps.log, {
      'looker.search': (initial?: unknown) => this.search(typeof initial === 'string' ? initial : undefined),
      'looker.clearSearch': () => this.deps.tree.setQuery(undefined),
      'looker.refresh': () => this.deps.tree.refresh(),
      'looker.refreshGroup': (g?: unknown) => (g instanceof GroupNode ? this.deps.tree.refresh(g) : this.deps.tree.refresh()),
      'looker.loadMore': (n?: unknown) => (n instanceof MoreNode || n instanceof GroupNode ? this.deps.tree.loadMore(n) : undefined),
      'looker.findByCredential': (type?: unknown, id?: unknown) =>
        this.findByCredential(typeof type === 'string' ? (type as CredentialType) : undefined, typeof type === 'string' && typeof id === 'string' ? id : undefined),
      'looker.openUser': (ref?: unknown) => this.open(ref instanceof GroupNode || ref instanceof MoreNode || ref === null ? undefined : (ref as UserRef)),
      'looker.copyEmail': (c?: unknown, s?: unknown) => this.copy(targetUsers(c, s, this.deps.view), (u) => u.email ?? u.credentials_email?.email ?? ''),
      'looker.copyId': (c?: unknown, s?: unknown) => this.copy(targetUsers(c, s, this.deps.view), (u) => String(u.id ?? '')),
      'looker.openInLooker': (c?: unknown, s?: unknown) => this.openInLooker(targetUsers(c, s, this.deps.view)),
    });
  }

  private client(): LookerClient {
    return this.deps.manager.requireClient().client;
  }

  private recent(): string[] {
    return this.deps.context.globalState.get<string[]>(RECENT_KEY, []);
  }

  private async remember(text: string): Promise<void> {
    const list = [text, ...this.recent().filter((q) => q !== text)].slice(0, RECENT_MAX);
    await this.deps.context.globalState.update(RECENT_KEY, list);
  }

  /**
   * The search box: validated as you type (a wrong key or value is named, the text is kept), a history button
   * for recent and saved queries, Enter applies. An empty query clears the search.
   */
  async search(initial?: string): Promise<string | undefined> {
    if (initial !== undefined) {
      // Scripted use (tests, other commands): apply directly, errors are thrown to the caller's wrapper.
      await this.apply(initial);
      return initial;
    }
    const history = { iconPath: new vscode.ThemeIcon('history'), tooltip: vscode.l10n.t('Recent and saved searches') };
    let value = this.deps.tree.currentQuery?.text ?? '';
    for (;;) {
      const outcome = await new Promise<{ kind: 'accept' | 'history' | 'cancel'; value: string }>((resolve) => {
        const box = vscode.window.createInputBox();
        box.title = vscode.l10n.t('Search Looker Users');
        box.prompt = QUERY_HELP;
        box.placeholder = vscode.l10n.t('e.g. ann%  ·  email:%@acme.com disabled:false  ·  group:Marketing  ·  sort:"last_name desc"');
        box.value = value;
        box.ignoreFocusOut = true;
        box.buttons = [history];
        const validate = (v: string) => {
          const r = v.trim() ? parseQuery(v) : undefined;
          box.validationMessage = r && !r.ok ? { message: r.error, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
          return !r || r.ok;
        };
        validate(value);
        let done = false;
        const finish = (kind: 'accept' | 'history' | 'cancel') => {
          if (done) return;
          done = true;
          resolve({ kind, value: box.value });
          box.dispose();
        };
        box.onDidChangeValue(validate);
        box.onDidTriggerButton(() => finish('history'));
        box.onDidHide(() => finish('cancel'));
        box.onDidAccept(async () => {
          if (!validate(box.value)) return;
          box.busy = true;
          box.enabled = false;
          try {
            await this.apply(box.value);
            finish('accept');
          } catch (err) {
            // Keep the box open with the text as typed; say what is wrong.
            box.validationMessage = {
              message: err instanceof QueryError ? err.message : String(err instanceof Error ? err.message : err),
              severity: vscode.InputBoxValidationSeverity.Error,
            };
          } finally {
            box.busy = false;
            box.enabled = true;
          }
        });
        box.show();
      });
      if (outcome.kind === 'cancel') return undefined;
      if (outcome.kind === 'accept') return outcome.value;
      value = outcome.value;
      const picked = await this.pickFromHistory();
      if (picked !== undefined) value = picked;
    }
  }

  private async pickFromHistory(): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { query?: string };
    const saved = vscode.workspace.getConfiguration('looker').get<{ name: string; query: string }[]>('savedSearches', []);
    const items: Item[] = [];
    const recent = this.recent();
    if (recent.length) items.push({ label: vscode.l10n.t('Recent'), kind: vscode.QuickPickItemKind.Separator });
    for (const q of recent) items.push({ label: q, query: q, iconPath: new vscode.ThemeIcon('history') });
    if (Array.isArray(saved) && saved.length) items.push({ label: vscode.l10n.t('Saved'), kind: vscode.QuickPickItemKind.Separator });
    for (const s of Array.isArray(saved) ? saved : []) {
      if (s && typeof s.query === 'string') items.push({ label: s.name, description: s.query, query: s.query, iconPath: new vscode.ThemeIcon('bookmark') });
    }
    if (!items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No recent or saved searches yet.'));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Pick a search to edit or run') });
    return pick?.query;
  }

  private async apply(text: string): Promise<void> {
    if (!text.trim()) {
      await this.deps.tree.setQuery(undefined);
      return;
    }
    const r = parseQuery(text);
    if (!r.ok) throw new QueryError(r.error);
    await this.deps.tree.setQuery(r.query);
    await this.remember(r.query.text);
    this.deps.log.info(`Search: ${r.query.text}`);
  }

  async findByCredential(type?: CredentialType, credentialId?: string): Promise<IUser | undefined> {
    const kinds: { type: CredentialType; label: string; prompt: string }[] = [
      { type: 'email', label: vscode.l10n.t('Email'), prompt: vscode.l10n.t('Login email address') },
      { type: 'google', label: vscode.l10n.t('Google'), prompt: vscode.l10n.t('Google user ID') },
      { type: 'saml', label: vscode.l10n.t('SAML'), prompt: vscode.l10n.t('SAML user ID') },
      { type: 'oidc', label: vscode.l10n.t('OpenID Connect'), prompt: vscode.l10n.t('OIDC user ID') },
      { type: 'ldap', label: vscode.l10n.t('LDAP'), prompt: vscode.l10n.t('LDAP ID') },
      { type: 'api3', label: vscode.l10n.t('API key'), prompt: vscode.l10n.t('API3 client ID') },
      { type: 'embed', label: vscode.l10n.t('Embed'), prompt: vscode.l10n.t('Embed external user ID') },
      { type: 'looker_openid', label: vscode.l10n.t('Looker OpenID'), prompt: vscode.l10n.t('Looker OpenID email') },
    ];
    let kind = kinds.find((k) => k.type === type);
    if (!kind) {
      const pick = await vscode.window.showQuickPick(
        kinds.map((k) => ({ label: k.label, description: k.prompt, credential: k })),
        { placeHolder: vscode.l10n.t('Find a user by which credential?') },
      );
      if (!pick) return undefined;
      kind = pick.credential;
    }
    const chosen = kind;
    let id = credentialId;
    for (;;) {
      if (id === undefined) {
        id = await vscode.window.showInputBox({
          title: vscode.l10n.t('Find User by {0} Credential', chosen.label),
          prompt: chosen.prompt,
          value: id,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the credential ID.')),
        });
        if (id === undefined) return undefined;
      }
      try {
        const user = await this.client().userForCredential(chosen.type, id.trim(), 'id,first_name,last_name,display_name,email');
        await this.deps.openUser(String(user.id));
        return user;
      } catch (err) {
        if (err instanceof LookerApiError && err.status === 404) {
          const again = vscode.l10n.t('Search Again');
          const text = vscode.l10n.t('No user has the {0} credential "{1}" on {2}.', chosen.label, id.trim(), this.deps.manager.active()?.name ?? '');
          recordShownWarning(text);
          if (credentialId !== undefined) {
            // Scripted call: say so without waiting for the notification to be dismissed.
            void vscode.window.showWarningMessage(text);
            return undefined;
          }
          const pick = await vscode.window.showWarningMessage(text, again);
          if (pick !== again) return undefined;
          // Keep the typed id for correction.
          const retyped = await vscode.window.showInputBox({ title: vscode.l10n.t('Find User by {0} Credential', chosen.label), prompt: chosen.prompt, value: id, ignoreFocusOut: true });
          if (retyped === undefined) return undefined;
          id = retyped;
          continue;
        }
        throw err;
      }
    }
  }

  private async open(ref?: UserRef): Promise<unknown> {
    const id = userIdOf(ref) ?? (await this.pickUser());
    // A click in the tree opens a preview (replaced by the next click until pinned); anything else a kept tab.
    return id ? this.deps.openUser(id, undefined, ref instanceof UserNode) : undefined;
  }

  /**
   * "Open User…": a quick pick that searches names and emails as you type (GET /users/search/names/{pattern});
   * an id or a login email typed in full opens that user directly.
   */
  private pickUser(): Promise<string | undefined> {
    const client = this.client();
    type Item = vscode.QuickPickItem & { userId?: string; byEmail?: string };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('Open Looker User');
    qp.placeholder = vscode.l10n.t('Type a name, an email address or a user ID');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.ignoreFocusOut = true;
    let generation = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let abort: AbortController | undefined;
    const direct = (v: string): Item[] => {
      const t = v.trim();
      if (/^\d+$/.test(t)) return [{ label: vscode.l10n.t('$(account) Open user ID {0}', t), userId: t, alwaysShow: true }];
      if (/^[^\s@]+@[^\s@]+$/.test(t)) return [{ label: vscode.l10n.t('$(mail) Open the user whose login email is {0}', t), byEmail: t, alwaysShow: true }];
      return [];
    };
    const search = (v: string) => {
      const t = v.trim();
      const mine = ++generation;
      abort?.abort();
      if (timer) clearTimeout(timer);
      qp.items = direct(t);
      if (t.length < 2 || /^\d+$/.test(t)) {
        qp.busy = false;
        return;
      }
      qp.busy = true;
      timer = setTimeout(async () => {
        abort = new AbortController();
        try {
          const pattern = `%${t.replace(/[%_]/g, '')}%`;
          const page = await client.searchUsersNames(pattern, { fields: 'id,first_name,last_name,display_name,email,is_disabled', sorts: 'last_name,first_name', limit: 50 }, abort.signal);
          if (mine !== generation) return;
          const found: Item[] = page.items.map((u) => ({
            label: `$(${u.is_disabled ? 'circle-slash' : 'account'}) ${userLabel(u, vscode.l10n)}`,
            description: u.email ?? '',
            detail: u.is_disabled ? vscode.l10n.t('ID {0} · disabled', String(u.id ?? '')) : vscode.l10n.t('ID {0}', String(u.id ?? '')),
            userId: String(u.id ?? ''),
            alwaysShow: true,
          }));
          qp.items = found.length
            ? [...direct(t), ...found]
            : [...direct(t), { label: vscode.l10n.t('No user matches "{0}" on {1}', t, this.deps.manager.active()?.name ?? ''), alwaysShow: true }];
        } catch (err) {
          if (mine !== generation || abort?.signal.aborted) return;
          qp.items = [{ label: `$(error) ${describeError(err, vscode.l10n.t('searching users'))}`, alwaysShow: true }];
        } finally {
          if (mine === generation) qp.busy = false;
        }
      }, 250);
    };
    return new Promise<string | undefined>((resolve) => {
      let done = false;
      const finish = (id: string | undefined) => {
        if (done) return;
        done = true;
        resolve(id);
        qp.dispose();
        abort?.abort();
        if (timer) clearTimeout(timer);
      };
      qp.onDidChangeValue(search);
      qp.onDidHide(() => finish(undefined));
      qp.onDidAccept(async () => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0] ?? direct(qp.value)[0];
        if (item?.userId) return finish(item.userId);
        if (item?.byEmail) {
          qp.busy = true;
          try {
            const u = await client.userForCredential('email', item.byEmail, 'id');
            finish(String(u.id));
          } catch (err) {
            qp.busy = false;
            qp.items = [{ label: `$(warning) ${err instanceof LookerApiError && err.status === 404 ? vscode.l10n.t('No user has the login email {0}.', item.byEmail) : describeError(err)}`, alwaysShow: true }];
          }
        }
        // Anything else (a message row, a name still being searched): keep the pick open.
      });
      qp.show();
    });
  }

  private async copy(nodes: UserNode[], pick: (u: IUser) => string): Promise<string | undefined> {
    const values = nodes.map((n) => pick(n.user)).filter(Boolean);
    if (!values.length) return undefined;
    const text = values.join('\n');
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} value(s)', values.length), 3000);
    return text;
  }

  private async openInLooker(nodes: UserNode[]): Promise<void> {
    const base = this.deps.manager.active()?.baseUrl;
    if (!base || !isWebUrl(base)) return;
    for (const n of nodes.slice(0, 10)) {
      await vscode.env.openExternal(vscode.Uri.parse(`${base}/admin/users/${encodeURIComponent(n.id)}/edit`));
    }
  }
}
