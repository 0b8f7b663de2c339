// What opening a user's details reads, counted in the sandbox's request log (issue 20: at most three calls).
import * as assert from 'assert';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { attributeValues, openReads } from '../../../src/details/reads';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: { method: string; apiPath: string; op: string | null; query: Record<string, string> }[];
  clearLog(): void;
  close(): Promise<void>;
}

describe('details: the reads of one open', function () {
  this.timeout(30000);
  let sb: Sandbox;
  let client: LookerClient;

  before(async () => {
    sb = await startSandbox({ port: 0, users: 60, seed: 1 });
    client = new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
    );
    await client.me('id');
  });
  after(async () => {
    client?.dispose();
    if (sb) await sb.close();
  });

  it('three calls: the user with its sessions and role_ids, its direct roles, the lockout list', async () => {
    sb.clearLog();
    const [user, direct, lockouts] = await openReads(client, '15');
    assert.deepStrictEqual(sb.requests.map((r) => r.op).sort(), ['all_user_login_lockouts', 'user', 'user_roles']);
    assert.strictEqual(sb.requests.find((r) => r.op === 'user_roles')?.query.direct_association_only, 'true');
    assert.ok(user.status === 'fulfilled' && String(user.value.id) === '15' && Array.isArray(user.value.sessions));
    assert.ok(direct.status === 'fulfilled' && lockouts.status === 'fulfilled');
  });

  it('the attribute values, asked for separately, are one call with every source', async () => {
    sb.clearLog();
    const rows = await attributeValues(client, '15');
    assert.deepStrictEqual(sb.requests.map((r) => [r.op, r.query.all_values, r.query.include_unset]), [['user_attribute_user_values', 'true', 'true']]);
    assert.ok(rows.length > 0);
  });

  it('a user that does not exist: the user read fails on its own, the others still settle', async () => {
    const [user] = await openReads(client, '999999');
    assert.strictEqual(user.status, 'rejected');
  });
});
