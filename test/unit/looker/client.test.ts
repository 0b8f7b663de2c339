import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LookerClient, type ClientOptions } from '../../../src/looker/client';
import { LookerApiError } from '../../../src/looker/errors';
import type { ConnectionProfile } from '../../../src/looker/profile';

// ---------------------------------------------------------------------------------------------------------------------
// The sandbox Looker server (test/sandbox, CommonJS), resolved from the repository root.

interface LoggedRequest {
  method: string;
  path: string;
  query?: unknown;
  body?: unknown;
  status?: number;
}
interface Rule {
  method?: string;
  path?: string;
  status?: number;
  body?: unknown;
  times?: number;
  hang?: boolean;
  drop?: boolean;
  retryAfter?: number | string;
}
interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  nonAdmin: { clientId: string; clientSecret: string };
  requests: LoggedRequest[];
  clearLog(): void;
  revokeAllTokens(): void;
  addRule(rule: Rule): void;
  close(): Promise<void>;
}
type StartSandbox = (o: { port: number; users: number; seed: number; tokenTtlSeconds?: number }) => Promise<Sandbox>;

const ROOT = path.resolve(__dirname, '../../../..');
/** This checkout's sandbox; a missing sandbox fails the suite (it never skips, and nothing can point it elsewhere). */
function sandboxModule(): { startSandbox: StartSandbox } {
  const dir = path.join(ROOT, 'test/sandbox');
  assert.ok(fs.existsSync(path.join(dir, 'index.js')), `the sandbox Looker server is missing from ${dir}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(dir) as { startSandbox: StartSandbox };
}

/** Path of a logged request below /api/4.0 (the log may hold the full path). */
function apiPath(r: LoggedRequest): string {
  return r.path.replace(/^\/api\/4\.0/, '').replace(/\?.*$/, '');
}
function queryOf(r: LoggedRequest): Record<string, string> {
  if (r.query && typeof r.query === 'object') return r.query as Record<string, string>;
  const s = typeof r.query === 'string' ? r.query : r.path.includes('?') ? r.path.slice(r.path.indexOf('?') + 1) : '';
  return Object.fromEntries(new URLSearchParams(s));
}
function bodyOf(r: LoggedRequest): unknown {
  return typeof r.body === 'string' && r.body ? JSON.parse(r.body) : r.body;
}
function count(sb: Sandbox, method: string, p: string, status?: number): number {
  return sb.requests.filter((r) => r.method === method && apiPath(r) === p && (status === undefined || r.status === status)).length;
}
const logins = (sb: Sandbox) => count(sb, 'POST', '/login');

/** A user that is not the API user (whom a test must not disable). */
async function someoneElse(c: LookerClient): Promise<{ id?: string }> {
  const me = await c.me('id');
  const other = (await c.searchUsers({ limit: 5, fields: 'id', is_disabled: false })).items.find((u) => u.id !== me.id);
  assert.ok(other?.id);
  return other;
}

/** A clock for the retry loop that records each wait it is asked for and lets it pass at once. */
function fakeClock(): { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void>; waits: number[] } {
  let t = Date.UTC(2026, 0, 1);
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      t += ms;
    },
  };
}

/** Polls a condition (the server's log, the client's log) until it holds. */
async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

async function rejection(p: Promise<unknown>): Promise<LookerApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof LookerApiError, `expected a LookerApiError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  return e;
}

describe('looker/client against the sandbox', function () {
  this.timeout(20000);
  let sb: Sandbox;
  const clients: LookerClient[] = [];
  let logLines: string[] = [];

  before(async () => {
    sb = await sandboxModule().startSandbox({ port: 0, users: 200, seed: 1 });
  });
  after(async () => {
    for (const c of clients) c.dispose();
    if (sb) await sb.close();
  });
  beforeEach(() => {
    sb?.clearLog();
    logLines = [];
  });

  function profile(over: Partial<ConnectionProfile> = {}): ConnectionProfile {
    return { id: 'c1', name: 'Sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10, ...over };
  }
  function client(over: Partial<ConnectionProfile> = {}, opts: Partial<ClientOptions> = {}): LookerClient {
    const c = new LookerClient(profile(over), {
      getSecret: async () => sb.clientSecret,
      log: (l) => logLines.push(l),
      retry: { baseDelayMs: 20 },
      ...opts,
    });
    clients.push(c);
    return c;
  }

  it('testConnection logs in and returns the API user and the Looker version', async () => {
    const c = client();
    const r = await c.testConnection();
    assert.ok(r.user.id);
    assert.ok(r.lookerVersion.length > 0);
    assert.strictEqual(logins(sb), 1);
  });

  it('N concurrent first calls log in once (single flight)', async () => {
    const c = client();
    const users = await Promise.all(Array.from({ length: 10 }, () => c.me('id')));
    assert.strictEqual(new Set(users.map((u) => u.id)).size, 1);
    assert.strictEqual(logins(sb), 1);
    assert.strictEqual(count(sb, 'GET', '/user', 200), 10);
  });

  it('a revoked token leads to one re-login and the calls succeed', async () => {
    const c = client();
    await c.me('id');
    sb.revokeAllTokens();
    sb.clearLog();
    const users = await Promise.all(Array.from({ length: 5 }, () => c.me('id')));
    assert.strictEqual(users.length, 5);
    assert.strictEqual(logins(sb), 1);
    assert.ok(count(sb, 'GET', '/user', 401) >= 1);
    assert.strictEqual(count(sb, 'GET', '/user', 200), 5);
  });

  it('a 401 that persists after the re-login is reported, not looped', async () => {
    const c = client();
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 401, body: { message: 'Requires authentication.' }, times: 2 });
    const e = await rejection(c.me('id'));
    assert.strictEqual(e.status, 401);
    assert.strictEqual(count(sb, 'GET', '/user'), 2);
    assert.strictEqual(logins(sb), 1);
  });

  it('a wrong secret gives one clear credentials error and no retry storm', async () => {
    const c = client({}, { getSecret: async () => 'not-the-secret-xyz' });
    const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(c.me())));
    for (const e of errors) {
      assert.strictEqual(e.kind, 'credentials');
      assert.strictEqual(e.status, 404);
      assert.match(e.message, /client ID or secret/);
      assert.ok(!e.message.includes('not-the-secret-xyz'));
    }
    assert.strictEqual(logins(sb), 1);
    // An immediate second attempt with the same secret is answered from memory.
    assert.strictEqual((await rejection(c.me())).kind, 'credentials');
    assert.strictEqual(logins(sb), 1);
    assert.strictEqual(count(sb, 'GET', '/user'), 0);
  });

  it('a missing secret is a config error and sends nothing', async () => {
    const c = client({}, { getSecret: async () => undefined });
    const e = await rejection(c.me());
    assert.strictEqual(e.kind, 'config');
    assert.strictEqual(e.code, 'NO_SECRET');
    assert.strictEqual(sb.requests.length, 0);
  });

  it('429 with Retry-After is retried after the given time, also for a POST', async () => {
    const clock = fakeClock();
    const c = client({}, { clock });
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 429, retryAfter: 1, times: 1 });
    await c.me('id');
    assert.deepStrictEqual(clock.waits, [1000], 'one wait of exactly the Retry-After');
    assert.deepStrictEqual(sb.requests.filter((r) => apiPath(r) === '/user').map((r) => r.status), [429, 200]);

    sb.clearLog();
    clock.waits.length = 0;
    sb.addRule({ method: 'POST', path: '/api/4.0/users', status: 429, retryAfter: 0, times: 1 });
    const created = await c.createUser({ first_name: 'Rate', last_name: 'Limited' }, 'id,first_name');
    assert.strictEqual(created.first_name, 'Rate');
    assert.deepStrictEqual(clock.waits, [0]);
    assert.deepStrictEqual(sb.requests.filter((r) => r.method === 'POST' && apiPath(r) === '/users').map((r) => r.status), [429, 200]);
  });

  it('503 is retried with backoff for idempotent requests', async () => {
    const clock = fakeClock();
    const c = client({}, { clock, retry: { baseDelayMs: 400 } });
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 503, times: 2 });
    const u = await c.me('id');
    assert.ok(u.id);
    assert.deepStrictEqual(sb.requests.filter((r) => apiPath(r) === '/user').map((r) => r.status), [503, 503, 200]);
    // Exponential with jitter: retry n waits between 50 % and 100 % of base × 2^(n-1).
    assert.strictEqual(clock.waits.length, 2);
    assert.ok(clock.waits[0] >= 200 && clock.waits[0] <= 400, `first wait ${clock.waits[0]} ms`);
    assert.ok(clock.waits[1] >= 400 && clock.waits[1] <= 800, `second wait ${clock.waits[1]} ms`);
  });

  it('503 and dropped connections are not retried for a PATCH', async () => {
    const c = client();
    const target = await someoneElse(c);
    sb.clearLog();
    sb.addRule({ method: 'PATCH', path: `/api/4.0/users/${target.id}`, status: 503, times: 1 });
    const e = await rejection(c.updateUser(target.id!, { first_name: 'Once' }));
    assert.strictEqual(e.status, 503);
    assert.strictEqual(e.retryable, true);
    assert.strictEqual(count(sb, 'PATCH', `/users/${target.id}`), 1);

    sb.clearLog();
    sb.addRule({ method: 'PATCH', path: `/api/4.0/users/${target.id}`, drop: true, times: 1 });
    const d = await rejection(c.updateUser(target.id!, { first_name: 'Once' }));
    assert.strictEqual(d.kind, 'network');
    assert.strictEqual(sb.requests.filter((r) => r.method === 'PATCH').length, 1);
  });

  it('a dropped connection is retried for a GET', async () => {
    const c = client();
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', drop: true, times: 1 });
    assert.ok((await c.me('id')).id);
  });

  it('retries are bounded in count', async () => {
    const clock = fakeClock();
    const c = client({}, { clock, retry: { maxAttempts: 3, baseDelayMs: 10 } });
    await c.me('id');
    sb.clearLog();
    // Exactly as many failures as attempts, so no rule is left for the next test.
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 503, times: 3 });
    const e = await rejection(c.me('id'));
    assert.strictEqual(e.status, 503);
    assert.strictEqual(count(sb, 'GET', '/user'), 3);
    assert.strictEqual(clock.waits.length, 2, 'a wait between attempts, none after the last');
  });

  it('retries are bounded in total time: a Retry-After beyond the budget is not waited for', async () => {
    const clock = fakeClock();
    const c = client({}, { clock, retry: { maxTotalMs: 2000 } });
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 429, retryAfter: 30, times: 1 });
    const e = await rejection(c.me('id'));
    assert.deepStrictEqual(clock.waits, [], 'no wait was requested');
    assert.strictEqual(e.status, 429);
    assert.strictEqual(e.retryAfterSeconds, 30);
    assert.strictEqual(count(sb, 'GET', '/user'), 1);
  });

  it('the time budget counts the waits already made', async () => {
    const clock = fakeClock();
    const c = client({}, { clock, retry: { maxTotalMs: 2500, maxAttempts: 10 } });
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 429, retryAfter: 1, times: 3 });
    const e = await rejection(c.me('id'));
    assert.deepStrictEqual(clock.waits, [1000, 1000], 'a third second would pass the 2.5 s budget');
    assert.strictEqual(e.status, 429);
    assert.strictEqual(count(sb, 'GET', '/user'), 3);
  });

  it('the timeout fires (and is not retried)', async () => {
    const clock = fakeClock();
    const c = client({ timeoutSeconds: 1 }, { clock });
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', hang: true, times: 1 });
    const e = await rejection(c.me('id'));
    assert.strictEqual(e.kind, 'timeout');
    assert.deepStrictEqual(clock.waits, [], 'no retry wait');
    assert.strictEqual(sb.requests.filter((r) => apiPath(r) === '/user').length, 1);
  });

  it('an abort signal cancels a hanging request and a retry wait', async () => {
    const c = client();
    await c.me('id');
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', hang: true, times: 1 });
    const ac = new AbortController();
    const hanging = rejection(c.me('id', ac.signal));
    // Abort once the request has reached the server (not on a timer).
    await waitUntil(() => count(sb, 'GET', '/user') === 1);
    ac.abort();
    assert.strictEqual((await hanging).kind, 'cancelled');

    // A 10 s Retry-After: the wait starts (the 429 is logged), then the abort ends it.
    sb.clearLog();
    sb.addRule({ method: 'GET', path: '/api/4.0/user', status: 429, retryAfter: 10, times: 1 });
    const ac2 = new AbortController();
    const waiting = rejection(c.me('id', ac2.signal));
    await waitUntil(() => logLines.some((l) => /429, retry 1 in 10000 ms/.test(l)));
    ac2.abort();
    assert.strictEqual((await waiting).kind, 'cancelled');
    assert.deepStrictEqual(sb.requests.filter((r) => apiPath(r) === '/user').map((r) => r.status), [429], 'no second attempt');

    const ac3 = new AbortController();
    ac3.abort();
    assert.strictEqual((await rejection(c.me('id', ac3.signal))).kind, 'cancelled');
  });

  it('fields narrowing is passed through', async () => {
    const c = client();
    const page = await c.searchUsers({ fields: 'id,first_name', limit: 3 });
    assert.strictEqual(page.items.length, 3);
    for (const u of page.items) assert.deepStrictEqual(Object.keys(u).sort(), ['first_name', 'id']);
    const req = sb.requests.find((r) => apiPath(r) === '/users/search');
    assert.ok(req);
    assert.strictEqual(queryOf(req).fields, 'id,first_name');
  });

  it('searchUsers pages with limit/offset and reads X-Total-Count', async () => {
    const c = client();
    const p = await c.searchUsers({ fields: 'id', limit: 10, offset: 20, sorts: 'id' });
    assert.strictEqual(p.items.length, 10);
    assert.strictEqual(p.limit, 10);
    assert.strictEqual(p.offset, 20);
    assert.strictEqual(typeof p.total, 'number');
    assert.ok(p.total! >= 200, `total ${p.total}`);
    const all = await c.allUsers(p.items.map((u) => u.id!), 'id');
    assert.deepStrictEqual(all.map((u) => u.id).sort(), p.items.map((u) => u.id).sort());
    // Long id lists are split into requests of at most 1,000 ids (ids that do not exist are simply not returned).
    const many = (await c.searchUsers({ fields: 'id', limit: 150 })).items.map((u) => u.id!);
    assert.strictEqual(many.length, 150);
    const absent = Array.from({ length: 1000 }, (_, i) => String(900000 + i));
    sb.clearLog();
    const fetched = await c.allUsers([...absent, ...many], 'id');
    assert.deepStrictEqual(fetched.map((u) => u.id).sort(), [...many].sort());
    const calls = sb.requests.filter((r) => r.method === 'GET' && apiPath(r) === '/users');
    assert.deepStrictEqual(calls.map((r) => queryOf(r).ids.split(',').length), [1000, 150]);
  });

  it('searchUsersNames sends the LIKE pattern as a path segment, encoded once', async () => {
    const c = client();
    const p = await c.searchUsersNames('%an%', { fields: 'id,first_name,last_name,email', limit: 5 });
    assert.ok(p.items.length > 0);
    for (const u of p.items) assert.match(`${u.first_name} ${u.last_name} ${u.email}`, /an/i);
    const req = sb.requests.find((r) => apiPath(r).startsWith('/users/search/names/'));
    assert.ok(req);
    // The path as it came over the wire: % encoded once as %25 (not sent raw, not %2525).
    assert.strictEqual(req.path, '/api/4.0/users/search/names/%25an%25');
  });

  it('PATCH bodies contain exactly what was given', async () => {
    const c = client();
    const target = await someoneElse(c);
    sb.clearLog();
    const updated = await c.updateUser(target.id!, { is_disabled: true, locale: 'fr' }, 'id,is_disabled,locale');
    assert.strictEqual(updated.is_disabled, true);
    const patch = sb.requests.find((r) => r.method === 'PATCH');
    assert.ok(patch);
    assert.deepStrictEqual(bodyOf(patch), { is_disabled: true, locale: 'fr' });
    await c.updateUser(target.id!, { is_disabled: false });
  });

  it('HTTP errors become LookerApiError with status and Looker message', async () => {
    const c = client();
    const e = await rejection(c.user('999999999'));
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 404);
    assert.ok(e.lookerMessage);
    assert.strictEqual(e.method, 'GET');
    assert.strictEqual(e.path, '/users/999999999');
  });

  it('a non-admin API user gets a 403 http error (not a credentials error) on an admin-only call', async () => {
    const c = client({ clientId: sb.nonAdmin.clientId }, { getSecret: async () => sb.nonAdmin.clientSecret });
    const me = await c.me('id');
    const admin = client();
    const adminId = (await admin.me('id')).id;
    const other = (await admin.searchUsers({ limit: 10, fields: 'id' })).items.map((u) => u.id!).find((id) => id !== me.id && id !== adminId)!;
    assert.ok(other);
    sb.clearLog();
    const e = await rejection(c.updateUser(other, { is_disabled: true }));
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 403);
    assert.strictEqual(e.retryable, false);
    assert.strictEqual(count(sb, 'PATCH', `/users/${other}`), 1);
    assert.strictEqual(logins(sb), 0, 'a 403 must not trigger a re-login');
  });

  it('logout sends DELETE /logout once and never throws', async () => {
    const c = client();
    await c.me('id');
    sb.clearLog();
    await c.logout();
    await c.logout();
    assert.strictEqual(count(sb, 'DELETE', '/logout'), 1);
    assert.strictEqual(c.isLoggedIn(), false);
    const down = new LookerClient(profile({ baseUrl: 'http://127.0.0.1:9' }), { getSecret: async () => 'x' });
    await down.logout();
    down.dispose();
  });

  it('neither the request log, the request info nor errors contain the secret or a token', async () => {
    const infos: unknown[] = [];
    const c = client({}, { onRequest: (i) => infos.push(i) });
    await c.me('id');
    sb.revokeAllTokens();
    await c.searchUsers({ limit: 2, fields: 'id' });
    const e = await rejection(client({}, { getSecret: async () => `${sb.clientSecret}x` }).me());
    const token = (c as unknown as { session: { token: { access_token: string } } }).session.token.access_token;
    assert.ok(token.length > 0);
    const everything = JSON.stringify({ logLines, infos, e, message: e.message, stack: e.stack });
    assert.ok(logLines.length >= 4);
    assert.ok(!everything.includes(sb.clientSecret), 'secret leaked');
    assert.ok(!everything.includes(token), 'token leaked');
  });
});

describe('looker/client token expiry against the sandbox', function () {
  this.timeout(20000);
  let sb: Sandbox;
  before(async () => {
    sb = await sandboxModule().startSandbox({ port: 0, users: 20, seed: 2, tokenTtlSeconds: 4 });
  });
  after(async () => {
    if (sb) await sb.close();
  });

  it('renews the token before it expires (no 401 on the way)', async () => {
    const c = new LookerClient(
      { id: 'e', name: 'Expiry', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
      { getSecret: async () => sb.clientSecret },
    );
    try {
      await c.me('id');
      await c.me('id');
      assert.strictEqual(logins(sb), 1);
      await new Promise((r) => setTimeout(r, 3200));
      await c.me('id');
      assert.strictEqual(logins(sb), 2);
      assert.strictEqual(sb.requests.filter((r) => r.status === 401).length, 0);
    } finally {
      c.dispose();
    }
  });
});
