import * as vscode from 'vscode';
import { sameInstance } from '../util/urls';
import { DEFAULT_TIMEOUT_SECONDS, type ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';

const SETTING = 'connections';
const ACTIVE_KEY = 'looker.activeConnection';
const secretKey = (id: string) => `looker.clientSecret.${id}`;
const REFRESH_PREFIX = 'looker.oauthRefreshToken.';
const refreshKey = (id: string) => `${REFRESH_PREFIX}${id}`;

function sanitize(raw: unknown): ConnectionProfile | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.baseUrl !== 'string' || typeof r.clientId !== 'string') return undefined;
  const timeout = typeof r.timeoutSeconds === 'number' && r.timeoutSeconds > 0 ? r.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
  return {
    id: r.id,
    name: typeof r.name === 'string' && r.name.trim() ? r.name : r.baseUrl,
    baseUrl: r.baseUrl,
    clientId: r.clientId,
    verifyTls: r.verifyTls !== false,
    timeoutSeconds: timeout,
    ...(r.auth === 'oauth' ? { auth: 'oauth' as const } : {}),
  };
}

/**
 * Where connections live: the profile (URL, client ID, name, TLS flag, timeout) in the user setting
 * `looker.connections`; the client secret only in SecretStorage, keyed by connection id; the active
 * connection's id in global state.
 */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the list, the active connection or a secret changed (here or in another window). */
  readonly onDidChange = this.changed.event;
  private readonly secretChanged = new vscode.EventEmitter<string>();
  /** Fires with a connection id when its secret changed (here or in another window). */
  readonly onDidChangeSecret = this.secretChanged.event;
  private readonly refreshChanged = new vscode.EventEmitter<string>();
  /** Fires with a connection id when its OAuth refresh token was stored or removed (here or in another window). */
  readonly onDidChangeRefreshToken = this.refreshChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    this.disposables.push(
      this.changed,
      this.secretChanged,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`looker.${SETTING}`)) this.changed.fire();
      }),
      this.refreshChanged,
      context.secrets.onDidChange((e) => {
        if (e.key.startsWith(REFRESH_PREFIX)) this.refreshChanged.fire(e.key.slice(REFRESH_PREFIX.length));
      }),
      context.secrets.onDidChange((e) => {
        const prefix = 'looker.clientSecret.';
        if (e.key.startsWith(prefix)) {
          this.secretChanged.fire(e.key.slice(prefix.length));
          this.changed.fire();
        }
      }),
    );
  }

  list(): ConnectionProfile[] {
    const raw = vscode.workspace.getConfiguration('looker').get<unknown[]>(SETTING, []);
    const seen = new Set<string>();
    const out: ConnectionProfile[] = [];
    for (const r of Array.isArray(raw) ? raw : []) {
      const p = sanitize(r);
      if (p && !seen.has(p.id)) {
        seen.add(p.id);
        out.push(p);
      }
    }
    return out;
  }

  get(id: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The active connection: the one chosen last, else the first. */
  active(): ConnectionProfile | undefined {
    const all = this.list();
    const id = this.context.globalState.get<string>(ACTIVE_KEY);
    return all.find((p) => p.id === id) ?? all[0];
  }

  async setActive(id: string): Promise<void> {
    await this.context.globalState.update(ACTIVE_KEY, id);
    this.changed.fire();
  }

  /**
  /**
   * Secrets this window stored and has not read back yet: right after a store, a web workbench's SecretStorage can
   * still answer undefined, and a connection saved and activated at once would fail its first load ("no client
   * secret"). Answered only while SecretStorage has nothing; forgotten once it returns a value or on remove.
   */
  private readonly justStored = new Map<string, string>();

  /**
   * Adds or replaces a profile; stores the secret when one is given. A profile whose host changed without a new
   * secret loses the stored one: a secret is never sent to a host other than the one it was entered for.
   */
  async save(profile: ConnectionProfile, secret?: string): Promise<void> {
    const prior = this.get(profile.id);
    if (secret === undefined && prior && !sameInstance(prior.baseUrl, profile.baseUrl)) {
      this.justStored.delete(profile.id);
      await this.context.secrets.delete(secretKey(profile.id));
    }
    if (secret !== undefined) {
      this.log.addSecret(secret);
      this.justStored.set(profile.id, secret);
      await this.context.secrets.store(secretKey(profile.id), secret);
    }
    const list = this.list().filter((p) => p.id !== profile.id);
    const index = this.list().findIndex((p) => p.id === profile.id);
    if (index >= 0) list.splice(index, 0, profile);
    else list.push(profile);
    await this.writeList(list);
  }

  async remove(id: string): Promise<void> {
    this.justStored.delete(id);
    await this.context.secrets.delete(secretKey(id));
    await this.context.secrets.delete(refreshKey(id));
    await this.writeList(this.list().filter((p) => p.id !== id));
    if (this.context.globalState.get<string>(ACTIVE_KEY) === id) {
      await this.context.globalState.update(ACTIVE_KEY, undefined);
    }
    this.changed.fire();
  }

  /** The client secret, or undefined when SecretStorage has none (or cannot be read). */
  async getSecret(id: string): Promise<string | undefined> {
    try {
      const s = await this.context.secrets.get(secretKey(id));
      this.log.addSecret(s);
      if (s !== undefined) this.justStored.delete(id);
      return s ?? this.justStored.get(id);
    } catch (err) {
      this.log.error(`Could not read the secret of connection ${id} from SecretStorage`, err);
      return this.justStored.get(id);
    }
  }

  /** The OAuth refresh token of a "Sign in with Looker" connection (SecretStorage only), or undefined. */
  async getRefreshToken(id: string): Promise<string | undefined> {
    try {
      const t = await this.context.secrets.get(refreshKey(id));
      this.log.addSecret(t);
      return t;
    } catch (err) {
      this.log.error(`Could not read the sign-in of connection ${id} from SecretStorage`, err);
      return undefined;
    }
  }

  async setRefreshToken(id: string, token: string): Promise<void> {
    this.log.addSecret(token);
    await this.context.secrets.store(refreshKey(id), token);
  }

  async deleteRefreshToken(id: string): Promise<void> {
    await this.context.secrets.delete(refreshKey(id));
  }

  newId(): string {
    return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }

  private async writeList(list: ConnectionProfile[]): Promise<void> {
    await vscode.workspace.getConfiguration('looker').update(SETTING, list, vscode.ConfigurationTarget.Global);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
