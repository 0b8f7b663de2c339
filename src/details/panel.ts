import * as vscode from 'vscode';
import { hostOf, isWebUrl, safeDocumentationUrl } from '../util/urls';
import type { IUser } from '@looker/sdk';
import { describeError } from '../commands/errors';
import { reportError } from '../commands/register';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { buildDetails, userJsonForCopy, type ModelInput } from './model';
import { userLabel } from '../format/names';
import { modelOf, readAttributes, readUser, withAttributes, type LoadContext } from './loader';
import { pickFolder } from './folderPicker';
import { jobHandlers, writeHandlers, type PanelJob, type PanelWrite, type WriteContext } from './writes';
import { shellHtml, webviewOptions } from '../webview/shell';
import {
  describeUnknown,
  isPageMessage,
  type DetailsData,
  type Edits,
  type FieldError,
  type HostMessage,
  type PageMessage,
} from './protocol';
import { pageStrings } from './strings';
import type { DetailsDeps, Lookups } from './deps';
import type { BulkAction, BulkParams } from '../actions/types';
import type { SingleOutcome } from '../actions/types';

declare const __TEST_HOOKS__: boolean;

const POSTED_KEEP = 200;

type Message<T extends PageMessage['type']> = Extract<PageMessage, { type: T }>;
/** A handler for every message the page may send (the type makes a missing one a compile error). */
type PageHandlers = { [T in PageMessage['type']]: (m: Message<T>) => unknown };

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
  private readonly writeContext: WriteContext;
  private readonly handlers: PageHandlers;
  /** Messages posted to the page (most recent last), kept in test builds for the in-host tests. */
  readonly posted: HostMessage[] = [];
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
    this.writeContext = this.makeWriteContext();
    this.handlers = this.makeHandlers();
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'looker.svg');
    this.disposables.push(
      this.disposeEmitter,
      this.previewEmitter,
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = shellHtml(panel.webview, deps.extensionUri, { style: 'details.css', codicons: true, script: 'details.js', rootId: 'app', live: true });
  }

  /** The data shown now (undefined before the first load). */
  get current(): DetailsData | undefined {
    return this.data;
  }

  private post(m: HostMessage): void {
    if (this.disposed) return;
    if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) {
      this.posted.push(m);
      if (this.posted.length > POSTED_KEEP) this.posted.splice(0, this.posted.length - POSTED_KEEP);
    }
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

  private name(): string {
    return this.data?.title ?? this.userId;
  }

  /** Handles one message from the page. Unknown or malformed messages are ignored and logged. */
  async receive(m: unknown): Promise<void> {
    if (!isPageMessage(m)) {
      this.deps.log.warn(`User details ${this.userId}: ignored ${describeUnknown(m)} from the page`);
      return;
    }
    try {
      await (this.handlers[m.type] as (m: PageMessage) => unknown)(m);
    } catch (err) {
      void reportError(this.deps.log, err);
    }
  }

  /** What planning a write reads from this panel (see `writes.ts`). */
  private makeWriteContext(): WriteContext {
    return {
      connectionId: this.connectionId,
      userId: this.userId,
      lookups: this.lookups,
      log: this.deps.log,
      name: () => this.name(),
      connectionName: () => this.connectionName(),
      where: () => this.where(),
      user: () => this.user,
      data: () => this.data,
      client: () => this.client(),
      post: (m) => this.post(m),
      keepResetLink: (url, expiresAt) => {
        this.resetUrl = url;
        this.resetExpires = expiresAt;
        if (this.resetExpires) this.post({ type: 'resetLink', expiresAt: this.resetExpires });
      },
      keepApiKey: (clientId, secret) => {
        this.apiKeySecret = secret;
        this.post({ type: 'apiKeyCreated', key: { clientId, secret } });
      },
    };
  }

  /** A job of the panel through the bulk pipeline with its preview; then the panel reads the user again. */
  private async runJob(job: PanelJob): Promise<boolean> {
    if (!this.deps.runJob) return false;
    const done = await this.deps.runJob(job.action, [this.userId], this.connectionId, job.params);
    await this.load(true);
    if (done && job.saved) this.post(job.saved);
    return done;
  }

  /** The handler of each page message. */
  private makeHandlers(): PageHandlers {
    return {
      ...writeHandlers(this.writeContext, (w) => (w.each ? this.writeEach(w.label, w.action, w.each) : this.write(w.label, w.action, w.params ?? {}, w))),
      ...jobHandlers(this.writeContext, (job) => this.runJob(job), () => !!this.deps.runJob),
      ready: async () => {
        if (this.data) this.post({ type: 'init', data: this.data, strings: pageStrings() });
        else await this.load();
        if (this.resetExpires) this.post({ type: 'resetLink', expiresAt: this.resetExpires });
      },
      refresh: () => this.load(true),
      openInLooker: async () => {
        if (isWebUrl(this.lookerUrl())) await vscode.env.openExternal(vscode.Uri.parse(this.lookerUrl()));
      },
      copyJson: () => this.copyJson(),
      copyResetLink: () => this.copySecret(this.resetUrl, vscode.l10n.t('Reset link copied')),
      copyApiKeySecret: () => this.copySecret(this.apiKeySecret, vscode.l10n.t('Client secret copied')),
      dismissApiKeySecret: () => {
        this.apiKeySecret = undefined;
        this.post({ type: 'apiKeyCreated', key: null });
      },
      showAttributes: () => this.showAttributes(),
      openDocs: async () => {
        const docs = safeDocumentationUrl(this.docsUrl);
        if (docs) await vscode.env.openExternal(vscode.Uri.parse(docs));
      },
      pickFolder: async () => {
        const picked = await pickFolder(this.client(), this.name(), this.connectionName());
        if (!picked) return;
        this.lookups.knowFolder(this.connectionId, picked.id, picked.name);
        this.post({ type: 'folderPicked', id: picked.id, name: picked.name });
      },
      dirty: (m) => {
        this.draft = Object.keys(m.edits).length ? { edits: m.edits, base: m.base } : undefined;
        if (this.draft) this.preview = false;
        this.updateTitle();
      },
    };
  }

  /** Copies a one-time secret (a reset link, an API key's client secret) to the clipboard, if there is one. */
  private async copySecret(secret: string | undefined, note: string): Promise<void> {
    if (!secret) return;
    await vscode.env.clipboard.writeText(secret);
    vscode.window.setStatusBarMessage(note, 3000);
  }

  /** `${baseUrl}/admin/users/${id}/edit` */
  private lookerUrl(): string {
    const base = (this.deps.manager.store.get(this.connectionId)?.baseUrl ?? '').replace(/\/+$/, '');
    return `${base}/admin/users/${encodeURIComponent(this.userId)}/edit`;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Loading

  private loadContext(): LoadContext {
    return { connectionId: this.connectionId, userId: this.userId, connectionName: this.connectionName(), lookups: this.lookups, warn: (line) => this.deps.log.warn(line) };
  }

  /** Reads the user again (see `loader.ts`); a load already under way is shared. */
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
      return;
    }
    const id = this.userId;
    // Three calls per open (openReads; role and group names are read once per connection). The attribute values are
    // one call more, made when the page asks for them (showAttributes) and then on every reload of this panel.
    const ctx = this.loadContext();
    const reads = await readUser(ctx, client, force, this.attributesShown);
    if (this.disposed) return;
    if (reads.user.status === 'rejected') {
      const message = describeError(reads.user.reason, vscode.l10n.t('loading user {0}', id), this.connectionName());
      this.deps.log.error(`Loading user ${id} failed`, reads.user.reason);
      this.setDocs(reads.user.reason);
      this.post({ type: 'loadError', message });
      return;
    }
    this.user = reads.user.value;
    const model = await modelOf(ctx, client, reads, reads.user.value);
    if (this.disposed) return;
    this.model = model;
    const data = buildDetails(this.model, vscode.l10n);
    this.data = data;
    this.updateTitle();
    this.post(first ? { type: 'init', data, strings: pageStrings() } : { type: 'data', data });
    if (this.toRestore) {
      this.post({ type: 'restoreDraft', ...this.toRestore });
      this.toRestore = undefined;
    }
  }

  /**
   * The page asked for the attribute values: one call (the definitions are cached per connection), and the panel
   * shows them; from now on each reload of this panel reads them too.
   */
  private async showAttributes(): Promise<void> {
    this.attributesShown = true;
    if (this.loading) await this.loading;
    if (!this.data || this.data.attributesLoaded || !this.model) return;
    const ctx = this.loadContext();
    const reads = await readAttributes(ctx, this.client(), false);
    // Closed meanwhile, or a reload that started after the request has read them already.
    if (this.disposed || !this.model || this.data?.attributesLoaded) return;
    this.model = withAttributes(ctx, this.model, reads);
    this.data = buildDetails(this.model, vscode.l10n);
    this.post({ type: 'data', data: this.data });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Changes

  private setDocs(err: unknown): void {
    this.docsUrl = err instanceof LookerApiError ? err.documentationUrl : undefined;
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
   * Resolves with the outcome, or undefined when the person cancelled or `failed` showed the failure itself; any other
   * failure (Looker's, with its field errors, or the dry run's "cannot") is thrown for {@link change} to show.
   */
  private async runOne(action: BulkAction, params: BulkParams, failed?: PanelWrite['failed']): Promise<SingleOutcome | undefined> {
    if (!this.deps.runOne) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('Changes are not available in this window.') });
    const o = await this.deps.runOne(action, this.userId, this.connectionId, params);
    if (o.status === 'failed' && failed?.(o)) return undefined;
    if (o.status === 'cancelled') return undefined;
    if (o.status === 'failed') throw o.error ?? new LookerApiError({ kind: 'config', message: o.message ?? vscode.l10n.t('Looker did not make the change.') });
    return o;
  }

  /** {@link runOne} with progress, the panel re-read after it, and errors shown (inline for `fieldFor` fields). */
  private write(label: string, action: BulkAction, params: BulkParams, w: Pick<PanelWrite, 'fieldFor' | 'done' | 'failed'> = {}): Promise<boolean> {
    return this.change(
      label,
      async () => {
        const o = await this.runOne(action, params, w.failed);
        if (!o) return false;
        w.done?.(o);
      },
      w.fieldFor,
    );
  }

  /** Each picked role or group is a job of one (its own dry run and audit entry), one after the other. */
  private writeEach(label: string, action: BulkAction, each: BulkParams[]): Promise<boolean> {
    return this.change(label, async () => {
      let changed = false;
      for (const params of each) changed = !!(await this.runOne(action, params)) || changed;
      return changed;
    });
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
