// Delete with a hand-over: the delete dry run lists what each user owns (schedules in one request for all users, one
// read per personal folder), and reassigning schedules is a planned job whose undo gives back exactly those schedules.
import * as assert from 'assert';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { jobFromPlan, planJob } from '../../../src/bulk/plan';
import { jobCost, ownedReads } from '../../../src/bulk/cost';
import { runJob } from '../../../src/bulk/runner';
import { applyAction, type BulkClient } from '../../../src/bulk/actions';
import { ACTIONS } from '../../../src/actions/table';
import { undoableJobs, type AuditEntry } from '../../../src/audit/log';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

interface Logged {
  op: string | null;
  method: string;
  body: unknown;
  query: Record<string, string>;
}

describe('delete with a hand-over (against the sandbox)', function () {
  this.timeout(30000);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let sb: any;
  let client: LookerClient;
  beforeEach(async () => {
    sb = await startSandbox({ port: 0, users: 120, seed: 1 });
    client = new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
    );
  });
  afterEach(async () => {
    client.dispose();
    await sb.close();
  });
  const ops = (): string[] => (sb.requests as Logged[]).map((r) => r.op ?? '').filter((op) => op !== 'login' && op !== 'logout' && op !== 'swagger' && op !== 'versions');

  it('the delete dry run lists schedules and personal folder counts per user, reading schedules once for all', async () => {
    await client.testConnection();
    sb.clearLog();
    const plan = await planJob(client, 'delete', {}, ['14', '15', '20'], { apiUserId: '1' });
    const by = new Map(plan.items.map((i) => [i.userId, i]));
    assert.deepStrictEqual(by.get('14')?.owns, { schedules: [{ id: '1', name: 'Weekly revenue' }, { id: '2', name: 'Churn watch' }], looks: 2, dashboards: 1 });
    assert.deepStrictEqual(by.get('15')?.owns, { schedules: [{ id: '3', name: 'Pipeline daily' }], looks: 1, dashboards: 0 });
    assert.deepStrictEqual(by.get('20')?.owns, { schedules: [], looks: 0, dashboards: 0 });
    const made = ops();
    assert.strictEqual(made.filter((o) => o === 'all_scheduled_plans').length, 1, 'one request for every schedule');
    assert.strictEqual(made.filter((o) => o === 'folder').length, 3, 'one per personal folder');
    const q = (sb.requests as Logged[]).find((r) => r.op === 'all_scheduled_plans')?.query;
    assert.strictEqual(q?.all_users, 'true');
    // The estimate of those reads matches what was sent (users read in one batch besides).
    assert.strictEqual(ownedReads('delete', [{ personal_folder_id: '114' }, { personal_folder_id: '115' }, { personal_folder_id: '120' }]), 4);
    assert.strictEqual(made.length, 1 + ownedReads('delete', [{ personal_folder_id: 'a' }, { personal_folder_id: 'b' }, { personal_folder_id: 'c' }]));
    assert.strictEqual(ownedReads('disable', [{ personal_folder_id: 'a' }]), 0);
    assert.strictEqual(jobCost(plan).ownedReads, 4, 'the preview\'s estimate of those reads');
  });

  it('reassigning moves exactly the planned schedules; its undo gives back only those', async () => {
    const plan = await planJob(client, 'reassignSchedules', { toUserId: '20', toUserName: 'Twenty' }, ['14', '15', '16']);
    assert.deepStrictEqual(plan.items.map((i) => i.kind), ['change', 'change', 'skip']);
    assert.deepStrictEqual(plan.params.schedules, { '14': ['1', '2'], '15': ['3'] });
    assert.deepStrictEqual([plan.items[0].before, plan.items[0].after], [{ schedule_owner: '14', schedules: 2 }, { schedule_owner: '20', schedules: 2 }]);
    assert.strictEqual(jobCost(plan).apply, 3, 'one PATCH per schedule');
    sb.clearLog();
    const job = jobFromPlan(plan, 'sb');
    const r = await runJob(job, { client });
    assert.strictEqual(r.counts.done, 2);
    const patches = (sb.requests as Logged[]).filter((x) => x.op === 'update_scheduled_plan');
    assert.deepStrictEqual(patches.map((p) => p.body), [{ user_id: '20' }, { user_id: '20' }, { user_id: '20' }]);
    const owners = () => Object.fromEntries(sb.db.scheduledPlans.map((p: { id: string; user_id: string }) => [p.id, p.user_id]));
    assert.strictEqual(owners()['1'], '20');
    assert.strictEqual(owners()['3'], '20');
    // User 20 owned a schedule of their own before: the undo must leave it with them.
    const own = sb.db.scheduledPlans.find((p: { user_id: string; id: string }) => p.user_id === '20' && !['1', '2', '3'].includes(p.id));
    // The undo job is built from the audit entries (one per user, each naming its own schedules).
    const entries: AuditEntry[] = job.userIds.filter((id) => job.state[id].status === 'done').map((id, n) => ({
      id: `e${n}`, time: '2026-01-01T00:00:00Z', connection: { id: 'sb', name: 'sandbox', url: sb.url }, apiUser: 'a', action: 'reassignSchedules',
      userId: id, jobId: job.id, params: { toUserId: '20', toUserName: 'Twenty', schedules: { [id]: job.params.schedules?.[id] ?? [] } },
    }));
    const [undo] = undoableJobs(entries);
    assert.strictEqual(undo.inverse, 'reassignSchedulesBack');
    const back = await planJob(client, 'reassignSchedulesBack', { ...undo.params }, undo.userIds);
    assert.deepStrictEqual(back.counts, { change: 2, skip: 0, impossible: 0 });
    await runJob(jobFromPlan(back, 'sb'), { client });
    assert.deepStrictEqual([owners()['1'], owners()['2'], owners()['3']], ['14', '14', '15']);
    if (own) assert.strictEqual(owners()[own.id], '20', 'the new owner keeps their own schedules');
    // Giving back twice changes nothing: the schedules are with their owners already.
    const again = await planJob(client, 'reassignSchedulesBack', { ...undo.params }, undo.userIds);
    assert.deepStrictEqual(again.counts, { change: 0, skip: 2, impossible: 0 });
  });

  it('a user cannot take their own schedules over; no new owner is refused', async () => {
    const plan = await planJob(client, 'reassignSchedules', { toUserId: '14' }, ['14']);
    assert.deepStrictEqual(plan.items.map((i) => [i.kind, i.reason]), [['impossible', 'This is the new owner.']]);
    const none = await planJob(client, 'reassignSchedules', {}, ['15']);
    assert.strictEqual(none.items[0].kind, 'impossible');
  });

  it('the write table: reassigning is idempotent and reversible; an API key is never created twice', () => {
    assert.deepStrictEqual([ACTIONS.reassignSchedules.retry, ACTIONS.reassignSchedules.inverse], ['idempotent', 'reassignSchedulesBack']);
    assert.strictEqual(ACTIONS.createApiKey.retry, 'never');
    assert.deepStrictEqual([ACTIONS.deleteApiKey.retry, ACTIONS.deleteApiKey.destructive], ['reread', true]);
    assert.deepStrictEqual([ACTIONS.deleteServiceAccount.retry, ACTIONS.deleteServiceAccount.destructive], ['reread', true]);
    assert.strictEqual(ACTIONS.createServiceAccount.retry, 'never');
  });

  it('a new service account is planned from its name and never created a second time after an uncertain attempt', async () => {
    const plan = await planJob({} as never, 'createServiceAccount', { serviceAccountName: ' svc-etl ' }, ['new-service-account:svc-etl']);
    assert.deepStrictEqual(plan.items.map((i) => [i.kind, i.label, i.after]), [['change', 'svc-etl', { service_account_name: 'svc-etl', is_disabled: false }]]);
    const empty = await planJob({} as never, 'createServiceAccount', {}, ['new-service-account:']);
    assert.strictEqual(empty.items[0].kind, 'impossible');
    let posts = 0;
    const client = { createServiceAccount: async () => { posts++; return { id: '9', service_account_name: 'svc-etl', is_disabled: false }; } } as unknown as BulkClient;
    await assert.rejects(applyAction(client, 'createServiceAccount', { serviceAccountName: 'svc-etl' }, 'new-service-account:svc-etl', { recheck: true }), /not sent again/);
    assert.strictEqual(posts, 0, 'nothing sent after an uncertain attempt');
    const done = await applyAction(client, 'createServiceAccount', { serviceAccountName: 'svc-etl' }, 'new-service-account:svc-etl');
    assert.deepStrictEqual([posts, done.after], [1, { id: '9', service_account_name: 'svc-etl', is_disabled: false }]);
  });
});
