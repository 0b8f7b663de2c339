import type { IAccessToken } from '@looker/sdk-rtl';
import { LookerApiError, httpError } from './errors';
import { TokenSession } from './session';

/**
 * Sign in with Looker: OAuth 2 authorization code with PKCE (S256), as Looker documents it for OAuth client
 * apps (`register_oauth_client_app`): the browser opens the web server's `/auth`, Looker redirects to the
 * registered `redirect_uri` with `code` and `state`, the code is exchanged at the API server's `/api/token`,
 * and `grant_type=refresh_token` renews the access token. No vscode import here.
 */

/** The client ID this extension registers by default (`register_oauth_client_app`'s `client_guid`). */
export const DEFAULT_OAUTH_CLIENT_ID = 'looker-users-vscode';
/** Default loopback port of the redirect URI `http://127.0.0.1:PORT/callback`. */
export const DEFAULT_REDIRECT_PORT = 7779;
export const REDIRECT_PATH = '/callback';

export function redirectUriFor(port: number): string {
  return `http://127.0.0.1:${port}${REDIRECT_PATH}`;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A PKCE code verifier: 32 random bytes, base64url (43 characters, RFC 7636 §4.1). */
export function createVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** An unguessable `state` value (RFC 6749 §10.12). */
export function createState(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(24)));
}

/** The browser URL of the authorization request. `webUrl` is the web server's origin (it may differ from the API's). */
export function authorizeUrl(webUrl: string, p: { clientId: string; redirectUri: string; state: string; challenge: string }): string {
  const u = new URL('/auth', webUrl.replace(/\/+$/, '') + '/');
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: 'cors_api',
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return u.toString();
}

/** Why a browser sign-in did not complete. The VS Code layer turns each code into a message. */
export type OAuthFlowCode =
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'STATE_MISMATCH'
  | 'DENIED'
  | 'AUTH_ERROR'
  | 'PORT_IN_USE'
  | 'INVALID_CLIENT'
  | 'INVALID_GRANT'
  | 'BROWSER';

/** A browser sign-in that did not complete. `detail` is Looker's own `error_description`, when it sent one. */
export class OAuthFlowError extends Error {
  override readonly name = 'OAuthFlowError';
  constructor(
    readonly code: OAuthFlowCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * The stored refresh token was refused (revoked, expired, app deleted) or is missing: the user has to sign in in the
 * browser again. Carries no token.
 */
export class SignInRequiredError extends LookerApiError {
  constructor(
    readonly connectionName: string,
    readonly reason: 'missing' | 'refused' | 'client',
  ) {
    super({
      kind: 'credentials',
      code: 'SIGN_IN_REQUIRED',
      method: 'POST',
      path: '/api/token',
      message:
        reason === 'client'
          ? `Looker no longer accepts this extension's OAuth client for ${connectionName}; an admin must register it again, then sign in.`
          : `The Looker sign-in for ${connectionName} has ended; sign in again.`,
    });
  }
}

/** Where the refresh token lives (SecretStorage in the extension). */
export interface RefreshTokenStore {
  get(): Promise<string | undefined>;
  set(token: string): Promise<void>;
  clear(): Promise<void>;
}

/** One `/api/token` exchange and the logout, provided by the client (its transport, retries and TLS setting). */
export interface TokenExchange {
  token(form: URLSearchParams): Promise<{ status: number; body: unknown }>;
  logout(accessToken: string): Promise<{ status: number; body: unknown }>;
}

interface TokenBody extends Omit<IAccessToken, 'refresh_token'> {
  refresh_token?: string | null;
}

function asTokenBody(body: unknown): TokenBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const t = body as TokenBody;
  return typeof t.access_token === 'string' && t.access_token ? t : undefined;
}

/** The RFC 6749 §5.2 error of a token response. */
export function tokenError(body: unknown): { error?: string; description?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as { error?: unknown; error_description?: unknown; message?: unknown };
  return {
    error: typeof b.error === 'string' ? b.error : undefined,
    description: typeof b.error_description === 'string' ? b.error_description : typeof b.message === 'string' ? b.message : undefined,
  };
}

/**
 * An access token that comes from OAuth: renews with the refresh token shortly before expiry (one request for any
 * number of concurrent callers), and after a 401 when the client invalidates the token. A refused refresh token is
 * removed from the store and surfaces as {@link SignInRequiredError}; network trouble does not remove it.
 */
export class OAuthSession extends TokenSession {
  constructor(
    private readonly clientId: string,
    private readonly store: RefreshTokenStore,
    private readonly exchange: TokenExchange,
    private readonly name: string,
    private readonly onSignInRequired?: (err: SignInRequiredError) => void,
  ) {
    super(exchange);
  }

  /** Renews the access token with the stored refresh token; tells `onSignInRequired` when that is refused. */
  protected obtain(): Promise<string> {
    return this.refresh().catch((e: unknown) => {
      if (e instanceof SignInRequiredError) {
        try {
          this.onSignInRequired?.(e);
        } catch {
          // a listener's failure must not hide the error
        }
      }
      throw e;
    });
  }

  /** Takes the tokens of a code exchange (or a refresh): keeps the access token, stores the refresh token. */
  async adopt(body: unknown): Promise<string> {
    const t = asTokenBody(body);
    if (!t) {
      throw new LookerApiError({ kind: 'config', code: 'NOT_LOOKER', method: 'POST', path: '/api/token', message: 'Looker answered the token request without an access token.' });
    }
    this.hold({ access_token: t.access_token, token_type: t.token_type ?? 'Bearer', expires_in: Number(t.expires_in) || 0 });
    if (typeof t.refresh_token === 'string' && t.refresh_token) await this.store.set(t.refresh_token);
    return this.token.access_token;
  }

  private async refresh(): Promise<string> {
    let refreshToken: string | undefined;
    try {
      refreshToken = await this.store.get();
    } catch {
      refreshToken = undefined;
    }
    if (!refreshToken) throw new SignInRequiredError(this.name, 'missing');
    const res = await this.exchange.token(
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId }),
    );
    if (res.status >= 200 && res.status < 300) return this.adopt(res.body);
    const err = tokenError(res.body);
    if (res.status === 400 || res.status === 401) {
      if (err.error === 'invalid_client') throw new SignInRequiredError(this.name, 'client');
      // invalid_grant (revoked, expired, rotated elsewhere) and any other refusal of the token itself
      if (!err.error || err.error === 'invalid_grant' || err.error === 'invalid_request') {
        try {
          if ((await this.store.get()) === refreshToken) await this.store.clear();
        } catch {
          // the store may be unreadable; the next attempt asks again
        }
        throw new SignInRequiredError(this.name, 'refused');
      }
    }
    throw httpError(res.status, res.body, 'POST', '/api/token');
  }
}

/**
 * The code exchange (`grant_type=authorization_code`). Refusals become {@link OAuthFlowError}s: `INVALID_CLIENT`
 * (the app is not registered or disabled), `INVALID_GRANT` (a wrong verifier, redirect URI, or a used/expired code).
 */
export async function exchangeCode(
  exchange: TokenExchange,
  p: { clientId: string; redirectUri: string; code: string; verifier: string },
): Promise<{ status: number; body: unknown }> {
  const res = await exchange.token(
    new URLSearchParams({ grant_type: 'authorization_code', client_id: p.clientId, redirect_uri: p.redirectUri, code: p.code, code_verifier: p.verifier }),
  );
  if (res.status >= 200 && res.status < 300) return res;
  const err = tokenError(res.body);
  if (err.error === 'invalid_client') throw new OAuthFlowError('INVALID_CLIENT', 'Looker does not know this OAuth client.', err.description);
  if (res.status === 400 || res.status === 401) {
    throw new OAuthFlowError('INVALID_GRANT', 'Looker refused the sign-in code.', err.description);
  }
  throw httpError(res.status, res.body, 'POST', '/api/token');
}
