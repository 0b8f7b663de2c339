import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { OAuthFlowError, type SignInRequiredError } from '../looker/oauth';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { isCancellation } from '../commands/errors';
import { registerCommands } from '../commands/register';
import { pickProfile } from './input';
import type { ConnectionManager } from './manager';
import { OAuthAccounts } from './oauthAccounts';
import { addOAuthConnection } from './oauthAdd';
import { registerApp, showRegistrationHelp } from './oauthRegister';
import { browserSignIn, describeSignInError, oauthSettings } from './oauthSignIn';

/** true in development/test bundles, false in the production bundle (esbuild define), where the hooks are removed. */
declare const __TEST_HOOKS__: boolean;

const PROVIDER_ID = 'looker';
const SCOPE_PREFIX = 'connection:';

/** What "Sign in with Looker" works with. */
export interface LookerOAuthDeps {
  readonly context: vscode.ExtensionContext;
  readonly manager: ConnectionManager;
  readonly log: Log;
}

/**
 * "Sign in with Looker": the VS Code authentication provider "Looker" (one session per OAuth connection, shown in
 * the Accounts menu; signing out there ends the session and deletes the refresh token), the "sign in again" prompt,
 * and the commands. The browser sign-in is `oauthSignIn.ts`, the accounts and refresh tokens `oauthAccounts.ts`, the
 * add-connection flow `oauthAdd.ts`, the admin command that registers the extension's OAuth client app `oauthRegister.ts`.
 */
export class LookerOAuth implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly sessionsChanged = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.sessionsChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly accounts: OAuthAccounts;
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
    this.accounts = new OAuthAccounts(deps.context, manager);
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

  private sessionOf(profile: ConnectionProfile): vscode.AuthenticationSession {
    const info = this.accounts.get(profile.id);
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
    return (await this.accounts.signedIn(wanted)).map((p) => this.sessionOf(p));
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
    await this.accounts.forget(sessionId);
    this.deps.log.info(`Signed out of ${profile?.name ?? sessionId} (Looker sign-in ended, refresh token deleted)`);
    this.known.delete(sessionId);
    if (session) this.sessionsChanged.fire({ added: [], removed: [session], changed: [] });
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Signing in

  /**
   * Signs a connection in through the browser and keeps its refresh token in SecretStorage. Returns the Looker user,
   * or undefined when the user cancelled or it failed (then a message was shown).
   */
  async signIn(profile: ConnectionProfile, opts: { save?: boolean } = {}): Promise<{ profile: ConnectionProfile; user: IUser } | undefined> {
    const settings = oauthSettings();
    try {
      const { user, refreshToken } = await browserSignIn(this.deps.manager, this.deps.log, profile, (url) => this.openBrowser(url), settings);
      await this.accounts.keep(profile, refreshToken, user, opts.save !== false);
      await this.syncSessions();
      this.deps.log.info(`Signed in to ${profile.name} (${profile.baseUrl}) with Looker as user ${user.id}`);
      return { profile, user };
    } catch (err) {
      if (isCancellation(err) || (err instanceof OAuthFlowError && err.code === 'CANCELLED')) return undefined;
      this.deps.log.error(`Sign in with Looker to ${profile.baseUrl} failed`, err);
      const again = vscode.l10n.t('Try Again');
      const register = vscode.l10n.t('How to Register…');
      const unregistered = err instanceof OAuthFlowError && err.code === 'INVALID_CLIENT';
      const text = describeSignInError(err, profile, settings.port, settings.timeoutSeconds);
      const pick = await this.show('error', this.deps.log.redact(text), ...(unregistered ? [register] : [again]));
      if (pick === again) return this.signIn(profile, opts);
      if (pick === register) showRegistrationHelp(profile);
      return undefined;
    }
  }

  private async openBrowser(url: string): Promise<boolean> {
    if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__ && this.hooks.openBrowser) return this.hooks.openBrowser(url);
    return vscode.env.openExternal(vscode.Uri.parse(url, true));
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
        void this.accounts.set(profile.id, undefined).then(() => this.syncSessions()).catch((e) => this.deps.log.error('Updating the Looker accounts failed', e));
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
      profile = await pickProfile(list, vscode.l10n.t('Connection to sign in to'));
    }
    if (!profile) return undefined;
    const r = await this.signIn(profile);
    if (r) await vscode.commands.executeCommand('looker.refresh');
    return r?.profile;
  }

  /** URL, OAuth client ID, name; then the browser sign-in. Nothing is saved until the sign-in succeeds. */
  addConnection(url?: string): Promise<ConnectionProfile | undefined> {
    return addOAuthConnection({ manager: this.deps.manager, signIn: (p) => this.signIn(p), show: (kind, text, ...items) => this.show(kind, text, ...items) }, url);
  }

  /** Registers (or updates) the OAuth client app on the instance of an admin's API-key connection. */
  registerApp(id?: string): Promise<boolean> {
    return registerApp(this.deps.manager, this.deps.log, id);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
