import * as vscode from 'vscode';
import { nonce } from '../util/nonce';
import { hostOf, isWebUrl, safeDocumentationUrl } from '../util/urls';
import type { IGroup, IRole, IUser, IUserAttribute, IUserAttributeWithValue, IWriteUser } from '@looker/sdk';
import { describeError } from '../commands/errors';
import { confirmModal } from '../commands/prompt';
import { reportError } from '../commands/register';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { describeChanges, findConflicts, userDiff, withoutApplied } from './diff';
import { buildDetails, userJsonForCopy, userTitle } from './model';
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
import type { AuditEntry } from '../audit/log';
import { personName } from '../users/names';
import { checkAttributeValue } from '../bulk/attributes';
import { mayHaveActed } from '../bulk/runner';
import type { BulkParams } from '../bulk/types';
import type { ActionName } from '../actions/table';

/** One write of the panel, as the audit log records it (action label, before → after, reversal parameters). */
interface AuditChange {
  action: ActionName;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  params?: AuditEntry['params'];
}

/** Shared per-connection lookups (role and group names, the API user's name), owned by the controller. */
export interface Lookups {
  roles(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IRole>>;
  groups(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IGroup>>;
  attributeDefs(connectionId: string, client: LookerClient, force?: boolean): Promise<IUserAttribute[]>;
  apiUser(connectionId: string, client: LookerClient): Promise<string>;
}

const RESET_LINK_MINUTES = 60;
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
  /** A preview panel is replaced by the next user opened from the tree, until it is pinned (an edit pins it). */
  preview = false;

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
      case 'openDocs':
        {
          const docs = safeDocumentationUrl(this.docsUrl);
          if (docs) await vscode.env.openExternal(vscode.Uri.parse(docs));
        }
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

  /** Reads the user (one call, all fields) and, in parallel, its sessions, roles, groups and attribute values. */
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
    // Four calls per open (role, group and attribute names are read once per connection): the user with its web
    // sessions and `role_ids` (every role it holds, through groups too), its direct roles, its attribute values, and
    // the lockout list (a lockout comes and goes, so it is read each time).
    const [user, roles, direct, groups, attrs, lockouts, attrDefs] = await Promise.allSettled([
      client.user(id),
      this.lookups.roles(this.connectionId, client, force),
      // The panel shows and edits the direct roles; the rest of `role_ids` comes through groups.
      client.userRoles(id, 'id,name', true),
      this.lookups.groups(this.connectionId, client, force),
      client.userAttributeValues(id, { all_values: true, include_unset: true }),
      client.allLoginLockouts('user_id,fail_count,lockout_at'),
      this.lookups.attributeDefs(this.connectionId, client, force),
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
    const part = <T>(r: PromiseSettledResult<T>, what: string): T | undefined => {
      if (r.status === 'fulfilled') return r.value;
      partial.push(`${what}: ${describeError(r.reason)}`);
      this.deps.log.warn(`User details ${id}: ${what} could not be read — ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      return undefined;
    };
    this.user = user.value;
    const data = buildDetails(
      {
        connectionId: this.connectionId,
        connectionName: this.connectionName(),
        user: user.value,
        sessions: user.value.sessions ?? undefined,
        roles: part(roles, vscode.l10n.t('Role names')),
        effectiveRoles: rolesOf(user.value.role_ids, roles.status === 'fulfilled' ? roles.value : undefined),
        directRoles: part<IRole[]>(direct, vscode.l10n.t('Roles')),
        groups: part(groups, vscode.l10n.t('Group names')),
        attributes: part<IUserAttributeWithValue[]>(attrs, vscode.l10n.t('User attributes')),
        lockouts: part(lockouts, vscode.l10n.t('Login lockouts')),
        attributeMeta: part(attrDefs, vscode.l10n.t('User attribute definitions')),
        partialErrors: partial,
        now: new Date(),
        locale: vscode.env.language,
      },
      vscode.l10n,
    );
    this.data = data;
    this.updateTitle();
    this.post(first ? { type: 'init', data, strings: pageStrings() } : { type: 'data', data });
    if (this.toRestore) {
      this.post({ type: 'restoreDraft', ...this.toRestore });
      this.toRestore = undefined;
    }
    this.loadedEmitter.fire(data);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Changes

  private setDocs(err: unknown): void {
    this.docsUrl = err instanceof LookerApiError ? err.documentationUrl : undefined;
  }

  private who(): Promise<string> {
    return this.lookups.apiUser(this.connectionId, this.client()).catch(() => this.connectionName());
  }

  private name(): string {
    return this.data?.title ?? this.userId;
  }

  /**
   * Records a write: one Output line (who, what, before → after; never a secret) and one audit log entry with the
   * instance, the user's id, name and email, before and after (a failure to write it is logged, never fatal).
   */
  private async audit(what: string, change: AuditChange): Promise<void> {
    const who = await this.who();
    this.deps.log.info(`${who} @ ${this.connectionName()}: ${what} — user ${this.userId} (${JSON.stringify(this.name())})`);
    const connection = this.deps.manager.identity(this.connectionId);
    if (!this.deps.audit || !connection) return;
    try {
      await this.deps.audit.record({
        connection,
        apiUser: who,
        action: change.action,
        userId: this.userId,
        user: { name: this.user ? personName(this.user) : undefined, email: this.user?.email ?? this.user?.credentials_email?.email ?? undefined },
        before: change.before,
        after: change.after,
        params: change.params,
      });
    } catch (err) {
      this.deps.log.error('Writing the audit log failed', err);
    }
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
   * Saves inline edits: only changed writable fields; first re-reads the server values of those fields and, when
   * someone else changed one since the page loaded it, asks the page to choose instead of saving.
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
      async (c) => {
        const current = await c.user(this.userId, fields.join(','));
        const conflicts = findConflicts(base, diff, current as Record<string, unknown>);
        if (conflicts.length) {
          this.post({ type: 'conflict', fields: conflicts });
          return false;
        }
        const body = withoutApplied(diff, current as Record<string, unknown>);
        if (Object.keys(body).length) {
          await c.updateUser(this.userId, body as Partial<IWriteUser>, 'id');
          const prior = Object.fromEntries(Object.keys(body).map((k) => [k, (current as Record<string, unknown>)[k] ?? null]));
          await this.audit(`updated ${describeChanges(current as Record<string, unknown>, body)}`, { action: 'updateUser', before: prior, after: body as Record<string, unknown> });
        }
        this.post({ type: 'saved', fields });
        return true;
      },
      editable,
    );
  }

  private async setDisabled(disabled: boolean): Promise<boolean> {
    if (disabled) {
      const yes = vscode.l10n.t('Disable');
      const pick = await confirmModal(vscode.l10n.t('Disable {0} on {1}?', this.name(), this.where()), vscode.l10n.t('The user can no longer log in until enabled again.'), yes);
      if (pick !== yes) return false;
    }
    const label = disabled ? vscode.l10n.t('Disabling {0}', this.name()) : vscode.l10n.t('Enabling {0}', this.name());
    return this.change(label, async (c) => {
      const before = this.user?.is_disabled ?? null;
      await c.updateUser(this.userId, { is_disabled: disabled }, 'id');
      await this.audit(`updated is_disabled: ${JSON.stringify(before)} → ${JSON.stringify(disabled)}`, { action: 'updateUser', before: { is_disabled: before }, after: { is_disabled: disabled } });
    });
  }

  private badEmail(email: string): boolean {
    if (EMAIL.test(email.trim())) return false;
    this.post({ type: 'fieldErrors', errors: [{ field: 'email', message: vscode.l10n.t('Enter an email address like name@example.com.') }] });
    return true;
  }

  private emailField = (f: string): FieldError['field'] | undefined => (/email$/.test(f) ? 'email' : undefined);

  private async changeEmail(email: string): Promise<boolean> {
    if (this.badEmail(email)) return false;
    const after = email.trim();
    return this.change(
      vscode.l10n.t('Changing the login email of {0}', this.name()),
      async (c) => {
        const before = this.user?.credentials_email?.email ?? null;
        await c.updateUserCredentialsEmail(this.userId, { email: after }, 'email');
        await this.audit(`changed credentials_email.email: ${JSON.stringify(before)} → ${JSON.stringify(after)}`, { action: 'updateCredentialsEmail', before: { email: before }, after: { email: after } });
      },
      this.emailField,
    );
  }

  private async addEmail(email: string): Promise<boolean> {
    if (this.badEmail(email)) return false;
    const after = email.trim();
    return this.change(
      vscode.l10n.t('Adding an email credential to {0}', this.name()),
      async (c) => {
        await c.createUserCredentialsEmail(this.userId, { email: after }, 'email');
        await this.audit(`created credentials_email: null → ${JSON.stringify(after)}`, { action: 'createCredentialsEmail', before: { credentials_email: null }, after: { email: after } });
      },
      this.emailField,
    );
  }

  private async setForcedReset(value: boolean): Promise<boolean> {
    return this.change(vscode.l10n.t('Updating the password reset flag of {0}', this.name()), async (c) => {
      const before = this.user?.credentials_email?.forced_password_reset_at_next_login ?? null;
      await c.updateUserCredentialsEmail(this.userId, { forced_password_reset_at_next_login: value }, 'forced_password_reset_at_next_login');
      await this.audit(`changed credentials_email.forced_password_reset_at_next_login: ${JSON.stringify(before)} → ${JSON.stringify(value)}`, {
        action: 'updateCredentialsEmail',
        before: { forced_password_reset_at_next_login: before },
        after: { forced_password_reset_at_next_login: value },
      });
    });
  }

  private async sendReset(): Promise<boolean> {
    return this.change(vscode.l10n.t('Sending a password reset email to {0}', this.name()), async (c) => {
      await c.sendPasswordReset(this.userId, 'email');
      await this.audit(`sent a password reset email to ${JSON.stringify(this.user?.credentials_email?.email ?? null)}`, { action: 'sendPasswordReset', after: { password_reset_email: 'sent' } });
      vscode.window.setStatusBarMessage(vscode.l10n.t('Password reset email sent to {0}', this.user?.credentials_email?.email ?? this.name()), 5000);
    });
  }

  private async createResetLink(): Promise<boolean> {
    return this.change(vscode.l10n.t('Creating a password reset link for {0}', this.name()), async (c) => {
      const r = await c.createPasswordResetUrl(this.userId, true, 'password_reset_url');
      const url = r.password_reset_url ?? undefined;
      if (!url) throw new LookerApiError({ kind: 'http', message: vscode.l10n.t('Looker did not return a reset link (is the API user an admin?).') });
      this.deps.log.addSecret(url);
      this.resetUrl = url;
      this.resetExpires = new Date(Date.now() + RESET_LINK_MINUTES * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      await this.audit(`created a password reset link (expires ${this.resetExpires})`, { action: 'createPasswordResetLink', after: { reset_link: 'created', expires: this.resetExpires } });
      this.post({ type: 'resetLink', expiresAt: this.resetExpires });
    });
  }

  /**
   * Creates an API key (confirmed naming the connection and host). Its client secret is shown once in the page, kept
   * here only for the copy button, registered with the log's redaction, and never logged or audited (only the client
   * id). Creating is not idempotent: after a request that may have reached Looker it is not sent again, the keys are
   * read again instead.
   */
  private async createApiKey(): Promise<boolean> {
    const yes = vscode.l10n.t('Create API Key');
    const pick = await confirmModal(
      vscode.l10n.t('Create an API key for {0} on {1}?', this.name(), this.where()),
      vscode.l10n.t('Anyone with the key can use the Looker API as this user. Its client secret is shown once, in this panel.'),
      yes,
    );
    if (pick !== yes) return false;
    let uncertain = false;
    const ok = await this.change(vscode.l10n.t('Creating an API key for {0}', this.name()), async (c) => {
      let key;
      try {
        key = await c.createUserCredentialApi3(this.userId, 'id,client_id,client_secret,created_at');
      } catch (err) {
        if (!mayHaveActed(err)) throw err;
        uncertain = true;
        throw new LookerApiError({ kind: 'http', message: vscode.l10n.t('Looker did not answer in time: it may have created the key (its secret is then lost). It was not sent again; check the keys below and delete one you do not use.') });
      }
      const secret = key.client_secret ?? '';
      const clientId = key.client_id ?? '';
      if (secret) this.deps.log.addSecret(secret);
      this.apiKeySecret = secret || undefined;
      await this.audit(`created API key ${JSON.stringify(clientId)}`, { action: 'createApiKey', before: { api_key: null }, after: { client_id: clientId } });
      if (secret) this.post({ type: 'apiKeyCreated', key: { clientId, secret } });
    });
    // Re-read the keys after an uncertain attempt (the panel shows whether one was made).
    if (!ok && uncertain) await this.load(true);
    return ok;
  }

  private async deleteCredential(kind: CredentialKind, credentialId: string | undefined): Promise<boolean> {
    const card = this.data?.credentials.find((c) => c.kind === kind && c.credentialId === credentialId);
    if (!card || !card.deletable) return false;
    if (kind === 'api3') return this.deleteApiKey(card.title, credentialId ?? '');
    const yes = vscode.l10n.t('Delete');
    const pick = await confirmModal(
      vscode.l10n.t('Delete the {0} credential of {1} on {2}?', card.title, this.name(), this.where()),
      vscode.l10n.t('The user can no longer log in with it. This cannot be undone.'),
      yes,
    );
    if (pick !== yes) return false;
    return this.change(vscode.l10n.t('Deleting the {0} credential of {1}', card.title, this.name()), async (c) => {
      if (kind === 'email') await c.deleteUserCredentialsEmail(this.userId);
      else if (kind === 'embed') await c.deleteUserCredentialEmbed(this.userId, credentialId ?? '');
      else if (kind === 'workforce') return false;
      else await c.deleteUserCredential(this.userId, kind);
      await this.audit(`deleted credential ${kind}${credentialId ? ` ${credentialId}` : ''}: present → deleted`, { action: 'deleteCredential', before: { credential: kind }, after: { credential: null } });
    });
  }

  /** Deletes an API key (destructive: confirmed naming the connection and host); the audit names its client id. */
  private async deleteApiKey(title: string, credentialId: string): Promise<boolean> {
    const clientId = this.user?.credentials_api3?.find((k) => String(k.id) === credentialId)?.client_id ?? credentialId;
    const yes = vscode.l10n.t('Delete');
    const pick = await confirmModal(
      vscode.l10n.t('Delete the {0} of {1} on {2}?', title, this.name(), this.where()),
      vscode.l10n.t('Programs using this key can no longer call the Looker API. This cannot be undone.'),
      yes,
    );
    if (pick !== yes) return false;
    return this.change(vscode.l10n.t('Deleting the {0} of {1}', title, this.name()), async (c) => {
      try {
        await c.deleteUserCredentialApi3(this.userId, credentialId);
      } catch (err) {
        // Retry safety `reread`: after an uncertain attempt, a key that is gone was deleted by it.
        if (!mayHaveActed(err)) throw err;
        const still = (await c.userCredentialsApi3(this.userId, 'id')).some((k) => String(k.id) === credentialId);
        if (still) throw err;
      }
      await this.audit(`deleted API key ${JSON.stringify(clientId)}: present → deleted`, { action: 'deleteApiKey', before: { client_id: clientId }, after: { client_id: null } });
    });
  }

  /** Ends the given sessions, or (undefined) all of them after a confirmation. */
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

  private async endSessions(ids: string[] | undefined): Promise<boolean> {
    let list = ids;
    if (!list) {
      list = (this.data?.sessions ?? []).map((s) => s.id);
      if (!list.length) return false;
      const yes = vscode.l10n.t('End All Sessions');
      const pick = await confirmModal(vscode.l10n.t('End all {0} web sessions of {1} on {2}?', list.length, this.name(), this.where()), vscode.l10n.t('The user is logged out of every browser.'), yes);
      if (pick !== yes) return false;
    }
    const chosen = list;
    const label = chosen.length === 1 ? vscode.l10n.t('Ending a session of {0}', this.name()) : vscode.l10n.t('Ending {0} sessions of {1}', chosen.length, this.name());
    return this.change(label, async (c) => {
      const ended: string[] = [];
      try {
        for (const sid of chosen) {
          await c.deleteUserSession(this.userId, sid);
          ended.push(sid);
        }
      } finally {
        if (ended.length) await this.audit(`ended web session(s) ${ended.join(', ')}: active → ended`, { action: 'endSessions', before: { sessions: ended.length }, after: { sessions_ended: ended.length } });
      }
    });
  }

  private roleNames(ids: string[], all: Map<string, IRole>): string {
    return `[${ids.map((id) => JSON.stringify(all.get(id)?.name ?? id)).join(', ')}]`;
  }

  /** The user's direct roles as Looker has them now (not `role_ids`, which may include roles from groups). */
  private async directRoleIds(c: LookerClient): Promise<string[]> {
    return (await c.userRoles(this.userId, 'id', true)).map((r) => String(r.id ?? '')).filter((id) => id !== '');
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
    const after = [...current, ...picked.map((p) => p.id)];
    return this.change(vscode.l10n.t('Adding roles to {0}', this.name()), async (cl) => {
      await cl.setUserRoles(this.userId, after, 'id');
      await this.audit(`roles: ${this.roleNames(current, all)} → ${this.roleNames(after, all)}`, { action: 'setRoles', before: { role_ids: current }, after: { role_ids: after } });
    });
  }

  private async removeRole(roleId: string): Promise<boolean> {
    const current = await this.directRoleIds(this.client());
    if (!current.includes(roleId)) return false;
    const all = await this.lookups.roles(this.connectionId, this.client());
    const after = current.filter((r) => r !== roleId);
    return this.change(vscode.l10n.t('Removing role {0} from {1}', all.get(roleId)?.name ?? roleId, this.name()), async (c) => {
      await c.setUserRoles(this.userId, after, 'id');
      await this.audit(`roles: ${this.roleNames(current, all)} → ${this.roleNames(after, all)}`, { action: 'setRoles', before: { role_ids: current }, after: { role_ids: after } });
    });
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
    return this.change(vscode.l10n.t('Adding {0} to groups', this.name()), async (cl) => {
      for (const p of picked) {
        await cl.addGroupUser(p.id, this.userId);
        await this.audit(`groups: + ${JSON.stringify(p.label)}`, { action: 'addToGroup', params: { groupId: p.id, groupName: p.label }, before: { group: null }, after: { group: p.id } });
      }
    });
  }

  private async removeGroup(groupId: string): Promise<boolean> {
    const current = (this.user?.group_ids ?? []).map(String);
    if (!current.includes(groupId)) return false;
    const all = await this.lookups.groups(this.connectionId, this.client());
    const name = all.get(groupId)?.name ?? groupId;
    return this.change(vscode.l10n.t('Removing {0} from group {1}', this.name(), name), async (c) => {
      await c.deleteGroupUser(groupId, this.userId);
      await this.audit(`groups: - ${JSON.stringify(name)}`, { action: 'removeFromGroup', params: { groupId, groupName: name }, before: { group: groupId }, after: { group: null } });
    });
  }

  private async copyJson(): Promise<void> {
    const user = this.user ?? (await this.client().user(this.userId));
    await vscode.env.clipboard.writeText(userJsonForCopy(user));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} as JSON', userTitle(user, vscode.l10n)), 3000);
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
