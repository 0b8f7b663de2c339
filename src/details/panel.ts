import * as vscode from 'vscode';
import { nonce } from '../util/nonce';
import { hostOf, isWebUrl, safeDocumentationUrl } from '../util/urls';
import type { IGroup, IRole, IUser, IUserAttribute, IUserAttributeWithValue } from '@looker/sdk';
import { describeError } from '../commands/errors';
import { confirmModal } from '../commands/prompt';
import { reportError } from '../commands/register';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { findConflicts, userDiff } from './diff';
import { buildDetails, userJsonForCopy, type ModelInput } from './model';
import { userLabel } from '../format/names';
import { attributeValues, openReads } from './reads';
import {
  EDITABLE_FIELDS,
  describeUnknown,
  isPageMessage,
  type CredentialKind,
  type DetailsData,
  type EditableField,
  type Edits,
  type FieldError,
  type HostMessage,
  type PageMessage,
} from './protocol';
import { pageStrings } from './strings';
import type { DetailsDeps } from './controller';
import { checkAttributeValue } from '../bulk/attributes';
import type { BulkAction, BulkParams } from '../bulk/types';
import type { SingleOutcome } from '../bulk/commands';

/** Shared per-connection lookups (role and group names, the API user's name), owned by the controller. */
export interface Lookups {
  roles(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IRole>>;
  groups(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IGroup>>;
  attributeDefs(connectionId: string, client: LookerClient, force?: boolean): Promise<IUserAttribute[]>;
  folderName(connectionId: string, client: LookerClient, folderId: string): Promise<string | undefined>;
  knowFolder(connectionId: string, folderId: string, name: string): void;
}

const POSTED_KEEP = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;


/** Webview options of a details panel: scripts on, files only from media/ and dist/media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

/** The page's HTML: a strict CSP, a per-render nonce, no data (the data comes in the init message). */
export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language.replace(/[^\w-]/g, '')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('media', 'codicons', 'codicon.css')}">
<link rel="stylesheet" href="${uri('media', 'details.css')}">
</head>
<body>
<main id="app" aria-live="polite" aria-busy="true"></main>
<script nonce="${n}" src="${uri('dist', 'media', 'details.js')}"></script>
</body>
</html>`;
}

/**
 * One user's details panel: loads the user, answers the page's messages, runs the changes. The page is untrusted
 * input: every message passes {@link isPageMessage} first.
 */
export class DetailsPanel implements vscode.Disposable {
  private data: DetailsData | undefined;
  /** What `data` was built from, to rebuild it when the attribute values arrive. */
  private model: ModelInput | undefined;
  /** The page asked for the attribute values: every load of this panel reads them from then on. */
  private attributesShown = false;
  private user: IUser | undefined;
  private loading: Promise<void> | undefined;
  private docsUrl: string | undefined;
  /** The last created reset link: a one-time secret, only ever copied to the clipboard, never logged or posted. */
  private resetUrl: string | undefined;
  /** The client secret of the API key just created: only until copied away, dismissed or the panel closes. */
  private apiKeySecret: string | undefined;
  private resetExpires: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Messages posted to the page (most recent last), for diagnostics and in-host tests. */
  readonly posted: HostMessage[] = [];
  private readonly loadedEmitter = new vscode.EventEmitter<DetailsData | undefined>();
  /** Fires after each load (undefined when it failed). */
  readonly onDidLoad = this.loadedEmitter.event;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  /** The page's unsaved edits (undefined when none): the tab is marked, and the controller keeps them on close. */
  draft: { edits: Edits; base: Edits } | undefined;
  /** A draft from a closed tab of this user, put back into the form after the first load. */
  private toRestore: { edits: Edits; base: Edits } | undefined;
  private previewValue = false;
  private readonly previewEmitter = new vscode.EventEmitter<boolean>();
  /** Fires when the panel becomes a preview or is pinned. */
  readonly onDidChangePreview = this.previewEmitter.event;
  /** A preview panel is replaced by the next user opened from the tree, until it is pinned (an edit pins it). */
  get preview(): boolean {
    return this.previewValue;
  }
  set preview(value: boolean) {
    if (value === this.previewValue) return;
    this.previewValue = value;
    this.previewEmitter.fire(value);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly connectionId: string,
    readonly userId: string,
    private readonly deps: DetailsDeps,
    private readonly lookups: Lookups,
  ) {
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'looker.svg');
    this.disposables.push(
      this.loadedEmitter,
      this.disposeEmitter,
      this.previewEmitter,
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = renderHtml(panel.webview, deps.extensionUri);
  }

  /** The data shown now (undefined before the first load). */
  get current(): DetailsData | undefined {
    return this.data;
  }

  /** Resolves once data is loaded (loads if needed). */
  async whenLoaded(): Promise<DetailsData | undefined> {
    if (!this.data) await this.load();
    return this.data;
  }

  private post(m: HostMessage): void {
    if (this.disposed) return;
    this.posted.push(m);
    if (this.posted.length > POSTED_KEEP) this.posted.splice(0, this.posted.length - POSTED_KEEP);
    void this.panel.webview.postMessage(m);
  }

  private client(): LookerClient {
    const c = this.deps.manager.client(this.connectionId);
    if (!c) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('The connection of this user no longer exists.') });
    return c;
  }

  private connectionName(): string {
    return this.deps.manager.store.get(this.connectionId)?.name ?? this.connectionId;
  }

  /** "Production (mycompany.cloud.looker.com)": every confirmation names the connection and its host. */
  private where(): string {
    const p = this.deps.manager.store.get(this.connectionId);
    return p ? `${p.name} (${hostOf(p.baseUrl)})` : this.connectionId;
  }

  /** Handles one message from the page. Unknown or malformed messages are ignored and logged. */
  async receive(m: unknown): Promise<void> {
    if (!isPageMessage(m)) {
      this.deps.log.warn(`User details ${this.userId}: ignored ${describeUnknown(m)} from the page`);
      return;
    }
    try {
      await this.handle(m);
    } catch (err) {
      void reportError(this.deps.log, err);
    }
  }

  private async handle(m: PageMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        if (this.data) this.post({ type: 'init', data: this.data, strings: pageStrings() });
        else await this.load();
        if (this.resetExpires) this.post({ type: 'resetLink', expiresAt: this.resetExpires });
        return;
      case 'refresh':
        await this.load(true);
        return;
      case 'save':
        await this.save(m.edits, m.base);
        return;
      case 'openInLooker':
        if (isWebUrl(this.lookerUrl())) await vscode.env.openExternal(vscode.Uri.parse(this.lookerUrl()));
        return;
      case 'copyJson':
        await this.copyJson();
        return;
      case 'setDisabled':
        await this.setDisabled(m.disabled);
        return;
      case 'changeEmail':
        await this.changeEmail(m.email);
        return;
      case 'addEmail':
        await this.addEmail(m.email);
        return;
      case 'setForcedReset':
        await this.setForcedReset(m.value);
        return;
      case 'sendReset':
        await this.sendReset();
        return;
      case 'createResetLink':
        await this.createResetLink();
        return;
      case 'copyResetLink':
        if (this.resetUrl) {
          await vscode.env.clipboard.writeText(this.resetUrl);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Reset link copied'), 3000);
        }
        return;
      case 'deleteCredential':
        await this.deleteCredential(m.kind, m.credentialId);
        return;
      case 'createApiKey':
        await this.createApiKey();
        return;
      case 'copyApiKeySecret':
        if (this.apiKeySecret) {
          await vscode.env.clipboard.writeText(this.apiKeySecret);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Client secret copied'), 3000);
        }
        return;
      case 'dismissApiKeySecret':
        this.apiKeySecret = undefined;
        this.post({ type: 'apiKeyCreated', key: null });
        return;
      case 'endSession':
        await this.endSessions([m.sessionId]);
        return;
      case 'endAllSessions':
        await this.endSessions(undefined);
        return;
      case 'addRole':
        await this.addRoles();
        return;
      case 'removeRole':
        await this.removeRole(m.roleId);
        return;
      case 'addGroup':
        await this.addGroups();
        return;
      case 'removeGroup':
        await this.removeGroup(m.groupId);
        return;
      case 'unlock':
        await this.unlock();
        return;
      case 'setAttribute':
        await this.changeAttribute(m.attributeId, m.value);
        return;
      case 'clearAttribute':
        await this.changeAttribute(m.attributeId, undefined);
        return;
      case 'showAttributes':
        await this.showAttributes();
        return;
      case 'openDocs':
        {
          const docs = safeDocumentationUrl(this.docsUrl);
          if (docs) await vscode.env.openExternal(vscode.Uri.parse(docs));
        }
        return;
      case 'pickFolder':
        await this.pickFolder();
        return;
      case 'dirty':
        this.draft = Object.keys(m.edits).length ? { edits: m.edits, base: m.base } : undefined;
        if (this.draft) this.preview = false;
        this.updateTitle();
        return;
    }
  }

  /** `${baseUrl}/admin/users/${id}/edit` */
  lookerUrl(): string {
    const base = (this.deps.manager.store.get(this.connectionId)?.baseUrl ?? '').replace(/\/+$/, '');
    return `${base}/admin/users/${encodeURIComponent(this.userId)}/edit`;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Loading

  /**
   * Reads the user (one call, all fields, its web sessions included) and, in parallel, its direct roles and the lockout
   * list; its attribute values too once the page has asked for them.
   */
  load(force = false): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = this.doLoad(force).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async doLoad(force: boolean): Promise<void> {
    const first = !this.data;
    let client: LookerClient;
    try {
      client = this.client();
    } catch (err) {
      this.post({ type: 'loadError', message: describeError(err) });
      this.loadedEmitter.fire(undefined);
      return;
    }
    const id = this.userId;
    // Three calls per open (openReads; role and group names are read once per connection). The attribute values are
    // one call more, made when the page asks for them (showAttributes) and then on every reload of this panel.
    const withAttributes = this.attributesShown;
    const [[user, direct, lockouts], [roles, groups], attributes] = await Promise.all([
      openReads(client, id),
      Promise.allSettled([this.lookups.roles(this.connectionId, client, force), this.lookups.groups(this.connectionId, client, force)]),
      withAttributes ? this.readAttributes(client, force) : undefined,
    ]);
    if (this.disposed) return;
    if (user.status === 'rejected') {
      const message = describeError(user.reason, vscode.l10n.t('loading user {0}', id), this.connectionName());
      this.deps.log.error(`Loading user ${id} failed`, user.reason);
      this.setDocs(user.reason);
      this.post({ type: 'loadError', message });
      this.loadedEmitter.fire(undefined);
      return;
    }
    const partial: string[] = [];
    const part = <T>(r: PromiseSettledResult<T>, what: string): T | undefined => this.part(r, what, partial);
    this.user = user.value;
    const folderNames = await this.folderNames(client, user.value);
    if (this.disposed) return;
    this.model = {
      connectionId: this.connectionId,
      connectionName: this.connectionName(),
      user: user.value,
      sessions: user.value.sessions ?? undefined,
      roles: part(roles, vscode.l10n.t('Role names')),
      effectiveRoles: rolesOf(user.value.role_ids, roles.status === 'fulfilled' ? roles.value : undefined),
      directRoles: part<IRole[]>(direct, vscode.l10n.t('Roles')),
      groups: part(groups, vscode.l10n.t('Group names')),
      attributes: attributes ? part<IUserAttributeWithValue[]>(attributes[0], vscode.l10n.t('User attributes')) : undefined,
      lockouts: part(lockouts, vscode.l10n.t('Login lockouts')),
      attributeMeta: attributes ? part(attributes[1], vscode.l10n.t('User attribute definitions')) : undefined,
      folderNames,
      partialErrors: partial,
      now: new Date(),
      locale: vscode.env.language,
    };
    const data = buildDetails(this.model, vscode.l10n);
    this.data = data;
    this.updateTitle();
    this.post(first ? { type: 'init', data, strings: pageStrings() } : { type: 'data', data });
    if (this.toRestore) {
      this.post({ type: 'restoreDraft', ...this.toRestore });
      this.toRestore = undefined;
    }
    this.loadedEmitter.fire(data);
  }

  /** The value of a settled read, or undefined with its error added to `partial` and logged. */
  private part<T>(r: PromiseSettledResult<T>, what: string, partial: string[]): T | undefined {
    if (r.status === 'fulfilled') return r.value;
    partial.push(`${what}: ${describeError(r.reason)}`);
    this.deps.log.warn(`User details ${this.userId}: ${what} could not be read — ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    return undefined;
  }

  /** The user's attribute values (all of them, with their sources) and the attributes' definitions (cached). */
  private readAttributes(client: LookerClient, force: boolean): Promise<[PromiseSettledResult<IUserAttributeWithValue[]>, PromiseSettledResult<IUserAttribute[]>]> {
    return Promise.allSettled([
      attributeValues(client, this.userId),
      this.lookups.attributeDefs(this.connectionId, client, force),
    ]);
  }

  /**
   * The page asked for the attribute values: one call (the definitions are cached per connection), and the panel
   * shows them; from now on each reload of this panel reads them too.
   */
  private async showAttributes(): Promise<void> {
    this.attributesShown = true;
    if (this.loading) await this.loading;
    if (!this.data || this.data.attributesLoaded || !this.model) return;
    const [values, defs] = await this.readAttributes(this.client(), false);
    // Closed meanwhile, or a reload that started after the request has read them already.
    if (this.disposed || !this.model || this.data?.attributesLoaded) return;
    // A failed earlier try is replaced by this one.
    const earlier = [vscode.l10n.t('User attributes'), vscode.l10n.t('User attribute definitions')].map((w) => `${w}: `);
    const partial = this.model.partialErrors.filter((e) => !earlier.some((w) => e.startsWith(w)));
    this.model = {
      ...this.model,
      attributes: this.part(values, vscode.l10n.t('User attributes'), partial),
      attributeMeta: this.part(defs, vscode.l10n.t('User attribute definitions'), partial),
      partialErrors: partial,
    };
    this.data = buildDetails(this.model, vscode.l10n);
    this.post({ type: 'data', data: this.data });
    this.loadedEmitter.fire(this.data);
  }

  /**
   * Names of the user's folders (home, personal, embed group). A personal folder is named after its user in Looker,
   * so it costs no read (an open stays at three calls); the others are read once per connection (shared home folders
   * are few). Unreadable ones are left out.
   */
  private async folderNames(client: LookerClient, user: IUser): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const personal = user.personal_folder_id ? String(user.personal_folder_id) : undefined;
    const owner = user.display_name || [user.first_name, user.last_name].filter(Boolean).join(' ');
    if (personal && owner) names.set(personal, owner);
    const ids = [...new Set([user.home_folder_id, user.embed_group_folder_id].filter((x): x is string => !!x).map(String))].filter((fid) => !names.has(fid));
    await Promise.all(
      ids.map(async (fid) => {
        const name = await this.lookups.folderName(this.connectionId, client, fid).catch((err: unknown) => {
          this.deps.log.warn(`User details ${this.userId}: the name of folder ${fid} could not be read — ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        });
        if (name) names.set(fid, name);
      }),
    );
    return names;
  }

  /**
   * "Choose folder…" of the home folder: a quick pick that searches folders by name as you type (search_folders).
   * The picked folder's id goes into the form as an unsaved edit; saving it is the form's ordinary save.
   */
  private async pickFolder(): Promise<void> {
    const client = this.client();
    type Item = vscode.QuickPickItem & { id: string };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('Home folder of {0}', this.name());
    qp.placeholder = vscode.l10n.t('Type part of a folder name');
    qp.matchOnDescription = true;
    let seq = 0;
    const search = async (text: string) => {
      const mine = ++seq;
      qp.busy = true;
      try {
        const pattern = text.trim() ? `%${text.trim()}%` : undefined;
        const found = await client.searchFolders({ name: pattern, fields: 'id,name,parent_id,is_personal,is_shared_root', sorts: 'name', limit: 50 });
        if (mine !== seq) return;
        qp.items = found
          .filter((f) => f.id)
          .map((f) => ({
            label: f.name ?? String(f.id),
            description: f.is_personal ? vscode.l10n.t('personal folder · ID {0}', String(f.id)) : vscode.l10n.t('ID {0}', String(f.id)),
            id: String(f.id),
            alwaysShow: true,
          }));
      } catch (err) {
        if (mine === seq) qp.items = [{ label: `$(error) ${describeError(err, undefined, this.connectionName())}`, id: '', alwaysShow: true }];
      } finally {
        if (mine === seq) qp.busy = false;
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const picked = await new Promise<Item | undefined>((resolve) => {
      qp.onDidChangeValue((v) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void search(v), 250);
      });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item?.id) {
          resolve(item);
          qp.hide();
        }
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
      void search('');
    });
    if (timer) clearTimeout(timer);
    qp.dispose();
    if (!picked) return;
    this.lookups.knowFolder(this.connectionId, picked.id, picked.label);
    this.post({ type: 'folderPicked', id: picked.id, name: picked.label });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Changes

  private setDocs(err: unknown): void {
    this.docsUrl = err instanceof LookerApiError ? err.documentationUrl : undefined;
  }

  private name(): string {
    return this.data?.title ?? this.userId;
  }

  /**
   * Runs a change with progress; on success refreshes the panel and the tree, on failure shows the error inline and
   * as a notification (with the documentation link). Returns whether it succeeded.
   */
  private async change(label: string, fn: (c: LookerClient) => Promise<boolean | void>, fieldFor?: (f: string) => FieldError['field'] | undefined): Promise<boolean> {
    this.post({ type: 'busy', label });
    try {
      const refresh = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: label }, () => fn(this.client()));
      if (refresh !== false) {
        await this.load(true);
        this.deps.onUsersChanged([this.userId]);
      }
      return true;
    } catch (err) {
      this.setDocs(err);
      if (err instanceof LookerApiError && err.status === 422 && fieldFor) {
        const errors: FieldError[] = [];
        for (const e of err.errors) {
          const field = e.field ? fieldFor(e.field) : undefined;
          if (field) errors.push({ field, message: e.message ?? e.code ?? '' });
        }
        if (errors.length) {
          // Shown once, next to the fields; the log keeps the details.
          this.post({ type: 'fieldErrors', errors });
          this.deps.log.error(`${label} failed`, err);
          return false;
        }
      }
      // Shown once, in the page's banner (cleared by the next action); no second copy as a notification that would
      // outlive a later success. The log keeps the details.
      const message = this.deps.log.redact(describeError(err, label, this.connectionName()));
      this.post({ type: 'error', message, docs: !!safeDocumentationUrl(this.docsUrl) });
      this.deps.log.error(`${label} failed`, err);
      return false;
    } finally {
      this.post({ type: 'busy', label: null });
    }
  }

  /**
   * One change of this user through the write pipeline, as a job of one (dry run, a confirmation naming the
   * connection and host when the kind is destructive, the runner with the table's retry safety, one audit entry).
   * Resolves with the outcome, or undefined when the person cancelled; a failure (Looker's, with its field errors,
   * or the dry run's "cannot") is thrown for {@link change} to show.
   */
  private async runOne(action: BulkAction, params: BulkParams): Promise<SingleOutcome | undefined> {
    if (!this.deps.runOne) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('Changes are not available in this window.') });
    const o = await this.deps.runOne(action, this.userId, this.connectionId, params);
    if (o.status === 'cancelled') return undefined;
    if (o.status === 'failed') throw o.error ?? new LookerApiError({ kind: 'config', message: o.message ?? vscode.l10n.t('Looker did not make the change.') });
    return o;
  }

  /** {@link runOne} with progress, the panel re-read after it, and errors shown (inline for `fieldFor` fields). */
  private write(label: string, action: BulkAction, params: BulkParams, fieldFor?: (f: string) => FieldError['field'] | undefined, done?: (o: SingleOutcome) => void): Promise<boolean> {
    return this.change(
      label,
      async () => {
        const o = await this.runOne(action, params);
        if (!o) return false;
        done?.(o);
      },
      fieldFor,
    );
  }

  /**
   * Saves inline edits as a job of one: the dry run re-reads the server values of the changed fields and, when
   * someone else changed one since the page loaded it, the page is asked to choose instead of saving; a home folder
   * that does not exist on the instance is refused next to its field.
   */
  async save(edits: Edits, base: Edits): Promise<boolean> {
    const diff = userDiff(base, edits);
    const fields = Object.keys(diff) as EditableField[];
    if (!fields.length) {
      this.post({ type: 'saved', fields: [] });
      return true;
    }
    const editable = (f: string): EditableField | undefined => (EDITABLE_FIELDS as readonly string[]).includes(f) ? (f as EditableField) : undefined;
    if ('last_name' in diff && !String(diff.last_name ?? '').trim()) {
      // Looker accepts it, but the user then shows by first name only (or as "—" everywhere without one).
      const first = String(('first_name' in diff ? diff.first_name : this.user?.first_name) ?? '').trim();
      const go = vscode.l10n.t('Save Without Last Name');
      const pick = await confirmModal(
        vscode.l10n.t('Save {0} on {1} with an empty last name?', this.name(), this.connectionName()),
        first ? vscode.l10n.t('Looker will show this user as "{0}".', first) : vscode.l10n.t('With no first name either, the user has no name in Looker at all.'),
        go,
      );
      if (pick !== go) {
        this.post({ type: 'fieldErrors', errors: [{ field: 'last_name', message: vscode.l10n.t('The last name is empty: type one, or save again and confirm.') }] });
        return false;
      }
    }
    return this.change(
      vscode.l10n.t('Saving {0}', this.name()),
      async () => {
        if (!this.deps.runOne) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('Changes are not available in this window.') });
        const o = await this.deps.runOne('updateUser', this.userId, this.connectionId, { fields: diff, base });
        if (o.status === 'failed' && !o.error && o.item) {
          const conflicts = o.item.before ? findConflicts(base, diff, o.item.before) : [];
          if (conflicts.length) {
            this.post({ type: 'conflict', fields: conflicts });
            return false;
          }
          if (o.item.field === 'home_folder_id') {
            const message = vscode.l10n.t('There is no folder with id "{0}" on {1}. Enter the id of an existing folder.', String(diff.home_folder_id ?? ''), this.where());
            this.post({ type: 'fieldErrors', errors: [{ field: 'home_folder_id', message }] });
            return false;
          }
        }
        if (o.status === 'cancelled') return false;
        if (o.status === 'failed') throw o.error ?? new LookerApiError({ kind: 'config', message: o.message ?? '' });
        this.post({ type: 'saved', fields });
        return true;
      },
      editable,
    );
  }

  private setDisabled(disabled: boolean): Promise<boolean> {
    const label = disabled ? vscode.l10n.t('Disabling {0}', this.name()) : vscode.l10n.t('Enabling {0}', this.name());
    return this.write(label, disabled ? 'disable' : 'enable', {});
  }

  private badEmail(email: string): boolean {
    if (EMAIL.test(email.trim())) return false;
    this.post({ type: 'fieldErrors', errors: [{ field: 'email', message: vscode.l10n.t('Enter an email address like name@example.com.') }] });
    return true;
  }

  private emailField = (f: string): FieldError['field'] | undefined => (/email$/.test(f) ? 'email' : undefined);

  private changeEmail(email: string): Promise<boolean> {
    if (this.badEmail(email)) return Promise.resolve(false);
    const emails = { [this.userId]: email.trim() };
    return this.write(vscode.l10n.t('Changing the login email of {0}', this.name()), 'updateEmail', { emails }, this.emailField);
  }

  private addEmail(email: string): Promise<boolean> {
    if (this.badEmail(email)) return Promise.resolve(false);
    const emails = { [this.userId]: email.trim() };
    return this.write(vscode.l10n.t('Adding an email credential to {0}', this.name()), 'createCredentialsEmail', { emails }, this.emailField);
  }

  private setForcedReset(value: boolean): Promise<boolean> {
    return this.write(vscode.l10n.t('Updating the password reset flag of {0}', this.name()), value ? 'forcePasswordReset' : 'clearPasswordReset', {});
  }

  private sendReset(): Promise<boolean> {
    // Looker sends the account setup email instead to a user who never logged in (an invited user).
    const setup = !!this.user?.credentials_email && !this.user.credentials_email.logged_in_at;
    return this.write(vscode.l10n.t('Sending a password reset email to {0}', this.name()), 'sendPasswordReset', {}, undefined, () => {
      const to = this.user?.credentials_email?.email ?? this.name();
      vscode.window.setStatusBarMessage(setup ? vscode.l10n.t('Setup email sent to {0}', to) : vscode.l10n.t('Password reset email sent to {0}', to), 5000);
    });
  }

  private createResetLink(): Promise<boolean> {
    return this.write(vscode.l10n.t('Creating a password reset link for {0}', this.name()), 'createPasswordResetLink', {}, undefined, (o) => {
      // The link is a one-time secret: kept in memory for the clipboard only, masked in every log line.
      if (!o.secret) return;
      this.deps.log.addSecret(o.secret);
      this.resetUrl = o.secret;
      const expires = o.after?.expires;
      this.resetExpires = typeof expires === 'string' ? expires : null;
      if (this.resetExpires) this.post({ type: 'resetLink', expiresAt: this.resetExpires });
    });
  }

  /**
   * Creates an API key, as a job of one (confirmed first naming the connection and host: anyone with the key can use
   * the API as this user). Its client secret comes back once: shown in the page, kept here only for the copy button,
   * registered with the log's redaction, never logged, saved or audited (only the client id). Creating is not
   * idempotent: after a request that may have reached Looker it is not sent again (the write table says `never`).
   */
  private async createApiKey(): Promise<boolean> {
    const yes = vscode.l10n.t('Create API Key');
    const pick = await confirmModal(
      vscode.l10n.t('Create an API key for {0} on {1}?', this.name(), this.where()),
      vscode.l10n.t('Anyone with the key can use the Looker API as this user. Its client secret is shown once, in this panel.'),
      yes,
    );
    if (pick !== yes) return false;
    return this.write(vscode.l10n.t('Creating an API key for {0}', this.name()), 'createApiKey', {}, undefined, (o) => {
      const secret = o.secret;
      const clientId = String(o.after?.client_id ?? '');
      if (!secret) return;
      this.deps.log.addSecret(secret);
      this.apiKeySecret = secret;
      this.post({ type: 'apiKeyCreated', key: { clientId, secret } });
    });
  }

  private deleteCredential(kind: CredentialKind, credentialId: string | undefined): Promise<boolean> {
    const card = this.data?.credentials.find((c) => c.kind === kind && c.credentialId === credentialId);
    if (!card || !card.deletable) return Promise.resolve(false);
    if (kind === 'api3') {
      // An API key is named by its client id in the confirmation and the audit log.
      const clientId = this.user?.credentials_api3?.find((k) => String(k.id) === credentialId)?.client_id ?? credentialId ?? '';
      return this.write(vscode.l10n.t('Deleting the {0} of {1}', card.title, this.name()), 'deleteApiKey', { credentialKind: kind, credentialId, clientId, credentialName: card.title.includes(clientId) ? card.title : vscode.l10n.t('{0} ({1})', card.title, clientId) });
    }
    return this.write(vscode.l10n.t('Deleting the {0} credential of {1}', card.title, this.name()), 'deleteCredential', { credentialKind: kind, credentialId, credentialName: card.title });
  }

  /**
   * Unlock goes through the bulk pipeline as a job of one (the same dry run, preview naming the connection and host,
   * and audit entry as from the tree), then the panel reads the user again.
   */
  private async unlock(): Promise<boolean> {
    if (!this.data?.lockout || !this.deps.runJob) return false;
    const done = await this.deps.runJob('unlock', [this.userId], this.connectionId, {});
    await this.load(true);
    return done;
  }

  /**
   * Sets (`value`) or clears (undefined) the user's own value of an attribute, checked against the attribute's type,
   * through the bulk pipeline as a job of one. A hidden value is never shown, logged or audited; it can be replaced.
   */
  private async changeAttribute(attributeId: string, value: string | undefined): Promise<boolean> {
    const row = this.data?.attributes.find((a) => a.id === attributeId);
    if (!row || !row.editable || !this.deps.runJob) return false;
    if (value === undefined && !row.own) return false;
    const params: BulkParams = { attributeId, attributeName: row.name || row.label, attributeHidden: row.hidden };
    if (value !== undefined) {
      const checked = checkAttributeValue(row.type, value, vscode.l10n);
      if ('error' in checked) {
        this.post({ type: 'error', message: `${row.label}: ${checked.error}`, docs: false });
        return false;
      }
      params.value = checked.value;
    }
    const done = await this.deps.runJob(value === undefined ? 'clearUserAttribute' : 'setUserAttribute', [this.userId], this.connectionId, params);
    await this.load(true);
    if (done) this.post({ type: 'attributeSaved', attributeId });
    return done;
  }

  /** Ends the given sessions, or (undefined) all of them; ending sessions is confirmed like any destructive change. */
  private endSessions(ids: string[] | undefined): Promise<boolean> {
    if (!ids && !this.data?.sessions.length) return Promise.resolve(false);
    const n = ids?.length ?? this.data?.sessions.length ?? 0;
    const label = n === 1 ? vscode.l10n.t('Ending a session of {0}', this.name()) : vscode.l10n.t('Ending {0} sessions of {1}', n, this.name());
    return this.write(label, 'endSessions', ids ? { sessionIds: ids } : {});
  }

  /** The user's direct roles as Looker has them now (not `role_ids`, which may include roles from groups). */
  private async directRoleIds(c: LookerClient): Promise<string[]> {
    return (await c.userRoles(this.userId, 'id', true)).map((r) => String(r.id ?? '')).filter((id) => id !== '');
  }

  /** Each picked role or group is a job of one (its own dry run and audit entry), one after the other. */
  private writeEach(label: string, action: BulkAction, each: BulkParams[]): Promise<boolean> {
    return this.change(label, async () => {
      let changed = false;
      for (const params of each) changed = !!(await this.runOne(action, params)) || changed;
      return changed;
    });
  }

  private async addRoles(): Promise<boolean> {
    const c = this.client();
    const all = await this.lookups.roles(this.connectionId, c);
    const current = await this.directRoleIds(c);
    const items = [...all.values()]
      .filter((r) => r.id && !current.includes(String(r.id)))
      .map((r) => ({ label: r.name ?? String(r.id), description: r.permission_set?.name ?? undefined, id: String(r.id) }));
    if (!items.length) {
      vscode.window.showInformationMessage(vscode.l10n.t('{0} already has every role.', this.name()));
      return false;
    }
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Roles to give {0}', this.name()) });
    if (!picked || !picked.length) return false;
    return this.writeEach(vscode.l10n.t('Adding roles to {0}', this.name()), 'addRole', picked.map((p) => ({ roleId: p.id, roleName: p.label })));
  }

  private async removeRole(roleId: string): Promise<boolean> {
    const all = await this.lookups.roles(this.connectionId, this.client());
    const name = all.get(roleId)?.name ?? roleId;
    return this.write(vscode.l10n.t('Removing role {0} from {1}', name, this.name()), 'removeRole', { roleId, roleName: name });
  }

  private async addGroups(): Promise<boolean> {
    const c = this.client();
    const all = await this.lookups.groups(this.connectionId, c);
    const current = (this.user?.group_ids ?? []).map(String);
    const items = [...all.values()]
      .filter((g) => g.id && !current.includes(String(g.id)) && !g.externally_managed)
      .map((g) => ({ label: g.name ?? String(g.id), description: g.user_count !== null && g.user_count !== undefined ? vscode.l10n.t('{0} users', g.user_count) : undefined, id: String(g.id) }));
    if (!items.length) {
      vscode.window.showInformationMessage(vscode.l10n.t('There is no other group to add {0} to.', this.name()));
      return false;
    }
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Groups to add {0} to', this.name()) });
    if (!picked || !picked.length) return false;
    return this.writeEach(vscode.l10n.t('Adding {0} to groups', this.name()), 'addToGroup', picked.map((p) => ({ groupId: p.id, groupName: p.label })));
  }

  private async removeGroup(groupId: string): Promise<boolean> {
    const current = (this.user?.group_ids ?? []).map(String);
    if (!current.includes(groupId)) return false;
    const all = await this.lookups.groups(this.connectionId, this.client());
    const name = all.get(groupId)?.name ?? groupId;
    return this.write(vscode.l10n.t('Removing {0} from group {1}', this.name(), name), 'removeFromGroup', { groupId, groupName: name });
  }

  private async copyJson(): Promise<void> {
    const user = this.user ?? (await this.client().user(this.userId));
    await vscode.env.clipboard.writeText(userJsonForCopy(user));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} as JSON', userLabel(user, vscode.l10n)), 3000);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Puts a kept draft back into the form once the page has its data. */
  restoreDraft(draft: { edits: Edits; base: Edits }): void {
    this.toRestore = draft;
    this.draft = draft;
    if (this.data) {
      this.post({ type: 'restoreDraft', ...draft });
      this.toRestore = undefined;
    }
    this.updateTitle();
  }

  /** The tab's title: the user's name, marked "●" while there are unsaved edits (as VS Code marks a dirty file). */
  private updateTitle(): void {
    if (this.disposed) return;
    const name = this.data?.title ?? this.panel.title.replace(/^● /, '');
    this.panel.title = this.draft ? `● ${name}` : name;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.resetUrl = undefined;
    this.apiKeySecret = undefined;
    this.disposeEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** The roles of `ids`, named from the connection's role list where it was read (else by id). */
function rolesOf(ids: readonly (string | number)[] | null | undefined, names: Map<string, IRole> | undefined): IRole[] {
  return (ids ?? []).map((id) => names?.get(String(id)) ?? ({ id: String(id) } as IRole));
}
