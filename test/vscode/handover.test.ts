// API keys, service accounts and a delete with a hand-over, in the real extension host against the sandbox. Every
// write is confirmed naming the connection and host and audited once; an API key's secret is shown once and never
// reaches the Output log or the audit file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { IScheduledPlan, IUser } from '@looker/sdk';
import type { BulkOutcome } from '../../src/bulk/commands';
import type { DetailsPanel } from '../../src/details/panel';
import type { GroupNode, UserNode } from '../../src/users/nodes';
import type { HostMessage } from '../../src/details/protocol';
import { api, sandbox, sandboxApi, sandboxLog, startConnected, waitFor, writesOf } from './helpers';

function posted<T extends HostMessage['type']>(p: DetailsPanel, from: number, type: T): Extract<HostMessage, { type: T }>[] {
  return p.posted.slice(from).filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
}

describe('API keys, service accounts and delete with a hand-over', function () {
  this.timeout(120000);
  const sb = sandbox();
  let connectionId: string;
  let host: string;

  before(async function () {
    ({ connectionId } = await startConnected(sb));
    host = new URL(sb!.url).host;
  });

  afterEach(async () => {
    const a = await api();
    a.dialogs.answers.length = 0;
    for (const p of a.details.openPanels()) p.dispose();
    if (a.bulk.preview.current) a.bulk.preview.respond(false);
  });

  async function openPanel(id: string): Promise<DetailsPanel> {
    const a = await api();
    await a.details.open(id, connectionId);
    const panel = await waitFor(() => a.details.panelFor(id, connectionId), 'the panel');
    await waitFor(() => panel.current, 'the user data', 20000);
    return panel;
  }

  it('details panel: Create API key shows the secret once (copyable, working) and never logs or audits it; Delete removes the key', async () => {
    const a = await api();
    const id = '20';
    const panel = await openPanel(id);
    const keysBefore = (await sandboxApi<{ id: string; client_id: string }[]>(sb!, `/users/${id}/credentials_api3`)).body;
    await sandboxLog.clear(sb!);
    const mark = panel.posted.length;
    const prompts = a.dialogs.prompts.length;
    a.dialogs.answers.push('Create API Key');
    await panel.receive({ type: 'createApiKey' });
    assert.ok(a.dialogs.prompts.slice(prompts).some((p) => p.includes(host) && p.includes('Sandbox')), 'the confirmation names the connection and host');
    const shown = posted(panel, mark, 'apiKeyCreated');
    assert.strictEqual(shown.length, 1, 'the key is shown once');
    const key = shown[0].key!;
    assert.ok(key.clientId && key.secret, 'client id and secret');
    const keysAfter = (await sandboxApi<{ id: string; client_id: string }[]>(sb!, `/users/${id}/credentials_api3`)).body;
    assert.strictEqual(keysAfter.length, keysBefore.length + 1);
    const created = keysAfter.find((k) => k.client_id === key.clientId);
    assert.ok(created, 'Looker has the new key');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath}`), [`POST /users/${id}/credentials_api3`], 'one POST');
    // The panel lists it (client id, created).
    await waitFor(() => panel.current?.credentials.some((c) => c.kind === 'api3' && c.credentialId === String(created.id)), 'the new key in the panel');
    // Copy secret puts it on the clipboard; it works for an API login.
    await panel.receive({ type: 'copyApiKeySecret' });
    assert.strictEqual(await vscode.env.clipboard.readText(), key.secret);
    const login = await fetch(`${sb!.url}/api/4.0/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: key.clientId, client_secret: key.secret }).toString() });
    assert.strictEqual(login.status, 200, 'the new key logs in');
    // Never in the Output log or the audit file; the audit names the client id.
    assert.ok(!a.log.recentLines().some((l) => l.includes(key.secret)), 'the secret is not in the Output log');
    const auditText = fs.readFileSync(a.audit.file, 'utf8');
    assert.ok(!auditText.includes(key.secret), 'the secret is not in the audit file');
    const entries = (await a.audit.read()).filter((e) => e.userId === id && e.action === 'createApiKey');
    assert.strictEqual(entries.length, 1, 'audited once');
    assert.deepStrictEqual(entries[0].after, { client_id: key.clientId });
    assert.strictEqual(entries[0].connection.host, host);
    // Done forgets it: a second Copy copies nothing new.
    await vscode.env.clipboard.writeText('-');
    await panel.receive({ type: 'dismissApiKeySecret' });
    await panel.receive({ type: 'copyApiKeySecret' });
    assert.strictEqual(await vscode.env.clipboard.readText(), '-');

    // Delete: confirmed naming the connection and host; audited with the client id.
    await sandboxLog.clear(sb!);
    a.dialogs.answers.push(undefined);
    await panel.receive({ type: 'deleteCredential', kind: 'api3', credentialId: String(created.id) });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'cancelled: nothing sent');
    const before = a.dialogs.prompts.length;
    a.dialogs.answers.push('Delete API Key 1 user');
    await panel.receive({ type: 'deleteCredential', kind: 'api3', credentialId: String(created.id) });
    assert.ok(a.dialogs.prompts.slice(before).some((p) => p.includes(host) && p.includes(key.clientId)), 'the confirmation names the key, connection and host');
    const left = (await sandboxApi<{ client_id: string }[]>(sb!, `/users/${id}/credentials_api3`)).body;
    assert.ok(!left.some((k) => k.client_id === key.clientId), 'the key is gone');
    const del = (await a.audit.read()).filter((e) => e.userId === id && e.action === 'deleteApiKey').at(-1);
    assert.deepStrictEqual([del?.before, del?.after], [{ client_id: key.clientId }, { client_id: null }]);
  });

  it('service accounts: create, rename, disable and delete, each confirmed naming the host and audited', async () => {
    const a = await api();
    const sa = a.serviceAccounts;
    // The tree marks service accounts so that Edit / Delete Service Account… appear in their context menu.
    a.tree.refresh();
    const service = (await a.tree.getChildren()).find((n): n is GroupNode => n.kind === 'group' && n.key === 'status:service');
    assert.ok(service, 'the Service accounts group');
    const members = (await a.tree.getChildren(service)).filter((n): n is UserNode => n.kind === 'user');
    assert.ok(members.length >= 1);
    for (const m of members) assert.match(String(a.tree.getTreeItem(m).contextValue), /^user;.*;serviceAccount;/);
    const name = `svc-test-${Date.now() % 100000}`;
    a.dialogs.answers.push(undefined);
    assert.strictEqual(await sa.create(name), undefined, 'cancelled at the confirmation');
    const prompts = a.dialogs.prompts.length;
    a.dialogs.answers.push('Create');
    const created = await sa.create(name);
    assert.ok(created?.id);
    const id = String(created.id);
    assert.ok(a.dialogs.prompts.slice(prompts).some((p) => p.includes(host)), 'names the host');
    const read = async () => (await sandboxApi<IUser>(sb!, `/users/${id}?fields=id,is_service_account,service_account_name,is_disabled`)).body;
    assert.deepStrictEqual(await read(), { id, is_service_account: true, service_account_name: name, is_disabled: false });
    await assert.rejects(sa.create('   '), /Type a name/, 'an empty name is refused before anything is sent');

    a.dialogs.answers.push('Save');
    await sa.edit(id, { name: `${name}-2` });
    assert.strictEqual((await read()).service_account_name, `${name}-2`);
    a.dialogs.answers.push('Save');
    await sa.edit(id, { disabled: true });
    assert.strictEqual((await read()).is_disabled, true);
    await assert.rejects(sa.edit('20', { disabled: true }), /not a service account/, 'a person is not edited as a service account');

    a.dialogs.answers.push('Delete Service Account 1 user');
    const del = a.dialogs.prompts.length;
    assert.strictEqual(await sa.remove(id), true);
    assert.ok(a.dialogs.prompts.slice(del).some((p) => p.includes(host) && p.includes(`${name}-2`)), 'the delete names the account and host');
    const gone = await fetch(`${sb!.url}/api/4.0/users/${id}`, { headers: { Authorization: `token ${await adminToken()}` } });
    assert.strictEqual(gone.status, 404);
    const entries = (await a.audit.read()).filter((e) => e.userId === id).map((e) => [e.action, e.before, e.after]);
    assert.deepStrictEqual(entries, [
      ['createServiceAccount', { service_account: null }, { id, service_account_name: name, is_disabled: false }],
      ['updateServiceAccount', { service_account_name: name }, { service_account_name: `${name}-2` }],
      ['updateServiceAccount', { is_disabled: false }, { is_disabled: true }],
      ['deleteServiceAccount', { service_account_name: `${name}-2` }, { service_account_name: null }],
    ]);
  });

  it('delete preview lists owned schedules and folder content; Reassign Schedules First hands them over as a job, then the delete', async () => {
    const a = await api();
    const plans = async () => (await sandboxApi<IScheduledPlan[]>(sb!, '/scheduled_plans?all_users=true&fields=id,name,user_id')).body;
    const all = await plans();
    const owner = all.map((p) => String(p.user_id)).find((u) => Number(u) >= 16);
    assert.ok(owner, 'a generated user owns a schedule');
    const theirs = all.filter((p) => String(p.user_id) === owner).map((p) => String(p.id));
    await sandboxLog.clear(sb!);
    const shown = a.bulk.preview.current;
    const running = a.bulk.startFor('delete', { userIds: [owner], connectionId });
    const plan = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the delete preview', 20000);
    assert.deepStrictEqual(plan.items[0].owns?.schedules.map((s) => s.id), theirs, 'the preview lists the schedules');
    assert.ok(plan.items[0].owns?.looks !== undefined, 'and the personal folder content');
    const reads = (await sandboxLog.get(sb!)).filter((r) => r.op === 'all_scheduled_plans');
    assert.strictEqual(reads.length, 1, 'schedules read once');
    assert.ok(a.bulk.preview.currentNotes.some((n) => /API calls: this check made \d+/.test(n)), a.bulk.preview.currentNotes.join(' | '));
    assert.ok(a.bulk.preview.currentNotes.some((n) => /Of these, 2 read what the users own/.test(n)), `the owned reads are counted: ${a.bulk.preview.currentNotes.join(' | ')}`);
    assert.ok(a.bulk.preview.currentTitle?.includes(host));
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing written yet');

    // "Reassign Schedules First…" → pick the new owner (the first listed) → the reassignment's own preview.
    assert.ok(a.bulk.preview.respond('extra'));
    const reassign = await waitFor(async () => {
      const cur = a.bulk.preview.current;
      if (cur && cur.action === 'reassignSchedules') return cur;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return undefined;
    }, 'the reassignment preview', 30000);
    const to = reassign.params.toUserId!;
    assert.ok(to && to !== owner, 'another user takes over');
    assert.deepStrictEqual(reassign.params.schedules, { [owner]: theirs });
    assert.ok(a.bulk.preview.currentTitle?.includes(host), 'the reassignment names the host');
    assert.ok(a.bulk.preview.respond(true));
    // Then the delete is previewed again: nothing left to lose.
    const again = await waitFor(() => (a.bulk.preview.current?.action === 'delete' && a.bulk.preview.current !== plan ? a.bulk.preview.current : undefined), 'the delete preview again', 30000);
    assert.deepStrictEqual(again.items[0].owns?.schedules, []);
    for (const id of theirs) assert.strictEqual(String((await plans()).find((p) => String(p.id) === id)?.user_id), to, `schedule ${id} moved`);
    assert.ok(a.bulk.preview.respond(true, '1'));
    const outcome = (await running) as BulkOutcome;
    assert.strictEqual(outcome.result.counts.done, 1);
    for (const id of theirs) assert.strictEqual(String((await plans()).find((p) => String(p.id) === id)?.user_id), to, `schedule ${id} survived the delete`);
    const entries = (await a.audit.read()).filter((e) => e.userId === owner);
    assert.deepStrictEqual(entries.map((e) => e.action), ['reassignSchedules', 'delete']);
    assert.deepStrictEqual(entries[0].params, { toUserId: to, toUserName: reassign.params.toUserName, schedules: { [owner]: theirs } });
    assert.deepStrictEqual(entries[0].after, { schedule_owner: to, schedules: theirs.length });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath}`), [...theirs.map((id) => `PATCH /scheduled_plans/${id}`), `DELETE /users/${owner}`]);
  });
  it('a reassignment is undone from the audit log: Undo gives back exactly the schedules it moved', async () => {
    const a = await api();
    const plans = async () => (await sandboxApi<IScheduledPlan[]>(sb!, '/scheduled_plans?all_users=true&fields=id,user_id')).body;
    const theirs = (await plans()).filter((p) => String(p.user_id) === '15').map((p) => String(p.id));
    assert.ok(theirs.length >= 1, 'Priya owns a schedule');
    const to = '14';
    const ownBefore = (await plans()).filter((p) => String(p.user_id) === to).map((p) => String(p.id));
    let shown = a.bulk.preview.current;
    const moving = a.bulk.startFor('reassignSchedules', { userIds: ['15'], connectionId, params: { toUserId: to, toUserName: 'Zoë' } });
    await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the reassignment preview');
    assert.ok(a.bulk.preview.respond(true));
    const job = ((await moving) as BulkOutcome).job;
    for (const id of theirs) assert.strictEqual(String((await plans()).find((p) => String(p.id) === id)?.user_id), to);
    shown = a.bulk.preview.current;
    const undoing = a.bulk.undo({ jobId: job.id });
    const back = await waitFor(() => (a.bulk.preview.current !== shown ? a.bulk.preview.current : undefined), 'the undo preview');
    assert.strictEqual(back.action, 'reassignSchedulesBack');
    assert.deepStrictEqual(back.params.schedules, { '15': theirs });
    assert.ok(a.bulk.preview.currentTitle?.includes(host));
    assert.ok(a.bulk.preview.respond(true));
    await undoing;
    const now = await plans();
    for (const id of theirs) assert.strictEqual(String(now.find((p) => String(p.id) === id)?.user_id), '15', `schedule ${id} is back`);
    for (const id of ownBefore) assert.strictEqual(String(now.find((p) => String(p.id) === id)?.user_id), to, `the other user keeps ${id}`);
    const entries = (await a.audit.read()).filter((e) => e.userId === '15').slice(-2).map((e) => e.action);
    assert.deepStrictEqual(entries, ['reassignSchedules', 'reassignSchedulesBack']);
  });
  it('service account commands with arguments from elsewhere change nothing (ids and names in arguments are ignored)', async () => {
    const a = await api();
    await sandboxLog.clear(sb!);
    const hostile: [string, unknown[]][] = [
      ['looker.deleteServiceAccount', [{ id: '11' }]],
      ['looker.deleteServiceAccount', ['11']],
      ['looker.editServiceAccount', [{ id: '11' }, [{ id: '11' }]]],
      ['looker.createServiceAccount', ['svc-evil', { service_account_name: 'svc-evil' }]],
    ];
    for (const [id, args] of hostile) {
      const running = Promise.resolve(vscode.commands.executeCommand(id, ...args));
      let settled = false;
      void running.finally(() => (settled = true));
      // Whatever it asks (the name box of New Service Account…) is dismissed, as a person pressing Escape.
      await waitFor(async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return settled;
      }, `${id} to settle`, 10000);
    }
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing written');
    assert.strictEqual(a.dialogs.answers.length, 0);
    const { body } = await sandboxApi<IUser>(sb!, '/users/11?fields=id,is_service_account');
    assert.strictEqual(body.is_service_account, true, 'the service account is still there');
  });
});

async function adminToken(): Promise<string> {
  const sb = sandbox()!;
  const login = await fetch(`${sb.url}/api/4.0/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sb.clientId, client_secret: sb.clientSecret }).toString(),
  });
  return ((await login.json()) as { access_token: string }).access_token;
}
