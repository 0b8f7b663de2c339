// Fault matrix in the real extension host: the sandbox answers 401/403/404/409/422/429/503, drops the connection or
// hangs; every case ends with a clear message (or a transparent recovery), no unhandled rejection, and the next
// command works.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { GroupNode, MessageNode, UsersNode } from '../../src/users/nodes';
import { api, connectSandbox, sandbox, sandboxLog, NO_SANDBOX } from './helpers';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

type Fault = { name: string; rule?: Record<string, unknown>; revoke?: boolean; expect: RegExp | 'ok' };

const FAULTS: Fault[] = [
  { name: '401 (all tokens revoked)', revoke: true, expect: 'ok' },
  { name: '403', rule: { status: 403, body: { message: 'You are not allowed', documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/403/get/users/search' } }, expect: /not allowed/ },
  { name: '404', rule: { status: 404, body: { message: 'Not found', documentation_url: null } }, expect: /Not found|No user has/ },
  { name: '409', rule: { status: 409, body: { message: 'Conflict', documentation_url: null } }, expect: /Conflict/ },
  { name: '422', rule: { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'email', code: 'invalid', message: 'is not valid', documentation_url: null }], documentation_url: null } }, expect: /rejected the values: email: is not valid/ },
  { name: '429 with Retry-After', rule: { status: 429, retryAfter: 1, body: { message: 'Too many requests', documentation_url: null } }, expect: 'ok' },
  { name: '503 once', rule: { status: 503, body: { message: 'Service unavailable', documentation_url: null } }, expect: 'ok' },
  { name: 'dropped connection once', rule: { drop: true }, expect: 'ok' },
];

describe('reliability: fault matrix', function () {
  const sb = sandbox();
  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    process.on('unhandledRejection', onUnhandled);
    const a = await api();
    await connectSandbox(a, sb);
    a.tree.showPinnedGroup(undefined);
    await a.tree.setQuery(undefined);
  });
  afterEach(async () => {
    if (sb) await sandboxLog.clearRules(sb);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  async function arm(f: Fault, path: string): Promise<void> {
    if (f.revoke) await sandboxLog.revoke(sb!);
    if (f.rule) await sandboxLog.rule(sb!, { path, times: 1, ...f.rule });
  }

  for (const f of FAULTS) {
    it(`find by credential — ${f.name}`, async () => {
      const a = await api();
      a.dialogs.errors.length = 0;
      a.dialogs.warnings.length = 0;
      await arm(f, '^/users/credential/');
      const user = (await vscode.commands.executeCommand('looker.findByCredential', 'email', 'priya.raman@brightlane.io')) as IUser | undefined;
      if (f.expect === 'ok') {
        assert.strictEqual(String(user?.id), '15');
        assert.deepStrictEqual(a.dialogs.errors, []);
      } else {
        assert.strictEqual(user, undefined);
        if (f.name === '404') {
          // Not an error: a warning that names what was looked for and where.
          assert.deepStrictEqual(a.dialogs.errors, []);
          assert.deepStrictEqual(a.dialogs.warnings, [`No user has the Email credential "priya.raman@brightlane.io" on ${a.manager.active()?.name}.`]);
        } else assert.match(a.dialogs.errors.join('\n'), f.expect);
        for (const e of a.dialogs.errors) assert.ok(!e.includes(sb!.clientSecret));
      }
      // the next command works
      await sandboxLog.clearRules(sb!);
      const again = (await vscode.commands.executeCommand('looker.findByCredential', 'email', 'priya.raman@brightlane.io')) as IUser;
      assert.strictEqual(String(again.id), '15');
    });

    it(`test connection — ${f.name}`, async () => {
      const a = await api();
      a.dialogs.errors.length = 0;
      await arm(f, '^/user$');
      const outcome = (await vscode.commands.executeCommand('looker.testConnection')) as { ok: boolean } | undefined;
      if (f.expect === 'ok') {
        assert.strictEqual(outcome?.ok, true);
        assert.deepStrictEqual(a.dialogs.errors, []);
      } else {
        assert.strictEqual(outcome?.ok, false);
        assert.match(a.dialogs.errors.join('\n'), f.expect);
      }
      await sandboxLog.clearRules(sb!);
      const again = (await vscode.commands.executeCommand('looker.testConnection')) as { ok: boolean };
      assert.strictEqual(again.ok, true, 'the next command works');
    });

    it(`users tree — ${f.name}`, async () => {
      const a = await api();
      await arm(f, '^/users/search$');
      a.tree.refresh();
      const groups = (await a.tree.getChildren()).filter((n): n is GroupNode => n.kind === 'group');
      const failed = groups.filter((g) => g.error);
      if (f.expect === 'ok') {
        assert.deepStrictEqual(failed.map((g) => g.key), []);
      } else {
        assert.strictEqual(failed.length, 1, 'exactly the group whose request failed shows an error');
        const kids = (await a.tree.getChildren(failed[0])) as UsersNode[];
        const msg = kids[0] as MessageNode;
        assert.strictEqual(msg.kind, 'message');
        assert.match(msg.text, f.expect);
        assert.strictEqual(msg.command?.command, 'looker.refreshGroup', 'the error item retries');
        await sandboxLog.clearRules(sb!);
        await vscode.commands.executeCommand('looker.refreshGroup', failed[0]);
        const retried = await a.tree.getChildren(failed[0]);
        assert.ok(retried.some((n) => n.kind === 'user' || (n.kind === 'message' && /No users/.test((n as MessageNode).text))), 'retry loads the group');
      }
    });
  }

  it('a hang past the timeout ends with a timeout message, and the next call works', async function () {
    this.timeout(30000);
    const a = await api();
    const r = await a.connections.testAndSave({ baseUrl: sb!.url, clientId: sb!.clientId, secret: sb!.clientSecret, name: 'Short timeout', verifyTls: true, timeoutSeconds: 2, id: 'short-timeout' });
    assert.ok(r.profile);
    try {
      a.dialogs.errors.length = 0;
      await sandboxLog.rule(sb!, { path: '^/users/credential/', hang: true, times: 1 });
      const t0 = Date.now();
      const user = await vscode.commands.executeCommand('looker.findByCredential', 'email', 'priya.raman@brightlane.io');
      assert.strictEqual(user, undefined);
      assert.ok(Date.now() - t0 < 8000, 'gave up near the 2 s timeout (timeouts are not retried)');
      assert.match(a.dialogs.errors.join('\n'), /did not answer in time/);
      const again = (await vscode.commands.executeCommand('looker.findByCredential', 'email', 'priya.raman@brightlane.io')) as IUser;
      assert.strictEqual(String(again.id), '15');
    } finally {
      a.dialogs.answers.push('Remove');
      await a.connections.remove('short-timeout');
      await connectSandbox(a, sb!);
    }
  });

  it('no unhandled promise rejection happened during the matrix', () => {
    assert.deepStrictEqual(unhandled.map(String), []);
  });
});
