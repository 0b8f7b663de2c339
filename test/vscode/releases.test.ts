// The tree, search and details against an older Looker: a second sandbox, started here, acting as release 24.20
// (`--looker-version 24.20`), next to the current one the runner starts. What 24.20 lacks is shown or refused as
// such, never answered with what Looker returns for a filter it silently ignores.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { GroupNode, MessageNode, UserNode, UsersNode } from '../../src/users/nodes';
import { parseQuery } from '../../src/users/query';
import { NO_SANDBOX, api, connectSandbox, sandbox, sandboxApi, waitFor, type SandboxEnv } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';
const isMessage = (n: UsersNode): n is MessageNode => n.kind === 'message';

interface StartedSandbox extends SandboxEnv {
  close(): Promise<void>;
}

describe('Looker 24.20 (a second sandbox with --looker-version 24.20)', function () {
  this.timeout(90000);
  const current = sandbox();
  let old: StartedSandbox | undefined;
  let connectionId: string;

  before(async function () {
    if (!current) throw new Error(NO_SANDBOX);
    // The sandbox module sits in the repository next to these tests (out/test/vscode → test/sandbox).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startSandbox } = require(path.resolve(__dirname, '../../../test/sandbox'));
    old = (await startSandbox({ port: 0, users: 300, seed: 1, lookerVersion: '24.20' })) as StartedSandbox;
    const a = await api();
    connectionId = await connectSandbox(a, old, 'Looker 24.20');
    a.tree.showPinnedGroup(undefined);
    await a.tree.setQuery(undefined);
  });

  after(async () => {
    const a = await api();
    await a.tree.setQuery(undefined).catch(() => undefined);
    for (const p of a.details.openPanels()) p.dispose();
    if (current) await connectSandbox(a, current);
    await old?.close();
  });

  async function roots(): Promise<GroupNode[]> {
    const a = await api();
    return (await a.tree.getChildren()).filter(isGroup);
  }

  it('tree: Service accounts is shown as not available; the other groups count what 24.20 can tell apart', async () => {
    const a = await api();
    const groups = await roots();
    const service = groups.find((g) => g.key === 'status:service');
    assert.ok(service, 'the group is listed, not hidden silently');
    const item = a.tree.getTreeItem(service);
    assert.strictEqual(item.description, 'not available');
    assert.match(String(item.tooltip), /release 24\.20/);
    const children = await a.tree.getChildren(service);
    assert.ok(children.length === 1 && isMessage(children[0]) && /release 24\.20/.test(children[0].text), 'one message, no users');
    // Independently of the extension: enabled users without an embed credential (24.20 has no service-account flag).
    const { body } = await sandboxApi<IUser[]>(old!, '/users?fields=id,is_disabled,credentials_embed(id)');
    const active = body.filter((u) => !u.is_disabled && !(u.credentials_embed ?? []).length).length;
    assert.strictEqual(groups.find((g) => g.key === 'status:active')?.total, active);
    assert.strictEqual(groups.find((g) => g.key === 'status:disabled')?.total, body.filter((u) => u.is_disabled).length);
  });

  it('search: service:, api3:, name:, id: and 26.x sorts are refused naming the release; nothing is sent', async () => {
    const a = await api();
    for (const text of ['service:true', 'api3:true', 'name:"Priya Raman"', 'id:15', 'sort:is_service_account']) {
      const parsed = parseQuery(text);
      assert.ok(parsed.ok, `${text} is valid in general`);
      await assert.rejects(a.tree.setQuery(parsed.query), /release 24\.20/, text);
    }
    assert.strictEqual(a.tree.currentQuery, undefined, 'the view keeps showing all users');
  });

  it('search: two words find the person by first and last name (24.20 has no full_name)', async () => {
    const a = await api();
    await vscode.commands.executeCommand('looker.search', 'priya raman');
    assert.deepStrictEqual(a.tree.currentQuery?.params, { first_name: '%priya%', last_name: '%raman%' });
    const groups = await roots();
    const found: string[] = [];
    for (const g of groups.filter((x) => x.key !== 'status:service' && !x.key.startsWith('smart:'))) found.push(...(await a.tree.getChildren(g)).filter(isUser).map((u) => u.id));
    assert.deepStrictEqual(found, ['15']);
    await vscode.commands.executeCommand('looker.clearSearch');
  });

  it('details: a user opens and shows the service-account row as not reported by this release', async () => {
    const a = await api();
    await a.details.open('11', connectionId);
    const panel = await waitFor(() => a.details.panelFor('11', connectionId), 'the panel');
    const data = await waitFor(() => panel.current, 'user 11', 20000);
    const row = data.profile.find((r) => r.label === 'Service account');
    assert.ok(row, 'a Service account row');
    assert.match(String(row.value), /not reported by this Looker release/);
    assert.deepStrictEqual(data.partialErrors, []);
  });

  it('service accounts: New / Edit / Delete are refused naming the release before anything is sent (24.20 has no such endpoints)', async () => {
    const a = await api();
    const requests = (old as unknown as { requests: { method: string; op: string | null }[] }).requests;
    const mark = requests.length;
    await assert.rejects(a.serviceAccounts.create('svc-new'), /not available.*release 24\.20/);
    await assert.rejects(a.serviceAccounts.edit('11', { disabled: true }), /release 24\.20/);
    await assert.rejects(a.serviceAccounts.remove('11'), /release 24\.20/);
    assert.deepStrictEqual(requests.slice(mark).filter((r) => r.method !== 'GET' && r.op !== 'login'), [], 'no write reached the instance');
    // The release's own API spec has no service-account endpoints, and the instance answers 404 for them.
    const spec = (await (await fetch(`${old!.url}/api/4.0/swagger.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(!('/users/service_accounts' in spec.paths));
  });
});
