/** The preview user: its status bar item, the "Preview LookML as User" picker and its attribute data (cached). */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { userLabel } from '../format/names';
import { freeTextFilters, namesPattern } from '../users/query';
import { PromiseCache } from '../util/promiseCache';
import { loadPreviewData, type PreviewData } from './api';
import { activeClient, LOOKML_COMMANDS, type LookmlDeps } from './deps';

const PICK_USER_FIELDS = 'id,first_name,last_name,display_name,email,is_disabled';

/** Whose attribute values the hovers show (one per window, on the connection it was picked on). */
export class PreviewUser implements vscode.Disposable {
  private readonly statusItem: vscode.StatusBarItem;
  private value: { connectionId: string; user: IUser } | undefined;
  private readonly data = new PromiseCache<PreviewData>();

  constructor(private readonly deps: LookmlDeps) {
    this.statusItem = vscode.window.createStatusBarItem('looker.previewUser', vscode.StatusBarAlignment.Left, 90);
    this.statusItem.name = vscode.l10n.t('Looker Preview User');
    this.statusItem.command = LOOKML_COMMANDS.previewAsUser;
  }

  get user(): IUser | undefined {
    return this.value?.user;
  }

  /** Sets (or clears) the preview user of the active connection. */
  set(user: IUser | undefined): void {
    const active = this.deps.manager.active();
    this.value = user && active ? { connectionId: active.id, user } : undefined;
    if (this.value) {
      this.statusItem.text = `$(eye) ${userLabel(this.value.user, vscode.l10n).replace(/\$\(/g, '$\u200b(')}`;
      this.statusItem.tooltip = vscode.l10n.t('Looker: previewing LookML as {0}. Click to pick another user.', userLabel(this.value.user, vscode.l10n));
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
    void vscode.commands.executeCommand('setContext', 'looker.previewUser', !!this.value);
  }

  /** The preview user's attribute definitions and values, or undefined without one on the active connection. */
  loadData(): Promise<PreviewData> | undefined {
    const pu = this.value;
    if (!pu) return undefined;
    const { client, connectionId } = activeClient(this.deps);
    if (connectionId !== pu.connectionId) return undefined;
    return this.data.get(`${connectionId}\u0000${String(pu.user.id)}`, () => loadPreviewData(client, String(pu.user.id)));
  }

  /** Forgets the loaded attribute data. */
  clearCache(): void {
    this.data.clear();
  }

  /** Sets the user `userId`, else lets the user search for one (or stop previewing). */
  async pick(userId?: string): Promise<IUser | undefined> {
    const { client } = activeClient(this.deps);
    if (userId) {
      const user = await client.user(userId, PICK_USER_FIELDS);
      this.set(user);
      return user;
    }
    type Item = vscode.QuickPickItem & { user?: IUser; clear?: boolean };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('Preview LookML as User');
    qp.placeholder = vscode.l10n.t('Type a name or email to search users');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    let abort: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const toItem = (u: IUser): Item => ({
      label: userLabel(u, vscode.l10n),
      description: u.email ?? undefined,
      detail: u.is_disabled ? vscode.l10n.t('ID {0} · disabled', String(u.id)) : vscode.l10n.t('ID {0}', String(u.id)),
      user: u,
    });
    const clearItem: Item[] = this.user ? [{ label: vscode.l10n.t('$(close) Stop previewing as {0}', userLabel(this.user, vscode.l10n)), clear: true, alwaysShow: true }] : [];
    const search = (value: string) => {
      abort?.abort();
      abort = new AbortController();
      const signal = abort.signal;
      qp.busy = true;
      const v = value.trim();
      const common = { fields: PICK_USER_FIELDS, limit: 50, sorts: 'last_name,first_name' };
      // Several words search the full name: search_users_names never matches "Ann Lee" against first + last name.
      const req = !v
        ? client.searchUsers(common, signal)
        : client.apiSurface().then((surface) => {
            const several = freeTextFilters(v, surface);
            return several
              ? client.searchUsers({ ...several, ...common }, signal)
              : client.searchUsersNames(namesPattern(v), common, signal);
          });
      req.then(
        (page) => {
          if (signal.aborted) return;
          qp.items = [...clearItem, ...page.items.map(toItem)];
          qp.busy = false;
        },
        (err) => {
          if (signal.aborted) return;
          qp.busy = false;
          this.deps.log.error('Searching users for the preview user failed', err);
          qp.items = [...clearItem, { label: vscode.l10n.t('$(error) Search failed; see the Looker log'), alwaysShow: true }];
        },
      );
    };
    return new Promise<IUser | undefined>((resolve) => {
      let done = false;
      const finish = (u: IUser | undefined) => {
        if (done) return;
        done = true;
        abort?.abort();
        if (timer) clearTimeout(timer);
        qp.dispose();
        resolve(u);
      };
      qp.onDidChangeValue((v) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => search(v), 250);
      });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item?.clear) {
          this.set(undefined);
          finish(undefined);
        } else if (item?.user) {
          this.set(item.user);
          finish(item.user);
        }
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
      search('');
    });
  }

  dispose(): void {
    this.statusItem.dispose();
  }
}
