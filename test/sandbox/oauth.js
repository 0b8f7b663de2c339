// @ts-check
// OAuth 2 (authorization code + PKCE) in the sandbox: the OauthClientApp endpoints of API 4.0, the web server's
// `/auth` sign-in page and the API server's `/api/token`. See README.md ("Sign in with Looker") for the sources.
const crypto = require('crypto');
const Q = require('./query');
const { randomToken } = require('./seed');

const { HttpError } = Q;
/** Every seeded user with an email credential signs in on `/auth` with this password. */
const SANDBOX_PASSWORD = 'sandbox-password';
/** RFC 7636 §4.1: 43…128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * @typedef {import('./api').Ctx} Ctx
 * @typedef {import('./api').Route} Route
 * @typedef {import('./api').Reply} Reply
 * @typedef {import('./api').TokenInfo} TokenInfo
 * @typedef {import('./seed').SeedUser} SeedUser
 * @typedef {{ client_guid: string, redirect_uri: string, display_name: string, description: string, enabled: boolean,
 *   group_id: string | null, tokens_invalid_before: string, activated: Set<string> }} App
 * @typedef {{ guid: string, userId: string, redirectUri: string, challenge: string, expiresAt: number, used: boolean }} Code
 * @typedef {{ guid: string, userId: string, expiresAt: number, accessTokens: Set<string> }} Refresh
 * @typedef {{ accessTtlSeconds: number, refreshTtlSeconds: number, codeTtlSeconds: number }} OauthKnobs
 */

/**
 * @param {{ db: import('./api').Db, tokens: Map<string, TokenInfo>, issued: string[], isAdmin: (u: SeedUser) => boolean,
 *   accessTtlSeconds: number }} env
 */
function createOauth(env) {
  const { db, tokens, issued } = env;
  /** @type {Map<string, App>} */
  const apps = new Map();
  /** @type {Map<string, Code>} */
  const codes = new Map();
  /** @type {Map<string, Refresh>} */
  const refreshTokens = new Map();
  /** access token → app guid and user, for invalidation */
  /** @type {Map<string, { guid: string, userId: string }>} */
  const accessOwners = new Map();
  /** Every code and refresh token ever issued (for secret-hygiene tests). @type {string[]} */
  const issuedSecrets = [];
  /** @type {OauthKnobs} */
  const knobs = { accessTtlSeconds: env.accessTtlSeconds, refreshTtlSeconds: 30 * 24 * 3600, codeTtlSeconds: 300 };
  /** Token requests answered, for tests (grant type and outcome). @type {{ grant: string, status: number, error?: string }[]} */
  const tokenLog = [];

  // -------------------------------------------------------------------------------------------------------------
  // Revocation

  /** @param {(r: { guid: string, userId: string }) => boolean} pred */
  function revoke(pred) {
    for (const [c, v] of codes) if (pred(v)) codes.delete(c);
    for (const [t, v] of refreshTokens) if (pred(v)) refreshTokens.delete(t);
    for (const [t, v] of accessOwners) {
      if (pred(v)) {
        tokens.delete(t);
        accessOwners.delete(t);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // API 4.0 routes (same shape as api.js's route table)

  /** @param {App} a @param {Ctx} ctx */
  function appJson(a, ctx) {
    const users = [...a.activated].map((id) => db.byId.get(id)).filter((u) => !!u).map((u) => {
      const user = /** @type {SeedUser} */ (u);
      return {
        can: {}, id: user.id, first_name: user.first_name ?? '', last_name: user.last_name ?? '',
        display_name: user.first_name && user.last_name ? `${user.first_name} ${user.last_name}` : null,
        avatar_url: `${db.baseUrl}/avatar/${user.id}`, url: `${db.baseUrl}/api/4.0/users/${user.id}`,
      };
    });
    return {
      can: { index: true, show: true, create: ctx.admin, update: ctx.admin, destroy: ctx.admin },
      client_guid: a.client_guid, redirect_uri: a.redirect_uri, display_name: a.display_name, description: a.description,
      enabled: a.enabled, group_id: a.group_id, tokens_invalid_before: a.tokens_invalid_before, activated_users: users,
    };
  }
  /** @param {Ctx} ctx @param {unknown} value @returns {Reply} */
  const ok = (ctx, value) => ({ status: 200, body: Q.applyFields(value, Q.parseFields(ctx.query.fields)) });
  /** @param {Ctx} ctx */
  const requireAdmin = (ctx) => {
    if (!ctx.admin) throw new HttpError(404, 'Not found'); // these operations declare no 403
  };
  /** @param {Ctx} ctx */
  const appOf = (ctx) => {
    const a = apps.get(ctx.params.client_guid);
    if (!a) throw new HttpError(404, 'Not found');
    return a;
  };
  /** @param {Ctx} ctx @param {boolean} creating */
  function writeBody(ctx, creating) {
    const b = ctx.body;
    if (b === null || b === undefined || typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'Request body must be a JSON object.');
    const body = /** @type {Record<string, unknown>} */ (b);
    /** @type {{ field: string, code: string, message: string }[]} */
    const errors = [];
    for (const f of ['redirect_uri', 'display_name', 'description']) {
      if (f in body && typeof body[f] !== 'string') errors.push({ field: f, code: 'invalid', message: `${f} must be a string` });
    }
    if ('enabled' in body && typeof body.enabled !== 'boolean') errors.push({ field: 'enabled', code: 'invalid', message: 'enabled must be a boolean' });
    if ('group_id' in body && body.group_id !== null && typeof body.group_id !== 'string') errors.push({ field: 'group_id', code: 'invalid', message: 'group_id must be a string' });
    if (typeof body.group_id === 'string' && !db.groups.some((g) => g.id === body.group_id)) errors.push({ field: 'group_id', code: 'not_found', message: 'Group not found' });
    const uri = body.redirect_uri;
    if (typeof uri === 'string') {
      let parsed;
      try {
        parsed = new URL(uri);
      } catch {
        parsed = null;
      }
      if (!parsed || parsed.hash) errors.push({ field: 'redirect_uri', code: 'invalid', message: 'redirect_uri must be an absolute URI without a fragment' });
    } else if (creating) errors.push({ field: 'redirect_uri', code: 'missing', message: 'redirect_uri is required' });
    if (creating && typeof body.display_name !== 'string') errors.push({ field: 'display_name', code: 'missing', message: 'display_name is required' });
    if (errors.length) throw new HttpError(422, 'Validation Failed', errors);
    return body;
  }

  /** @type {Route[]} */
  const routes = [];
  /** @param {string} op @param {string} method @param {string} path @param {Route['handler']} handler */
  const add = (op, method, path, handler) => {
    /** @type {string[]} */
    const keys = [];
    const src = path.replace(/\{(\w+)\}/g, (_, k) => { keys.push(k); return '([^/]+)'; });
    routes.push({ op, method, path, re: new RegExp(`^${src}$`), keys, handler });
  };
  add('all_oauth_client_apps', 'GET', '/oauth_client_apps', (ctx) => {
    requireAdmin(ctx);
    return ok(ctx, [...apps.values()].map((a) => appJson(a, ctx)));
  });
  add('oauth_client_app', 'GET', '/oauth_client_apps/{client_guid}', (ctx) => {
    requireAdmin(ctx);
    return ok(ctx, appJson(appOf(ctx), ctx));
  });
  add('register_oauth_client_app', 'POST', '/oauth_client_apps/{client_guid}', (ctx) => {
    requireAdmin(ctx);
    const guid = ctx.params.client_guid;
    if (apps.has(guid)) throw new HttpError(409, 'An OAuth client app with this client_guid already exists.');
    const b = writeBody(ctx, true);
    /** @type {App} */
    const a = {
      client_guid: guid, redirect_uri: String(b.redirect_uri), display_name: String(b.display_name),
      description: typeof b.description === 'string' ? b.description : '', enabled: b.enabled !== false,
      group_id: typeof b.group_id === 'string' ? b.group_id : null, tokens_invalid_before: new Date(0).toISOString(), activated: new Set(),
    };
    apps.set(guid, a);
    return ok(ctx, appJson(a, ctx));
  });
  add('update_oauth_client_app', 'PATCH', '/oauth_client_apps/{client_guid}', (ctx) => {
    requireAdmin(ctx);
    const a = appOf(ctx);
    const b = writeBody(ctx, false);
    if (typeof b.redirect_uri === 'string') a.redirect_uri = b.redirect_uri;
    if (typeof b.display_name === 'string') a.display_name = b.display_name;
    if (typeof b.description === 'string') a.description = b.description;
    if ('group_id' in b) a.group_id = typeof b.group_id === 'string' ? b.group_id : null;
    if (typeof b.enabled === 'boolean') {
      // "Setting disabled invalidates existing tokens." (OauthClientApp.enabled)
      if (a.enabled && !b.enabled) revoke((r) => r.guid === a.client_guid);
      a.enabled = b.enabled;
    }
    return ok(ctx, appJson(a, ctx));
  });
  add('delete_oauth_client_app', 'DELETE', '/oauth_client_apps/{client_guid}', (ctx) => {
    requireAdmin(ctx);
    const a = appOf(ctx);
    revoke((r) => r.guid === a.client_guid);
    apps.delete(a.client_guid);
    return { status: 204 };
  });
  add('invalidate_tokens', 'DELETE', '/oauth_client_apps/{client_guid}/tokens', (ctx) => {
    requireAdmin(ctx);
    const a = appOf(ctx);
    revoke((r) => r.guid === a.client_guid);
    a.tokens_invalid_before = new Date().toISOString();
    return { status: 204 };
  });
  add('activate_app_user', 'POST', '/oauth_client_apps/{client_guid}/users/{user_id}', (ctx) => {
    const a = appOf(ctx);
    const u = db.user(ctx.params.user_id);
    if (!ctx.admin && ctx.actor?.id !== u.id) throw new HttpError(404, 'Not found');
    a.activated.add(u.id);
    return { status: 204 };
  });
  add('deactivate_app_user', 'DELETE', '/oauth_client_apps/{client_guid}/users/{user_id}', (ctx) => {
    // "does not return an error if the indicated resource (app or user) does not exist or has already been deactivated"
    const a = apps.get(ctx.params.client_guid);
    const uid = ctx.params.user_id;
    if (!ctx.admin && ctx.actor?.id !== uid) throw new HttpError(404, 'Not found');
    if (a) {
      a.activated.delete(uid);
      revoke((r) => r.guid === a.client_guid && r.userId === uid);
    }
    return { status: 204 };
  });

  // -------------------------------------------------------------------------------------------------------------
  // Web server: /auth

  /** @param {string} s */
  const esc = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  /**
   * @param {import('http').ServerResponse} res @param {number} status @param {string} title @param {string} inner
   */
  function page(res, status, title, inner) {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width"><style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input[type=email],input[type=password]{width:100%;padding:.4rem}
.buttons{margin-top:1.2rem;display:flex;gap:.6rem}.error{color:#b00020}</style></head><body>${inner}</body></html>`;
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(html)),
      'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' });
    res.end(html);
  }

  /** @param {import('http').ServerResponse} res @param {string} to */
  function redirect(res, to) {
    res.writeHead(302, { Location: to, 'Cache-Control': 'no-store' });
    res.end();
  }

  /** @param {string} base @param {Record<string, string | undefined>} params */
  function withQuery(base, params) {
    const u = new URL(base);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /**
   * Checks an authorization request. Errors about the client or the redirect URI are shown on the page (never
   * redirected: RFC 6749 §4.1.2.1); the others go back to the app as `error=…&state=…`.
   * @param {Record<string, string>} p
   * @returns {{ page: string } | { redirect: string } | { app: App }}
   */
  function checkRequest(p) {
    const app = p.client_id ? apps.get(p.client_id) : undefined;
    if (!app) return { page: `No application is registered on this Looker instance with the client ID "${p.client_id ?? ''}". Ask a Looker admin to register it.` };
    if (!app.enabled) return { page: `The application "${app.display_name}" is disabled on this Looker instance.` };
    if (!p.redirect_uri || p.redirect_uri !== app.redirect_uri) {
      return { page: `The redirect URI of this request does not match the one registered for "${app.display_name}"; the request was refused.` };
    }
    /** @param {string} error @param {string} description */
    const back = (error, description) => ({ redirect: withQuery(app.redirect_uri, { error, error_description: description, state: p.state }) });
    if (p.response_type !== 'code') return back('unsupported_response_type', 'response_type must be code');
    if (p.scope !== 'cors_api') return back('invalid_scope', 'scope must be cors_api');
    if (!p.code_challenge || p.code_challenge_method !== 'S256') return back('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    if (!/^[A-Za-z0-9\-_]{43}$/.test(p.code_challenge)) return back('invalid_request', 'code_challenge is not a base64url SHA-256 value');
    return { app };
  }

  const FIELDS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'];

  /** @param {import('http').ServerResponse} res @param {App} app @param {Record<string, string>} p @param {string} [error] @param {string} [email] */
  function signInPage(res, app, p, error, email) {
    const hidden = FIELDS.filter((f) => p[f] !== undefined).map((f) => `<input type="hidden" name="${f}" value="${esc(p[f])}">`).join('');
    page(res, error ? 401 : 200, 'Sign in to Looker', `<h1>Looker (sandbox)</h1>
<p><b>${esc(app.display_name)}</b> wants to use the Looker API as you.</p>${app.description ? `<p>${esc(app.description)}</p>` : ''}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="auth">${hidden}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" value="${esc(email ?? '')}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<div class="buttons"><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div></form>`);
  }

  /**
   * Handles `/auth` (GET: the page; POST: sign-in and consent). Returns false for other paths.
   * @param {string} method @param {string} pathname @param {Record<string, string>} query @param {() => Promise<Buffer>} readBody
   * @param {import('http').ServerResponse} res
   */
  async function web(method, pathname, query, readBody, res) {
    if (pathname !== '/auth') return false;
    if (method === 'GET') {
      const c = checkRequest(query);
      if ('page' in c) page(res, 400, 'Sign-in refused', `<h1>Sign-in refused</h1><p class="error" role="alert">${esc(c.page)}</p>`);
      else if ('redirect' in c) redirect(res, c.redirect);
      else signInPage(res, c.app, query);
      return true;
    }
    if (method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' });
      res.end();
      return true;
    }
    const form = Object.fromEntries(new URLSearchParams((await readBody()).toString('utf8')));
    const c = checkRequest(form);
    if ('page' in c) {
      page(res, 400, 'Sign-in refused', `<h1>Sign-in refused</h1><p class="error" role="alert">${esc(c.page)}</p>`);
      return true;
    }
    if ('redirect' in c) {
      redirect(res, c.redirect);
      return true;
    }
    const app = c.app;
    if (form.decision === 'deny') {
      redirect(res, withQuery(app.redirect_uri, { error: 'access_denied', error_description: 'The user denied access', state: form.state }));
      return true;
    }
    const email = (form.email ?? '').trim().toLowerCase();
    const user = db.users.find((u) => u.credentials_email?.email.toLowerCase() === email);
    if (!user || form.password !== SANDBOX_PASSWORD || user.is_disabled) {
      signInPage(res, app, form, 'Wrong email or password, or the account is disabled.', form.email);
      return true;
    }
    if (app.group_id && !allGroups(user).has(app.group_id)) {
      redirect(res, withQuery(app.redirect_uri, { error: 'access_denied', error_description: 'You are not in the group allowed to use this application', state: form.state }));
      return true;
    }
    app.activated.add(user.id);
    const code = randomToken(32);
    issuedSecrets.push(code);
    codes.set(code, { guid: app.client_guid, userId: user.id, redirectUri: app.redirect_uri, challenge: form.code_challenge,
      expiresAt: Date.now() + knobs.codeTtlSeconds * 1000, used: false });
    redirect(res, withQuery(app.redirect_uri, { code, state: form.state }));
    return true;
  }

  /** @param {SeedUser} u */
  function allGroups(u) {
    const out = new Set();
    for (const g of u.group_ids) for (const a of db.groupAncestors(g)) out.add(a);
    return out;
  }

  // -------------------------------------------------------------------------------------------------------------
  // API server: /api/token

  /** @param {string} guid @param {string} userId */
  function issue(guid, userId) {
    const user = db.byId.get(userId);
    const access = randomToken(40);
    issued.push(access);
    const admin = !!user && env.isAdmin(user);
    tokens.set(access, { actorId: userId, apiUserId: userId, auth: admin ? 'admin' : 'nonadmin', expiresAt: Date.now() + knobs.accessTtlSeconds * 1000, parent: null });
    accessOwners.set(access, { guid, userId });
    const refresh = randomToken(40);
    issuedSecrets.push(refresh);
    refreshTokens.set(refresh, { guid, userId, expiresAt: Date.now() + knobs.refreshTtlSeconds * 1000, accessTokens: new Set([access]) });
    return { access_token: access, token_type: 'Bearer', expires_in: knobs.accessTtlSeconds, refresh_token: refresh };
  }

  /**
   * POST /api/token (form body). Errors in the RFC 6749 §5.2 shape: `{ error, error_description }`.
   * @param {Record<string, string>} form
   * @returns {{ status: number, body: unknown }}
   */
  function token(form) {
    /** @param {number} status @param {string} error @param {string} description */
    const fail = (status, error, description) => {
      tokenLog.push({ grant: form.grant_type ?? '', status, error });
      return { status, body: { error, error_description: description } };
    };
    const app = form.client_id ? apps.get(form.client_id) : undefined;
    if (!app || !app.enabled) return fail(401, 'invalid_client', 'Unknown or disabled client_id');
    if (form.grant_type === 'authorization_code') {
      const code = form.code ? codes.get(form.code) : undefined;
      if (!code || code.guid !== app.client_guid) return fail(400, 'invalid_grant', 'The authorization code is invalid');
      if (code.used) {
        // RFC 6749 §4.1.2: a reused code is refused, and tokens issued from it should be revoked.
        codes.delete(form.code);
        revoke((r) => r.guid === code.guid && r.userId === code.userId);
        return fail(400, 'invalid_grant', 'The authorization code was already used');
      }
      code.used = true;
      if (code.expiresAt <= Date.now()) return fail(400, 'invalid_grant', 'The authorization code expired');
      if (form.redirect_uri !== code.redirectUri) return fail(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      if (!form.code_verifier || !VERIFIER_RE.test(form.code_verifier)) return fail(400, 'invalid_request', 'code_verifier is missing or malformed');
      const challenge = crypto.createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== code.challenge) return fail(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      const user = db.byId.get(code.userId);
      if (!user || user.is_disabled) return fail(400, 'invalid_grant', 'The user cannot sign in');
      tokenLog.push({ grant: 'authorization_code', status: 200 });
      return { status: 200, body: issue(app.client_guid, code.userId) };
    }
    if (form.grant_type === 'refresh_token') {
      const r = form.refresh_token ? refreshTokens.get(form.refresh_token) : undefined;
      if (!r || r.guid !== app.client_guid) return fail(400, 'invalid_grant', 'The refresh token is invalid or was revoked');
      if (r.expiresAt <= Date.now()) {
        refreshTokens.delete(/** @type {string} */ (form.refresh_token));
        return fail(400, 'invalid_grant', 'The refresh token expired');
      }
      const user = db.byId.get(r.userId);
      if (!user || user.is_disabled) return fail(400, 'invalid_grant', 'The user cannot sign in');
      // Rotation: the used refresh token is spent; the new pair replaces it.
      refreshTokens.delete(/** @type {string} */ (form.refresh_token));
      tokenLog.push({ grant: 'refresh_token', status: 200 });
      return { status: 200, body: issue(app.client_guid, r.userId) };
    }
    return fail(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  // -------------------------------------------------------------------------------------------------------------
  // Control knobs (/__sandbox/oauth…)

  /** @param {string} key "METHOD path" below /__sandbox/ @param {any} body @returns {{ status: number, body?: unknown } | null} */
  function control(key, body) {
    switch (key) {
      case 'GET oauth':
        return { status: 200, body: { ...knobs, password: SANDBOX_PASSWORD, apps: [...apps.keys()] } };
      case 'POST oauth':
        for (const k of /** @type {(keyof OauthKnobs)[]} */ (['accessTtlSeconds', 'refreshTtlSeconds', 'codeTtlSeconds'])) {
          if (typeof body[k] === 'number' && body[k] >= 0) knobs[k] = body[k];
        }
        return { status: 200, body: { ...knobs } };
      case 'POST oauth/expire-access':
        for (const t of accessOwners.keys()) {
          const info = tokens.get(t);
          if (info) info.expiresAt = Date.now() - 1;
        }
        return { status: 204 };
      case 'POST oauth/revoke-access':
        revokeAccess();
        return { status: 204 };
      case 'POST oauth/revoke-refresh':
        refreshTokens.clear();
        return { status: 204 };
      case 'POST oauth/expire-refresh':
        for (const r of refreshTokens.values()) r.expiresAt = Date.now() - 1;
        return { status: 204 };
      case 'GET oauth/secrets':
        return { status: 200, body: issuedSecrets };
      case 'GET oauth/token-log':
        return { status: 200, body: tokenLog };
      default:
        return null;
    }
  }

  function revokeAccess() {
    for (const t of accessOwners.keys()) tokens.delete(t);
    accessOwners.clear();
  }

  /** Registers an app directly (tests and the demo); same rules as register_oauth_client_app. @param {{ client_guid: string, redirect_uri: string, display_name?: string, description?: string, group_id?: string | null }} a */
  function register(a) {
    apps.set(a.client_guid, { client_guid: a.client_guid, redirect_uri: a.redirect_uri, display_name: a.display_name ?? a.client_guid,
      description: a.description ?? '', enabled: true, group_id: a.group_id ?? null, tokens_invalid_before: new Date(0).toISOString(), activated: new Set() });
  }

  return {
    routes, web, token, control, register, knobs, tokenLog, issuedSecrets, apps, password: SANDBOX_PASSWORD,
    revokeRefreshTokens: () => refreshTokens.clear(),
    expireAccessTokens: () => control('POST oauth/expire-access', {}),
    revokeAccessTokens: revokeAccess,
  };
}

module.exports = { createOauth, SANDBOX_PASSWORD };
