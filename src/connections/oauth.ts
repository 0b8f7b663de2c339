import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { LookerApiError } from '../looker/errors';
import { startLoopback } from '../looker/loopback';
import {
  DEFAULT_OAUTH_CLIENT_ID,
  DEFAULT_REDIRECT_PORT,
  OAuthFlowError,
  SignInRequiredError,
  authorizeUrl,
  challengeOf,
  createState,
  createVerifier,
  redirectUriFor,
} from '../looker/oauth';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { describeError, isCancellation } from '../commands/errors';
import { registerCommands, reportError } from '../commands/register';
import { confirmModal } from '../commands/prompt';
import { personName } from '../format/names';
import { hostOf } from '../util/urls';
import { nextStep, showInputStep } from './input';
import type { ConnectionManager } from './manager';

/** true in development/test bundles, false in the production bundle (esbuild define), where the hooks are removed. */
declare const __TEST_HOOKS__: boolean;

const PROVIDER_ID = 'looker';
const ACCOUNTS_KEY = 'looker.oauthAccounts';
const SCOPE_PREFIX = 'connection:';

interface AccountInfo {
  userId: string;
  userName: string;
}

function settings(): { port: number; timeoutSeconds: number } {
  const c = vscode.workspace.getConfiguration('looker.oauth');
  const port = c.get<number>('redirectPort', DEFAULT_REDIRECT_PORT);
  const t = c.get<number>('signInTimeoutSeconds', 300);
  return { port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_REDIRECT_PORT, timeoutSeconds: t > 0 ? t : 300 };
}

/** The redirect URI this VS Code uses (and an admin registers): `http://127.0.0.1:PORT/callback`. */
function currentRedirectUri(): string {
  return redirectUriFor(settings().port);
}

/** What "Sign in with Looker" works with. */
export interface LookerOAuthDeps {
  readonly context: vscode.ExtensionContext;
  readonly manager: ConnectionManager;
  readonly log: Log;
}

/**
 * "Sign in with Looker": the VS Code authentication provider "Looker" (one session per OAuth connection, shown in
 * the Accounts menu; signing out there ends the session and deletes the refresh token), the browser sign-in with a
 * loopback redirect on 127.0.0.1, the add-connection flow for it, and the admin command that registers the
 * extension's OAuth client app on an instance.
 */
export class LookerOAuth implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly sessionsChanged = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.sessionsChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** When a "sign in again" prompt was last shown per connection (concurrent failures share one prompt). */
  private readonly prompted = new Map<string, number>();
  /** Requests failing together ask once: a second "sign in again" within this time is only logged. */
  promptDedupMs = 5000;
  /**
   * For tests inside the extension host: `openBrowser` replaces `vscode.env.openExternal` (a test plays the browser),
   * `answers` answer the next non-modal prompts in order, `shown` records the messages shown (never tokens).
   */
  readonly hooks = {
    openBrowser: undefined as undefined | ((url: string) => Promise<boolean>),
    answers: [] as (string | undefined)[],
    shown: [] as string[],
  };
  /** Session ids known to have a refresh token, for change events. */
  private known = new Map<string, vscode.AuthenticationSession>();

  constructor(private readonly deps: LookerOAuthDeps) {
    const { manager } = deps;
    this.disposables.push(
      this.sessionsChanged,
      manager.onSignInRequired(({ profile, error }) => void this.promptSignIn(profile, error)),
      manager.store.onDidChangeRefreshToken(() => void this.syncSessions()),
      manager.store.onDidChange(() => void this.syncSessions()),
    );
  }

  register(): void {
    const { context, log } = this.deps;
    context.subscriptions.push(
      vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, 'Looker', this, { supportsMultipleAccounts: true }),
      this,
    );
    registerCommands(context, log, {
      'looker.addConnectionWithLooker': () => this.addConnection(),
      'looker.signInWithLooker': (arg?: { id?: string }) => this.signInCommand(arg?.id),
      'looker.registerOAuthApp': (arg?: { id?: string }) => this.registerApp(arg?.id),
    });
    void this.syncSessions();
  }

  // -----------------------------------------------------------------------------------------------------------------
  // AuthenticationProvider

  private accounts(): Record<string, AccountInfo> {
    return this.deps.context.globalState.get<Record<string, AccountInfo>>(ACCOUNTS_KEY, {});
  }

  private async setAccount(id: string, info: AccountInfo | undefined): Promise<void> {
    const all = { ...this.accounts() };
    if (info) all[id] = info;
    else delete all[id];
    await this.deps.context.globalState.update(ACCOUNTS_KEY, all);
  }

  private sessionOf(profile: ConnectionProfile): vscode.AuthenticationSession {
    const info = this.accounts()[profile.id];
    const who = info?.userName || vscode.l10n.t('Looker user');
    return {
      id: profile.id,
      // The extension's own calls use the connection's client; no Looker token is handed to other extensions.
      accessToken: '',
      account: { id: `${profile.id}:${info?.userId ?? ''}`, label: vscode.l10n.t('{0} on {1}', who, profile.name) },
      scopes: [`${SCOPE_PREFIX}${profile.id}`],
    };
  }

  async getSessions(scopes?: readonly string[], _options?: vscode.AuthenticationProviderSessionOptions): Promise<vscode.AuthenticationSession[]> {
    const wanted = (scopes ?? []).filter((s) => s.startsWith(SCOPE_PREFIX)).map((s) => s.slice(SCOPE_PREFIX.length));
    const out: vscode.AuthenticationSession[] = [];
    for (const p of this.deps.manager.store.list()) {
      if (p.auth !== 'oauth' || (wanted.length && !wanted.includes(p.id))) continue;
      if (await this.deps.manager.store.getRefreshToken(p.id)) out.push(this.sessionOf(p));
    }
    return out;
  }

  /** Keeps the Accounts menu in step with the store (sign-ins, sign-outs, other windows, removed connections). */
  private async syncSessions(): Promise<void> {
    const now = new Map((await this.getSessions()).map((s) => [s.id, s]));
    const added = [...now.values()].filter((s) => !this.known.has(s.id));
    const removed = [...this.known.values()].filter((s) => !now.has(s.id));
    const changed = [...now.values()].filter((s) => {
      const k = this.known.get(s.id);
      return k && k.account.label !== s.account.label;
    });
    this.known = now;
    if (added.length || removed.length || changed.length) this.sessionsChanged.fire({ added, removed, changed });
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const id = scopes.find((s) => s.startsWith(SCOPE_PREFIX))?.slice(SCOPE_PREFIX.length);
    const profile = id ? this.deps.manager.store.get(id) : undefined;
    const result = profile ? await this.signIn(profile) : await this.addConnection();
    if (!result) throw new vscode.CancellationError();
    const p = 'profile' in result ? result.profile : result;
    return this.sessionOf(p);
  }

  /** Sign-out (Accounts menu): ends the access token at Looker and deletes the refresh token. */
  async removeSession(sessionId: string): Promise<void> {
    const profile = this.deps.manager.store.get(sessionId);
    const session = profile ? this.sessionOf(profile) : this.known.get(sessionId);
    // Deleted first, so that no client created meanwhile (the view reloading) can renew with it; and again after the
    // sign-out, which waits for a renewal in flight that may have stored a rotated token.
    await this.deps.manager.store.deleteRefreshToken(sessionId);
    await this.deps.manager.signOut(sessionId);
    await this.deps.manager.store.deleteRefreshToken(sessionId);
    await this.setAccount(sessionId, undefined);
    this.deps.log.info(`Signed out of ${profile?.name ?? sessionId} (Looker sign-in ended, refresh token deleted)`);
    this.known.delete(sessionId);
    if (session) this.sessionsChanged.fire({ added: [], removed: [session], changed: [] });
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Browser sign-in

  /**
   * Signs a connection in through the browser and keeps its refresh token in SecretStorage. Returns the Looker user,
   * or undefined when the user cancelled or it failed (then a message was shown).
   */
  async signIn(profile: ConnectionProfile, opts: { save?: boolean } = {}): Promise<{ profile: ConnectionProfile; user: IUser } | undefined> {
    let pending: string | undefined;
    const client = this.deps.manager.createClient(profile, async () => undefined, {
      get: async () => pending,
      set: async (t) => {
        this.deps.log.addSecret(t);
        pending = t;
      },
      clear: async () => {
        pending = undefined;
      },
    });
    const { port, timeoutSeconds } = settings();
    const redirectUri = redirectUriFor(port);
    try {
      const user = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Sign in to {0} in your browser…', profile.name),
          cancellable: true,
        },
        async (_p, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            const known = await client.probeOAuthClient(profile.clientId, redirectUri, abort.signal);
            if (known === 'unknown') throw new OAuthFlowError('INVALID_CLIENT', 'Looker does not know this OAuth client.');
            const web = await client.webServerUrl(abort.signal);
            const state = createState();
            const verifier = createVerifier();
            const rx = await startLoopback({
              port,
              state,
              timeoutMs: timeoutSeconds * 1000,
              signal: abort.signal,
              pages: {
                title: vscode.l10n.t('Looker sign-in'),
                success: vscode.l10n.t('You are signed in to Looker. You can close this tab and return to VS Code.'),
                failure: (reason) => vscode.l10n.t('The sign-in did not complete: {0} Return to VS Code for details.', reason),
              },
            });
            const url = authorizeUrl(web, { clientId: profile.clientId, redirectUri, state, challenge: await challengeOf(verifier) });
            const opened = typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__ && this.hooks.openBrowser ? await this.hooks.openBrowser(url) : await vscode.env.openExternal(vscode.Uri.parse(url, true));
            if (!opened) {
              rx.close();
              throw new OAuthFlowError('BROWSER', 'The browser could not be opened.');
            }
            const code = await rx.code;
            this.deps.log.addSecret(code);
            await client.signInWithCode({ code, verifier, redirectUri });
            return await client.me('id,first_name,last_name,display_name,email', abort.signal);
          } finally {
            sub.dispose();
          }
        },
      );
      if (!pending) throw new OAuthFlowError('INVALID_GRANT', 'Looker gave no refresh token.');
      // The token first: a saved OAuth profile without one would ask to sign in again.
      await this.deps.manager.store.setRefreshToken(profile.id, pending);
      if (opts.save !== false) await this.deps.manager.store.save(profile);
      await this.setAccount(profile.id, { userId: String(user.id ?? ''), userName: personName(user) || user.email || `#${user.id}` });
      await this.syncSessions();
      this.deps.log.info(`Signed in to ${profile.name} (${profile.baseUrl}) with Looker as user ${user.id}`);
      return { profile, user };
    } catch (err) {
      if (isCancellation(err) || (err instanceof OAuthFlowError && err.code === 'CANCELLED')) return undefined;
      this.deps.log.error(`Sign in with Looker to ${profile.baseUrl} failed`, err);
      const again = vscode.l10n.t('Try Again');
      const register = vscode.l10n.t('How to Register…');
      const unregistered = err instanceof OAuthFlowError && err.code === 'INVALID_CLIENT';
      const pick = await this.show('error', this.deps.log.redact(this.describe(err, profile, port, timeoutSeconds)), ...(unregistered ? [register] : [again]));
      if (pick === again) return this.signIn(profile, opts);
      if (pick === register) this.showRegistrationHelp(profile);
      return undefined;
    } finally {
      pending = undefined;
      client.dispose();
    }
  }

  private describe(err: unknown, profile: ConnectionProfile, port: number, timeoutSeconds: number): string {
    const host = hostOf(profile.baseUrl);
    if (err instanceof OAuthFlowError) {
      const detail = err.detail ? ` (${err.detail})` : '';
      switch (err.code) {
        case 'TIMEOUT':
          return vscode.l10n.t(
            'The sign-in to {0} was not completed within {1} minutes. If the browser tab was closed, or Looker showed an error there, start again.',
            host,
            Math.round(timeoutSeconds / 60),
          );
        case 'STATE_MISMATCH':
          return vscode.l10n.t('The browser returned an answer that does not belong to this sign-in (wrong state); it was refused. Start the sign-in again.');
        case 'DENIED':
          return vscode.l10n.t('Access was denied on the Looker page of {0}; the connection is not signed in.', host);
        case 'AUTH_ERROR':
          return vscode.l10n.t('Looker ({0}) refused the sign-in request{1}.', host, detail);
        case 'PORT_IN_USE':
          return vscode.l10n.t(
            'Port {0} on 127.0.0.1 is in use, so VS Code cannot receive the answer from Looker. Close the program that uses it, or change the setting looker.oauth.redirectPort (the redirect URI registered on the instance must use the same port).',
            port,
          );
        case 'INVALID_CLIENT':
          return vscode.l10n.t(
            '{0} has no OAuth app registered for this extension (client ID "{1}"), or it is disabled. A Looker admin can register it with "Looker: Register This Extension with the Instance…".',
            host,
            profile.clientId,
          );
        case 'INVALID_GRANT':
          return vscode.l10n.t('Looker refused the sign-in code{0}. Start the sign-in again.', detail);
        case 'BROWSER':
          return vscode.l10n.t('VS Code could not open the browser for the sign-in: {0}', err.message);
        default:
          break;
      }
    }
    return describeError(err, vscode.l10n.t('signing in to {0}', profile.name), profile.baseUrl);
  }

  /** A refused or missing refresh token: ask to sign in again; the view and its search stay as they are. */
  private async promptSignIn(profile: ConnectionProfile, error: SignInRequiredError): Promise<void> {
    const last = this.prompted.get(profile.id);
    const recent = last !== undefined && Date.now() - last < this.promptDedupMs;
    this.deps.log.info(`Sign in with Looker needed for ${profile.name} (${error.reason})${recent ? '; already asked' : ''}`);
    if (recent) return;
    this.prompted.set(profile.id, Date.now());
    try {
      if (error.reason !== 'missing') {
        void this.setAccount(profile.id, undefined).then(() => this.syncSessions()).catch((e) => this.deps.log.error('Updating the Looker accounts failed', e));
      }
      const signIn = vscode.l10n.t('Sign in with Looker…');
      const text =
        error.reason === 'client'
          ? vscode.l10n.t('{0} no longer accepts this extension\'s OAuth app (deleted or disabled). Ask an admin to register it again, then sign in.', profile.name)
          : vscode.l10n.t('Your Looker sign-in for {0} has ended (revoked or expired). Sign in again to continue.', profile.name);
      const pick = await this.show('warning', text, signIn);
      if (pick !== signIn) return;
      const current = this.deps.manager.store.get(profile.id) ?? profile;
      const ok = await this.signIn(current);
      // Reload what failed, keeping the search and the expanded groups.
      if (ok) await vscode.commands.executeCommand('looker.refresh');
    } catch (e) {
      this.deps.log.error(`Asking to sign in to ${profile.name} again failed`, e);
    }
  }

  /** A non-modal message; recorded in `hooks.shown`, answered from `hooks.answers` when a test queued one. */
  private async show(kind: 'error' | 'warning' | 'info', text: string, ...items: string[]): Promise<string | undefined> {
    if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) {
      this.hooks.shown.push(text);
      if (this.hooks.shown.length > 50) this.hooks.shown.shift();
      if (this.hooks.answers.length) return this.hooks.answers.shift();
    }
    if (kind === 'error') return vscode.window.showErrorMessage(text, ...items);
    if (kind === 'warning') return vscode.window.showWarningMessage(text, ...items);
    return vscode.window.showInformationMessage(text, ...items);
  }

  private async signInCommand(id?: string): Promise<ConnectionProfile | undefined> {
    const list = this.deps.manager.store.list().filter((p) => p.auth === 'oauth');
    let profile = id ? this.deps.manager.store.get(id) : undefined;
    if (!profile) {
      if (list.length === 0) return this.addConnection();
      const pick = list.length === 1 ? { profile: list[0] } : await vscode.window.showQuickPick(
        list.map((p) => ({ label: p.name, description: p.baseUrl, profile: p })),
        { placeHolder: vscode.l10n.t('Connection to sign in to') },
      );
      profile = pick?.profile;
    }
    if (!profile) return undefined;
    const r = await this.signIn(profile);
    if (r) await vscode.commands.executeCommand('looker.refresh');
    return r?.profile;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Add a connection with "Sign in with Looker"

  /** URL, OAuth client ID, name; then the browser sign-in. Nothing is saved until the sign-in succeeds. */
  async addConnection(url?: string): Promise<ConnectionProfile | undefined> {
    const draft = { baseUrl: url && normalizeBaseUrl(url).url ? normalizeBaseUrl(url).url! : 'https://', clientId: DEFAULT_OAUTH_CLIENT_ID, name: '' };
    const title = vscode.l10n.t('Add Looker Connection: Sign in with Looker');
    const steps = ['url', 'clientId', 'name'] as const;
    let index = url && normalizeBaseUrl(url).url ? 1 : 0;
    for (;;) {
      const step = steps[index];
      const common = { title, step: index + 1, totalSteps: steps.length, canGoBack: index > 0 };
      let value: string | symbol | undefined;
      if (step === 'url') {
        value = await showInputStep({
          ...common,
          value: draft.baseUrl,
          prompt: vscode.l10n.t('Instance URL, e.g. https://mycompany.cloud.looker.com (the API address; without /api/4.0)'),
          validate: (v) => {
            const n = normalizeBaseUrl(v);
            if (n.error) return { message: n.error, severity: vscode.InputBoxValidationSeverity.Error };
            return undefined;
          },
        });
        if (typeof value === 'string') draft.baseUrl = normalizeBaseUrl(value).url ?? value;
      } else if (step === 'clientId') {
        value = await showInputStep({
          ...common,
          value: draft.clientId,
          prompt: vscode.l10n.t('Client ID of the OAuth app an admin registered for this extension (default {0})', DEFAULT_OAUTH_CLIENT_ID),
          validate: (v) => (v.trim() ? undefined : { message: vscode.l10n.t('Enter the client ID.'), severity: vscode.InputBoxValidationSeverity.Error }),
        });
        if (typeof value === 'string') draft.clientId = value.trim();
      } else {
        value = await showInputStep({
          ...common,
          value: draft.name,
          prompt: vscode.l10n.t('Name for this connection (optional), e.g. Production. Next, your browser opens to sign in.'),
          placeholder: hostOf(draft.baseUrl),
        });
        if (typeof value === 'string') draft.name = value.trim();
      }
      const next = nextStep(value, index, steps.length);
      if (next === 'cancel') return undefined;
      if (next !== 'done') {
        index = next;
        continue;
      }
      const timeout = vscode.workspace.getConfiguration('looker').get<number>('requestTimeoutSeconds', 60);
      const profile: ConnectionProfile = {
        id: this.deps.manager.store.newId(),
        name: draft.name || hostOf(draft.baseUrl),
        baseUrl: draft.baseUrl,
        clientId: draft.clientId,
        verifyTls: true,
        timeoutSeconds: timeout > 0 ? timeout : 60,
        auth: 'oauth',
      };
      const r = await this.signIn(profile);
      if (!r) {
        index = 0;
        const retry = vscode.l10n.t('Edit and Retry');
        if ((await this.show('info', vscode.l10n.t('The connection {0} was not added.', profile.name), retry)) !== retry) return undefined;
        continue;
      }
      await this.deps.manager.store.setActive(profile.id);
      const name = personName(r.user) || r.user.email || '';
      this.deps.manager.setConnectedInfo(profile.id, { userName: name, userId: String(r.user.id ?? ''), lookerVersion: '' });
      void this.show('info', vscode.l10n.t('Signed in to {0} as {1}.', profile.name, name));
      return profile;
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Admin: register the OAuth client app

  private showRegistrationHelp(profile: ConnectionProfile): void {
    const text = vscode.l10n.t(
      'A Looker admin of {0} registers this extension once: in VS Code, with an API-key connection of an admin, run "Looker: Register This Extension with the Instance…" (client ID "{1}", redirect URI {2}).',
      hostOf(profile.baseUrl),
      profile.clientId,
      currentRedirectUri(),
    );
    void vscode.window.showInformationMessage(text, { modal: true });
  }

  /** Registers (or updates) the OAuth client app on the instance of an admin's API-key connection. */
  async registerApp(id?: string): Promise<boolean> {
    const candidates = this.deps.manager.store.list().filter((p) => p.auth !== 'oauth');
    let profile = id ? this.deps.manager.store.get(id) : undefined;
    if (!profile) {
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Registering needs a connection with an admin API key. Add one first.'));
        return false;
      }
      const pick = candidates.length === 1 ? { profile: candidates[0] } : await vscode.window.showQuickPick(
        candidates.map((p) => ({ label: p.name, description: p.baseUrl, profile: p })),
        { placeHolder: vscode.l10n.t('Admin connection of the instance to register the extension on') },
      );
      profile = pick?.profile;
    }
    if (!profile) return false;
    const client = this.deps.manager.client(profile.id);
    if (!client) return false;
    const guid = DEFAULT_OAUTH_CLIENT_ID;
    const redirectUri = currentRedirectUri();
    const host = hostOf(profile.baseUrl);
    try {
      let existing: { redirect_uri?: string; enabled?: boolean } | undefined;
      try {
        existing = await client.oauthClientApp(guid);
      } catch (e) {
        if (!(e instanceof LookerApiError && e.status === 404)) throw e;
      }
      if (existing && existing.redirect_uri === redirectUri && existing.enabled !== false) {
        void vscode.window.showInformationMessage(vscode.l10n.t('This extension is already registered on {0} ({1}) with redirect URI {2}.', profile.name, host, redirectUri));
        this.showInstructions(profile, guid, redirectUri);
        return true;
      }
      const go = existing ? vscode.l10n.t('Update') : vscode.l10n.t('Register');
      const message = existing
        ? vscode.l10n.t('Update the OAuth app "{0}" on {1} ({2}): redirect URI {3}, enabled?', guid, profile.name, host, redirectUri)
        : vscode.l10n.t('Register this extension as OAuth app "{0}" on {1} ({2}) with redirect URI {3}?', guid, profile.name, host, redirectUri);
      const detail = vscode.l10n.t('Every Looker user of this instance can then sign in from VS Code with their own account; calls are made as them, with their permissions.');
      if ((await confirmModal(message, detail, go)) !== go) return false;
      const body = {
        redirect_uri: redirectUri,
        display_name: 'Looker Users for VS Code',
        description: 'User administration from Visual Studio Code (Sign in with Looker).',
        enabled: true,
      };
      if (existing) await client.updateOauthClientApp(guid, body);
      else await client.registerOauthClientApp(guid, body);
      this.deps.log.info(`${existing ? 'Updated' : 'Registered'} OAuth client app ${guid} on ${profile.name} (${host}), redirect URI ${redirectUri}`);
      this.showInstructions(profile, guid, redirectUri);
      return true;
    } catch (err) {
      void reportError(this.deps.log, err, vscode.l10n.t('registering the extension on {0}', profile.name));
      return false;
    }
  }

  private showInstructions(profile: ConnectionProfile, guid: string, redirectUri: string): void {
    const copy = vscode.l10n.t('Copy Instructions');
    const text = vscode.l10n.t(
      'Users of {0} can now run "Looker: Add Connection" and press "Sign in with Looker" (or run "Looker: New Connection: Sign In with Looker…"), enter {1}, keep the client ID "{2}" and sign in in the browser. Their VS Code must receive the answer on {3} (setting looker.oauth.redirectPort).',
      profile.name,
      profile.baseUrl,
      guid,
      redirectUri,
    );
    void vscode.window.showInformationMessage(text, copy).then((pick) => {
      if (pick === copy) void vscode.env.clipboard.writeText(text);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
