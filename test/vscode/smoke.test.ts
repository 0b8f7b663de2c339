// Smoke tests inside the real extension host. Titles with @smoke also run against the minimum VS Code (1.100).
import * as assert from 'assert';
import * as vscode from 'vscode';

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
    const view = (ext.exports as { view?: vscode.TreeView<unknown> }).view;
    if (view) assert.strictEqual(view.visible, true, 'the Users view is visible after looker.users.focus');
  });

  it('registers the looker.addConnection command @smoke', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['looker.addConnection', 'looker.search', 'looker.refresh', 'looker.openUser']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('runs in a Node extension host that can log in to the sandbox @smoke', async function () {
    assert.strictEqual(vscode.env.uiKind, vscode.UIKind.Web, 'code-server workbench');
    const url = process.env.LOOKER_SANDBOX_URL;
    const clientId = process.env.LOOKER_SANDBOX_CLIENT_ID;
    const clientSecret = process.env.LOOKER_SANDBOX_CLIENT_SECRET;
    if (!url || !clientId || !clientSecret) this.skip();
    const res = await fetch(new URL('/api/4.0/login', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
    });
    assert.strictEqual(res.status, 200, 'POST /login with the sandbox API key');
    const body = (await res.json()) as { access_token?: unknown };
    assert.strictEqual(typeof body.access_token, 'string'); // the token itself is never printed
  });

  // Proof that a failing in-host test fails `npm test`: LOOKER_TEST_DELIBERATE_FAIL=1 npm test
  if (process.env.LOOKER_TEST_DELIBERATE_FAIL === '1') {
    it('deliberately fails @smoke', () => {
      assert.fail('deliberate failure (LOOKER_TEST_DELIBERATE_FAIL=1)');
    });
  }
});
