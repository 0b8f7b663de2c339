// Smoke tests inside the real extension host. Titles with @smoke also run against the minimum VS Code (1.100).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { GroupNode, UsersNode } from '../../src/users/nodes';
import { connectSandbox, NO_SANDBOX, sandbox, sandboxLog, waitFor } from './helpers';

const EXTENSION_ID = 'looker-users-oss.looker-users';

describe('extension @smoke', () => {
  it('is installed from this checkout and activates @smoke', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in the extension host`);
    assert.strictEqual(ext.packageJSON.engines.vscode, '^1.100.0');
    const api = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.ok(api && typeof api === 'object', 'activate() returns the test API');
  });

  it('registers the looker.users view @smoke', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    // VS Code generates "<viewId>.focus" for every registered view.
    assert.ok(commands.includes('looker.users.focus'), 'no looker.users.focus command: the view is not registered');
    await vscode.commands.executeCommand('looker.users.focus');
    const view = (ext.exports as ExtensionApi).view;
    assert.ok(view, 'the test API hands out the Users tree view');
    await waitFor(() => view.visible, 'the Users view to be visible after looker.users.focus');
    // Back to the Explorer: the suites after this one drive the tree themselves, without a visible view loading
    // the derived groups in the background.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(() => !view.visible, 'the Users view to be hidden again');
  });

  it('registers the looker.addConnection command @smoke', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['looker.addConnection', 'looker.search', 'looker.refresh', 'looker.openUser']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('connects to the sandbox through the extension and lists its users in the tree @smoke', async () => {
    assert.strictEqual(vscode.env.uiKind, vscode.UIKind.Web, 'code-server workbench');
    const sb = sandbox();
    if (!sb) throw new Error(NO_SANDBOX);
    const a = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExtensionApi;
    const id = await connectSandbox(a, sb, 'Smoke Sandbox');
    assert.strictEqual(a.manager.active()?.id, id, 'the sandbox connection is the active one');
    a.tree.showPinnedGroup(undefined);
    await a.tree.setQuery(undefined);
    await sandboxLog.clear(sb);
    a.tree.refresh();
    const groups = (await a.tree.getChildren()).filter((n: UsersNode): n is GroupNode => n.kind === 'group');
    const active = groups.find((g) => g.key === 'status:active');
    assert.ok(active && (active.total ?? 0) > 0, `an Active group with users: ${JSON.stringify(groups.map((g) => g.key))}`);
    const users = (await a.tree.getChildren(active)).filter((n) => n.kind === 'user');
    assert.ok(users.length > 0, 'the Active group lists users');
    const searches = (await sandboxLog.get(sb)).filter((r) => r.op === 'search_users');
    assert.ok(searches.length > 0 && searches.every((r) => r.status === 200), 'the tree came from the sandbox\'s search_users');
  });

  // Proof that a failing in-host test fails `npm test`: LOOKER_TEST_DELIBERATE_FAIL=1 npm test
  if (process.env.LOOKER_TEST_DELIBERATE_FAIL === '1') {
    it('deliberately fails @smoke', () => {
      assert.fail('deliberate failure (LOOKER_TEST_DELIBERATE_FAIL=1)');
    });
  }
});
