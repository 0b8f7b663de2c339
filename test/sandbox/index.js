// @ts-check
/**
 * The sandbox Looker API 4.0 server: a plain Node `http` server on 127.0.0.1 that answers like a Looker instance.
 * See README.md next to this file. Usage from tests:
 *
 *   const { startSandbox } = require('./test/sandbox');
 *   const sb = await startSandbox({ users: 200, seed: 1 });
 *   // sb.url, sb.clientId, sb.clientSecret, sb.nonAdmin, sb.requests, sb.addRule(...), await sb.close()
 */
const http = require('http');
const { Db, buildRoutes, errorBody, HttpError, RELEASES } = require('./api');
const { prng, randomToken } = require('./seed');
const { createOauth } = require('./oauth');

/**
 * @typedef {{ requestsPerSecond: number, burst?: number }} RateLimit
 * @typedef {{ rateLimit?: RateLimit | null, latencyMs?: number, share503?: number, shareDrop?: number }} Faults
 * @typedef {{ port?: number, users?: number, seed?: number, tokenTtlSeconds?: number, quiet?: boolean, lookerVersion?: string, now?: () => number } & Faults} SandboxOptions
 *   `now`: the clock of the rate limiter's token bucket (tests inject a fake one); Date.now by default.
 * @typedef {{ method?: string, path?: RegExp | string, status?: number, body?: unknown, times?: number, hang?: boolean,
 *   drop?: boolean, retryAfter?: number | string, afterAction?: boolean }} Rule
 * @typedef {{ time: string, method: string, path: string, apiPath: string, query: Record<string, string>, body: unknown,
 *   status: number | null, auth: 'admin' | 'nonadmin' | 'sudo' | null, op: string | null, ms: number | null,
 *   writesInFlight?: number }} LoggedRequest
 * @typedef {{
 *   url: string, port: number, clientId: string, clientSecret: string, nonAdmin: { clientId: string, clientSecret: string },
 *   requests: LoggedRequest[], clearLog(): void, revokeAllTokens(): void, setFaults(f: Faults): void, addRule(rule: Rule): void,
 *   clearRules(): void, db: import('./api').Db, routes: import('./api').Route[], close(): Promise<void>,
 *   oauth: ReturnType<typeof import('./oauth').createOauth>
 * }} Sandbox
 */

const API_PREFIX = '/api/4.0';
/** Operations sent with POST or DELETE that change no Looker data: a session's login and logout, a query run. */
const READS_AND_SESSIONS = new Set(['login', 'login_user', 'logout', 'run_inline_query']);
const MAX_BODY = 1024 * 1024;

/**
 * Starts a sandbox server.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
  const opts = {
    port: 0, users: 2000, seed: 1, tokenTtlSeconds: 3600, quiet: true, rateLimit: null, latencyMs: 0, share503: 0, shareDrop: 0,
    ...options,
  };
  /** @type {Required<Faults>} */
  const faults = { rateLimit: opts.rateLimit ?? null, latencyMs: opts.latencyMs ?? 0, share503: opts.share503 ?? 0, shareDrop: opts.shareDrop ?? 0 };
  const faultRand = prng((opts.seed ?? 1) * 31 + 7);
  const bucketNow = opts.now ?? Date.now;
  let bucket = { tokens: 0, at: bucketNow() };
  const resetBucket = () => {
    bucket = { tokens: faults.rateLimit ? (faults.rateLimit.burst ?? Math.max(1, faults.rateLimit.requestsPerSecond)) : 0, at: bucketNow() };
  };
  resetBucket();

  /** @type {LoggedRequest[]} */
  const requests = [];
  /** API writes (changes: not GET, not READS_AND_SESSIONS) received and not yet answered: each one's log entry records how many were open with it. */
  let writesOpen = 0;
  /** @type {(Rule & { remaining: number })[]} */
  let rules = [];
  /** @type {Map<string, import('./api').TokenInfo>} */
  const tokens = new Map();
  /** Every access token ever issued (survives revocation), for secret-hygiene tests: GET /__sandbox/tokens. */
  const issued = [];
  /** @type {Set<import('net').Socket>} */
  const sockets = new Set();

  const server = http.createServer();
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(undefined));
  });
  const addr = /** @type {import('net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${addr.port}`;
  let db;
  try {
    db = new Db({ users: opts.users, seed: opts.seed, baseUrl: url, lookerVersion: opts.lookerVersion });
  } catch (e) {
    server.close();
    throw e;
  }
  const adminUser = db.user('1');
  const readerUser = db.user('2');
  const adminKey = adminUser.credentials_api3[0];
  const readerKey = readerUser.credentials_api3[0];

  /** @param {import('./seed').SeedUser} u */
  const authLabel = (u) => (db.isAdmin(u) ? 'admin' : 'nonadmin');

  const oauth = createOauth({ db, tokens, issued, isAdmin: (u) => db.isAdmin(u), accessTtlSeconds: opts.tokenTtlSeconds });
  const routes = buildRoutes(db, {
    login(ctx) {
      const form = /** @type {Record<string, string>} */ (ctx.body && typeof ctx.body === 'object' ? ctx.body : {});
      const id = form.client_id ?? ctx.query.client_id;
      const secret = form.client_secret ?? ctx.query.client_secret;
      const owner = typeof id === 'string' && typeof secret === 'string'
        ? db.users.find((u) => !u.is_disabled && u.credentials_api3.some((c) => c.client_id === id && c.client_secret === secret && !c.is_disabled))
        : undefined;
      if (!owner) throw new HttpError(404, 'Not found');
      const token = randomToken(40);
      issued.push(token);
      tokens.set(token, { actorId: owner.id, apiUserId: owner.id, auth: authLabel(owner), expiresAt: Date.now() + opts.tokenTtlSeconds * 1000, parent: null });
      db.apiActivity.set(owner.id, Date.now()); // System Activity records API use
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: opts.tokenTtlSeconds, refresh_token: null } };
    },
    loginUser(ctx, target) {
      const info = /** @type {import('./api').TokenInfo} */ (ctx.tokenInfo);
      const token = randomToken(40);
      issued.push(token);
      tokens.set(token, { actorId: target.id, apiUserId: info.apiUserId, auth: 'sudo', expiresAt: Date.now() + opts.tokenTtlSeconds * 1000, parent: ctx.token });
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: opts.tokenTtlSeconds, refresh_token: null } };
    },
    logout(ctx) {
      if (ctx.token) tokens.delete(ctx.token);
      return { status: 204 };
    },
  });
  routes.push(...oauth.routes);

  /**
   * @param {http.ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers]
   */
  function send(res, status, body, headers = {}) {
    if (res.headersSent || res.destroyed) return;
    if (status === 204 || body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  /** @param {string} path after /api/4.0 @param {string} method */
  function matchRoute(path, method) {
    let pathMatched = false;
    for (const r of routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      /** @type {Record<string, string>} */
      const params = {};
      r.keys.forEach((k, i) => { params[k] = safeDecode(m[i + 1]); });
      return { route: r, params, pathMatched };
    }
    return { route: null, params: {}, pathMatched };
  }

  /** @param {Rule} rule @param {string} method @param {string} apiPath */
  function ruleMatches(rule, method, apiPath) {
    if (rule.method && rule.method.toUpperCase() !== method) return false;
    if (rule.path === undefined || rule.path === '') return true;
    if (rule.path instanceof RegExp) return rule.path.test(apiPath) || rule.path.test(`${API_PREFIX}${apiPath}`);
    const p = rule.path.startsWith(API_PREFIX) ? rule.path.slice(API_PREFIX.length) : rule.path;
    return apiPath === p || apiPath.startsWith(p.endsWith('/') ? p : `${p}/`);
  }

  function takeRateToken() {
    const rl = faults.rateLimit;
    if (!rl || !(rl.requestsPerSecond > 0)) return 0;
    const burst = rl.burst ?? Math.max(1, rl.requestsPerSecond);
    const now = bucketNow();
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rl.requestsPerSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rl.requestsPerSecond));
  }

  /** @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
  function readBody(req) {
    return new Promise((resolve, reject) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new HttpError(400, 'Request body too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const method = (req.method ?? 'GET').toUpperCase();
    const u = new URL(req.url ?? '/', url);
    const pathname = u.pathname;
    const rawQuery = u.search.startsWith('?') ? u.search.slice(1) : '';
    /** @type {Record<string, string>} */
    const query = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;

    if (pathname.startsWith('/__sandbox/')) return control(req, res, method, pathname.slice('/__sandbox/'.length));
    if (pathname === '/api/token') return tokenRequest(req, res, method, query);
    if (await oauth.web(method, pathname, query, () => readBody(req), res)) return;
    if (!(pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`))) {
      if (pathname === '/' && method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Looker (sandbox)</title><p>Looker sandbox. The API lives under /api/4.0.</p>');
        return;
      }
      return send(res, 404, errorBody(404, method, pathname));
    }
    const apiPath = pathname.slice(API_PREFIX.length) || '/';
    if (apiPath === '/swagger.json' && method === 'GET') {
      // The instance's own API spec (the swagger_url of /versions), public as on Looker: this release's parameters and fields.
      const text = releaseSpec(db.release.short);
      requests.push({ time: new Date().toISOString(), method, path: pathname, apiPath, query, body: null, status: 200, auth: null, op: 'swagger', ms: 0 });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }

    let raw;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    /** @type {unknown} */
    let body = null;
    let badBody = false;
    if (raw.length) {
      const text = raw.toString('utf8');
      if (contentType.includes('application/x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(text));
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
          badBody = true;
        }
      }
    }
    const { route, params } = matchRoute(apiPath, method);
    /** @type {LoggedRequest} */
    const entry = { time: new Date().toISOString(), method, path: pathname, apiPath, query: redact(query), body: redact(body),
      status: null, auth: null, op: route ? route.op : null, ms: null };
    const started = performance.now();
    requests.push(entry);
    if (method !== 'GET' && !READS_AND_SESSIONS.has(entry.op ?? '')) {
      // Counted from arrival until the response is finished or its socket closed (a drop, a client that gave up).
      writesOpen++;
      entry.writesInFlight = writesOpen;
      res.once('close', () => writesOpen--);
    }
    const specPath = route ? route.path : apiPath;
    /** @param {number} status @param {unknown} b @param {Record<string, string>} [h] */
    const reply = (status, b, h) => {
      entry.status = status;
      send(res, status, b, h);
      entry.ms = Math.round((performance.now() - started) * 1000) / 1000;
    };
    const drop = () => {
      entry.status = 0;
      req.socket.destroy();
    };

    // 1. test rules
    const rule = rules.find((r) => r.remaining > 0 && ruleMatches(r, method, apiPath));
    // afterAction: the server does the work, then its answer is lost (hang or drop): a timeout after Looker acted.
    const late = rule && rule.afterAction && (rule.hang || rule.drop) ? rule : undefined;
    if (late) late.remaining--;
    if (rule && !late) {
      rule.remaining--;
      if (rule.drop) return drop();
      if (rule.hang) return; // never answered; close() destroys the socket
      const status = rule.status ?? 500;
      /** @type {Record<string, string>} */
      const h = {};
      if (rule.retryAfter !== undefined) h['Retry-After'] = String(rule.retryAfter);
      if (status === 204) return reply(204, undefined, h);
      return reply(status, rule.body ?? errorBody(status, method, specPath), h);
    }
    // 2. rate limit and random faults
    const wait = takeRateToken();
    if (wait > 0) return reply(429, errorBody(429, method, specPath, 'Too Many Requests'), { 'Retry-After': String(wait) });
    if (faults.shareDrop > 0 && faultRand.next() < faults.shareDrop) return drop();
    if (faults.share503 > 0 && faultRand.next() < faults.share503) return reply(503, errorBody(503, method, specPath));
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));

    // 3. routing and authentication
    if (!route) return reply(404, errorBody(404, method, specPath, 'Not found'));
    /** @type {import('./api').Ctx} */
    const ctx = { route, params, query, rawQuery, body, actor: null, apiUser: null, admin: false, token: null, tokenInfo: null, pathname };
    if (!route.public) {
      const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
      const info = m ? tokens.get(m[1]) : undefined;
      if (m && info && info.expiresAt <= Date.now()) tokens.delete(m[1]);
      const actor = info && info.expiresAt > Date.now() ? db.byId.get(info.actorId) : undefined;
      if (!m || !info || !actor || actor.is_disabled || info.expiresAt <= Date.now()) {
        return reply(401, errorBody(401, method, specPath, 'Requires authentication.'));
      }
      entry.auth = info.auth;
      Object.assign(ctx, { actor, apiUser: db.byId.get(info.apiUserId) ?? null, admin: db.isAdmin(actor), token: m[1], tokenInfo: info });
    }
    if (badBody) return reply(400, errorBody(400, method, specPath, 'Request body is not valid JSON.'));
    try {
      const out = await route.handler(ctx);
      if (late) {
        entry.status = out.status;
        if (late.drop) return drop();
        return; // acted, never answered
      }
      return reply(out.status, out.body, out.headers);
    } catch (e) {
      if (e instanceof HttpError) return reply(e.status, errorBody(e.status, method, specPath, e.message, e.errors));
      if (!opts.quiet) console.error('[sandbox] handler error', e);
      return reply(500, errorBody(500, method, specPath, 'Internal Server Error'));
    }
  }

  /**
   * POST /api/token on the API server (OAuth code exchange and refresh; see oauth.js). Logged like API calls, with
   * codes, verifiers and tokens masked.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} method @param {Record<string, string>} query
   */
  async function tokenRequest(req, res, method, query) {
    let raw;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    /** @type {LoggedRequest} */
    const entry = { time: new Date().toISOString(), method, path: '/api/token', apiPath: '/api/token', query: redact(query), body: null,
      status: null, auth: null, op: 'oauth_token', ms: null };
    requests.push(entry);
    if (method !== 'POST') {
      entry.status = 405;
      return send(res, 405, { error: 'invalid_request', error_description: 'Use POST' }, { Allow: 'POST' });
    }
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!type.includes('application/x-www-form-urlencoded')) {
      entry.status = 400;
      return send(res, 400, { error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded' });
    }
    const form = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    entry.body = redact(form);
    const out = oauth.token(form);
    entry.status = out.status;
    send(res, out.status, out.body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} method @param {string} what */
  async function control(req, res, method, what) {
    let body = {};
    try {
      const raw = await readBody(req);
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      return send(res, 400, { message: 'invalid JSON' });
    }
    const key = `${method} ${what.replace(/\/$/, '')}`;
    switch (key) {
      case 'POST faults':
        sandbox.setFaults(/** @type {Faults} */ (body));
        return send(res, 200, { ...faults });
      case 'GET faults':
        return send(res, 200, { ...faults });
      case 'POST rules': {
        const b = /** @type {Rule & { path?: string }} */ (body);
        sandbox.addRule({ ...b, path: typeof b.path === 'string' && b.path ? new RegExp(b.path) : undefined });
        return send(res, 200, { rules: rules.length });
      }
      case 'DELETE rules':
        sandbox.clearRules();
        return send(res, 204, undefined);
      case 'POST revoke':
        sandbox.revokeAllTokens();
        return send(res, 204, undefined);
      case 'GET requests':
        return send(res, 200, requests);
      case 'GET tokens':
        return send(res, 200, issued);
      case 'DELETE requests':
        sandbox.clearLog();
        return send(res, 204, undefined);
      default: {
        const out = oauth.control(key, body);
        if (out) return send(res, out.status, out.body);
        return send(res, 404, { message: `unknown control endpoint ${key}` });
      }
    }
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req, res) => {
    handle(req, res).catch((e) => {
      if (!opts.quiet) console.error('[sandbox]', e);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error', documentation_url: null });
    });
  });

  /** @type {Sandbox} */
  const sandbox = {
    url,
    port: addr.port,
    clientId: adminKey.client_id,
    clientSecret: adminKey.client_secret,
    nonAdmin: { clientId: readerKey.client_id, clientSecret: readerKey.client_secret },
    requests,
    db,
    routes,
    oauth,
    clearLog() {
      requests.length = 0;
    },
    revokeAllTokens() {
      tokens.clear();
    },
    setFaults(f) {
      if ('rateLimit' in f) faults.rateLimit = f.rateLimit && f.rateLimit.requestsPerSecond > 0 ? { ...f.rateLimit } : null;
      if (typeof f.latencyMs === 'number') faults.latencyMs = Math.max(0, f.latencyMs);
      if (typeof f.share503 === 'number') faults.share503 = Math.min(1, Math.max(0, f.share503));
      if (typeof f.shareDrop === 'number') faults.shareDrop = Math.min(1, Math.max(0, f.shareDrop));
      resetBucket();
    },
    addRule(rule) {
      rules.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clearRules() {
      rules = [];
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
  return sandbox;
}

/** @type {Map<string, string>} */
const specs = new Map();

/**
 * The API spec an instance of `short` release serves: the in-repo 26.12 spec, narrowed for an older release to the
 * search_users / search_users_names parameters and User properties it has (src/looker/api-surface.json).
 * @param {string} short
 */
function releaseSpec(short) {
  let text = specs.get(short);
  if (text === undefined) {
    const fs = require('fs');
    const path = require('path');
    const spec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'looker-api', 'Looker.4.0.oas.json'), 'utf8'));
    const surface = require('../../src/looker/api-surface.json').releases[short];
    const keepParams = (/** @type {any} */ op, /** @type {string[]} */ names) => {
      op.parameters = op.parameters.filter((/** @type {any} */ p) => p.in !== 'query' || names.includes(p.name));
    };
    keepParams(spec.paths['/users/search'].get, surface.searchUsers);
    keepParams(spec.paths['/users/search/names/{pattern}'].get, surface.searchUsersNames);
    const props = spec.components.schemas.User.properties;
    for (const k of Object.keys(props)) if (!(k in surface.user)) delete props[k];
    // Service accounts (alpha) came with User.is_service_account: a release without that field has no such endpoints.
    if (!('is_service_account' in surface.user)) {
      delete spec.paths['/users/service_accounts'];
      delete spec.paths['/users/service_accounts/{user_id}'];
    }
    spec.info.version = RELEASES[short].api;
    text = JSON.stringify(spec);
    specs.set(short, text);
  }
  return text;
}

/** Log-safe copy: client_secret values are masked. @param {unknown} v @returns {any} */
function redact(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  /** @type {Record<string, unknown>} */
  const out = { ...v };
  for (const k of ['client_secret', 'code', 'code_verifier', 'refresh_token', 'password']) if (k in out) out[k] = '***';
  return out;
}

/** @param {string} s */
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

module.exports = { startSandbox };
