import * as vscode from 'vscode';
import type { AuditConnection } from '../audit/log';
import { hostOf } from '../util/urls';
import { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { ApiCallMeter } from '../looker/meter';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import type { ConnectionStore } from './store';
import type { RefreshTokenStore, SignInRequiredError } from '../looker/oauth';
import { PromiseCache } from '../util/promiseCache';

/** The API user a connection acts as: who the audit log and job files name. */
export interface ApiUser {
  id: string;
  name: string;
}

/** A connection's client, the profile it was made for (as JSON), the secret it last read, and its API user once read. */
interface ClientEntry {
  client: LookerClient;
  key: string;
  lastSecret?: string;
  apiUser: PromiseCache<ApiUser>;
}

export interface ConnectedInfo {
  userName: string;
  userId: string;
  lookerVersion: string;
}

/**
 * Owns one {@link LookerClient} per connection (created on first use) and follows the store: a changed profile or
 * secret drops that connection's client so the next call logs in with the new values.
 */
export class ConnectionManager implements vscode.Disposable {
  private readonly clients = new Map<string, ClientEntry>();
  /** What the last test found, with the profile (as JSON) it was found for: an edited profile's info is void. */
  private readonly info = new Map<string, { info: ConnectedInfo; key: string }>();
  private readonly activeChanged = new vscode.EventEmitter<ConnectionProfile | undefined>();
  /** Fires when another connection became active, or the active one's profile or secret changed. */
  readonly onDidChangeActive = this.activeChanged.event;
  private lastActiveKey: string | undefined;
  private knownIds: Set<string>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly store: ConnectionStore,
    private readonly log: Log,
    /** Counts every request each connection sends (today / this month). */
    readonly meter?: ApiCallMeter,
  ) {
    this.lastActiveKey = this.activeKey();
    this.knownIds = new Set(store.list().map((p) => p.id));
    this.disposables.push(
      this.activeChanged,
      this.signInRequired,
      store.onDidChange(() => this.sync()),
      store.onDidChangeSecret((id) => void this.secretChanged(id)),
    );
    void vscode.commands.executeCommand('setContext', 'looker.hasConnection', store.list().length > 0);
  }

  private activeKey(): string | undefined {
    const p = this.store.active();
    return p ? JSON.stringify(p) : undefined;
  }

  private sync(): void {
    const profiles = new Map(this.store.list().map((p) => [p.id, JSON.stringify(p)]));
    // A removed connection's API call counts go with it.
    for (const id of this.knownIds) if (!profiles.has(id)) void this.meter?.forget(id).catch(() => undefined);
    this.knownIds = new Set(profiles.keys());
    for (const [id, entry] of this.clients) {
      if (profiles.get(id) !== entry.key) this.drop(id);
    }
    void vscode.commands.executeCommand('setContext', 'looker.hasConnection', profiles.size > 0);
    const key = this.activeKey();
    if (key !== this.lastActiveKey) {
      this.lastActiveKey = key;
      this.activeChanged.fire(this.store.active());
    }
  }

  /**
   * A secret changed (here or in another window). A client that logged in with another secret logs out, so its next
   * call logs in with the new one; a removed secret drops the client. Saving the secret a client already uses (as
   * the add-connection flow does) changes nothing, so loads in flight are not cut off.
   */
  private async secretChanged(id: string): Promise<void> {
    const entry = this.clients.get(id);
    if (!entry) return;
    const now = await this.store.getSecret(id);
    // undefined: deleted, or not readable at this instant (a web workbench can answer so right after a store).
    // Nothing to do then: the next login reads the store again and reports a missing secret if it is really gone.
    if (now !== undefined && entry.lastSecret !== undefined && entry.lastSecret !== now) {
      this.log.info(`The client secret of connection ${id} changed: signing in again`);
      this.info.delete(id);
      entry.apiUser.clear();
      await entry.client.logout();
    }
  }

  /** Forgets a connection's client (logging it out in the background). */
  drop(id: string): void {
    const entry = this.clients.get(id);
    if (entry) {
      this.clients.delete(id);
      entry.client.dispose();
    }
    this.info.delete(id);
    if (this.store.active()?.id === id) this.activeChanged.fire(this.store.active());
  }

  active(): ConnectionProfile | undefined {
    return this.store.active();
  }

  /**
   * The active connection and its client, or the one "no active connection" error (a `config` error: commands report
   * its message as it is).
   */
  requireClient(): { profile: ConnectionProfile; client: LookerClient } {
    const profile = this.store.active();
    const client = profile ? this.client(profile.id) : undefined;
    if (!profile || !client) throw noConnection();
    return { profile, client };
  }

  /** The client of a connection (the active one by default), or undefined when there is none. */
  client(id?: string): LookerClient | undefined {
    const profile = id ? this.store.get(id) : this.store.active();
    if (!profile) return undefined;
    const key = JSON.stringify(profile);
    const cached = this.clients.get(profile.id);
    if (cached && cached.key === key) return cached.client;
    if (cached) cached.client.dispose();
    const entry: ClientEntry = { client: undefined as unknown as LookerClient, key, apiUser: new PromiseCache() };
    entry.client = this.createClient(profile, async () => (entry.lastSecret = await this.store.getSecret(profile.id)));
    this.clients.set(profile.id, entry);
    return entry.client;
  }

  /**
   * A client for a profile that is not saved yet (add/edit flows test before saving). An OAuth profile keeps its
   * refresh token in `refreshTokens` (default: the connection's SecretStorage entry).
   */
  createClient(profile: ConnectionProfile, getSecret: () => Promise<string | undefined>, refreshTokens?: RefreshTokenStore): LookerClient {
    const store = this.store;
    const oauth: RefreshTokenStore | undefined = profile.auth !== 'oauth' ? undefined : refreshTokens ?? {
      get: () => store.getRefreshToken(profile.id),
      set: (t) => store.setRefreshToken(profile.id, t),
      clear: async () => {
        await store.deleteRefreshToken(profile.id);
      },
    };
    return new LookerClient(profile, {
      getSecret,
      refreshTokens: oauth,
      onSignInRequired: (err) => this.signInRequired.fire({ profile, error: err }),
      log: (line) => this.log.trace(`[${profile.name}] ${line}`),
      onRequest: () => this.meter?.record(profile.id),
    });
  }

  private readonly signInRequired = new vscode.EventEmitter<{ profile: ConnectionProfile; error: SignInRequiredError }>();
  /** Fires when a "Sign in with Looker" connection's refresh token is missing or was refused (revoked, expired). */
  readonly onSignInRequired = this.signInRequired.event;

  /** What the last successful test of a connection found (API user, Looker version). */
  connectedInfo(id: string): ConnectedInfo | undefined {
    return this.currentInfo(id);
  }

  /**
   * The instance identity a write is bound to: connection id and name, base URL and host, and (when known) the API
   * user's id and the Looker release. Jobs, audit entries, Undo and Resume carry it.
   */
  identity(id: string): AuditConnection | undefined {
    const p = this.store.get(id);
    if (!p) return undefined;
    const info = this.currentInfo(id);
    const out: AuditConnection = { id: p.id, name: p.name, url: p.baseUrl, host: hostOf(p.baseUrl) };
    if (info?.userId) out.apiUserId = info.userId;
    if (info?.lookerVersion) out.release = info.lookerVersion;
    return out;
  }

  /**
   * The API user of a connection: what its last test found, else read once per client (`GET /user`) and kept until
   * the profile or secret changes.
   */
  apiUser(id: string): Promise<ApiUser> {
    const info = this.currentInfo(id);
    if (info?.userId) return Promise.resolve({ id: info.userId, name: info.userName });
    const client = this.client(id);
    const entry = this.clients.get(id);
    if (!client || !entry) return Promise.reject(noConnection());
    return entry.apiUser.get('me', () =>
      client.me('id,display_name,email').then((me) => ({ id: String(me.id ?? ''), name: me.display_name || me.email || String(me.id ?? '') })),
    );
  }

  setConnectedInfo(id: string, info: ConnectedInfo): void {
    const p = this.store.get(id);
    if (p) this.info.set(id, { info, key: JSON.stringify(p) });
  }

  /** The connection's info if it was found for the profile as it is now (another window may have edited it since). */
  private currentInfo(id: string): ConnectedInfo | undefined {
    const entry = this.info.get(id);
    const p = this.store.get(id);
    return entry && p && entry.key === JSON.stringify(p) ? entry.info : undefined;
  }

  /** Logs the API user of a connection out and forgets its session. */
  async signOut(id: string): Promise<void> {
    const entry = this.clients.get(id);
    this.clients.delete(id);
    this.info.delete(id);
    if (entry) {
      await entry.client.logout();
      entry.client.dispose();
    }
    if (this.store.active()?.id === id) this.activeChanged.fire(this.store.active());
  }

  /** Logs every connection out (awaited on deactivation, so the tokens are revoked before the host stops). */
  async logoutAll(): Promise<void> {
    await Promise.all([...this.clients.values()].map((e) => e.client.logout()));
  }

  dispose(): void {
    for (const { client } of this.clients.values()) client.dispose();
    this.clients.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** The one "no active connection" error: a `config` error, whose message commands show as it is. */
function noConnection(): LookerApiError {
  return new LookerApiError({ kind: 'config', message: vscode.l10n.t('No active Looker connection. Add one with "Looker: Add Connection…".') });
}
