import type { HttpMethod, IApiSettings, IRawResponse, IRequestProps } from '@looker/sdk-rtl';
import type {
  IApiVersion,
  ICreateCredentialsApi3,
  IFolder,
  ICredentialsEmail,
  IGroup,
  IRequestAllGroupUsers,
  IRequestAllGroups,
  IRequestAllUsers,
  IRequestSearchFolders,
  IRequestSearchUsers,
  IRequestSearchUsersNames,
  IRequestUserAttributeUserValues,
  IRole,
  IScheduledPlan,
  IServiceAccount,
  ISession,
  IUser,
  IUserAttribute,
  IUserAttributeWithValue,
  IUserLoginLockout,
  IWriteCredentialsEmail,
  IWriteServiceAccount,
  IWriteUser,
  IModelSet,
  IPermissionSet,
  ILookmlModel,
  IRequestAllLookmlModels,
  IUserAttributeGroupValue,
  IWriteQuery,
  IOauthClientApp,
} from '@looker/sdk';
import { builtinSurface, surfaceFromSpec, type ApiSurface } from './apiSurface';
import { LookerApiError, fetchError, httpError, isRetryableStatus, toLookerApiError } from './errors';
import type { ConnectionProfile } from './profile';
import { DEFAULT_RETRY, SYSTEM_CLOCK, abortable, backoffMs, isIdempotent, parseRetryAfter, type Clock, type RetryPolicy } from './retry';
import { LookerSession } from './session';
import { OAuthSession, exchangeCode, type RefreshTokenStore, type SignInRequiredError } from './oauth';
import { closeDispatcher, createInsecureDispatcher, type Dispatcher } from './tls';
import { LookerTransport } from './transport';

export interface ClientOptions {
  /** Async secret source (VS Code SecretStorage in the extension); read at each login, never kept. */
  getSecret: () => Promise<string | undefined>;
  /** Request log lines: method, path, status, ms — never secrets or tokens. */
  log?: (line: string) => void;
  retry?: { maxAttempts?: number; maxTotalMs?: number; baseDelayMs?: number };
  /** The clock of the retry loop (its waits and its time budget); the real one unless a test injects another. */
  clock?: Clock;
  onRequest?: (info: { method: string; path: string; status?: number; bytes?: number; ms: number }) => void;
  /** For a profile with `auth: 'oauth'`: where the refresh token is kept (`getSecret` is then unused). */
  refreshTokens?: RefreshTokenStore;
  /** Called when an OAuth connection needs a new browser sign-in (the call also rejects with that error). */
  onSignInRequired?: (err: SignInRequiredError) => void;
}

/** What the client needs from either session kind (API key or OAuth). */
interface TokenSource {
  isAuthenticated(): boolean;
  getToken(): Promise<string>;
  invalidate(token: string): void;
  logout(): Promise<boolean>;
}

/** One page of a list, with the total from `X-Total-Count` when Looker sent it. */
export interface Page<T> {
  items: T[];
  total?: number;
  limit: number;
  offset: number;
}

/** `credential_type` values of `user_for_credential`. */
export type CredentialType = 'email' | 'google' | 'saml' | 'oidc' | 'ldap' | 'api' | 'api3' | 'embed' | 'looker_openid';

/** Single (non-list) credential kinds of a user: `/users/{id}/credentials_{kind}`. */
export type SingleCredentialKind = 'email' | 'totp' | 'ldap' | 'google' | 'saml' | 'oidc' | 'looker_openid';

type Query = Record<string, unknown>;

interface Req {
  method: HttpMethod;
  /** Path below `/api/4.0`, path parameters already encoded. */
  path: string;
  /** An absolute URL to request instead of `/api/4.0` + path (the instance's API spec); `path` is then for logs. */
  url?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** `path` is below the instance's origin (e.g. `/api/token`), not below `/api/4.0`. */
  root?: boolean;
  /** Safe to repeat after a 503 or a dropped connection (default: by method). */
  idempotent?: boolean;
}

interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const AGENT_TAG = 'looker-users-vscode';
/** What instances accept, per Looker release (`looker_release_version`): one spec download per release. */
const SURFACES = new Map<string, Promise<ApiSurface>>();
/** At most this many ids per `all_users?ids=` request, like the 1,000-user pages of the other bulk reads. */
const IDS_PER_REQUEST = 1000;
/**
 * At most this many characters of query string (`fields` and `ids`) per request: with the path and the headers the
 * request stays under 8 KB, the default limit of common servers and proxies (nginx, Apache, Jetty). 1,000 ids of up
 * to six digits fit next to the dry run's fields; longer ids or fields make smaller batches.
 */
const QUERY_CHARS_PER_REQUEST = 7400;

/**
 * Splits ids into the batches {@link LookerClient.allUsers} sends: at most 1,000 ids, and at most `room` characters
 * of them with their commas (at least one id a batch).
 */
export function idBatches(ids: string[], room: number): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const id of ids) {
    const len = encodeURIComponent(id).length;
    if (batch.length && (batch.length >= IDS_PER_REQUEST || chars + 1 + len > room)) {
      out.push(batch);
      batch = [];
      chars = 0;
    }
    chars += (batch.length ? 1 : 0) + len;
    batch.push(id);
  }
  if (batch.length) out.push(batch);
  return out;
}

/** Encodes a path parameter (always, unlike the SDK, which skips values that already look encoded). */
function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

/**
 * Query string as the SDK sends it (§3) with two differences: values are always percent-encoded, so a LIKE pattern
 * such as `%20` reaches Looker as typed; and an array's items are joined with a plain comma (the spec's `style: simple,
 * explode: false`, e.g. `ids=1,2,3`; the SDK sends `%2C`, three bytes an id, which long id lists cannot afford).
 * `undefined` and `null` are left out.
 */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      parts.push(`${encodeURIComponent(k)}=${v.map((x) => encodeURIComponent(String(x))).join(',')}`);
      continue;
    }
    let s: string;
    if (v instanceof Date) s = v.toISOString();
    else if (typeof v === 'object') s = JSON.stringify(v);
    else s = String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function parseBody(raw: IRawResponse): unknown {
  if (raw.statusCode === 204) return undefined;
  const body: unknown = raw.body;
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined) return body;
  if (!text) return undefined;
  if (/json/i.test(raw.contentType ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function byteLength(body: unknown): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body && typeof (body as { size?: unknown }).size === 'number') return (body as { size: number }).size;
  return undefined;
}

/**
 * Authenticated client of one Looker instance (API 4.0). Logs in lazily with the API key, shares one login between
 * concurrent calls, logs in again once after a 401, retries 429 (always) and 503/502/504/dropped connections (only
 * idempotent requests) with backoff that honours `Retry-After`, enforces the per-request timeout, and keeps a
 * "verify TLS: off" setting inside this connection. Every method rejects with {@link LookerApiError} only.
 */
export class LookerClient {
  readonly profile: ConnectionProfile;
  private readonly options: ClientOptions;
  private readonly retry: RetryPolicy;
  private readonly transport: LookerTransport;
  private readonly session: TokenSource;
  private readonly oauth: OAuthSession | undefined;
  private readonly baseUrl: string;
  private readonly apiUrl: string;
  private readonly host: string;
  private dispatcher: Promise<Dispatcher> | undefined;
  private disposed = false;
  private surface: Promise<ApiSurface> | undefined;

  constructor(profile: ConnectionProfile, options: ClientOptions) {
    this.profile = { ...profile };
    this.options = options;
    this.retry = {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts),
      maxTotalMs: Math.max(0, options.retry?.maxTotalMs ?? DEFAULT_RETRY.maxTotalMs),
      baseDelayMs: Math.max(0, options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs),
    };
    const base = profile.baseUrl.replace(/\/+$/, '');
    this.baseUrl = base;
    this.apiUrl = `${base}/api/4.0`;
    try {
      this.host = new URL(base).host;
    } catch {
      this.host = base;
    }
    const timeout = profile.timeoutSeconds > 0 ? profile.timeoutSeconds : 60;
    const settings: IApiSettings = {
      base_url: base,
      verify_ssl: profile.verifyTls,
      timeout,
      agentTag: AGENT_TAG,
      readConfig: () => ({}),
      isConfigured: () => !!base,
    };
    this.transport = new LookerTransport(settings);
    const logout = (token: string) => this.send({ method: 'DELETE', path: '/logout', auth: false }, token);
    if (profile.auth === 'oauth') {
      const store: RefreshTokenStore = options.refreshTokens ?? { get: async () => undefined, set: async () => undefined, clear: async () => undefined };
      this.oauth = new OAuthSession(profile.clientId, store, {
        token: (form) => this.send({ method: 'POST', path: '/api/token', root: true, body: form, auth: false, idempotent: false }),
        logout,
      }, profile.name || this.host, options.onSignInRequired);
      this.session = this.oauth;
      return;
    }
    this.session = new LookerSession(
      { clientId: profile.clientId, getSecret: options.getSecret, name: profile.name || this.host },
      {
        login: (form) => this.send({ method: 'POST', path: '/login', body: form, auth: false, idempotent: true }),
        logout,
      },
    );
  }

  /** True while a token is held that has not reached its renewal time. */
  isLoggedIn(): boolean {
    return this.session.isAuthenticated();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Plumbing

  private log(line: string): void {
    try {
      this.options.log?.(line);
    } catch {
      // a broken logger must not break requests
    }
  }

  private report(info: { method: string; path: string; status?: number; bytes?: number; ms: number }, note?: string): void {
    let shown = info.path;
    try {
      shown = decodeURIComponent(info.path);
    } catch {
      // keep the encoded form
    }
    this.log(`${info.method} ${shown} → ${info.status ?? note ?? 'failed'} ${info.ms} ms${info.bytes !== undefined ? ` ${info.bytes} B` : ''}`);
    try {
      this.options.onRequest?.(info);
    } catch {
      // ignored
    }
  }

  private async ensureDispatcher(): Promise<void> {
    if (this.profile.verifyTls) return;
    if (!this.dispatcher) {
      this.dispatcher = createInsecureDispatcher();
      this.dispatcher.catch(() => undefined);
    }
    try {
      this.transport.setDispatcher(await this.dispatcher);
    } catch (e) {
      this.dispatcher = undefined;
      throw new LookerApiError({
        kind: 'config',
        code: 'TLS_OFF_UNSUPPORTED',
        message: `TLS verification cannot be turned off for this connection here (${e instanceof Error ? e.message : String(e)}).`,
      });
    }
  }

  /** One HTTP exchange, no retries. Rejects with LookerApiError for failures below HTTP. */
  private async attempt(req: Req, token: string | undefined): Promise<Res> {
    await this.ensureDispatcher();
    const qs = encodeQuery(req.query);
    const logPath = req.path + qs;
    const authenticator = token
      ? (props: IRequestProps) => {
          props.headers = { ...props.headers, Authorization: `Bearer ${token}` };
          return props;
        }
      : undefined;
    const started = Date.now();
    let raw: IRawResponse;
    try {
      raw = await this.transport.rawRequest(req.method, req.url !== undefined ? req.url + qs : (req.root ? this.baseUrl : this.apiUrl) + logPath, undefined, req.body, authenticator, {
        signal: req.signal,
        timeout: this.profile.timeoutSeconds > 0 ? this.profile.timeoutSeconds : 60,
      });
    } catch (e) {
      const err = fetchError(e, {
        method: req.method,
        path: req.path,
        host: this.host,
        timeoutSeconds: this.profile.timeoutSeconds,
        timedOut: false,
        cancelled: !!req.signal?.aborted,
      });
      this.report({ method: req.method, path: logPath, ms: Date.now() - started }, err.code ?? err.kind);
      throw err;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const res: Res = { status: raw.statusCode, headers, body: parseBody(raw) };
    this.report({ method: req.method, path: logPath, status: raw.statusCode, bytes: byteLength(raw.body), ms: Date.now() - started });
    return res;
  }

  /**
   * An exchange with retries: 429 always (Looker refused before doing anything); 502/503/504 and dropped connections
   * only when the request is idempotent. Bounded by attempts and total time; `Retry-After` is honoured.
   */
  private async send(req: Req, token?: string): Promise<Res> {
    const idempotent = req.idempotent ?? isIdempotent(req.method);
    const clock = this.options.clock ?? SYSTEM_CLOCK;
    const start = clock.now();
    for (let attempt = 1; ; attempt++) {
      let res: Res | undefined;
      let wait: number;
      try {
        res = await this.attempt(req, token);
      } catch (e) {
        const err = toLookerApiError(e, req.method, req.path);
        if (!(err.kind === 'network' && err.retryable && idempotent)) throw err;
        wait = backoffMs(attempt, this.retry.baseDelayMs);
        if (attempt >= this.retry.maxAttempts || clock.now() - start + wait > this.retry.maxTotalMs) throw err;
        this.log(`${req.method} ${req.path}: ${err.code ?? 'network error'}, retry ${attempt} in ${wait} ms`);
        await clock.sleep(wait, req.signal);
        continue;
      }
      const s = res.status;
      // The one retry policy (errors.ts); 429 means Looker refused before acting, so even a POST is sent again.
      const retryable = isRetryableStatus(s) && (s === 429 || idempotent);
      if (!retryable) return res;
      const after = parseRetryAfter(res.headers['retry-after'], clock.now());
      wait = after !== undefined ? Math.ceil(after * 1000) : backoffMs(attempt, this.retry.baseDelayMs);
      if (attempt >= this.retry.maxAttempts || clock.now() - start + wait > this.retry.maxTotalMs) return res;
      this.log(`${req.method} ${req.path}: ${s}, retry ${attempt} in ${wait} ms${after !== undefined ? ' (Retry-After)' : ''}`);
      await clock.sleep(wait, req.signal);
    }
  }

  /** An authenticated call: login when needed, one fresh login + retry after a 401, HTTP errors thrown. */
  private async call(req: Req): Promise<Res> {
    if (this.disposed) throw new LookerApiError({ kind: 'cancelled', message: 'This connection was closed.', method: req.method, path: req.path });
    try {
      const auth = req.auth !== false;
      let token = auth ? await abortable(this.session.getToken(), req.signal) : undefined;
      let res = await this.send(req, token);
      if (auth && token && res.status === 401) {
        this.log(`${req.method} ${req.path}: 401, logging in again`);
        this.session.invalidate(token);
        token = await abortable(this.session.getToken(), req.signal);
        res = await this.send(req, token);
      }
      if (res.status < 200 || res.status > 226) {
        throw httpError(res.status, res.body, req.method, req.path, parseRetryAfter(res.headers['retry-after']));
      }
      return res;
    } catch (e) {
      if (req.signal?.aborted && !(e instanceof LookerApiError && e.kind !== 'cancelled')) {
        throw new LookerApiError({ kind: 'cancelled', message: `Cancelled ${req.method} ${req.path}.`, method: req.method, path: req.path });
      }
      throw toLookerApiError(e, req.method, req.path);
    }
  }

  private async json<T>(req: Req): Promise<T> {
    return (await this.call(req)).body as T;
  }

  private async list<T>(req: Req): Promise<T[]> {
    const body = (await this.call(req)).body;
    return Array.isArray(body) ? (body as T[]) : [];
  }

  private async page<T>(req: Req): Promise<Page<T>> {
    const res = await this.call(req);
    const items = Array.isArray(res.body) ? (res.body as T[]) : [];
    const header = res.headers['x-total-count'];
    const total = header !== undefined && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
    const q = req.query ?? {};
    const limit = typeof q.limit === 'number' ? q.limit : items.length;
    const offset = typeof q.offset === 'number' ? q.offset : 0;
    return total === undefined ? { items, limit, offset } : { items, total, limit, offset };
  }

  private async none(req: Req): Promise<void> {
    await this.call(req);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Session

  /** Logs in (when needed), reads the API user and the Looker version. */
  async testConnection(signal?: AbortSignal): Promise<{ user: IUser; lookerVersion: string }> {
    const user = await this.me('id,first_name,last_name,display_name,email,is_disabled,role_ids', signal);
    const v = await this.versions(signal);
    return { user, lookerVersion: v?.looker_release_version ?? '' };
  }

  /**
   * OAuth connections: exchanges the code of the browser redirect for tokens (the refresh token goes to the store).
   * Rejects with OAuthFlowError when Looker refuses the code or the client.
   */
  async signInWithCode(p: { code: string; verifier: string; redirectUri: string }): Promise<void> {
    if (!this.oauth) throw new LookerApiError({ kind: 'config', message: 'This connection signs in with an API key, not with Looker.' });
    const res = await exchangeCode(
      { token: (form) => this.send({ method: 'POST', path: '/api/token', root: true, body: form, auth: false, idempotent: false }), logout: async () => ({ status: 204, body: undefined }) },
      { clientId: this.profile.clientId, ...p },
    );
    await this.oauth.adopt(res.body);
  }

  /**
   * Whether Looker knows an OAuth client ID, asked before opening the browser: a token request with a code that
   * cannot be valid is answered `invalid_client` for an unknown (or disabled) client and `invalid_grant` otherwise
   * (RFC 6749 §5.2). Anything else: 'unsure' (the browser flow then tells).
   */
  async probeOAuthClient(clientId: string, redirectUri: string, signal?: AbortSignal): Promise<'known' | 'unknown' | 'unsure'> {
    try {
      const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: redirectUri, code: 'probe', code_verifier: 'p'.repeat(43) });
      const res = await this.send({ method: 'POST', path: '/api/token', root: true, body: form, auth: false, idempotent: true, signal });
      const error = res.body && typeof res.body === 'object' ? (res.body as { error?: unknown }).error : undefined;
      if (error === 'invalid_client') return 'unknown';
      if (error === 'invalid_grant') return 'known';
    } catch (e) {
      if (signal?.aborted) throw e;
    }
    return 'unsure';
  }

  /** GET /oauth_client_apps/{client_guid} (admin). */
  oauthClientApp(clientGuid: string, signal?: AbortSignal): Promise<IOauthClientApp> {
    return this.json({ method: 'GET', path: `/oauth_client_apps/${seg(clientGuid)}`, signal });
  }

  /** POST /oauth_client_apps/{client_guid} (register_oauth_client_app, admin). */
  registerOauthClientApp(clientGuid: string, body: Partial<IOauthClientApp>, signal?: AbortSignal): Promise<IOauthClientApp> {
    return this.json({ method: 'POST', path: `/oauth_client_apps/${seg(clientGuid)}`, body, signal });
  }

  /** PATCH /oauth_client_apps/{client_guid} (update_oauth_client_app, admin). */
  updateOauthClientApp(clientGuid: string, body: Partial<IOauthClientApp>, signal?: AbortSignal): Promise<IOauthClientApp> {
    return this.json({ method: 'PATCH', path: `/oauth_client_apps/${seg(clientGuid)}`, body, signal });
  }

  /** The web server's origin (for the browser sign-in): `/versions`' `web_server_url`, else the API origin. */
  async webServerUrl(signal?: AbortSignal): Promise<string> {
    try {
      const v = await this.versions(signal);
      const web = (v as { web_server_url?: unknown }).web_server_url;
      if (typeof web === 'string' && /^https?:\/\//.test(web)) return web.replace(/\/+$/, '');
    } catch (e) {
      if (signal?.aborted) throw e;
    }
    return this.baseUrl;
  }

  /** GET /versions */
  versions(signal?: AbortSignal): Promise<IApiVersion> {
    return this.json({ method: 'GET', path: '/versions', signal });
  }

  /**
   * What this instance accepts for user searches (query parameters, User fields): its release from `/versions`, then
   * its own API spec at the `swagger_url` that `/versions` lists for 4.0, cached per release. Never rejects: when the
   * spec cannot be read, the built-in lists for the release are used (`source: 'builtin'`).
   */
  apiSurface(): Promise<ApiSurface> {
    if (!this.surface) {
      // Shared by every caller, so no caller's signal cancels it (each request still has its timeout).
      this.surface = this.loadSurface().catch((e) => {
        this.surface = undefined;
        this.log(`Reading what this Looker instance supports failed (${e instanceof Error ? e.message : String(e)}); assuming the current release`);
        return builtinSurface(undefined);
      });
    }
    return this.surface;
  }

  private async loadSurface(): Promise<ApiSurface> {
    const v = await this.versions();
    const release = v?.looker_release_version ?? '';
    const cached = release ? SURFACES.get(release) : undefined;
    if (cached) return cached;
    const entry = [v?.current_version, ...(v?.supported_versions ?? [])].find((x) => x?.version === '4.0' && x.swagger_url);
    const loading = this.readSpec(entry?.swagger_url ?? '', release);
    if (release) SURFACES.set(release, loading);
    return loading;
  }

  /** The instance's own spec at `url` (same host only; unauthenticated first, as Looker serves it) or the built-in lists. */
  private async readSpec(url: string, release: string): Promise<ApiSurface> {
    let target: URL | undefined;
    try {
      target = new URL(url);
    } catch {
      target = undefined;
    }
    const own = new URL(this.apiUrl);
    if (!target || !/^https?:$/.test(target.protocol) || target.hostname !== own.hostname) {
      this.log(`No usable API spec URL for release ${release || 'unknown'} (${url || 'none'}); using the built-in lists`);
      return builtinSurface(release);
    }
    const req: Req = { method: 'GET', path: target.pathname, url: target.href, auth: false };
    try {
      let res = await this.send(req);
      if ((res.status === 401 || res.status === 403) && target.origin === own.origin) res = await this.call({ ...req, auth: true });
      const surface = res.status === 200 ? surfaceFromSpec(res.body, release) : undefined;
      if (surface) return surface;
      this.log(`The API spec at ${target.pathname} could not be read (status ${res.status}); using the built-in lists for release ${release}`);
    } catch (e) {
      this.log(`The API spec at ${target.pathname} could not be read (${e instanceof Error ? e.message : String(e)}); using the built-in lists`);
    }
    return builtinSurface(release);
  }

  /** DELETE /logout if logged in; never throws. */
  async logout(): Promise<void> {
    try {
      await this.session.logout();
    } catch {
      // never throws
    }
  }

  /** Logs out in the background and releases this connection's TLS dispatcher. Later calls fail as 'cancelled'. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const d = this.dispatcher;
    this.logout().finally(() => {
      if (d) d.then(closeDispatcher, () => undefined);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Users

  me(fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: '/user', query: { fields }, signal });
  }

  /** GET /users/search; `total` from `X-Total-Count` (present when `limit` is given). */
  searchUsers(req: IRequestSearchUsers, signal?: AbortSignal): Promise<Page<IUser>> {
    return this.page({ method: 'GET', path: '/users/search', query: { ...req }, signal });
  }

  /** GET /users/search/names/{pattern}: pattern matched against first name, last name or email. */
  searchUsersNames(pattern: string, req: Omit<IRequestSearchUsersNames, 'pattern'> = {}, signal?: AbortSignal): Promise<Page<IUser>> {
    const { pattern: _ignored, ...rest } = req as IRequestSearchUsersNames;
    return this.page({ method: 'GET', path: `/users/search/names/${seg(pattern)}`, query: { ...rest }, signal });
  }

  /** GET /users?ids=… for exactly these users: batches of up to 1,000 ids, as many as fit in a request line. */
  async allUsers(ids: string[], fields?: string, signal?: AbortSignal): Promise<IUser[]> {
    const out: IUser[] = [];
    const room = QUERY_CHARS_PER_REQUEST - encodeQuery({ fields, ids: [] }).length;
    for (const batch of idBatches(ids, room)) {
      out.push(...(await this.list<IUser>({ method: 'GET', path: '/users', query: { fields, ids: batch }, signal })));
    }
    return out;
  }

  /** GET /users (paged list of all users). */
  listUsers(req: IRequestAllUsers = {}, signal?: AbortSignal): Promise<Page<IUser>> {
    return this.page({ method: 'GET', path: '/users', query: { ...req }, signal });
  }

  user(id: string, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: `/users/${seg(id)}`, query: { fields }, signal });
  }

  userForCredential(type: CredentialType, credentialId: string, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: `/users/credential/${seg(type)}/${seg(credentialId)}`, query: { fields }, signal });
  }

  createUser(body: Partial<IWriteUser>, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'POST', path: '/users', query: { fields }, body, signal });
  }

  /** PATCH /users/{id} with exactly the given fields. */
  updateUser(id: string, body: Partial<IWriteUser>, fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}`, query: { fields }, body, signal });
  }

  deleteUser(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Email credential

  userCredentialsEmail(id: string, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'GET', path: `/users/${seg(id)}/credentials_email`, query: { fields }, signal });
  }

  createUserCredentialsEmail(id: string, body: Partial<IWriteCredentialsEmail>, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email`, query: { fields }, body, signal });
  }

  updateUserCredentialsEmail(id: string, body: Partial<IWriteCredentialsEmail>, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}/credentials_email`, query: { fields }, body, signal });
  }

  deleteUserCredentialsEmail(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_email`, signal });
  }

  /** POST …/credentials_email/password_reset: a new reset URL in `password_reset_url` (`expires`: valid 60 min). */
  createPasswordResetUrl(id: string, expires?: boolean, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email/password_reset`, query: { expires, fields }, signal });
  }

  /** POST …/credentials_email/send_password_reset: Looker emails the user a reset (or setup) link. */
  sendPasswordReset(id: string, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email/send_password_reset`, query: { fields }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Other credentials

  /** DELETE /users/{id}/credentials_{kind} */
  deleteUserCredential(id: string, kind: SingleCredentialKind, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_${kind}`, signal });
  }

  /**
   * POST /users/{id}/credentials_api3 (no body): a new API key. The answer holds `client_secret`, the only time Looker
   * returns it; not idempotent (a second request makes a second key), so never retried after a timeout.
   */
  createUserCredentialApi3(id: string, fields?: string, signal?: AbortSignal): Promise<ICreateCredentialsApi3> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_api3`, query: { fields }, signal, idempotent: false });
  }

  deleteUserCredentialApi3(id: string, credentialId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_api3/${seg(credentialId)}`, signal });
  }

  deleteUserCredentialEmbed(id: string, credentialId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_embed/${seg(credentialId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Web sessions

  userSessions(id: string, fields?: string, signal?: AbortSignal): Promise<ISession[]> {
    return this.list({ method: 'GET', path: `/users/${seg(id)}/sessions`, query: { fields }, signal });
  }

  deleteUserSession(id: string, sessionId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/sessions/${seg(sessionId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Roles

  allRoles(fields?: string, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'GET', path: '/roles', query: { fields }, signal });
  }

  /** GET /users/{id}/roles; `directAssociationOnly` leaves out roles inherited through groups. */
  userRoles(id: string, fields?: string, directAssociationOnly?: boolean, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'GET', path: `/users/${seg(id)}/roles`, query: { fields, direct_association_only: directAssociationOnly }, signal });
  }

  /** PUT /users/{id}/roles: replaces the user's direct roles. */
  setUserRoles(id: string, roleIds: string[], fields?: string, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'PUT', path: `/users/${seg(id)}/roles`, query: { fields }, body: [...roleIds], signal });
  }

  roleUsers(roleId: string, fields?: string, directAssociationOnly?: boolean, signal?: AbortSignal): Promise<IUser[]> {
    return this.list({ method: 'GET', path: `/roles/${seg(roleId)}/users`, query: { fields, direct_association_only: directAssociationOnly }, signal });
  }

  /** GET /roles/{id}/groups: groups that have the role. */
  roleGroups(roleId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: `/roles/${seg(roleId)}/groups`, query: { fields }, signal });
  }

  /** GET /model_sets */
  allModelSets(fields?: string, signal?: AbortSignal): Promise<IModelSet[]> {
    return this.list({ method: 'GET', path: '/model_sets', query: { fields }, signal });
  }

  /** GET /permission_sets */
  allPermissionSets(fields?: string, signal?: AbortSignal): Promise<IPermissionSet[]> {
    return this.list({ method: 'GET', path: '/permission_sets', query: { fields }, signal });
  }

  /** GET /lookml_models */
  allLookmlModels(req: IRequestAllLookmlModels = {}, signal?: AbortSignal): Promise<ILookmlModel[]> {
    return this.list({ method: 'GET', path: '/lookml_models', query: { ...req }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Folders

  /** GET /folders/{id}: one folder (its name for a home folder id; with `looks(id),dashboards(id)` what lies directly in it). */
  folder(id: string, fields?: string, signal?: AbortSignal): Promise<IFolder> {
    return this.json({ method: 'GET', path: `/folders/${seg(id)}`, query: { fields }, signal });
  }

  /** GET /folders/search: folders by name (`name` matches the title, `%` wildcards), for a folder picker. */
  searchFolders(req: IRequestSearchFolders, signal?: AbortSignal): Promise<IFolder[]> {
    return this.list({ method: 'GET', path: '/folders/search', query: { ...req }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Groups

  allGroups(req: IRequestAllGroups = {}, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: '/groups', query: { ...req }, signal });
  }

  /** GET /groups/{id}/users (direct members). */
  groupUsers(groupId: string, req: Omit<IRequestAllGroupUsers, 'group_id'> = {}, signal?: AbortSignal): Promise<IUser[]> {
    const { group_id: _ignored, ...rest } = req as IRequestAllGroupUsers;
    return this.list({ method: 'GET', path: `/groups/${seg(groupId)}/users`, query: { ...rest }, signal });
  }

  /** GET /groups/{id}/groups: groups included in the group. */
  groupGroups(groupId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: `/groups/${seg(groupId)}/groups`, query: { fields }, signal });
  }

  /** GET /user_attributes/{id}/group_values */
  userAttributeGroupValues(userAttributeId: string, fields?: string, signal?: AbortSignal): Promise<IUserAttributeGroupValue[]> {
    return this.list({ method: 'GET', path: `/user_attributes/${seg(userAttributeId)}/group_values`, query: { fields }, signal });
  }

  addGroupUser(groupId: string, userId: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'POST', path: `/groups/${seg(groupId)}/users`, body: { user_id: userId }, signal });
  }

  deleteGroupUser(groupId: string, userId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/groups/${seg(groupId)}/users/${seg(userId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Queries

  /** POST /queries/run/json (run_inline_query): rows of a query given inline, as JSON objects keyed by field name. */
  runInlineQueryJson(body: Partial<IWriteQuery>, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    // Reads only: safe to repeat after a dropped connection.
    return this.list({ method: 'POST', path: '/queries/run/json', body, signal, idempotent: true });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Login lockouts

  allLoginLockouts(fields?: string, signal?: AbortSignal): Promise<IUserLoginLockout[]> {
    return this.list({ method: 'GET', path: '/user_login_lockouts', query: { fields }, signal });
  }

  /** DELETE /user_login_lockout/{key} (singular path segment). */
  deleteLoginLockout(key: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/user_login_lockout/${seg(key)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // User attributes

  allUserAttributes(fields?: string, sorts?: string, signal?: AbortSignal): Promise<IUserAttribute[]> {
    return this.list({ method: 'GET', path: '/user_attributes', query: { fields, sorts }, signal });
  }

  userAttributeValues(
    id: string,
    req: Omit<IRequestUserAttributeUserValues, 'user_id'> = {},
    signal?: AbortSignal,
  ): Promise<IUserAttributeWithValue[]> {
    const { user_id: _ignored, ...rest } = req as IRequestUserAttributeUserValues;
    return this.list({ method: 'GET', path: `/users/${seg(id)}/attribute_values`, query: { ...rest }, signal });
  }

  setUserAttributeValue(id: string, userAttributeId: string, value: string, signal?: AbortSignal): Promise<IUserAttributeWithValue> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}/attribute_values/${seg(userAttributeId)}`, body: { value }, signal });
  }

  deleteUserAttributeValue(id: string, userAttributeId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/attribute_values/${seg(userAttributeId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Service accounts (alpha in Looker)

  createServiceAccount(body: Partial<IWriteServiceAccount>, fields?: string, signal?: AbortSignal): Promise<IServiceAccount> {
    return this.json({ method: 'POST', path: '/users/service_accounts', query: { fields }, body, signal });
  }

  updateServiceAccount(id: string, body: Partial<IWriteServiceAccount>, fields?: string, signal?: AbortSignal): Promise<IServiceAccount> {
    return this.json({ method: 'PATCH', path: `/users/service_accounts/${seg(id)}`, query: { fields }, body, signal });
  }

  deleteServiceAccount(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/service_accounts/${seg(id)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scheduled plans and folders (what a user owns)

  /**
   * GET /scheduled_plans: the caller's plans, one user's (`user_id`), or everyone's (`all_users`, needs
   * see_schedules) — one request for any number of owners.
   */
  scheduledPlans(p: { userId?: string; allUsers?: boolean; fields?: string }, signal?: AbortSignal): Promise<IScheduledPlan[]> {
    return this.list({ method: 'GET', path: '/scheduled_plans', query: { user_id: p.userId, all_users: p.allUsers === undefined ? undefined : String(p.allUsers), fields: p.fields }, signal });
  }

  /** PATCH /scheduled_plans/{id} (e.g. `{ user_id }` to give it another owner). */
  updateScheduledPlan(id: string, body: Partial<IScheduledPlan>, fields?: string, signal?: AbortSignal): Promise<IScheduledPlan> {
    return this.json({ method: 'PATCH', path: `/scheduled_plans/${seg(id)}`, query: { fields }, body, signal });
  }
}
