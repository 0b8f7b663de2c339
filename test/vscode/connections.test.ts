// Connections in the real extension host: the add-connection path, SecretStorage, where things are (not) stored.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LookerApiError } from '../../src/looker/errors';
import { api, connectSandbox, sandbox, sandboxLog, waitFor, NO_SANDBOX } from './helpers';

describe('connections', function () {
  const sb = sandbox();
  before(function () {
    if (!sb) throw new Error(NO_SANDBOX);
  });

  it('tests, saves and activates a connection; the secret is only in SecretStorage @smoke', async () => {
    const a = await api();
    const id = await connectSandbox(a, sb!);
    const profile = a.store.get(id);
    assert.ok(profile);
    assert.strictEqual(profile.baseUrl, sb!.url);
    assert.strictEqual(a.manager.active()?.id, id);
    assert.strictEqual(await a.store.getSecret(id), sb!.clientSecret, 'secret read back from SecretStorage');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('looker').inspect('connections'));
    assert.ok(settings.includes(sb!.clientId), 'the profile is in settings');
    assert.ok(!settings.includes(sb!.clientSecret), 'no secret in settings');
    for (const key of a.context.globalState.keys()) {
      assert.ok(!JSON.stringify(a.context.globalState.get(key) ?? null).includes(sb!.clientSecret), `no secret in global state ${key}`);
    }
    assert.ok(!a.log.recentLines().some((l) => l.includes(sb!.clientSecret)), 'no secret in the log');
    assert.match(a.statusBar.text, /Sandbox/);
  });

  it('a wrong secret gives a credentials error, one login attempt, and sends the user back to the secret', async () => {
    const a = await api();
    await sandboxLog.clear(sb!);
    const outcome = await a.connections.testDraft({ baseUrl: sb!.url, clientId: sb!.clientId, secret: 'not-the-secret', name: 'x', verifyTls: true, timeoutSeconds: 10 });
    assert.strictEqual(outcome.ok, false);
    const err = outcome.error as LookerApiError;
    assert.strictEqual(err.name, 'LookerApiError');
    assert.strictEqual(err.kind, 'credentials');
    assert.strictEqual(outcome.fixStep, 'secret');
    const logins = (await sandboxLog.get(sb!)).filter((r) => r.op === 'login');
    assert.strictEqual(logins.length, 1, 'no retry storm on bad credentials');
    assert.ok(!err.message.includes('not-the-secret'));
  });

  it('an unreachable URL is a network error that points at the URL', async () => {
    const a = await api();
    const outcome = await a.connections.testDraft({ baseUrl: 'http://127.0.0.1:9', clientId: 'x', secret: 'y', name: 'x', verifyTls: true, timeoutSeconds: 5 });
    assert.strictEqual(outcome.ok, false);
    assert.strictEqual((outcome.error as LookerApiError).kind, 'network');
    assert.strictEqual(outcome.fixStep, 'url');
  });

  it('a revoked token is renewed by one fresh login and the call succeeds', async () => {
    const a = await api();
    await connectSandbox(a, sb!);
    const client = a.manager.client()!;
    await client.me('id');
    await sandboxLog.revoke(sb!);
    await sandboxLog.clear(sb!);
    const me = await client.me('id');
    assert.strictEqual(String(me.id), '1');
    const log = await sandboxLog.get(sb!);
    assert.deepStrictEqual(log.map((r) => `${r.op}:${r.status}`), ['me:401', 'login:200', 'me:200']);
  });

  it('a secret changed elsewhere (SecretStorage onDidChange) is used from the next login on', async () => {
    const a = await api();
    const id = await connectSandbox(a, sb!);
    const client = a.manager.client(id)!;
    await client.me('id'); // logged in with the right secret
    await sandboxLog.clear(sb!);
    await a.context.secrets.store(`looker.clientSecret.${id}`, 'rotated-elsewhere');
    await waitFor(async () => !client.isLoggedIn(), 'the client to drop its session after the secret changed');
    const err = await client.me('id').then(() => undefined, (e: unknown) => e as LookerApiError);
    assert.strictEqual(err?.kind, 'credentials', 'the next login used the new (wrong) secret');
    const logins = (await sandboxLog.get(sb!)).filter((r) => r.op === 'login');
    assert.strictEqual(logins.length, 1);
    await a.context.secrets.store(`looker.clientSecret.${id}`, sb!.clientSecret);
    await waitFor(async () => {
      try {
        return String((await client.me('id')).id) === '1';
      } catch {
        return false;
      }
    }, 'the restored secret to work again', 20000);
  });

  it('what a connection test found (API user, release) is dropped when the profile is edited elsewhere', async () => {
    const a = await api();
    const r = await a.connections.testAndSave({ baseUrl: sb!.url, clientId: sb!.clientId, secret: sb!.clientSecret, name: 'Identity', verifyTls: true, timeoutSeconds: 30, id: 'identity-test-conn' });
    assert.ok(r.profile);
    assert.strictEqual(a.manager.identity('identity-test-conn')?.apiUserId, '1', 'the test found the API user');
    // Another window renames the connection: the settings change under this window.
    await a.store.save({ ...r.profile, name: 'Identity (edited elsewhere)' });
    await waitFor(() => a.store.get('identity-test-conn')?.name === 'Identity (edited elsewhere)', 'the edited profile');
    assert.strictEqual(a.manager.identity('identity-test-conn')?.apiUserId, undefined, 'not taken from the test of the old profile');
    await sandboxLog.clear(sb!);
    assert.deepStrictEqual(await a.manager.apiUser('identity-test-conn'), { id: '1', name: 'Api Admin' });
    assert.ok((await sandboxLog.get(sb!)).some((e) => e.apiPath === '/user' && e.method === 'GET'), 'the API user was read again');
    a.dialogs.answers.push('Remove');
    assert.strictEqual(await a.connections.remove('identity-test-conn'), true);
    await connectSandbox(a, sb!);
  });

  it('removing a connection deletes its secret', async () => {
    const a = await api();
    const r = await a.connections.testAndSave({ baseUrl: sb!.url, clientId: sb!.clientId, secret: sb!.clientSecret, name: 'Temp', verifyTls: true, timeoutSeconds: 30, id: 'temp-test-conn' });
    assert.ok(r.profile);
    assert.strictEqual(await a.store.getSecret('temp-test-conn'), sb!.clientSecret);
    a.dialogs.answers.push('Remove');
    assert.strictEqual(await a.connections.remove('temp-test-conn'), true);
    assert.strictEqual(a.store.get('temp-test-conn'), undefined);
    assert.strictEqual(await a.store.getSecret('temp-test-conn'), undefined);
    await connectSandbox(a, sb!);
  });
});
