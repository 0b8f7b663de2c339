/**
 * The HTTP core of `LookerClient` (client.ts): the requests of one Looker instance with login (API key or
 * OAuth), one fresh login after a 401, retries, the per-request timeout, this connection's own TLS setting, paging and
 * the request log / call meter hook. The endpoint classes (endpoints/*.ts) make every API call with its protected
 * helpers `json` (one object), `list` (an array), `page` (an array and `X-Total-Count`) and `none` (no answer).
 */
import type { HttpMethod, IApiSettings, IRawResponse, IRequestProps } from '@looker/sdk-rtl';
import { LookerApiError, fetchError, httpError, isRetryableStatus, toLookerApiError } from './errors';
import { DEFAULT_TIMEOUT_SECONDS, type ConnectionProfile } from './profile';
import { DEFAULT_RETRY, SYSTEM_CLOCK, abortable, backoffMs, isIdempotent, parseRetryAfter, type Clock, type RetryPolicy } from './retry';
import { LookerSession, type TokenSession } from './session';
import { OAuthSession, type RefreshTokenStore, type SignInRequiredError } from './oauth';
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

/** One page of a list, with the total from `X-Total-Count` when Looker sent it. */
export interface Page<T> {
  items: T[];
  total?: number;
  limit: number;
  offset: number;
}

type Query = Record<string, unknown>;

/** One request as the endpoints describe it. */
export interface Req {
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

/** One answer: status, headers (lower-case names) and the parsed body. */
export interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const AGENT_TAG = 'looker-users-vscode';

/** Encodes a path parameter (always, unlike the SDK, which skips values that already look encoded). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

/**
 * Query string as the SDK (`@looker/sdk-rtl`) builds it, with two differences: values are always percent-encoded, so
 * a LIKE pattern such as `%20` reaches Looker as typed; and an array's items are joined with a plain comma (the spec's
 * `style: simple, explode: false`, e.g. `ids=1,2,3`; the SDK sends `%2C`, three bytes an id, which long id lists
 * cannot afford). `undefined` and `null` are left out.
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
 * The connection to one Looker instance (API 4.0), without endpoints. Logs in lazily (API key or OAuth refresh token),
 * shares one login between concurrent calls, logs in again once after a 401, retries 429 (always) and
 * 408/502/503/504 and dropped connections (only idempotent requests) with backoff that honours `Retry-After`, enforces the
 * per-request timeout, and keeps a "verify TLS: off" setting inside this connection. Every call rejects with
 * {@link LookerApiError} only.
 */
export class LookerHttp {
  readonly profile: ConnectionProfile;
  /** The instance's origin, e.g. `https://acme.cloud.looker.com` (no trailing slash). */
  protected readonly baseUrl: string;
  /** `baseUrl` + `/api/4.0`. */
  protected readonly apiUrl: string;
  /** The OAuth session of an `auth: 'oauth'` profile (undefined for an API key). */
  protected readonly oauth: OAuthSession | undefined;
  private readonly options: ClientOptions;
  private readonly retry: RetryPolicy;
  private readonly transport: LookerTransport;
  /** The API-key or the OAuth session. */
  private readonly session: TokenSession;
  private readonly host: string;
  private dispatcher: Promise<Dispatcher> | undefined;
  private disposed = false;

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
    const timeout = profile.timeoutSeconds > 0 ? profile.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
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
        token: (form) => this.tokenRequest(form),
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

  protected log(line: string): void {
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
        timeout: this.profile.timeoutSeconds > 0 ? this.profile.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS,
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
   * An exchange with retries: 429 always (Looker refused before doing anything); 408/502/503/504 and dropped connections
   * only when the request is idempotent. Bounded by attempts and total time; `Retry-After` is honoured.
   */
  protected async send(req: Req, token?: string): Promise<Res> {
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
  protected async call(req: Req): Promise<Res> {
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

  protected async json<T>(req: Req): Promise<T> {
    return (await this.call(req)).body as T;
  }

  protected async list<T>(req: Req): Promise<T[]> {
    const body = (await this.call(req)).body;
    return Array.isArray(body) ? (body as T[]) : [];
  }

  protected async page<T>(req: Req): Promise<Page<T>> {
    const res = await this.call(req);
    const items = Array.isArray(res.body) ? (res.body as T[]) : [];
    const header = res.headers['x-total-count'];
    const total = header !== undefined && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
    const q = req.query ?? {};
    const limit = typeof q.limit === 'number' ? q.limit : items.length;
    const offset = typeof q.offset === 'number' ? q.offset : 0;
    return total === undefined ? { items, limit, offset } : { items, total, limit, offset };
  }

  protected async none(req: Req): Promise<void> {
    await this.call(req);
  }

  /** POST /api/token (OAuth, below the origin): unauthenticated, and not sent again after a timeout or a dropped connection. */
  protected tokenRequest(form: URLSearchParams): Promise<Res> {
    return this.send({ method: 'POST', path: '/api/token', root: true, body: form, auth: false, idempotent: false });
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
}
