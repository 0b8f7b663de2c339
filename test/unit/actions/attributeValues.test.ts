// User attribute values: type checks before any dry run, and set/clear through the bulk pipeline against the sandbox
// (a hidden value never reaches the plan, the job file or the audit values).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { checkAttributeValue, settablePerUser } from '../../../src/actions/attributeValues';
import { jobFromPlan, planJob } from '../../../src/bulk/plan';
import { runJob } from '../../../src/bulk/runner';
import { JobStore } from '../../../src/bulk/store';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

const l10n = { t: (m: string, ...a: (string | number | boolean)[]) => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(a[Number(i)])) };

describe('user attribute values: type checks', () => {
  const ok = (type: string, raw: string) => checkAttributeValue(type, raw, l10n);
  it('accepts values of the type (yes/no spelled as Looker does) and rejects others with what is expected', () => {
    assert.deepStrictEqual(ok('number', ' 5000 '), { value: '5000' });
    assert.deepStrictEqual(ok('number', '-2.5'), { value: '-2.5' });
    assert.match((ok('number', '12abc') as { error: string }).error, /number/);
    assert.deepStrictEqual(ok('yesno', 'yes'), { value: 'Yes' });
    assert.deepStrictEqual(ok('yesno', 'FALSE'), { value: 'No' });
    assert.ok('error' in ok('yesno', 'maybe'));
    assert.deepStrictEqual(ok('zipcode', '12345-6789'), { value: '12345-6789' });
    assert.ok('error' in ok('zipcode', '1234'));
    assert.deepStrictEqual(ok('datetime', '2026-07-01 09:30'), { value: '2026-07-01 09:30' });
    assert.ok('error' in ok('datetime', '2026-13-45'));
    assert.ok('error' in ok('relative_url', '//evil.example/x'));
    assert.deepStrictEqual(ok('relative_url', '/dashboards/1'), { value: '/dashboards/1' });
    assert.deepStrictEqual(ok('advanced_filter_string', 'EMEA,-APAC%'), { value: 'EMEA,-APAC%' });
    assert.ok('error' in ok('string', '   '), 'empty is not a value (Clear removes one)');
    assert.ok('error' in ok('string', 'x'.repeat(4001)));
  });
  it('system attributes are settable per user only when users may edit them', () => {
    assert.strictEqual(settablePerUser({ is_system: true, user_can_edit: false }), false);
    assert.strictEqual(settablePerUser({ is_system: true, user_can_edit: true }), true);
    assert.strictEqual(settablePerUser({ is_system: false, user_can_edit: false }), true);
  });
});

describe('user attribute values: bulk set and clear against the sandbox', function () {
  this.timeout(30000);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let sb: any;
  let client: LookerClient;
  let tmp: string;
  beforeEach(async () => {
    sb = await startSandbox({ port: 0, users: 120, seed: 1 });
    client = new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
    );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attr-test-'));
  });
  afterEach(async () => {
    client.dispose();
    await sb.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('set: users with the value already are skipped; the others get it; clear removes only own values', async () => {
    const users = sb.db.users.filter((u: { id: string }) => Number(u.id) > 15).slice(0, 6);
    users[0].attribute_values['6'] = 'Sales';
    const ids = users.map((u: { id: string }) => u.id);
    const params = { attributeId: '6', attributeName: 'department', value: 'Sales' };
    const plan = await planJob(client, 'setUserAttribute', params, ids);
    assert.deepStrictEqual(plan.counts, { change: 5, skip: 1, impossible: 0 });
    const r = await runJob(jobFromPlan(plan, 'sb'), { client });
    assert.strictEqual(r.counts.done, 5);
    for (const u of users) assert.strictEqual(sb.db.user(u.id).attribute_values['6'], 'Sales');

    users[1].attribute_values['6'] = undefined;
    delete users[1].attribute_values['6'];
    const clear = await planJob(client, 'clearUserAttribute', { attributeId: '6', attributeName: 'department' }, ids.slice(0, 3));
    assert.deepStrictEqual(clear.items.map((i) => i.kind), ['change', 'skip', 'change']);
    assert.deepStrictEqual([clear.items[0].before, clear.items[0].after], [{ department: 'Sales' }, { department: null }]);
    await runJob(jobFromPlan(clear, 'sb'), { client });
    for (const id of [ids[0], ids[2]]) assert.strictEqual(sb.db.user(id).attribute_values['6'], undefined);
  });

  it('a hidden value is set but never appears in the plan, the job file or the per-user before/after', async () => {
    const secret = 'n3w-Warehouse-Pa55';
    const ids = sb.db.users.filter((u: { id: string }) => Number(u.id) > 15).slice(0, 3).map((u: { id: string }) => u.id);
    const params = { attributeId: '8', attributeName: 'warehouse_password', attributeHidden: true, value: secret };
    const plan = await planJob(client, 'setUserAttribute', params, ids);
    assert.strictEqual(plan.counts.change, 3);
    const job = jobFromPlan(plan, 'sb');
    const store = new JobStore(tmp);
    await store.save(job);
    const r = await runJob(job, { client, persist: (j) => store.save(j) });
    assert.strictEqual(r.counts.done, 3);
    for (const id of ids) assert.strictEqual(sb.db.user(id).attribute_values['8'], secret, 'Looker has the new value');
    const onDisk = fs.readdirSync(tmp).map((f) => fs.readFileSync(path.join(tmp, f), 'utf8')).join('\n');
    assert.ok(onDisk.includes('warehouse_password'), 'the job file was written');
    assert.ok(!onDisk.includes(secret), 'the hidden value is not in the job file');
    assert.ok(!JSON.stringify(plan.items).includes(secret), 'nor in the preview');
    assert.ok(!JSON.stringify(job.state).includes(secret), 'nor in the per-user before/after (the audit values)');
  });
});
