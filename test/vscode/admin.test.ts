// An admin's everyday jobs in the real extension host, against the sandbox: unlock (details panel and tree).
// Every one goes through the bulk pipeline: dry run, preview naming the connection and host, audit.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IUserLoginLockout } from '@looker/sdk';
import type { BulkOutcome } from '../../src/bulk/commands';
import type { GroupNode, UserNode, UsersNode } from '../../src/users/tree';
import { api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor, type LoggedRequest } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';

function writes(log: LoggedRequest[]): LoggedRequest[] {
  return log.filter((r) => r.method !== 'GET' && !/\/log(in|out)$/.test(r.path));
}

describe('admin jobs: unlock', function () {
  this.timeout(90000);
  const sb = sandbox();
  let connectionId: string;

  before(async function () {
    if (!sb) return this.skip();
    const a = await api();
    connectionId = await connectSandbox(a, sb);
    await a.tree.setQuery(undefined);
  });

  afterEach(async () => {
    const a = await api();
    for (const p of a.details.openPanels()) p.dispose();
  });

  async function lockedIds(): Promise<string[]> {
    const { body } = await sandboxApi<IUserLoginLockout[]>(sb!, '/user_login_lockouts?fields=user_id');
    return [...new Set(body.map((l) => String(l.user_id)))];
  }

  it('details panel: a locked-out user shows it; Unlock → preview naming the host → lockout gone, audited, panel updated', async () => {
    const a = await api();
    const locked = await lockedIds();
    const id = locked.find((x) => x === '7') ?? locked[0];
    assert.ok(id, 'the sandbox has a locked-out user');
    const panel = await a.details.open(id, connectionId).then(() => waitFor(() => a.details.panelFor(id, connectionId), 'the panel'));
    const data = await waitFor(() => panel.current, 'the user data', 20000);
    assert.ok(data.lockout, 'the panel shows the lockout');
    assert.ok(Number(data.lockout.failCount) >= 1, 'with the failed login count');

    await sandboxLog.clear(sb!);
    const bulk = a.bulk;
    const shown = bulk.preview.current;
    const unlocking = panel.receive({ type: 'unlock' });
    const plan = await waitFor(() => (bulk.preview.current !== shown ? bulk.preview.current : undefined), 'the unlock preview');
    assert.deepStrictEqual(plan.items.map((i) => [i.userId, i.kind]), [[id, 'change']]);
    assert.ok(bulk.preview.currentTitle?.includes(new URL(sb!.url).host), `the preview names the host: ${bulk.preview.currentTitle}`);
    assert.deepStrictEqual(writes(await sandboxLog.get(sb!)), [], 'nothing sent before Confirm');
    assert.ok(bulk.preview.respond(true));
    await unlocking;

    assert.ok(!(await lockedIds()).includes(id), 'the lockout is gone on the server');
    assert.deepStrictEqual(writes(await sandboxLog.get(sb!)).map((r) => r.method + ' ' + r.apiPath.replace(/[^/]+$/, 'KEY')), ['DELETE /user_login_lockout/KEY']);
    await waitFor(() => (panel.current && panel.current.lockout === null ? true : undefined), 'the panel reloaded without the lockout');
    const entry = (await a.audit.read()).filter((e) => e.userId === id).at(-1);
    assert.ok(entry, 'audited');
    assert.strictEqual(entry.action, 'unlock');
    assert.deepStrictEqual([entry.before, entry.after], [{ locked_out: true }, { locked_out: false }]);
    assert.strictEqual(entry.connection.host, new URL(sb!.url).host);
    assert.ok(entry.user?.name || entry.user?.email, 'who was unlocked');
  });

  it('tree: select every user of "Locked out" → Unlock Users → preview → confirm → the group empties', async () => {
    const a = await api();
    a.tree.refresh();
    const group = (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'smart:lockedOut');
    assert.ok(group, 'the Locked out group');
    const users = (await a.tree.getChildren(group)).filter(isUser);
    assert.ok(users.length >= 2, `several locked-out users: ${users.length}`);
    assert.deepStrictEqual(users.map((u) => u.id).sort(), (await lockedIds()).sort(), 'the group lists the lockout list');
    const item = a.tree.getTreeItem(users[0]);
    assert.match(String(item.contextValue), /;lockedOut;/, 'the item offers Unlock in its context menu');

    const shown = a.bulk.preview.current;
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.unlock', users[0], users);
    const plan = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the preview');
    assert.deepStrictEqual(plan.counts, { change: users.length, skip: 0, impossible: 0 });
    assert.ok(a.bulk.preview.respond(true));
    const outcome = await running;
    assert.strictEqual(outcome?.result.counts.done, users.length);
    assert.deepStrictEqual(await lockedIds(), [], 'no lockout left');

    const after = await waitFor(async () => (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'smart:lockedOut' && g !== group), 'the reloaded tree');
    assert.deepStrictEqual((await a.tree.getChildren(after)).filter(isUser), [], '"Locked out" is empty');
    const audited = (await a.audit.read()).filter((e) => e.jobId === outcome!.job.id);
    assert.strictEqual(audited.length, users.length, 'one audit entry per user');
  });
});
