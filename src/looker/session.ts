import { AuthToken } from '@looker/sdk-rtl';
import type { IAccessToken } from '@looker/sdk-rtl';
import { LookerApiError, httpError, parseErrorBody } from './errors';

/** The part of a token exchange that ends a token: DELETE /logout with it. */
interface LogoutExchange {
  logout(accessToken: string): Promise<{ status: number }>;
}

/**
 * What the API-key session ({@link LookerSession}) and the OAuth session share: one held access token, renewed shortly
 * before it expires by one request for any number of concurrent callers ({@link TokenSession.obtain}, the only part
 * that differs), forgotten when the server refused it (401), and ended at Looker on logout.
 */
export abstract class TokenSession {
  protected readonly token = new AuthToken();
  private inflight: Promise<string> | undefined;

  constructor(private readonly ender: LogoutExchange) {}

  isAuthenticated(): boolean {
    return this.token.isActive();
  }

  /** The current access token (a string), obtaining one when there is none or it is about to expire. */
  async getToken(): Promise<string> {
    if (this.token.isActive()) return this.token.access_token;
    return this.login();
  }

  /** Obtains a new access token; concurrent callers share one request. */
  login(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.obtain().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /** Forgets a token the server no longer accepts, unless a newer one was obtained meanwhile. */
  invalidate(token: string): void {
    if (this.token.access_token === token) this.token.reset();
  }

  /**
   * Ends a held access token at Looker (DELETE /logout) after any login in flight, and forgets it; never throws.
   * Resolves true when Looker confirmed.
   */
  async logout(): Promise<boolean> {
    if (this.inflight) await this.inflight.catch(() => undefined);
    if (!this.token.isActive()) {
      this.token.reset();
      return false;
    }
    const access = this.token.access_token;
    this.token.reset();
    try {
      const res = await this.ender.logout(access);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  /** Asks Looker for a new access token and keeps it with {@link hold}; resolves with it. */
  protected abstract obtain(): Promise<string>;

  /** Keeps a new access token; returns its string. */
  protected hold(t: IAccessToken): string {
    const expires = Number(t.expires_in) || 0;
    // The SDK renews 10 s before expiry; keep that for normal tokens and scale it down for very short ones.
    this.token.lagTime = Math.min(10, Math.floor(expires / 4));
    this.token.setToken(t);
    return this.token.access_token;
  }
}

/** What the session needs from its client: one HTTP exchange (with the client's retries and error mapping). */
export interface SessionExchange {
  /** POST /login with a form body; resolves with the status and the parsed body, or rejects with LookerApiError. */
  login(form: URLSearchParams): Promise<{ status: number; body: unknown }>;
  /** DELETE /logout with the given token. */
  logout(token: string): Promise<{ status: number; body: unknown }>;
}

export interface SessionCredentials {
  clientId: string;
  /** Read at each login, never kept by the session. */
  getSecret: () => Promise<string | undefined>;
  /** Connection name for messages. */
  name: string;
}

/** How long a rejected client ID/secret pair is answered from memory instead of asking Looker again. */
const REJECTED_MEMORY_MS = 15_000;

/**
 * API-key session (POST /login with the client ID and secret): reads the secret asynchronously at each login and
 * answers a pair Looker just rejected from memory for a moment. The rest is {@link TokenSession}'s.
 */
export class LookerSession extends TokenSession {
  private rejected: { fingerprint: string; at: number; error: LookerApiError } | undefined;

  constructor(
    private readonly creds: SessionCredentials,
    private readonly exchange: SessionExchange,
  ) {
    super(exchange);
  }

  protected async obtain(): Promise<string> {
    const clientId = this.creds.clientId.trim();
    let secret: string | undefined;
    try {
      secret = await this.creds.getSecret();
    } catch {
      secret = undefined;
    }
    if (!clientId) {
      throw new LookerApiError({ kind: 'config', code: 'NO_CLIENT_ID', message: `No client ID is set for ${this.creds.name}.`, method: 'POST', path: '/login' });
    }
    if (!secret) {
      throw new LookerApiError({
        kind: 'config',
        code: 'NO_SECRET',
        message: `No client secret is stored for ${this.creds.name}; enter it again.`,
        method: 'POST',
        path: '/login',
      });
    }
    const fingerprint = await fingerprintOf(clientId, secret);
    const known = this.rejected;
    if (known && known.fingerprint === fingerprint && Date.now() - known.at < REJECTED_MEMORY_MS) throw known.error;

    const res = await this.exchange.login(new URLSearchParams({ client_id: clientId, client_secret: secret }));
    secret = undefined;
    if (res.status >= 200 && res.status < 300) {
      const body = asAccessToken(res.body);
      if (!body) {
        throw new LookerApiError({
          kind: 'config', code: 'NOT_LOOKER', method: 'POST', path: '/login', status: res.status,
          message: 'The server answered the login without an access token; check that the URL is the Looker API URL.',
        });
      }
      const token = this.hold(body);
      this.rejected = undefined;
      return token;
    }
    const err = loginError(res.status, res.body);
    if (err.kind === 'credentials') this.rejected = { fingerprint, at: Date.now(), error: err };
    throw err;
  }
}

function asAccessToken(body: unknown): IAccessToken | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const t = body as IAccessToken;
  return typeof t.access_token === 'string' && t.access_token ? t : undefined;
}

/**
 * Looker answers a wrong client ID/secret with 404 (not 401). A 404 without Looker's JSON error body more likely
 * means the URL does not point at a Looker API.
 */
function loginError(status: number, body: unknown): LookerApiError {
  const parsed = parseErrorBody(body);
  if ([400, 401, 403, 404].includes(status)) {
    if (status === 404 && !parsed.lookerMessage) {
      return new LookerApiError({
        kind: 'config', code: 'NOT_LOOKER', status, method: 'POST', path: '/login',
        message: 'The URL does not lead to a Looker API (404 without a Looker answer on login); check the URL and port.',
      });
    }
    return new LookerApiError({
      kind: 'credentials', status, method: 'POST', path: '/login',
      lookerMessage: parsed.lookerMessage, documentationUrl: parsed.documentationUrl, errors: parsed.errors,
      message: `Looker rejected the client ID or secret (${status} on login).`,
    });
  }
  return httpError(status, body, 'POST', '/login');
}

async function fingerprintOf(clientId: string, secret: string): Promise<string> {
  const data = new TextEncoder().encode(`${clientId}\n${secret}`);
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Buffer.from(digest).toString('base64');
}
