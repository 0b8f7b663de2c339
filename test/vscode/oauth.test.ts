// "Sign in with Looker" inside the real extension host: registering the OAuth app through an admin connection, the
// browser sign-in (a test plays the browser against the sandbox's /auth page), renewals, a revoked refresh token,
// wrong state and wrong verifier, and sign-out.
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ConnectionProfile } from '../../src/looker/profile';
import { parseQuery } from '../../src/users/query';
import { NO_SANDBOX, api, connectSandbox, sandbox, sandboxLog, waitFor, type SandboxEnv } from './helpers';

const GUID = 'looker-users-vscode';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function knob(sb: SandboxEnv, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method: body === undefined && path.startsWith('oauth/') && !/expire|revoke/.test(path) ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

type Play = { decision?: 'allow' | 'deny'; tamperChallenge?: boolean; wrongState?: boolean; gate?: Promise<void> };

/** What a person does in the browser tab VS Code opened: sign in on the sandbox page and press Allow (or Deny). */
function browser(play: Play = {}): (url: string) => Promise<boolean> {
  return async (url) => {
    void (async () => {
      await play.gate;
      const u = new URL(url);
      if (play.tamperChallenge) u.searchParams.set('code_challenge', 'A'.repeat(43));
      const form = new URLSearchParams(u.searchParams);
      form.set('email', 'priya.raman@brightlane.io');
      form.set('password', 'sandbox-password');
      form.set('decision', play.decision ?? 'allow');
      const page = await fetch(u);
      assert.strictEqual(page.status, 200, await page.text());
      const res = await fetch(new URL('/auth', u), { method: 'POST', body: form, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const back = new URL(res.headers.get('location') ?? '');
      if (play.wrongState) back.searchParams.set('state', 'not-the-state');
      await fetch(back);
    })().catch(() => undefined);
    return true;
  };
}

describe('Sign in with Looker (OAuth PKCE) in the extension host', function () {
  this.timeout(60000);
  const sb = sandbox();
  let a: ExtensionApi;
  let profile: ConnectionProfile;

  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    a = await api();
    const port = await freePort();
    await vscode.workspace.getConfiguration('looker.oauth').update('redirectPort', port, vscode.ConfigurationTarget.Global);
    // The admin registers the extension through the admin API-key connection.
    const adminId = await connectSandbox(a, sb);
    a.dialogs.answers.push('Register');
    assert.strictEqual(await vscode.commands.executeCommand('looker.registerOAuthApp', { id: adminId }), true);
    profile = { id: 'oauth-inhost', name: 'Sandbox via Looker', baseUrl: sb.url, clientId: GUID, verifyTls: true, timeoutSeconds: 30, auth: 'oauth' };
  });

  after(async () => {
    if (!a) return;
    a.oauth.hooks.openBrowser = undefined;
    a.oauth.hooks.answers.length = 0;
    await knob(sb!, 'oauth', { accessTtlSeconds: 3600 });
    if (a.store.get(profile.id)) {
      a.dialogs.answers.push('Remove');
      await a.connections.remove(profile.id);
    }
    await vscode.workspace.getConfiguration('looker.oauth').update('redirectPort', undefined, vscode.ConfigurationTarget.Global);
  });

  it('"Register This Extension" registered the OAuth app with this VS Code\'s loopback redirect URI', async () => {
    const admin = a.manager.client(a.store.list().find((p) => p.auth !== 'oauth')!.id)!;
    const app = await admin.oauthClientApp(GUID);
    const port = vscode.workspace.getConfiguration('looker.oauth').get<number>('redirectPort');
    assert.strictEqual(app.redirect_uri, `http://127.0.0.1:${port}/callback`);
    assert.strictEqual(app.enabled, true);
    assert.ok(a.dialogs.prompts.some((p) => p.includes(GUID) && p.includes(new URL(sb!.url).host)), 'the confirmation names the instance');
  });

  it('signs in through the browser: the profile holds no secret, the refresh token is only in SecretStorage, the session is in the provider', async () => {
    a.oauth.hooks.openBrowser = browser();
    const r = await a.oauth.signIn(profile);
    assert.ok(r, `sign-in failed: ${a.oauth.hooks.shown.slice(-1)[0]}`);
    assert.strictEqual(String(r.user.id), '15');
    const saved = a.store.get(profile.id);
    assert.strictEqual(saved?.auth, 'oauth');
    const refresh = await a.context.secrets.get(`looker.oauthRefreshToken.${profile.id}`);
    assert.ok(refresh && refresh.length >= 20, 'refresh token in SecretStorage');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('looker').inspect('connections')).includes(refresh), 'not in settings');
    const sessions = await a.oauth.getSessions([`connection:${profile.id}`]);
    assert.strictEqual(sessions.length, 1);
    assert.match(sessions[0].account.label, /Priya Raman/);
    const accounts = await waitFor(async () => {
      const list = await vscode.authentication.getAccounts('looker');
      return list.some((x) => /Priya Raman/.test(x.label)) ? list : undefined;
    }, 'the account in VS Code\'s "Looker" accounts');
    assert.ok(accounts.length >= 1);
    await a.store.setActive(profile.id);
    const me = await a.manager.client(profile.id)!.me('id');
    assert.strictEqual(me.id, '15', 'calls are made as the person who signed in');
  });

  it('renews the access token shortly before it expires (no 401)', async () => {
    await knob(sb!, 'oauth', { accessTtlSeconds: 4 });
    a.manager.drop(profile.id);
    const client = a.manager.client(profile.id)!;
    await client.me('id'); // first call: a refresh gives a 4-second token
    await sandboxLog.clear(sb!);
    await new Promise((r) => setTimeout(r, 3200));
    await client.me('id');
    // The Users view may load in the background meanwhile: only the token and this call (and any 401) matter here.
    const log = (await sandboxLog.get(sb!)).filter((e) => e.path === '/api/token' || e.path === '/api/4.0/user' || e.status === 401);
    assert.deepStrictEqual(log.map((e) => `${e.path} ${e.status}`), ['/api/token 200', '/api/4.0/user 200']);
    await knob(sb!, 'oauth', { accessTtlSeconds: 3600 });
  });

  it('after a 401 renews once and repeats the call', async () => {
    const client = a.manager.client(profile.id)!;
    await client.me('id');
    await knob(sb!, 'oauth/revoke-access');
    await sandboxLog.clear(sb!);
    await client.me('id');
    const log = (await sandboxLog.get(sb!)).filter((e) => e.path === '/api/token' || e.path === '/api/4.0/user');
    assert.deepStrictEqual(log.map((e) => `${e.path} ${e.status}`), ['/api/4.0/user 401', '/api/token 200', '/api/4.0/user 200']);
  });

  it('a revoked refresh token asks to sign in again; signing in keeps the view\'s search and loads the users', async () => {
    const parsed = parseQuery('email:%@brightlane.io');
    assert.ok(parsed.ok);
    await a.tree.setQuery(parsed.query);
    await a.tree.getChildren();
    await knob(sb!, 'oauth/revoke-access');
    await knob(sb!, 'oauth/revoke-refresh');
    // The earlier tests' prompts are seconds old: this revocation must ask again.
    a.oauth.promptDedupMs = 0;
    a.oauth.hooks.shown.length = 0;
    a.oauth.hooks.answers.push('Sign in with Looker…');
    let open!: () => void;
    a.oauth.hooks.openBrowser = browser({ gate: new Promise<void>((r) => (open = r)) });
    // A status group (another suite may have left a pinned group, whose users come from memory).
    const statusGroup = async () => (await a.tree.getChildren()).find((n) => n.kind === 'group' && n.key.startsWith('status:'));
    try {
      a.tree.refresh();
      const group = await statusGroup();
      assert.ok(group, 'a status group');
      const first = await a.tree.getChildren(group);
      assert.strictEqual(first[0]?.kind, 'message', 'the group shows why it is empty');
      assert.strictEqual((first[0] as { command?: vscode.Command }).command?.command, 'looker.signInWithLooker');
      await waitFor(() => a.oauth.hooks.shown.some((m) => /sign-in for Sandbox via Looker has ended/.test(m)), 'the sign-in prompt')
        .catch((e) => assert.fail(`${e}: shown ${JSON.stringify(a.oauth.hooks.shown)}; log ${a.log.recentLines().filter((l) => /needed|failed|Signed/.test(l)).join(' | ')}`));
    } finally {
      open(); // the person completes the sign-in in the browser
    }
    await waitFor(async () => (await a.oauth.getSessions()).some((s) => s.id === profile.id) && a.oauth.hooks.shown.length >= 1, 'signed in again', 20000);
    assert.strictEqual(a.tree.currentQuery?.text, 'email:%@brightlane.io', 'the search is kept');
    const again = await waitFor(async () => {
      const g = await statusGroup();
      const kids = g ? await a.tree.getChildren(g) : [];
      return kids.some((k) => k.kind === 'user') ? kids : undefined;
    }, 'users after signing in again', 20000);
    assert.ok(again.length > 0);
    a.oauth.promptDedupMs = 5000;
    await a.tree.setQuery(undefined);
  });

  it('refuses a redirect with a wrong state, and a code obtained for another PKCE challenge', async () => {
    const before = await a.context.secrets.get(`looker.oauthRefreshToken.${profile.id}`);
    a.oauth.hooks.shown.length = 0;
    a.oauth.hooks.answers.push(undefined);
    a.oauth.hooks.openBrowser = browser({ wrongState: true });
    assert.strictEqual(await a.oauth.signIn(profile), undefined);
    assert.match(a.oauth.hooks.shown.join('\n'), /does not belong to this sign-in \(wrong state\)/);
    a.oauth.hooks.answers.push(undefined);
    a.oauth.hooks.openBrowser = browser({ tamperChallenge: true });
    assert.strictEqual(await a.oauth.signIn(profile), undefined);
    assert.match(a.oauth.hooks.shown.join('\n'), /refused the sign-in code \(code_verifier does not match/);
    a.oauth.hooks.answers.push(undefined);
    a.oauth.hooks.openBrowser = browser({ decision: 'deny' });
    assert.strictEqual(await a.oauth.signIn(profile), undefined);
    assert.match(a.oauth.hooks.shown.join('\n'), /Access was denied/);
    assert.strictEqual(await a.context.secrets.get(`looker.oauthRefreshToken.${profile.id}`), before, 'failed sign-ins change nothing stored');
  });

  it('an unregistered client gets a clear message before the browser opens', async () => {
    let opened = false;
    a.oauth.hooks.openBrowser = async () => (opened = true);
    a.oauth.hooks.answers.push(undefined);
    assert.strictEqual(await a.oauth.signIn({ ...profile, id: 'oauth-unregistered', clientId: 'nobody-registered-me' }, { save: false }), undefined);
    assert.strictEqual(opened, false);
    assert.match(a.oauth.hooks.shown.slice(-1)[0], /has no OAuth app registered for this extension \(client ID "nobody-registered-me"\)/);
    assert.strictEqual(a.store.get('oauth-unregistered'), undefined);
  });

  it('signing out (the provider\'s removeSession, as the Accounts menu does) ends the session and deletes the refresh token', async () => {
    const removed = new Promise<void>((resolve) => {
      const sub = vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'looker') {
          sub.dispose();
          resolve();
        }
      });
    });
    await a.oauth.removeSession(profile.id);
    await removed;
    assert.strictEqual(await a.context.secrets.get(`looker.oauthRefreshToken.${profile.id}`), undefined);
    assert.deepStrictEqual(await a.oauth.getSessions([`connection:${profile.id}`]), []);
    await assert.rejects(a.manager.client(profile.id)!.me('id'), (e: unknown) => (e as { code?: string }).code === 'SIGN_IN_REQUIRED');
  });
});
