// Bulk Disable in the real extension host: select 3 users → Disable → preview → confirm → all 3 disabled, the audit
// log has 3 lines, Undo re-enables them. Checked against the sandbox's own data and request log.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { BulkCommands, BulkOutcome } from '../../src/bulk/commands';
import type { GroupNode, UserNode, UsersNode } from '../../src/users/nodes';
import { api, sandbox, sandboxApi, sandboxLog, startConnected, waitFor, writesOf } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';

describe('bulk disable with preview, audit and undo', function () {
  this.timeout(60000);
  const sb = sandbox();
  let tmp: string;
  let bulk: BulkCommands;

  before(async function () {
    const { a } = await startConnected(sb);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-bulk-'));
    bulk = a.bulk;
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function isDisabled(id: string): Promise<boolean> {
    const { body } = await sandboxApi<IUser>(sb!, `/users/${id}?fields=id,is_disabled`);
    return body.is_disabled === true;
  }

  it('select 3 users → Disable → preview → confirm → disabled, audited, and Undo re-enables them', async () => {
    const a = await api();
    const active = (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'status:active');
    assert.ok(active, 'the Active group');
    const users = (await a.tree.getChildren(active)).filter(isUser).filter((n) => n.id !== '1').slice(0, 3);
    assert.strictEqual(users.length, 3);
    const ids = users.map((n) => n.id);
    for (const id of ids) assert.strictEqual(await isDisabled(id), false, `user ${id} starts enabled`);

    await sandboxLog.clear(sb!);
    // VS Code passes (clicked, selected[]) for a context-menu command on a multi-selection.
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.disableUsers', users[0], users);
    const plan = await waitFor(() => bulk.preview.current, 'the preview');
    assert.deepStrictEqual(plan.counts, { change: 3, skip: 0, impossible: 0 });
    assert.deepStrictEqual(plan.items.map((i) => i.userId).sort(), [...ids].sort());
    const beforeConfirm = await sandboxLog.get(sb!);
    const writes = writesOf(beforeConfirm);
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), [], 'the dry run wrote nothing');
    for (const id of ids) assert.strictEqual(await isDisabled(id), false, 'nothing changes before Confirm');

    assert.ok(bulk.preview.respond(true), 'Confirm in the preview');
    const outcome = await running;
    assert.ok(outcome, 'the job ran');
    assert.strictEqual(outcome.result.counts.done, 3);
    for (const id of ids) assert.strictEqual(await isDisabled(id), true, `user ${id} disabled`);
    const patches = (await sandboxLog.get(sb!)).filter((r) => r.method === 'PATCH' && r.status === 200);
    assert.deepStrictEqual(patches.map((r) => r.apiPath).sort(), ids.map((id) => `/users/${id}`).sort(), 'one PATCH per user');

    const lines = fs.readFileSync(bulk.audit.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mine = lines.filter((e) => e.jobId === outcome.job.id);
    assert.strictEqual(mine.length, 3, 'three audit lines');
    for (const e of mine) {
      assert.strictEqual(e.action, 'disable');
      assert.deepStrictEqual([e.before, e.after], [{ is_disabled: false }, { is_disabled: true }]);
      assert.strictEqual(e.connection.url, sb!.url);
      assert.ok(!JSON.stringify(e).includes(sb!.clientSecret), 'no secret in the audit log');
    }

    // Undo is a job like any other: its dry run and preview are the confirmation.
    const undoing = bulk.undo({ jobId: outcome.job.id });
    const undoPlan = await waitFor(() => (bulk.preview.current !== plan ? bulk.preview.current : undefined), 'the undo preview');
    assert.deepStrictEqual(undoPlan.counts, { change: 3, skip: 0, impossible: 0 });
    assert.ok(bulk.preview.respond(true), 'Confirm the undo in the preview');
    const undone = await undoing;
    assert.ok(undone && 'result' in undone, 'undo ran as a job');
    assert.strictEqual(undone.result.counts.done, 3);
    for (const id of ids) assert.strictEqual(await isDisabled(id), false, `user ${id} enabled again`);
    const after = fs.readFileSync(bulk.audit.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(after.filter((e) => e.undoOf === outcome.job.id && e.action === 'enable').length, 3, 'the undo is audited');
  });

  it('Cancel in the preview changes nothing', async () => {
    const a = await api();
    const active = (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'status:active')!;
    const users = (await a.tree.getChildren(active)).filter(isUser).filter((n) => n.id !== '1').slice(3, 5);
    await sandboxLog.clear(sb!);
    const running = bulk.start('disable', users[0], users);
    await waitFor(() => bulk.preview.current, 'the preview');
    bulk.preview.respond(false);
    assert.strictEqual(await running, undefined);
    // Reads sent as POST (login, a System Activity query) are not writes.
    const writes = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(writes, []);
  });
});
