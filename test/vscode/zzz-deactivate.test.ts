// README: the API sessions of every connection are logged out when the extension is deactivated (window closed or
// reloaded). Runs after every other suite (the file sorts last): it calls the extension's own deactivate().
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, NO_SANDBOX, api, connectSandbox, sandbox, sandboxLog } from './helpers';

describe('deactivation (runs last)', function () {
  // Every connection an earlier suite left is logged out too (some point at servers that are gone: refused at once).
  this.timeout(120000);
  const sb = sandbox();

  before(() => {
    if (!sb) throw new Error(NO_SANDBOX);
  });

  it('logs out the session of every connection: Looker sees one logout per session and the tokens stop working', async () => {
    const a = await api();
    const first = await connectSandbox(a, sb!);
    const r = await a.connections.testAndSave({ baseUrl: sb!.url, clientId: sb!.clientId, secret: sb!.clientSecret, name: 'Deactivate Second', verifyTls: true, timeoutSeconds: 30 });
    assert.ok(r.profile, 'a second connection');
    const ids = [first, r.profile.id];
    // A fresh session on each connection, so that the sandbox's two newest tokens are theirs.
    for (const id of ids) await a.manager.client(id)!.logout();
    for (const id of ids) await a.manager.client(id)!.me('id');
    const issued = (await (await fetch(`${sb!.url}/__sandbox/tokens`)).json()) as string[];
    const tokens = issued.slice(-2);
    const works = async (t: string) => (await fetch(`${sb!.url}/api/4.0/user?fields=id`, { headers: { Authorization: `token ${t}` } })).status;
    for (const t of tokens) assert.strictEqual(await works(t), 200, 'the sessions are live before deactivation');
    await sandboxLog.clear(sb!);

    // The extension's deactivate(), from the module the extension host loaded (the same instance: Node's require cache).
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(ext.extensionPath, 'dist', 'extension.js')) as { deactivate(): Promise<void> };
    await mod.deactivate();

    const logouts = (await sandboxLog.get(sb!)).filter((x) => x.method === 'DELETE' && x.apiPath === '/logout' && x.status === 204);
    assert.ok(logouts.length >= 2, `a logout per live session of this sandbox (${logouts.length})`);
    for (const t of tokens) assert.strictEqual(await works(t), 401, 'each connection\'s token was ended');
    await a.store.remove(r.profile.id);
  });
});
