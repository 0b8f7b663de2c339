// CSV export/parsing, the job store and the audit log (plain Node, no server).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AuditLog, scrub, undoStep, undoableEntries, undoableJobs, userOfLabel, type AuditInput } from '../../../src/audit/log';
import { apiFields, csvCell, parseCsv, parseEmailCsv, usersToCsv, usersToJson } from '../../../src/bulk/csv';
import { classify } from '../../../src/bulk/classify';
import { jobFromPlan } from '../../../src/bulk/plan';
import { JobStore, STALE_LOCK_MS } from '../../../src/bulk/store';
import { jobCounts, newJobId, type BulkJob } from '../../../src/bulk/types';

describe('bulk CSV', () => {
  it('escapes quotes, commas and newlines, and defuses formulas', () => {
    assert.strictEqual(csvCell('plain'), 'plain');
    assert.strictEqual(csvCell('a,b'), '"a,b"');
    assert.strictEqual(csvCell('say "hi"'), '"say ""hi"""');
    assert.strictEqual(csvCell('two\nlines'), '"two\nlines"');
    assert.strictEqual(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.strictEqual(csvCell('+1'), "'+1");
    assert.strictEqual(csvCell('-2'), "'-2");
    assert.strictEqual(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.strictEqual(csvCell(null), '');
    assert.strictEqual(csvCell(['1', '2']), '1;2');
    assert.strictEqual(csvCell(false), 'false');
  });

  it('round-trips through the parser', () => {
    const users = [
      { id: '1', first_name: 'Ann, "the first"', last_name: 'Line\nbreak', email: 'a@x.io', credentials_email: { logged_in_at: '2024-01-01' } },
      { id: '2', first_name: '=cmd', last_name: null, email: 'b@x.io' },
    ];
    const text = usersToCsv(users, ['id', 'first_name', 'last_name', 'credentials_email.logged_in_at']);
    const rows = parseCsv(text);
    assert.deepStrictEqual(rows, [
      ['id', 'first_name', 'last_name', 'credentials_email.logged_in_at'],
      ['1', 'Ann, "the first"', 'Line\nbreak', '2024-01-01'],
      ['2', "'=cmd", '', ''],
    ]);
    const json = JSON.parse(usersToJson(users, ['id', 'credentials_email.logged_in_at']));
    assert.deepStrictEqual(json, [{ id: '1', credentials_email: { logged_in_at: '2024-01-01' } }, { id: '2', credentials_email: { logged_in_at: null } }]);
  });

  it('builds a fields= value with nested sub-fields merged', () => {
    assert.strictEqual(apiFields(['id', 'credentials_email.email', 'email', 'credentials_email.logged_in_at']), 'id,credentials_email(email,logged_in_at),email');
  });

  it('reads the email CSV: header, ids or emails, and reports bad rows', () => {
    const { rows, bad } = parseEmailCsv(
      '\ufeffid,new_email\r\n12,new@x.io\r\nold@x.io,other@x.io\r\n13,not-an-email\r\n12,again@x.io\r\n14\r\n15,new@x.io\r\n\r\n"16","q@x.io"\r\n',
    );
    assert.deepStrictEqual(rows, [
      { line: 2, key: '12', by: 'id', newEmail: 'new@x.io' },
      { line: 3, key: 'old@x.io', by: 'email', newEmail: 'other@x.io' },
      { line: 9, key: '16', by: 'id', newEmail: 'q@x.io' },
    ]);
    assert.deepStrictEqual(bad.map((b) => b.line), [4, 5, 6, 7]);
    assert.match(bad[0].message, /not a valid email/);
  });

  it("rejects a leading ' (our export's formula guard) in either column", () => {
    const { rows, bad } = parseEmailCsv("id,new_email\n12,'new@x.io\n'old@x.io,other@x.io\n13,fine@x.io\n");
    assert.deepStrictEqual(rows.map((r) => r.key), ['13']);
    assert.deepStrictEqual(bad.map((b) => b.line), [2, 3]);
    assert.match(bad[0].message, /formula guard/);
  });
});

describe('job ownership across windows', () => {
  it('one window claims a job; another sees it running, cannot claim it, and does not list it as resumable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-owner-'));
    try {
      const store = new JobStore(dir);
      const job = { id: 'j1', connectionId: 'c', action: 'sendPasswordReset' as const, params: {}, userIds: ['1', '2'], createdAt: new Date().toISOString(), state: {} };
      await store.save(job);
      assert.strictEqual(await store.claim('j1', 'window-A'), true);
      assert.strictEqual(await store.claim('j1', 'window-B'), false, 'never two windows on one job');
      assert.strictEqual(await store.claim('j1', 'window-A'), true, 'the owner may claim again');
      assert.deepStrictEqual((await store.unfinished('window-B')).map((j) => j.id), [], 'running elsewhere: not offered for resume');
      assert.deepStrictEqual((await store.unfinished('window-A')).map((j) => j.id), ['j1']);
      assert.strictEqual(await store.heldElsewhere('j1', 'window-B'), true);
      // A window that died: its heartbeat goes stale, then another window may take the job over.
      const later = new JobStore(dir, () => Date.now() + STALE_LOCK_MS + 1000);
      assert.strictEqual(await later.heldElsewhere('j1', 'window-B'), false);
      assert.strictEqual(await later.claim('j1', 'window-B'), true);
      assert.strictEqual(await store.claim('j1', 'window-A'), false, 'A lost it to B');
      await store.release('j1', 'window-A');
      assert.strictEqual((await store.holder('j1'))?.owner, 'window-B', 'releasing does not remove another window\'s lock');
      await store.release('j1', 'window-B');
      assert.strictEqual(await store.holder('j1'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit entries name the instance and the user', () => {
  it('records host, API user id, release, and the user name and email; splits plan labels', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-id-'));
    try {
      const log = new AuditLog(path.join(dir, 'audit.jsonl'));
      const e = await log.record({
        connection: { id: 'c1', name: 'Staging', url: 'https://Staging.looker.com:19999', apiUserId: '7', release: '24.20.1' },
        apiUser: 'Admin',
        action: 'delete',
        userId: '42',
        user: userOfLabel('Ann Lee <ann@x.io>'),
        before: { exists: true },
        after: { exists: false },
      });
      assert.deepStrictEqual(e.connection, { id: 'c1', name: 'Staging', url: 'https://Staging.looker.com:19999', host: 'staging.looker.com:19999', apiUserId: '7', release: '24.20.1' });
      assert.deepStrictEqual(e.user, { name: 'Ann Lee', email: 'ann@x.io' });
      const [read] = await log.read();
      assert.deepStrictEqual(read.user, { name: 'Ann Lee', email: 'ann@x.io' });
      assert.strictEqual(userOfLabel('#42'), undefined);
      assert.deepStrictEqual(userOfLabel('ann@x.io'), { email: 'ann@x.io' });
      assert.deepStrictEqual(userOfLabel('Ann'), { name: 'Ann' });
      assert.strictEqual(undoableJobs([{ ...read, jobId: 'j', action: 'disable' }])[0].url, 'https://Staging.looker.com:19999', 'an undoable job knows its instance');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bulk plan classification and job store', () => {
  it('classifies update email and group actions', () => {
    const u = { id: '5', email: 'a@x.io', is_disabled: false, group_ids: ['3'], credentials_email: { email: 'a@x.io' } };
    assert.strictEqual(classify('updateEmail', { emails: { '5': 'A@x.io' } }, '5', u).kind, 'skip');
    const c = classify('updateEmail', { emails: { '5': 'b@x.io' } }, '5', u);
    assert.deepStrictEqual([c.kind, c.before, c.after], ['change', { email: 'a@x.io' }, { email: 'b@x.io' }]);
    assert.strictEqual(classify('addToGroup', { groupId: '3' }, '5', u).kind, 'skip');
    assert.strictEqual(classify('removeFromGroup', { groupId: '3' }, '5', u).kind, 'change');
    assert.strictEqual(classify('delete', {}, '5', u, { apiUserId: '5' }).kind, 'impossible');
    assert.strictEqual(classify('sendPasswordReset', {}, '5', { ...u, credentials_email: undefined }).kind, 'impossible');
  });

  it('saves atomically and lists unfinished jobs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-store-'));
    try {
      const store = new JobStore(dir);
      const plan = {
        action: 'disable' as const,
        params: {},
        items: [
          { userId: '1', label: 'A', kind: 'change' as const },
          { userId: '2', label: 'B', kind: 'skip' as const, reason: 'Already disabled.' },
        ],
        counts: { change: 1, skip: 1, impossible: 0 },
      };
      const job = jobFromPlan(plan, 'c1');
      assert.deepStrictEqual(jobCounts(job), { total: 2, pending: 1, done: 0, skipped: 1, failed: 0 });
      await Promise.all([store.save(job), store.save(job), store.save(job)]);
      assert.deepStrictEqual(fs.readdirSync(dir), [`${job.id}.json`], 'no temp files left');
      assert.strictEqual((await store.unfinished()).length, 1);
      job.state['1'] = { status: 'done' };
      await store.save(job);
      assert.strictEqual((await store.unfinished()).length, 0);
      fs.writeFileSync(path.join(dir, 'junk.json'), '{"id": 1}');
      assert.strictEqual((await store.list()).length, 1, 'invalid files are ignored');
      await assert.rejects(store.save({ ...job, id: '../evil' } as BulkJob));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit log', () => {
  const conn = { id: 'c1', name: 'Acme', url: 'https://acme.looker.com' };
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never writes a secret, token or reset URL', () => {
    const out = scrub({
      is_disabled: true,
      client_secret: 'S3CRET',
      access_token: 'tok',
      password_reset_url: 'https://acme/reset/abc',
      note: 'https://acme.looker.com/password/reset/xyz',
      forced_password_reset_at_next_login: true,
      nested: { api_key: 'k', email: 'a@x.io' },
    });
    assert.deepStrictEqual(out, { is_disabled: true, forced_password_reset_at_next_login: true, nested: { email: 'a@x.io' } });
  });

  it('appends one JSON line per change, concurrently without interleaving', async () => {
    const log = new AuditLog(path.join(dir, 'sub', 'audit.jsonl'));
    const base: AuditInput = { connection: conn, apiUser: 'admin', action: 'disable', userId: '1', before: { is_disabled: false }, after: { is_disabled: true }, jobId: 'j1' };
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.record({ ...base, userId: String(i), after: { is_disabled: true, access_token: 'nope' } })));
    const lines = fs.readFileSync(log.file, 'utf8').trim().split('\n');
    assert.strictEqual(lines.length, 50);
    for (const l of lines) {
      const e = JSON.parse(l);
      assert.deepStrictEqual(Object.keys(e).sort(), ['action', 'after', 'apiUser', 'before', 'connection', 'id', 'jobId', 'time', 'userId']);
      assert.ok(!l.includes('nope'));
    }
    assert.strictEqual((await log.read()).length, 50);
  });

  it('offers undo for reversible jobs and single edits, once', async () => {
    const log = new AuditLog(path.join(dir, 'audit.jsonl'));
    for (const id of ['1', '2']) await log.record({ connection: conn, apiUser: 'a', action: 'disable', userId: id, jobId: 'j1' });
    await log.record({ connection: conn, apiUser: 'a', action: 'delete', userId: '3', jobId: 'j2' });
    await log.record({ connection: conn, apiUser: 'a', action: 'addToGroup', userId: '4', jobId: 'j3', params: { groupId: '7' } });
    const single = await log.record({ connection: conn, apiUser: 'a', action: 'updateUser', userId: '5', before: { first_name: 'Old', email: 'x' }, after: { first_name: 'New' } });
    let entries = await log.read();
    const jobs = undoableJobs(entries);
    assert.deepStrictEqual(jobs.map((j) => [j.jobId, j.inverse, j.userIds]).sort(), [['j1', 'enable', ['1', '2']], ['j3', 'removeFromGroup', ['4']]]);
    assert.deepStrictEqual(jobs.find((j) => j.jobId === 'j3')?.params, { groupId: '7' });
    assert.deepStrictEqual(undoStep(single), { kind: 'patchUser', userId: '5', body: { first_name: 'Old' } });
    assert.deepStrictEqual(undoableEntries(entries).map((e) => e.id), [single.id]);
    await log.record({ connection: conn, apiUser: 'a', action: 'enable', userId: '1', jobId: 'j9', undoOf: 'j1' });
    await log.record({ connection: conn, apiUser: 'a', action: 'updateUser', userId: '5', undoOf: single.id });
    entries = await log.read();
    assert.ok(!undoableJobs(entries).some((j) => j.jobId === 'j1'), 'an undone job is not offered again');
    assert.deepStrictEqual(undoableEntries(entries), []);
    // A field edit of the details panel is a job of one: still offered as a single edit (its `before` written back);
    // a disable from the panel is a job like a bulk one (undone by its inverse).
    const edit = await log.record({ connection: conn, apiUser: 'a', action: 'updateUser', userId: '8', jobId: 'j10', before: { locale: 'en' }, after: { locale: 'fr' } });
    const email = await log.record({ connection: conn, apiUser: 'a', action: 'updateEmail', userId: '8', jobId: 'j11', before: { email: 'a@x.io' }, after: { email: 'b@x.io' } });
    await log.record({ connection: conn, apiUser: 'a', action: 'disable', userId: '8', jobId: 'j12', before: { is_disabled: false }, after: { is_disabled: true } });
    entries = await log.read();
    assert.deepStrictEqual(undoableEntries(entries).map((e) => e.id), [email.id, edit.id]);
    assert.deepStrictEqual(undoStep(email), { kind: 'patchCredentialsEmail', userId: '8', body: { email: 'a@x.io' } });
    assert.ok(undoableJobs(entries).some((j) => j.jobId === 'j12' && j.inverse === 'enable'));
  });

  it('job ids are unique and file-safe', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newJobId()));
    assert.strictEqual(ids.size, 200);
    for (const id of ids) assert.match(id, /^[\w-]+$/);
  });
});
