// Plain-Node tests of the bulk job runner and the dry run against the sandbox Looker server.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { applyAction, type BulkClient } from '../../../src/bulk/actions';
import { jobFromPlan, planJob } from '../../../src/bulk/plan';
import { prepareResume, runJob } from '../../../src/bulk/runner';
import { isTransient } from '../../../src/looker/errors';
import { JobStore } from '../../../src/bulk/store';
import { newJobId, type BulkJob } from '../../../src/bulk/types';
import { type BulkAction } from '../../../src/actions/types';
import { LookerApiError } from '../../../src/looker/errors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

interface Logged {
  time: string;
  method: string;
  apiPath: string;
  status: number | null;
  body: unknown;
  query: Record<string, string>;
}
interface SeedUser {
  id: string;
  is_disabled: boolean;
  role_ids: string[];
  group_ids: string[];
  credentials_email: { email: string; forced_password_reset_at_next_login: boolean } | null;
  sessions: unknown[];
}
interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: Logged[];
  db: { users: SeedUser[]; user(id: string): SeedUser; lockouts: { key: string; user_id: string }[] };
  clearLog(): void;
  clearRules(): void;
  setFaults(f: Record<string, unknown>): void;
  addRule(r: { method?: string; path?: RegExp | string; status?: number; times?: number; retryAfter?: number; body?: unknown; hang?: boolean; drop?: boolean; afterAction?: boolean }): void;
  close(): Promise<void>;
}

function clientFor(sb: Sandbox, secret = sb.clientSecret): LookerClient {
  return new LookerClient(
    { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
    { getSecret: async () => secret, retry: { maxAttempts: 1 } },
  );
}

function job(action: BulkAction, userIds: string[], params = {}): BulkJob {
  return { id: newJobId(), connectionId: 'sb', action, params, userIds, createdAt: new Date().toISOString(), state: {} };
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Write requests of the log, login excluded. */
function writes(sb: Sandbox): Logged[] {
  return sb.requests.filter((r) => WRITES.has(r.method) && r.apiPath !== '/login' && r.apiPath !== '/logout');
}

/** Successful PATCH /users/{id} per user id. */
function patchCounts(sb: Sandbox, re = /^\/users\/(\d+)$/): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of sb.requests) {
    const hit = r.method === 'PATCH' && r.status === 200 ? re.exec(r.apiPath) : null;
    if (hit) m.set(hit[1], (m.get(hit[1]) ?? 0) + 1);
  }
  return m;
}

describe('bulk runner against the sandbox', function () {
  this.timeout(30000);
  let sb: Sandbox;
  let client: LookerClient;
  let tmp: string;

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, users: 200, seed: 1 });
    client = clientFor(sb);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-test-'));
  });
  afterEach(async () => {
    client.dispose();
    await sb.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const enabled = (n: number) => sb.db.users.filter((u) => !u.is_disabled && u.id !== '1').slice(0, n).map((u) => u.id);
  const withEmail = (n: number) => sb.db.users.filter((u) => u.credentials_email && u.id !== '1').slice(0, n).map((u) => u.id);

  it('dry run reads only, and classifies change / skip / impossible with counts', async () => {
    const disabled = sb.db.users.filter((u) => u.is_disabled).slice(0, 3).map((u) => u.id);
    const ids = ['1', ...enabled(5), ...disabled, '999999'];
    sb.clearLog();
    const plan = await planJob(client, 'disable', {}, ids, { apiUserId: '1' });
    assert.deepStrictEqual(plan.counts, { change: 5, skip: 3, impossible: 2 });
    assert.strictEqual(plan.items.find((i) => i.userId === '1')?.kind, 'impossible', 'the API user itself');
    assert.strictEqual(plan.items.find((i) => i.userId === '999999')?.reason, 'User not found (deleted?).');
    const change = plan.items.find((i) => i.kind === 'change')!;
    assert.deepStrictEqual([change.before, change.after], [{ is_disabled: false }, { is_disabled: true }]);
    // roles and sessions need per-user reads: still no write
    const mark = sb.requests.length;
    await planJob(client, 'addRole', { roleId: '4' }, enabled(8), { apiUserId: '1' });
    // Who has the role directly: one read of the role's direct members for all eight users, not one per user.
    const roleReads = sb.requests.slice(mark).filter((r) => r.method === 'GET' && /\/roles\/4\/users$|\/users\/\d+\/roles$/.test(r.apiPath));
    assert.deepStrictEqual(roleReads.map((r) => `${r.apiPath} ${r.query.direct_association_only}`), ['/roles/4/users true']);
    await planJob(client, 'endSessions', {}, enabled(8), { apiUserId: '1' });
    await planJob(client, 'forcePasswordReset', {}, enabled(20), { apiUserId: '1' });
    assert.ok(sb.requests.length > mark + 3, 'the dry runs made read requests');
    assert.deepStrictEqual(writes(sb).map((r) => `${r.method} ${r.apiPath}`), [], 'no write request during a dry run');
    for (const id of enabled(5)) assert.strictEqual(sb.db.user(id).is_disabled, false);
  });

  it('forcePasswordReset plan: no email credential is impossible, an existing flag is skipped', async () => {
    const noEmail = sb.db.users.find((u) => !u.credentials_email && u.id !== '1')!.id;
    const flagged = sb.db.users.find((u) => u.credentials_email?.forced_password_reset_at_next_login)!.id;
    const fresh = withEmail(10).filter((id) => id !== flagged)[0];
    const plan = await planJob(client, 'forcePasswordReset', {}, [noEmail, flagged, fresh]);
    assert.deepStrictEqual(plan.items.map((i) => i.kind), ['impossible', 'skip', 'change']);
  });

  it('runs with at most `concurrency` requests in flight, each user exactly once', async () => {
    sb.setFaults({ latencyMs: 15 });
    const ids = enabled(30);
    let inFlight = 0;
    let maxSeen = 0;
    const counted: BulkClient = Object.create(client);
    counted.updateUser = async (...args: Parameters<LookerClient['updateUser']>) => {
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      try {
        return await client.updateUser(...args);
      } finally {
        inFlight--;
      }
    };
    await client.me('id'); // log in first: the login is not part of the bound being measured
    sb.clearLog();
    const j = jobFromPlan(await planJob(client, 'disable', {}, ids), 'sb');
    const r = await runJob(j, { client: counted, concurrency: 3 });
    assert.strictEqual(r.counts.done, 30);
    assert.strictEqual(maxSeen, 3, 'the bound is reached and never exceeded');
    assert.ok(r.maxInFlight <= 3);
    const counts = patchCounts(sb);
    assert.deepStrictEqual([...counts.keys()].sort(), [...ids].sort());
    assert.ok([...counts.values()].every((n) => n === 1), 'no user twice');
    for (const id of ids) assert.strictEqual(sb.db.user(id).is_disabled, true);
  });

  it('on 429 pauses every worker for Retry-After, lowers concurrency, and gives up on no one', async () => {
    const ids = enabled(12);
    await client.me('id');
    sb.clearLog();
    sb.addRule({ method: 'PATCH', path: /^\/users\/\d+$/, status: 429, times: 3, retryAfter: 1 });
    // A clock that only moves when the runner waits: each request is stamped with the clock's time, so "no request
    // during the pause" is a fact about the order of events, not about how fast this machine is.
    let t = 0;
    const waits: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => { waits.push(ms); t += ms; } };
    const sent: number[] = []; // the clock's time at each PATCH sent
    let first429: { at: number; sentBefore: number } | undefined; // when the first 429 came back
    const stamped: BulkClient = Object.create(client);
    stamped.updateUser = async (...args: Parameters<LookerClient['updateUser']>) => {
      sent.push(t);
      try {
        return await client.updateUser(...args);
      } catch (e) {
        if ((e as LookerApiError).status === 429) first429 ??= { at: t, sentBefore: sent.length };
        throw e;
      }
    };
    let minConcurrency = 99;
    const r = await runJob(job('disable', ids), { client: stamped, concurrency: 4, clock, onProgress: (p) => (minConcurrency = Math.min(minConcurrency, p.concurrency)) });
    assert.strictEqual(r.counts.done, 12);
    assert.strictEqual(r.counts.failed, 0);
    assert.strictEqual(r.retries, 3);
    assert.ok(minConcurrency < 4, `concurrency dropped (min ${minConcurrency})`);
    assert.ok(waits.length > 0 && waits.every((w) => w > 0 && w <= 1000), `waits asked for: ${waits.join(', ')}`);
    assert.strictEqual(waits[0], 1000, 'the first wait is the whole Retry-After');
    // Requests already in flight may answer after the first 429; none is sent until the second has passed.
    const pause = first429 as { at: number; sentBefore: number } | undefined;
    assert.ok(pause, 'a 429 came back');
    const later = sent.slice(pause.sentBefore);
    assert.ok(later.length > 0, 'requests resume');
    assert.deepStrictEqual(later.filter((at) => at < pause.at + 1000), [], 'no request sent during the Retry-After pause');
  });

  it('retries 503 and network drops with backoff until they pass', async () => {
    const ids = enabled(10);
    await client.me('id');
    sb.addRule({ method: 'PATCH', path: /^\/users\/\d+$/, status: 503, times: 4 });
    sb.addRule({ method: 'PATCH', path: /^\/users\/\d+$/, times: 1, status: 502 });
    const r = await runJob(job('disable', ids), { client, concurrency: 2, baseDelayMs: 20 });
    assert.strictEqual(r.counts.done, 10);
    assert.strictEqual(r.retries, 5);
    assert.strictEqual(r.counts.failed, 0);
  });

  it('records a permanent error as failed with the Looker message and goes on', async () => {
    const ids = enabled(5);
    sb.addRule({ method: 'PATCH', path: `/users/${ids[2]}`, status: 422, times: 1, body: { message: 'Validation Failed', errors: [{ field: 'is_disabled', code: 'invalid', message: 'cannot be changed' }] } });
    const j = job('disable', ids);
    const r = await runJob(j, { client, concurrency: 2 });
    assert.strictEqual(r.counts.done, 4);
    assert.strictEqual(r.counts.failed, 1);
    assert.strictEqual(j.state[ids[2]].status, 'failed');
    assert.match(j.state[ids[2]].message ?? '', /422 Validation Failed \(is_disabled: cannot be changed\)/);
    assert.strictEqual(sb.db.user(ids[2]).is_disabled, false);
  });

  it('cancel stops cleanly; resume from disk finishes without doing any user twice or skipping one', async () => {
    sb.setFaults({ latencyMs: 10 });
    const ids = enabled(40);
    const store = new JobStore(tmp);
    const j = jobFromPlan(await planJob(client, 'disable', {}, ids), 'sb');
    await store.save(j);
    sb.clearLog();
    const abort = new AbortController();
    const r1 = await runJob(j, {
      client,
      concurrency: 4,
      signal: abort.signal,
      persist: (x) => store.save(x),
      onProgress: (p) => {
        if (p.done >= 10) abort.abort();
      },
    });
    assert.strictEqual(r1.cancelled, true);
    assert.ok(r1.counts.done >= 10 && r1.counts.done < 40, `done ${r1.counts.done}`);
    assert.strictEqual(r1.counts.pending, 40 - r1.counts.done);
    const onDisk = await store.load(j.id);
    assert.ok(onDisk);
    assert.strictEqual(Object.values(onDisk.state).filter((s) => s.status === 'running').length, 0, 'nothing left half-done');
    assert.strictEqual(Object.values(onDisk.state).filter((s) => s.status === 'done').length, r1.counts.done, 'state persisted after every user');
    const doneBefore = patchCounts(sb).size;
    assert.strictEqual(doneBefore, r1.counts.done, 'the server saw exactly the users marked done');
    // a new process: the job comes from disk
    const r2 = await runJob(onDisk, { client, concurrency: 4, persist: (x) => store.save(x) });
    assert.strictEqual(r2.counts.done, 40);
    assert.strictEqual(r2.cancelled, false);
    const counts = patchCounts(sb);
    assert.deepStrictEqual([...counts.keys()].sort(), [...ids].sort(), 'no user skipped');
    assert.ok([...counts.values()].every((n) => n === 1), 'no user twice');
  });

  it('stops the whole job on rejected credentials and leaves the users pending', async () => {
    const bad = clientFor(sb, 'wrong-secret');
    try {
      const r = await runJob(job('disable', enabled(6)), { client: bad, concurrency: 3 });
      assert.ok(r.fatal);
      assert.strictEqual(r.fatal.kind, 'credentials');
      assert.strictEqual(r.counts.pending, 6);
      assert.strictEqual(r.counts.failed, 0);
      assert.ok(!JSON.stringify(r).includes('wrong-secret'));
    } finally {
      bad.dispose();
    }
  });

  it('add and remove role use the union / difference of the direct roles', async () => {
    const ids = enabled(6);
    const before = new Map(ids.map((id) => [id, [...sb.db.user(id).role_ids]]));
    const plan = await planJob(client, 'addRole', { roleId: '5' }, ids);
    const j = jobFromPlan(plan, 'sb');
    const r = await runJob(j, { client });
    assert.strictEqual(r.counts.done + r.counts.skipped, 6);
    for (const id of ids) {
      assert.ok(sb.db.user(id).role_ids.includes('5'));
      for (const old of before.get(id)!) assert.ok(sb.db.user(id).role_ids.includes(old), 'other roles kept');
    }
    const back = await runJob(jobFromPlan(await planJob(client, 'removeRole', { roleId: '5' }, ids), 'sb'), { client });
    assert.strictEqual(back.counts.failed, 0);
    for (const id of ids) assert.deepStrictEqual([...sb.db.user(id).role_ids].sort(), [...before.get(id)!].filter((x) => x !== '5').sort());
  });

  it('group membership, forced reset, end sessions and delete change the sandbox', async () => {
    const ids = enabled(4).filter((id) => !sb.db.user(id).group_ids.includes('3'));
    let r = await runJob(job('addToGroup', ids, { groupId: '3' }), { client });
    assert.strictEqual(r.counts.done, ids.length);
    for (const id of ids) assert.ok(sb.db.user(id).group_ids.includes('3'));
    const emails = withEmail(3).filter((id) => !sb.db.user(id).credentials_email!.forced_password_reset_at_next_login);
    r = await runJob(job('forcePasswordReset', emails), { client });
    assert.strictEqual(r.counts.done, emails.length);
    for (const id of emails) assert.strictEqual(sb.db.user(id).credentials_email!.forced_password_reset_at_next_login, true);
    const withSessions = sb.db.users.filter((u) => u.sessions.length && u.id !== '1').slice(0, 2).map((u) => u.id);
    r = await runJob(job('endSessions', withSessions), { client });
    assert.strictEqual(r.counts.done, 2);
    for (const id of withSessions) assert.strictEqual(sb.db.user(id).sessions.length, 0);
    const victim = enabled(50)[49];
    r = await runJob(job('delete', [victim]), { client });
    assert.strictEqual(r.counts.done, 1);
    const again = await applyAction(client, 'delete', {}, victim);
    assert.strictEqual(again.status, 'skipped', 'deleting a deleted user is a skip');
  });

  it('unlock: the dry run reads the lockout list once, skips users not locked out, and the run empties it for them', async () => {
    const locked = [...new Set(sb.db.lockouts.map((l) => l.user_id))].slice(0, 3);
    assert.ok(locked.length >= 2, 'the seed has locked-out users');
    const free = enabled(40).filter((id) => !locked.includes(id)).slice(0, 2);
    sb.clearLog();
    const plan = await planJob(client, 'unlock', {}, [...locked, ...free]);
    assert.deepStrictEqual(plan.counts, { change: locked.length, skip: 2, impossible: 0 });
    assert.strictEqual(plan.items.find((i) => i.userId === free[0])?.reason, 'Not locked out.');
    assert.strictEqual(sb.requests.filter((r) => r.apiPath === '/user_login_lockouts').length, 1, 'one read of the lockout list');
    assert.deepStrictEqual(writes(sb), [], 'the dry run wrote nothing');
    const r = await runJob(jobFromPlan(plan, 'sb'), { client });
    assert.deepStrictEqual([r.counts.done, r.counts.skipped, r.counts.failed], [locked.length, 2, 0]);
    assert.deepStrictEqual(sb.db.lockouts.filter((l) => locked.includes(l.user_id)), [], 'no lockout left for them');
    assert.ok(writes(sb).every((w) => w.method === 'DELETE' && w.apiPath.startsWith('/user_login_lockout/')), 'only lockouts were deleted');
    assert.strictEqual((await applyAction(client, 'unlock', {}, locked[0])).status, 'skipped', 'unlocking again is a skip');
  });

  it('an unlock that timed out after Looker removed the lockout is done once, not sent again', async () => {
    const l = sb.db.lockouts[0];
    sb.addRule({ method: 'DELETE', path: `/user_login_lockout/${l.key}`, hang: true, afterAction: true, times: 1 });
    const c = impatient();
    try {
      const r = await runJob(job('unlock', [l.user_id]), { client: c, baseDelayMs: 10 });
      assert.deepStrictEqual([r.counts.done, r.counts.failed], [1, 0]);
      assert.strictEqual(writes(sb).filter((w) => w.method === 'DELETE').length, 1, 'one DELETE');
      assert.ok(!sb.db.lockouts.some((x) => x.user_id === l.user_id));
    } finally {
      c.dispose();
    }
  });

  /** A client that gives up after 1 s (the sandbox's afterAction rules act, then never answer). */
  function impatient(): LookerClient {
    return new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 1 },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
    );
  }

  it('a DELETE that timed out after Looker deleted the user is done and audited once, not skipped', async () => {
    const victim = enabled(60)[55];
    sb.addRule({ method: 'DELETE', path: `/users/${victim}`, hang: true, afterAction: true, times: 1 });
    const c = impatient();
    const audited: string[] = [];
    try {
      const r = await runJob(job('delete', [victim]), { client: c, baseDelayMs: 10, onUserDone: (id) => void audited.push(id) });
      assert.deepStrictEqual([r.counts.done, r.counts.skipped, r.counts.failed], [1, 0, 0], 'recorded as done');
      assert.deepStrictEqual(audited, [victim], 'audited exactly once');
      assert.strictEqual(sb.db.users.some((u) => u.id === victim), false, 'the user is gone');
      const deletes = writes(sb).filter((w) => w.method === 'DELETE');
      assert.strictEqual(deletes.length, 1, 'the DELETE was not sent again after the state was re-read');
    } finally {
      c.dispose();
    }
  });

  it('a reset email whose POST timed out after Looker sent it is never sent a second time', async () => {
    const id = withEmail(5)[4];
    sb.addRule({ method: 'POST', path: `/users/${id}/credentials_email/send_password_reset`, drop: true, afterAction: true, times: 1 });
    const c = impatient();
    try {
      const r = await runJob(job('sendPasswordReset', [id]), { client: c, baseDelayMs: 10 });
      const sends = writes(sb).filter((w) => w.method === 'POST' && /send_password_reset/.test(w.apiPath));
      assert.strictEqual(sends.length, 1, 'one POST only');
      assert.strictEqual(r.counts.failed, 1, 'reported, not repeated');
    } finally {
      c.dispose();
    }
  });

  // Single edits of the details panel: jobs of one through the same dry run and runner.
  it('field edit plan: re-reads just the edited fields; a conflict or a home folder that does not exist is "cannot"', async () => {
    const id = enabled(1)[0];
    const u = sb.db.user(id) as SeedUser & { first_name: string | null; last_name: string | null };
    sb.clearLog();
    const ok = await planJob(client, 'updateUser', { fields: { first_name: 'Ada' }, base: { first_name: u.first_name } }, [id]);
    assert.deepStrictEqual([ok.items[0].kind, ok.items[0].before, ok.items[0].after], ['change', { first_name: u.first_name }, { first_name: 'Ada' }]);
    assert.ok(sb.requests.some((r) => r.method === 'GET' && r.apiPath === `/users/${id}`), 'the user is read again (the edited fields)');
    const conflict = await planJob(client, 'updateUser', { fields: { last_name: 'Mine' }, base: { last_name: 'Something else' } }, [id]);
    assert.strictEqual(conflict.items[0].kind, 'impossible');
    assert.deepStrictEqual(conflict.items[0].before, { last_name: u.last_name }, 'the current value, for the panel to show the conflict');
    const folder = await planJob(client, 'updateUser', { fields: { home_folder_id: 'abc' }, base: { home_folder_id: '1' } }, [id]);
    assert.strictEqual(folder.items[0].kind, 'impossible');
    assert.strictEqual(folder.items[0].field, 'home_folder_id');
    assert.match(folder.items[0].reason ?? '', /no folder with id "abc"/);
    const real = await planJob(client, 'updateUser', { fields: { home_folder_id: String(100 + Number(id)) }, base: { home_folder_id: '1' } }, [id]);
    assert.strictEqual(real.items[0].kind, 'change', 'an existing (personal) folder is fine');
    const same = await planJob(client, 'updateUser', { fields: { first_name: u.first_name ?? 'x' }, base: { first_name: 'old' } }, [id]);
    assert.strictEqual(same.items[0].kind, u.first_name ? 'skip' : 'change');
    assert.deepStrictEqual(writes(sb), [], 'planning writes nothing');
  });

  it('deleting one API key: planned, deleted once, then "already so"', async () => {
    const owner = sb.db.users.find((x) => (x as unknown as { credentials_api3: unknown[] }).credentials_api3.length >= 2) as unknown as { id: string; credentials_api3: { id: string }[] };
    const key = owner.credentials_api3[0].id;
    const params = { credentialKind: 'api3', credentialId: key };
    const plan = await planJob(client, 'deleteCredential', params, [owner.id]);
    assert.strictEqual(plan.items[0].kind, 'change');
    const j = jobFromPlan(plan, 'sb');
    await runJob(j, { client });
    assert.strictEqual(j.state[owner.id].status, 'done');
    assert.deepStrictEqual(writes(sb).map((w) => `${w.method} ${w.apiPath}`), [`DELETE /users/${owner.id}/credentials_api3/${key}`]);
    const again = await planJob(client, 'deleteCredential', params, [owner.id]);
    assert.deepStrictEqual([again.items[0].kind, again.items[0].reason], ['skip', 'Already deleted.']);
    assert.strictEqual(owner.credentials_api3.length >= 1, true, 'the other key stays');
  });

  it('ending one web session ends only that one', async () => {
    const sessions = sb.db.user('15').sessions as { id: string }[];
    const [first, ...rest] = sessions.map((x) => String(x.id));
    assert.ok(first && rest.length, 'user 15 has several sessions');
    const plan = await planJob(client, 'endSessions', { sessionIds: [first] }, ['15']);
    assert.deepStrictEqual([plan.items[0].before, plan.items[0].after], [{ sessions: rest.length + 1 }, { sessions: rest.length }]);
    sb.clearLog();
    await runJob(jobFromPlan(plan, 'sb'), { client });
    assert.deepStrictEqual(writes(sb).map((w) => `${w.method} ${w.apiPath}`), [`DELETE /users/15/sessions/${first}`]);
  });

  it('a reset link whose POST timed out after Looker made it is never made a second time', async () => {
    const id = withEmail(3)[2];
    sb.addRule({ method: 'POST', path: `/users/${id}/credentials_email/password_reset`, drop: true, afterAction: true, times: 1 });
    const c = impatient();
    try {
      const r = await runJob(job('createPasswordResetLink', [id]), { client: c, baseDelayMs: 10 });
      const posts = writes(sb).filter((w) => w.method === 'POST' && /password_reset$/.test(w.apiPath));
      assert.strictEqual(posts.length, 1, 'one POST only');
      assert.strictEqual(r.counts.failed, 1, 'reported, not repeated');
    } finally {
      c.dispose();
    }
  });
});

describe('bulk runner without a server', () => {
  it('after an interruption, repeats idempotent users but not a sent email', () => {
    const a = job('disable', ['1', '2']);
    a.state = { '1': { status: 'running' }, '2': { status: 'done' } };
    prepareResume(a);
    assert.strictEqual(a.state['1'].status, 'pending');
    const b = job('sendPasswordReset', ['1']);
    b.state = { '1': { status: 'running' } };
    prepareResume(b);
    assert.strictEqual(b.state['1'].status, 'failed');
  });

  it('classifies transient errors', () => {
    assert.strictEqual(isTransient(new LookerApiError({ kind: 'http', status: 429, message: 'x' })), true);
    assert.strictEqual(isTransient(new LookerApiError({ kind: 'network', message: 'x' })), true);
    assert.strictEqual(isTransient(new LookerApiError({ kind: 'timeout', message: 'x' })), true);
    assert.strictEqual(isTransient(new LookerApiError({ kind: 'http', status: 404, message: 'x' })), false);
    assert.strictEqual(isTransient(new Error('x')), false);
  });

  it('cancel while every worker waits out a Retry-After returns promptly with users pending', async () => {
    const abort = new AbortController();
    let calls = 0;
    const apply = async () => {
      calls++;
      throw new LookerApiError({ kind: 'http', status: 429, message: 'slow down', retryAfterSeconds: 30 });
    };
    setTimeout(() => abort.abort(), 50);
    const t0 = Date.now();
    const r = await runJob(job('disable', ['1', '2', '3']), { client: {} as BulkClient, apply, signal: abort.signal, concurrency: 2 });
    assert.ok(Date.now() - t0 < 2000);
    assert.strictEqual(r.cancelled, true);
    assert.strictEqual(r.counts.pending, 3);
    assert.ok(calls >= 1 && calls <= 2);
  });

  it('recovers concurrency slowly after a 429', async () => {
    let first = true;
    const seen: number[] = [];
    const apply = async () => {
      if (first) {
        first = false;
        throw new LookerApiError({ kind: 'http', status: 429, message: 'x', retryAfterSeconds: 0.01 });
      }
      return { status: 'done' as const };
    };
    const ids = Array.from({ length: 200 }, (_, i) => String(i + 1));
    await runJob(job('disable', ids), { client: {} as BulkClient, apply, concurrency: 4, onProgress: (p) => seen.push(p.concurrency) });
    assert.ok(seen.includes(2), 'halved');
    assert.strictEqual(seen[seen.length - 1], 4, 'back to the configured bound');
  });
});
