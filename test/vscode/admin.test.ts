// An admin's everyday jobs in the real extension host, against the sandbox: unlock (details panel and tree).
// Every one goes through the bulk pipeline: dry run, preview naming the connection and host, audit.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IUserLoginLockout } from '@looker/sdk';
import type { BulkOutcome } from '../../src/bulk/commands';
import type { GroupNode, UserNode, UsersNode } from '../../src/users/nodes';
import { api, connectSandbox, NO_SANDBOX, sandbox, sandboxApi, sandboxLog, startConnected, waitFor, writesOf } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';

describe('admin jobs: unlock', function () {
  this.timeout(90000);
  const sb = sandbox();
  let connectionId: string;

  before(async function () {
    ({ connectionId } = await startConnected(sb));
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
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing sent before Confirm');
    assert.ok(bulk.preview.respond(true));
    await unlocking;

    assert.ok(!(await lockedIds()).includes(id), 'the lockout is gone on the server');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => r.method + ' ' + r.apiPath.replace(/[^/]+$/, 'KEY')), ['DELETE /user_login_lockout/KEY']);
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

describe('admin jobs: user attributes in the details panel', function () {
  this.timeout(90000);
  const sb = sandbox();
  let connectionId: string;
  const userId = '21';

  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    connectionId = await connectSandbox(await api(), sb);
  });

  afterEach(async () => {
    for (const p of (await api()).details.openPanels()) p.dispose();
  });

  async function openPanel() {
    const a = await api();
    await a.details.open(userId, connectionId);
    const panel = await waitFor(() => a.details.panelFor(userId, connectionId), 'the panel');
    await waitFor(() => panel.current, 'the user data', 20000);
    // What Show user attributes sends: the values are not read when the user is opened.
    await panel.receive({ type: 'showAttributes' });
    assert.ok(panel.current?.attributesLoaded, 'the attribute values were read');
    return panel;
  }

  /** Sends a page message and confirms the preview it opens; returns the plan. */
  async function confirmFrom(send: () => Promise<void>) {
    const a = await api();
    const shown = a.bulk.preview.current;
    const running = send();
    const plan = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the preview');
    assert.ok(a.bulk.preview.currentTitle?.includes(new URL(sb!.url).host), 'the preview names the host');
    assert.ok(a.bulk.preview.respond(true));
    await running;
    return plan;
  }

  async function ownValue(attrId: string): Promise<{ value: string | null; source: string | null } | undefined> {
    const { body } = await sandboxApi<{ user_attribute_id: string; value: string | null; source: string | null }[]>(sb!, `/users/${userId}/attribute_values?include_unset=true`);
    return body.find((r) => String(r.user_attribute_id) === attrId);
  }

  it('a value of the wrong type is refused before any request; a number is set, audited, then cleared', async () => {
    const a = await api();
    const panel = await openPanel();
    const row = panel.current!.attributes.find((r) => r.name === 'max_rows');
    assert.ok(row && row.editable && row.type === 'number', 'max_rows is an editable number');
    assert.ok(!panel.current!.attributes.find((r) => r.name === 'email')?.editable, 'a system attribute is read-only');

    await sandboxLog.clear(sb!);
    const from = panel.posted.length;
    await panel.receive({ type: 'setAttribute', attributeId: row.id, value: 'lots' });
    assert.ok(panel.posted.slice(from).some((m) => m.type === 'error' && /number/.test(m.message)), 'the page is told what is expected');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing sent');

    const plan = await confirmFrom(() => panel.receive({ type: 'setAttribute', attributeId: row.id, value: '250' }));
    assert.deepStrictEqual(plan.items[0].after, { max_rows: '250' });
    assert.deepStrictEqual(await ownValue(row.id).then((v) => [v?.value, v?.source]), ['250', 'user']);
    await waitFor(() => panel.current?.attributes.find((r) => r.id === row.id && r.own && r.value === '250'), 'the panel shows the new value');
    let entry = (await a.audit.read()).filter((e) => e.userId === userId).at(-1)!;
    assert.strictEqual(entry.action, 'setUserAttribute');
    assert.deepStrictEqual(entry.after, { max_rows: '250' });

    await confirmFrom(() => panel.receive({ type: 'clearAttribute', attributeId: row.id }));
    assert.notStrictEqual((await ownValue(row.id))?.source, 'user', 'the user value is gone');
    entry = (await a.audit.read()).filter((e) => e.userId === userId).at(-1)!;
    assert.deepStrictEqual([entry.action, entry.before, entry.after], ['clearUserAttribute', { max_rows: '250' }, { max_rows: null }]);
  });

  it('bulk: one attribute set for a selection of users (skipping who has it already), one audit entry each', async () => {
    const a = await api();
    const ids = ['31', '32', '33'];
    const shown = a.bulk.preview.current;
    const running = a.bulk.startFor('setUserAttribute', { userIds: ids, params: { attributeId: '6', attributeName: 'department', value: 'Audit' } });
    const plan = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the preview');
    assert.deepStrictEqual(plan.counts, { change: 3, skip: 0, impossible: 0 });
    assert.ok(a.bulk.preview.currentTitle?.includes('department'), 'the preview names the attribute');
    assert.ok(a.bulk.preview.respond(true));
    const outcome = await running;
    assert.strictEqual(outcome?.result.counts.done, 3);
    for (const id of ids) {
      const { body } = await sandboxApi<{ user_attribute_id: string; value: string | null; source: string | null }[]>(sb!, `/users/${id}/attribute_values?include_unset=true`);
      const row = body.find((r) => String(r.user_attribute_id) === '6');
      assert.deepStrictEqual([row?.value, row?.source], ['Audit', 'user'], `user ${id}`);
    }
    assert.strictEqual((await a.audit.read()).filter((e) => e.jobId === outcome!.job.id && e.action === 'setUserAttribute').length, 3);
    const again = a.bulk.startFor('setUserAttribute', { userIds: ids, params: { attributeId: '6', attributeName: 'department', value: 'Audit' } });
    const replan = await waitFor(() => (a.bulk.preview.current !== plan ? a.bulk.preview.current : undefined), 'the second preview');
    assert.deepStrictEqual(replan.counts, { change: 0, skip: 3, impossible: 0 }, 'already set: skipped');
    a.bulk.preview.respond(false);
    assert.strictEqual(await again, undefined);
  });

  it('a hidden value can be replaced but is never shown, posted to the page or audited', async () => {
    const a = await api();
    const panel = await openPanel();
    const row = panel.current!.attributes.find((r) => r.name === 'warehouse_password');
    assert.ok(row && row.hidden && row.editable, 'the hidden attribute is editable');
    const secret = 'Repl4ced-Hidden-Value';
    await sandboxLog.clear(sb!);
    const from = panel.posted.length;
    await confirmFrom(() => panel.receive({ type: 'setAttribute', attributeId: row.id, value: secret }));
    const patch = (await sandboxLog.get(sb!)).find((r) => r.method === 'PATCH' && r.apiPath === `/users/${userId}/attribute_values/${row.id}`);
    assert.deepStrictEqual(patch?.body, { value: secret }, 'Looker got the new value');
    await waitFor(() => panel.current?.attributes.find((r) => r.id === row.id && r.own), 'the panel reloaded');
    assert.ok(!JSON.stringify(panel.posted.slice(from)).includes(secret), 'never posted to the page');
    assert.ok(!JSON.stringify(await a.audit.read()).includes(secret), 'never in the audit log');
    const entry = (await a.audit.read()).filter((e) => e.userId === userId).at(-1)!;
    assert.strictEqual(entry.action, 'setUserAttribute', 'the change is audited (its password-like key is scrubbed there)');
  });
});

describe('admin jobs: clean-up views', function () {
  this.timeout(120000);
  const sb = sandbox();

  before(async function () {
    await startConnected(sb);
  });

  async function group(key: string): Promise<{ node: GroupNode; users: UserNode[] }> {
    const a = await api();
    const node = (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === key);
    assert.ok(node, `the ${key} group`);
    return { node, users: (await a.tree.getChildren(node)).filter(isUser) };
  }

  it('duplicate emails, blank names, no email / no SSO login and expired setup links are groups of the tree, checked against the sandbox', async () => {
    const dup = await group('smart:duplicateEmails');
    assert.ok(dup.users.length >= 2, 'the seeded duplicate pair');
    const { body } = await sandboxApi<{ id: string; email: string | null; credentials_email: { email: string } | null; credentials_saml: { email: string } | null }[]>(
      sb!,
      `/users?fields=id,email,credentials_email(email),credentials_saml(email)&ids=${dup.users.map((u) => u.id).join(',')}`,
    );
    const emails = body.map((u) => new Set([u.email, u.credentials_email?.email, u.credentials_saml?.email].filter((e): e is string => !!e).map((e) => e.toLowerCase())));
    for (const [i, mine] of emails.entries()) {
      assert.ok(emails.some((other, j) => j !== i && [...mine].some((e) => other.has(e))), `user ${body[i].id} shares an email with another listed user`);
    }
    const blank = await group('smart:blankNames');
    assert.ok(blank.users.length >= 2);
    assert.ok(blank.users.every((u) => !(u.user.first_name ?? '').trim() && !(u.user.last_name ?? '').trim()), 'only blank names');
    const noEmail = await group('smart:noEmail');
    assert.ok(noEmail.users.length > 0 && noEmail.users.every((u) => !u.user.credentials_email), 'no email login');
    const noSso = await group('smart:noSso');
    assert.ok(noSso.users.length > 0 && noSso.users.every((u) => !u.user.credentials_saml && !u.user.credentials_google && !u.user.credentials_oidc), 'no SSO login');
    const expired = await group('smart:expiredSetup');
    assert.ok(expired.users.length > 0 && expired.users.every((u) => u.status.flags.setupLinkExpired), 'expired setup links');
  });

  it('a clean-up group is bulk-actionable: a bulk command on the group plans for every user in it (Cancel sends nothing)', async () => {
    const a = await api();
    const blank = await group('smart:blankNames');
    await sandboxLog.clear(sb!);
    const shown = a.bulk.preview.current;
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.endSessions', blank.node);
    const plan = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the preview', 30000);
    assert.deepStrictEqual(plan.items.map((i) => i.userId).sort(), blank.users.map((u) => u.id).sort(), 'every user of the group');
    a.bulk.preview.respond(false);
    assert.strictEqual(await running, undefined);
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing sent');
  });
});
