/**
 * `LookerClient`'s endpoints about the instance itself and who is signed in: the connection test, the browser
 * sign-in (code exchange, OAuth client probe and registration), `/versions`, the web server URL, what the instance's
 * API accepts ({@link InstanceEndpoints.apiSurface}) and the API user (`me`).
 */
import type { IApiVersion, IOauthClientApp, IUser } from '@looker/sdk';
import { builtinSurface, surfaceFromSpec, type ApiSurface } from '../apiSurface';
import { LookerApiError } from '../errors';
import { LookerHttp, seg, type Req } from '../http';
import { exchangeCode } from '../oauth';
import { PromiseCache } from '../../util/promiseCache';

/** What instances accept, per Looker release (`looker_release_version`): one spec download per release. */
const SURFACES = new PromiseCache<ApiSurface>();

/** Endpoints of the instance and the signed-in API user; see client.ts for how the endpoint classes stack. */
export abstract class InstanceEndpoints extends LookerHttp {
  /** This client's {@link apiSurface}: one read shared by every caller; a failed read is forgotten. */
  private readonly surface = new PromiseCache<ApiSurface>();

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
      { token: (form) => this.tokenRequest(form), logout: async () => ({ status: 204, body: undefined }) },
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
    // Shared by every caller, so no caller's signal cancels it (each request still has its timeout). A failed read
    // answers with the built-in lists and is forgotten, so the next call reads again.
    return this.surface.get('', () =>
      this.loadSurface().catch((e) => {
        this.surface.delete('');
        this.log(`Reading what this Looker instance supports failed (${e instanceof Error ? e.message : String(e)}); assuming the current release`);
        return builtinSurface(undefined);
      }),
    );
  }

  private async loadSurface(): Promise<ApiSurface> {
    const v = await this.versions();
    const release = v?.looker_release_version ?? '';
    const read = () => {
      const entry = [v?.current_version, ...(v?.supported_versions ?? [])].find((x) => x?.version === '4.0' && x.swagger_url);
      return this.readSpec(entry?.swagger_url ?? '', release);
    };
    return release ? SURFACES.get(release, read) : read();
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

  me(fields?: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'GET', path: '/user', query: { fields }, signal });
  }
}
