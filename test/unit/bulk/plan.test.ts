// API calls of a dry run for an explicit selection of users, counted in the sandbox's request log: at most
// ⌈N / 1,000⌉ + 2 (issue 20), each request line short enough for common servers and proxies.
import * as assert from 'assert';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { planJob } from '../../../src/bulk/plan';
import type { BulkAction } from '../../../src/actions/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

interface Logged {
  method: string;
  apiPath: string;
  query: Record<string, string>;
}
interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: Logged[];
  db: { users: { id: string }[] };
  clearLog(): void;
  close(): Promise<void>;
}

describe('dry run call count for an explicit selection', function () {
  this.timeout(60000);
  let sb: Sandbox;
  let client: LookerClient;
  const lines: string[] = [];

  before(async () => {
    sb = await startSandbox({ port: 0, users: 2500, seed: 3 });
    client = new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 30 },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 }, onRequest: (i) => lines.push(`${i.method} /api/4.0${i.path}`) },
    );
    await client.me('id');
  });
  after(async () => {
    client?.dispose();
    if (sb) await sb.close();
  });

  /** API calls of one dry run (sign-in excluded), and the plan. */
  async function counted(action: BulkAction, ids: string[]) {
    sb.clearLog();
    lines.length = 0;
    const plan = await planJob(client, action, {}, ids, { apiUserId: '1' });
    const calls = sb.requests.filter((r) => r.apiPath !== '/login');
    return { plan, calls };
  }

  for (const [action, extra] of [['disable', 0], ['endSessions', 0], ['forcePasswordReset', 0], ['unlock', 1]] as const) {
    it(`${action}: ⌈N / 1,000⌉ reads of the users${extra ? ' and one of the lockout list' : ''}, never more than ⌈N / 1,000⌉ + 2`, async () => {
      const ids = [...sb.db.users.map((u) => u.id), '999999'];
      const n = ids.length;
      const { plan, calls } = await counted(action, ids);
      assert.strictEqual(plan.items.length, n, 'every selected user classified');
      assert.strictEqual(plan.items.find((i) => i.userId === '999999')?.kind, 'impossible');
      const reads = calls.filter((r) => r.method === 'GET' && r.apiPath === '/users');
      assert.deepStrictEqual(reads.map((r) => r.query.ids.split(',').length), [1000, 1000, 501], 'users read 1,000 at a time');
      assert.strictEqual(calls.length, Math.ceil(n / 1000) + extra, calls.map((r) => `${r.method} ${r.apiPath}`).join(', '));
      assert.ok(calls.length <= Math.ceil(n / 1000) + 2);
      assert.ok(calls.every((r) => r.method === 'GET'), 'reads only');
      for (const l of lines) assert.ok(l.length < 7600, `request line of ${l.length} characters`);
    });
  }

  it('a few users cost one read', async () => {
    const { calls } = await counted('disable', ['2', '3', '4']);
    assert.deepStrictEqual(calls.map((r) => [r.method, r.apiPath, r.query.ids]), [['GET', '/users', '2,3,4']]);
  });
});
