// @ts-check
// Behaviour of the sandbox: auth, search semantics, paging headers, fields, errors, faults, seed data, CLI, speed.
const assert = require('assert');
const path = require('path');
const { spawn } = require('child_process');
const { startSandbox } = require('./index');
const { generate } = require('./seed');
const { call, login } = require('./helpers');

describe('sandbox: auth', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  before(async () => {
    sb = await startSandbox({ users: 60, seed: 1, tokenTtlSeconds: 1 });
  });
  after(() => sb.close());

  it('form login and the legacy query login both give an AccessToken; many live tokens per key', async () => {
    const a = await call(sb.url, 'POST', '/login', { form: { client_id: sb.clientId, client_secret: sb.clientSecret } });
    const b = await call(sb.url, 'POST', '/login', { query: { client_id: sb.clientId, client_secret: sb.clientSecret } });
    assert.strictEqual(a.status, 200);
    assert.strictEqual(b.status, 200);
    assert.strictEqual(a.body.token_type, 'Bearer');
    assert.strictEqual(a.body.expires_in, 1);
    assert.notStrictEqual(a.body.access_token, b.body.access_token);
    for (const t of [a.body.access_token, b.body.access_token]) assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 200);
  });

  it('wrong key → 404 Error body; no/invalid token → 401 Requires authentication.; both auth schemes work', async () => {
    const bad = await call(sb.url, 'POST', '/login', { form: { client_id: sb.clientId, client_secret: 'nope' } });
    assert.deepStrictEqual(bad.body, { message: 'Not found', documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/404/post/login' });
    const none = await call(sb.url, 'GET', '/users/5');
    assert.strictEqual(none.status, 401);
    assert.deepStrictEqual(none.body, { message: 'Requires authentication.', documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/401/get/users/:user_id' });
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: 'made-up' })).status, 401);
    const t = await login(sb.url, sb.clientId, sb.clientSecret);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t, scheme: 'token' })).status, 200);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t, scheme: 'BEARER' })).status, 200);
  });

  it('tokens expire after the configured lifetime', async () => {
    const t = await login(sb.url, sb.clientId, sb.clientSecret);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 401);
  });

  it('logout ends only the presented token; a sudo token acts as the target and its logout leaves the API token', async () => {
    const api = await login(sb.url, sb.clientId, sb.clientSecret);
    const other = await login(sb.url, sb.clientId, sb.clientSecret);
    const sudo = await call(sb.url, 'POST', '/login/14', { token: api });
    assert.strictEqual(sudo.status, 200);
    const me = await call(sb.url, 'GET', '/user', { token: sudo.body.access_token, query: { fields: 'id' } });
    assert.deepStrictEqual(me.body, { id: '14' });
    assert.strictEqual(sb.requests.at(-1)?.auth, 'sudo');
    assert.strictEqual((await call(sb.url, 'DELETE', '/logout', { token: sudo.body.access_token })).status, 204);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: sudo.body.access_token })).status, 401);
    assert.deepStrictEqual((await call(sb.url, 'GET', '/user', { token: api, query: { fields: 'id' } })).body, { id: '1' });
    assert.strictEqual((await call(sb.url, 'DELETE', '/logout', { token: api })).status, 204);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: api })).status, 401);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: other })).status, 200);
  });

  it('the non-admin key sees the reduced view of others and gets 403 on admin-only writes', async () => {
    const t = await login(sb.url, sb.nonAdmin.clientId, sb.nonAdmin.clientSecret);
    const u = await call(sb.url, 'GET', '/users/6', { token: t });
    assert.deepStrictEqual(Object.keys(u.body).sort(), ['avatar_url', 'avatar_url_without_sizing', 'can', 'display_name', 'first_name', 'id', 'last_name', 'url']);
    assert.strictEqual(sb.requests.at(-1)?.auth, 'nonadmin');
    assert.strictEqual((await call(sb.url, 'PATCH', '/users/6', { token: t, body: { is_disabled: true } })).status, 403);
    assert.strictEqual((await call(sb.url, 'DELETE', '/users/6', { token: t })).status, 403);
    assert.strictEqual(sb.db.user('6').is_disabled, false);
  });

  it('the request log records parsed bodies and who called, and never the client secret', async () => {
    sb.clearLog();
    const t = await login(sb.url, sb.clientId, sb.clientSecret);
    await call(sb.url, 'PATCH', '/users/20', { token: t, body: { locale: 'fr', id: 'ignored', credentials_api3: [] } });
    const [lg, patch] = sb.requests;
    assert.deepStrictEqual(lg.body, { client_id: sb.clientId, client_secret: '***' });
    assert.strictEqual(lg.auth, null);
    assert.deepStrictEqual(patch.body, { locale: 'fr', id: 'ignored', credentials_api3: [] });
    assert.strictEqual(patch.auth, 'admin');
    assert.strictEqual(patch.status, 200);
    assert.strictEqual(sb.db.user('20').locale, 'fr');
    assert.strictEqual(sb.db.byId.has('ignored'), false);
    assert.ok(!JSON.stringify(sb.requests).includes(sb.clientSecret));
  });
});

describe('sandbox: search semantics, fields and paging headers', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  /** @type {string} */
  let t;
  before(async () => {
    sb = await startSandbox({ users: 800, seed: 5 });
    t = await login(sb.url, sb.clientId, sb.clientSecret);
  });
  after(() => sb.close());
  /** @param {Record<string, string>} q @returns {Promise<any[]>} */
  const search = async (q) => {
    const r = await call(sb.url, 'GET', '/users/search', { token: t, query: q });
    assert.strictEqual(r.status, 200, r.text);
    return r.body;
  };
  const users = () => sb.db.users;

  it('string filters: case-insensitive whole-value match without wildcards, LIKE with % and _', async () => {
    assert.deepStrictEqual((await search({ first_name: 'zOË', fields: 'id' })).map((u) => u.id), users().filter((u) => u.first_name === 'Zoë').map((u) => u.id));
    const zoe = await search({ first_name: 'Zo', fields: 'id' });
    assert.deepStrictEqual(zoe, []);
    const like = await search({ last_name: 'ång%', fields: 'id,last_name' });
    assert.ok(like.length >= 2);
    for (const u of like) assert.match(u.last_name, /^Ång/i);
    const one = await search({ first_name: 'Mi_', fields: 'first_name' });
    assert.ok(one.length > 0);
    for (const u of one) assert.strictEqual([...u.first_name].length, 3);
    assert.ok(one.some((u) => u.first_name === 'Mia'));
    assert.ok(!one.some((u) => u.first_name === 'Mei'));
    assert.deepStrictEqual(await search({ first_name: 'Bad', last_name: 'News' }), []);
    const full = await search({ full_name: 'zoë ångström-nuñez', fields: 'id' });
    assert.deepStrictEqual(full, [{ id: '14' }]);
    // special regex characters are literal
    assert.deepStrictEqual(await search({ first_name: '.*', fields: 'id' }), []);
    assert.deepStrictEqual((await search({ first_name: '<script>%', fields: 'id' })).map((u) => u.id), ['3']);
  });

  it('AND by default, OR with filter_or; id filters take comma lists; IS NULL / NOT NULL', async () => {
    const and = await search({ first_name: 'Evelyn', id: '6,7,8', fields: 'id' });
    assert.deepStrictEqual(and, [{ id: '6' }]);
    const or = await search({ first_name: 'Evelyn', id: '7,8', filter_or: 'true', fields: 'id', sorts: 'id' });
    assert.deepStrictEqual(or.map((u) => u.id).slice(0, 3), ['6', '7', '8']);
    const nulls = await search({ first_name: 'IS NULL', fields: 'id' });
    assert.deepStrictEqual(nulls.map((u) => u.id), users().filter((u) => u.first_name === null).map((u) => u.id));
    assert.ok(nulls.length > 0);
    const notNull = await search({ email: 'NOT NULL', fields: 'id', limit: '1' });
    assert.ok(notNull.length === 1);
    const grp = await search({ group_id: '6', fields: 'id,group_ids' });
    assert.ok(grp.length > 0);
    for (const u of grp) assert.ok(u.group_ids.includes('6'));
  });

  it('booleans are only true/false; anything else is a 400 with an Error body', async () => {
    const disabled = await search({ is_disabled: 'true', fields: 'id' });
    assert.strictEqual(disabled.length, users().filter((u) => u.is_disabled).length);
    const embed = await search({ embed_user: 'true', fields: 'id,credentials_embed' });
    for (const u of embed) assert.ok(u.credentials_embed.length > 0);
    const svc = await search({ is_service_account: 'true', fields: 'id,is_service_account' });
    assert.ok(svc.length > 0 && svc.every((u) => u.is_service_account));
    for (const bad of ['1', 'yes', 'TRUE', '']) {
      const r = await call(sb.url, 'GET', '/users/search', { token: t, query: { is_disabled: bad } });
      assert.strictEqual(r.status, 400, `is_disabled=${bad}`);
      assert.deepStrictEqual(Object.keys(r.body).sort(), ['documentation_url', 'message']);
    }
  });

  it('sorts with desc, ties broken by id; limit/offset win over page/per_page', async () => {
    const sorted = await search({ sorts: 'last_name desc, first_name', fields: 'id,first_name,last_name', limit: '200' });
    const key = (/** @type {any} */ u) => [(u.last_name ?? '').toLowerCase(), (u.first_name ?? '').toLowerCase()];
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [key(sorted[i - 1]), key(sorted[i])];
      assert.ok(a[0] > b[0] || (a[0] === b[0] && a[1] <= b[1]), `${a} before ${b}`);
    }
    const byPage = await search({ page: '3', per_page: '10', fields: 'id', sorts: 'id' });
    assert.deepStrictEqual(byPage.map((u) => u.id), users().slice(20, 30).map((u) => u.id));
    const both = await search({ page: '3', per_page: '10', limit: '5', offset: '2', fields: 'id', sorts: 'id' });
    assert.deepStrictEqual(both.map((u) => u.id), users().slice(2, 7).map((u) => u.id));
  });

  it('X-Total-Count and Link headers, byte for byte', async () => {
    const r = await call(sb.url, 'GET', '/users/search', { token: t, query: { fields: 'id,first_name', is_disabled: 'false', limit: '100', offset: '200' } });
    const total = users().filter((u) => !u.is_disabled).length;
    assert.strictEqual(r.headers.get('x-total-count'), String(total));
    const base = `${sb.url}/api/4.0/users/search?fields=id%2Cfirst_name&is_disabled=false`;
    const last = Math.floor((total - 1) / 100) * 100;
    assert.strictEqual(r.headers.get('link'), [
      `<${base}&limit=100&offset=0>; rel="first"`,
      `<${base}&limit=100&offset=300>; rel="next"`,
      `<${base}&limit=100&offset=100>; rel="prev"`,
      `<${base}&limit=100&offset=${last}>; rel="last"`,
    ].join(','));
    const end = await call(sb.url, 'GET', '/users/search', { token: t, query: { limit: '100', offset: String(last), fields: 'id' } });
    assert.ok(!/rel="next"/.test(end.headers.get('link') ?? '') || users().length > last + 100);
    const unpaged = await call(sb.url, 'GET', '/users/search', { token: t, query: { fields: 'id' } });
    assert.strictEqual(unpaged.headers.get('link'), null);
    assert.strictEqual(unpaged.headers.get('x-total-count'), null);
  });

  it('fields: comma list, nested parentheses, spaces tolerated, unlisted fields absent', async () => {
    const r = await call(sb.url, 'GET', '/users/6', { token: t, query: { fields: 'id, first_name,credentials_email(email, logged_in_at),credentials_api3(client_id),sessions(id)' } });
    assert.deepStrictEqual(Object.keys(r.body).sort(), ['credentials_api3', 'credentials_email', 'first_name', 'id', 'sessions']);
    assert.deepStrictEqual(Object.keys(r.body.credentials_email).sort(), ['email', 'logged_in_at']);
    for (const c of r.body.credentials_api3) assert.deepStrictEqual(Object.keys(c), ['client_id']);
    const nul = await call(sb.url, 'GET', '/users/10', { token: t, query: { fields: 'id,credentials_email(email)' } });
    assert.deepStrictEqual(nul.body, { id: '10', credentials_email: null });
  });

  it('search_users_names matches first, last or email, each on its own, never the full name (spec: search_users_names)', async () => {
    const r = await call(sb.url, 'GET', '/users/search/names/evelyn%25', { token: t, query: { fields: 'id' } });
    assert.ok(r.body.some((/** @type {any} */ u) => u.id === '6'));
    const last = await call(sb.url, 'GET', '/users/search/names/raman', { token: t, query: { fields: 'id' } });
    assert.ok(last.body.some((/** @type {any} */ u) => u.id === '15'));
    const full = await call(sb.url, 'GET', `/users/search/names/${encodeURIComponent('%Priya Raman%')}`, { token: t, query: { fields: 'id' } });
    assert.deepStrictEqual(full.body, [], 'the full name is not one of the matched fields');
    const byFull = await call(sb.url, 'GET', '/users/search', { token: t, query: { full_name: '%priya raman%', fields: 'id' } });
    assert.deepStrictEqual(byFull.body.map((/** @type {any} */ u) => u.id), ['15'], 'search_users full_name does');
  });
});

describe('sandbox: errors, rules, faults, control endpoints', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  /** @type {string} */
  let t;
  /** The rate limiter's clock: moved by the tests, never by the wall clock. */
  let now = Date.UTC(2026, 0, 1);
  before(async () => {
    sb = await startSandbox({ users: 50, seed: 1, now: () => now });
    t = await login(sb.url, sb.clientId, sb.clientSecret);
  });
  afterEach(() => {
    sb.clearRules();
    sb.setFaults({ rateLimit: null, latencyMs: 0, share503: 0, shareDrop: 0 });
  });
  after(() => sb.close());

  it('422 has errors[] with field/code/message/documentation_url; 409 on a duplicate email credential', async () => {
    const r = await call(sb.url, 'POST', '/users/10/credentials_email', { token: t, body: { email: 'nope' } });
    assert.strictEqual(r.status, 422);
    const doc = 'https://cloud.google.com/looker/docs/r/err/4.0/422/post/users/:user_id/credentials_email';
    assert.deepStrictEqual(r.body, { message: 'Validation Failed', documentation_url: doc,
      errors: [{ field: 'email', code: 'invalid', message: 'email is not a valid email address', documentation_url: doc }] });
    const dup = await call(sb.url, 'POST', '/users/10/credentials_email', { token: t, body: { email: 'Api.Admin@brightlane.io' } });
    assert.strictEqual(dup.status, 409);
    const missing = await call(sb.url, 'POST', '/users/10/credentials_email', { token: t, body: {} });
    assert.strictEqual(missing.body.errors[0].code, 'missing_field');
  });

  it('rules: status with Retry-After for the next N matching calls, then normal again', async () => {
    sb.addRule({ method: 'GET', path: '/user', status: 429, retryAfter: 7, times: 2 });
    const a = await call(sb.url, 'GET', '/user', { token: t });
    const b = await call(sb.url, 'GET', '/user', { token: t });
    const c = await call(sb.url, 'GET', '/user', { token: t });
    assert.deepStrictEqual([a.status, b.status, c.status], [429, 429, 200]);
    assert.strictEqual(a.headers.get('retry-after'), '7');
    assert.strictEqual(a.body.documentation_url, 'https://cloud.google.com/looker/docs/r/err/4.0/429/get/user');
    // a string path is a path prefix by segments: /user does not match /users
    sb.addRule({ path: '/api/4.0/user', status: 503 });
    assert.strictEqual((await call(sb.url, 'GET', '/users/5', { token: t })).status, 200);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 503);
    sb.addRule({ path: /^\/users\/\d+$/, status: 404, body: { message: 'gone', documentation_url: null } });
    assert.deepStrictEqual((await call(sb.url, 'GET', '/users/5', { token: t })).body, { message: 'gone', documentation_url: null });
  });

  it('rules: a dropped connection and a hang', async () => {
    sb.addRule({ method: 'GET', path: '/user', drop: true });
    await assert.rejects(call(sb.url, 'GET', '/user', { token: t }));
    sb.addRule({ method: 'GET', path: '/user', hang: true });
    sb.clearLog();
    // Only our own timeout ends the request: the server never answers it.
    await assert.rejects(fetch(`${sb.url}/api/4.0/user`, { headers: { Authorization: `Bearer ${t}` }, signal: AbortSignal.timeout(300) }),
      (/** @type {Error} */ e) => e.name === 'TimeoutError');
    assert.deepStrictEqual(sb.requests.map((r) => [r.apiPath, r.status]), [['/user', null]]);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 200);
  });

  it('token-bucket rate limit answers 429 with Retry-After once the burst is spent', async () => {
    sb.setFaults({ rateLimit: { requestsPerSecond: 2, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(sb.url, 'GET', '/user', { token: t })).status);
    assert.deepStrictEqual(statuses, [200, 200, 200, 429, 429]);
    const r = await call(sb.url, 'GET', '/user', { token: t });
    assert.strictEqual(r.headers.get('retry-after'), '1');
    now += 400; // 0.8 of a token at 2 per second: still refused
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 429);
    now += 100; // one whole token
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 200);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 429);
  });

  it('latency, 503 share and drop share', async () => {
    sb.setFaults({ latencyMs: 150 });
    const t0 = Date.now();
    await call(sb.url, 'GET', '/user', { token: t });
    assert.ok(Date.now() - t0 >= 140);
    sb.setFaults({ latencyMs: 0, share503: 1 });
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 503);
    sb.setFaults({ share503: 0, shareDrop: 1 });
    await assert.rejects(call(sb.url, 'GET', '/user', { token: t }));
    sb.setFaults({ shareDrop: 0.5, share503: 0 });
    let ok = 0;
    let dropped = 0;
    for (let i = 0; i < 40; i++) await call(sb.url, 'GET', '/versions').then(() => ok++, () => dropped++);
    assert.ok(ok > 5 && dropped > 5, `${ok} ok, ${dropped} dropped`);
  });

  it('control endpoints under /__sandbox/ (faults, rules, revoke, requests)', async () => {
    sb.clearLog();
    assert.strictEqual((await call(sb.url, 'POST', '/__sandbox/rules', { body: { method: 'GET', path: '^/user$', status: 418 } })).status, 200);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 418);
    await call(sb.url, 'POST', '/__sandbox/rules', { body: { path: '^/user$', status: 500, times: 5 } });
    assert.strictEqual((await call(sb.url, 'DELETE', '/__sandbox/rules')).status, 204);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 200);
    const f = await call(sb.url, 'POST', '/__sandbox/faults', { body: { latencyMs: 5 } });
    assert.strictEqual(f.body.latencyMs, 5);
    const log = await call(sb.url, 'GET', '/__sandbox/requests');
    assert.deepStrictEqual(log.body.map((/** @type {any} */ r) => r.status), [418, 200]);
    assert.strictEqual((await call(sb.url, 'DELETE', '/__sandbox/requests')).status, 204);
    assert.strictEqual(sb.requests.length, 0);
    assert.strictEqual((await call(sb.url, 'POST', '/__sandbox/revoke')).status, 204);
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t })).status, 401);
    t = await login(sb.url, sb.clientId, sb.clientSecret);
  });
});

describe('sandbox: seed data', function () {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generate({ users: 500, seed: 9 });
    const b = generate({ users: 500, seed: 9 });
    const c = generate({ users: 500, seed: 10 });
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a.users.slice(15).map((u) => u.first_name), c.users.slice(15).map((u) => u.first_name));
    assert.deepStrictEqual(a.users.slice(0, 15).map((u) => u.first_name), c.users.slice(0, 15).map((u) => u.first_name));
  });

  it('looks like a mid-size company: shares of disabled, embed, service accounts, never logged in, credential mix', () => {
    const { users, lockouts } = generate({ users: 2000, seed: 1 });
    assert.strictEqual(users.length, 2000);
    const share = (/** @type {(u: import('./seed').SeedUser) => boolean} */ f) => users.filter(f).length / users.length;
    assert.ok(Math.abs(share((u) => u.is_disabled) - 0.08) < 0.025, `disabled ${share((u) => u.is_disabled)}`);
    assert.ok(Math.abs(share((u) => u.credentials_embed.length > 0) - 0.1) < 0.025);
    assert.ok(share((u) => u.is_service_account) > 0.005);
    const never = share((u) => !u.is_service_account && u.credentials_embed.length === 0 && u.sessions.length === 0 &&
      [u.credentials_email, u.credentials_saml, u.credentials_google, u.credentials_oidc, u.credentials_ldap, u.credentials_looker_openid]
        .every((c) => c === null || c.logged_in_at === null));
    assert.ok(never > 0.04 && never < 0.12, `never logged in: ${never}`);
    for (const k of /** @type {const} */ (['credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap', 'credentials_totp', 'credentials_looker_openid'])) {
      assert.ok(share((u) => u[k] !== null) > 0.005, k);
    }
    assert.ok(share((u) => u.credentials_api3.length > 0) > 0.01);
    assert.ok(users.some((u) => u.credentials_email?.reset_token && u.credentials_email.reset_expired));
    assert.ok(users.some((u) => u.credentials_email?.setup_token && !u.credentials_email.setup_expired));
    assert.ok(users.every((u) => u.sessions.length <= 5));
    assert.ok(users.some((u) => u.sessions.length === 5) && users.some((u) => u.sessions.length === 0));
    assert.ok(lockouts.length >= 2);
    assert.ok(users.some((u) => /[^ -~]/.test(`${u.first_name}${u.last_name}`)));
    const emails = users.map((u) => u.credentials_email?.email).filter(Boolean);
    assert.strictEqual(new Set(emails).size, emails.length);
  });

  it('has the documented well-known users', () => {
    const { users } = generate({ users: 20, seed: 4 });
    const by = (/** @type {string} */ id) => /** @type {import('./seed').SeedUser} */ (users.find((u) => u.id === id));
    assert.strictEqual(`${by('1').first_name} ${by('1').last_name}`, 'Api Admin');
    assert.match(String(by('3').first_name), /<script>/);
    assert.match(String(by('4').last_name), /\u202E/);
    assert.strictEqual(by('5').first_name?.length, 300);
    const every = by('6');
    for (const k of /** @type {const} */ (['credentials_email', 'credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap',
      'credentials_totp', 'credentials_looker_openid', 'credentials_workforce'])) assert.ok(every[k], k);
    assert.ok(every.credentials_api3.length === 2 && every.credentials_embed.length === 1);
    assert.strictEqual(by('8').is_disabled, true);
    assert.strictEqual(by('9').credentials_email?.logged_in_at, null);
    assert.ok(by('10').credentials_embed.length === 1 && by('10').credentials_email === null);
    assert.strictEqual(by('11').is_service_account, true);
    assert.match(String(by('12').first_name), /onerror/);
  });
});

// The speed of a search page with 10,000 users is a figure of `npm run bench` (target < 15 ms), never a test.

describe('sandbox: CLI', function () {
  it('prints one JSON line when ready and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--port', '0', '--users', '30', '--seed', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf);
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const lines = String(line).trim().split('\n');
    assert.strictEqual(lines.length, 1);
    const info = JSON.parse(lines[0]);
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepStrictEqual(Object.keys(info).sort(), ['client_id', 'client_secret', 'non_admin', 'url']);
    const tok = await login(info.url, info.client_id, info.client_secret);
    assert.strictEqual((await call(info.url, 'GET', '/user', { token: tok, query: { fields: 'id' } })).body.id, '1');
    const code = await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    assert.strictEqual(code, 0);
  });
});

describe('sandbox: spec conformance (no leniency a wrong client could rely on)', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  /** @type {string} */
  let admin;
  /** @type {string} */
  let reader;
  before(async () => {
    sb = await startSandbox({ users: 200, seed: 1 });
    admin = await login(sb.url, sb.clientId, sb.clientSecret);
    reader = await login(sb.url, sb.nonAdmin.clientId, sb.nonAdmin.clientSecret);
  });
  after(() => sb.close());

  /** @param {string} token @param {Record<string, string>} query @returns {Promise<string[]>} */
  const ids = async (token, query) => {
    const r = await call(sb.url, 'GET', '/users/search', { token, query: { fields: 'id', ...query } });
    assert.strictEqual(r.status, 200, r.text);
    return r.body.map((/** @type {any} */ u) => u.id);
  };

  it('content_metadata_id means users with access to that content item, not the owner of a personal folder', async () => {
    const owner = sb.db.user('20');
    const found = await ids(admin, { content_metadata_id: owner.content_metadata_id });
    assert.ok(found.includes('20'), 'the owner of the personal folder has access');
    assert.ok(found.includes('1') && found.includes('15'), 'admins have access to every item');
    assert.ok(!found.includes('21'), 'another user does not');
    const shared = await ids(admin, { content_metadata_id: '1', limit: '1000' });
    assert.strictEqual(shared.length, sb.db.users.length, 'everyone sees the Shared folder');
  });

  it('all_user_login_lockouts and search_user_login_lockouts refuse a caller without the permission (404: no 403 declared)', async () => {
    assert.strictEqual((await call(sb.url, 'GET', '/user_login_lockouts', { token: admin })).status, 200);
    assert.strictEqual((await call(sb.url, 'GET', '/user_login_lockouts', { token: reader })).status, 404);
    assert.strictEqual((await call(sb.url, 'GET', '/user_login_lockouts/search', { token: reader })).status, 404);
  });

  it('email / is_disabled / verified_looker_employee filters apply only for callers who may see full user details', async () => {
    assert.deepStrictEqual(await ids(admin, { is_disabled: 'true', id: '8' }), ['8']);
    assert.deepStrictEqual(await ids(admin, { is_disabled: 'true', id: '9' }), []);
    assert.deepStrictEqual(await ids(reader, { is_disabled: 'true', id: '9' }), ['9'], 'not applied for a non-admin');
    assert.deepStrictEqual(await ids(reader, { email: 'nobody@nowhere.invalid', id: '9' }), ['9']);
  });

  it('a nested credentials_email in PATCH /users/{id} is read-only: ignored, the email login is unchanged', async () => {
    const before = sb.db.user('13').credentials_email?.email;
    assert.ok(before);
    const r = await call(sb.url, 'PATCH', '/users/13', { token: admin, body: { first_name: 'Renamed', credentials_email: { email: 'changed@example.com' } } });
    assert.strictEqual(r.status, 200, r.text);
    assert.strictEqual(r.body.first_name, 'Renamed');
    assert.strictEqual(sb.db.user('13').credentials_email?.email, before);
  });

  it('role_ids include roles from groups; user_roles?direct_association_only=true gives the direct ones', async () => {
    const u = sb.db.users.find((x) => {
      const own = new Set(x.role_ids);
      return x.group_ids.some((g) => sb.db.groups.find((gg) => gg.id === g)?.role_ids.some((rid) => !own.has(rid)));
    });
    assert.ok(u, 'a user with a role through a group');
    const full = await call(sb.url, 'GET', `/users/${u.id}`, { token: admin, query: { fields: 'role_ids' } });
    const direct = await call(sb.url, 'GET', `/users/${u.id}/roles`, { token: admin, query: { fields: 'id', direct_association_only: 'true' } });
    assert.deepStrictEqual(direct.body.map((/** @type {any} */ r) => r.id).sort(), [...u.role_ids].sort());
    assert.ok(full.body.role_ids.length > direct.body.length);
  });

  it('--looker-version 24.20 serves that release: /versions, swagger.json, no 26.x fields, unknown parameters ignored', async () => {
    const old = await startSandbox({ users: 60, seed: 1, lookerVersion: '24.20' });
    try {
      const t = await login(old.url, old.clientId, old.clientSecret);
      const v = await call(old.url, 'GET', '/versions');
      assert.strictEqual(v.body.looker_release_version, '24.20.18');
      assert.strictEqual(v.body.current_version.full_version, '4.0.24.20');
      const spec = await fetch(v.body.current_version.swagger_url).then((r) => r.json());
      const params = spec.paths['/users/search'].get.parameters.map((/** @type {any} */ p) => p.name);
      assert.ok(!params.includes('is_service_account') && !params.includes('full_name') && params.includes('embed_user'));
      const svc = await call(old.url, 'GET', '/users/11', { token: t });
      assert.ok(!('is_service_account' in svc.body) && !('can_manage_api3_creds' in svc.body));
      const all = await call(old.url, 'GET', '/users/search', { token: t, query: { fields: 'id', full_name: '%nobody at all%', id: '1' } });
      assert.strictEqual(all.body.length, 60, 'full_name and id are not applied');
      assert.strictEqual((await call(old.url, 'GET', '/users/search', { token: t, query: { sorts: 'is_service_account' } })).status, 400);
      // Service accounts came later: no endpoints in 24.20's spec, and the instance answers 404 for them.
      assert.ok(!('/users/service_accounts' in spec.paths) && !('/users/service_accounts/{user_id}' in spec.paths));
      assert.strictEqual((await call(old.url, 'POST', '/users/service_accounts', { token: t, body: { service_account_name: 'svc-x' } })).status, 404);
      assert.strictEqual((await call(old.url, 'DELETE', '/users/service_accounts/11', { token: t })).status, 404);
      // Schedules and API keys are there (the hand-over and API keys work on 24.20).
      assert.strictEqual((await call(old.url, 'GET', '/scheduled_plans', { token: t, query: { all_users: 'true', fields: 'id,user_id' } })).status, 200);
      assert.strictEqual((await call(old.url, 'POST', '/users/6/credentials_api3', { token: t })).status, 200);
      await assert.rejects(startSandbox({ lookerVersion: '23.0' }), /unknown Looker version 23\.0/);
    } finally {
      await old.close();
    }
  });
});
