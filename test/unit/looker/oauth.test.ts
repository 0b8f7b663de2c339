import * as assert from 'assert';
import { createHash } from 'crypto';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { startLoopback } from '../../../src/looker/loopback';
import {
  OAuthFlowError,
  SignInRequiredError,
  authorizeUrl,
  challengeOf,
  createState,
  createVerifier,
  type RefreshTokenStore,
} from '../../../src/looker/oauth';
import type { ConnectionProfile } from '../../../src/looker/profile';

interface LoggedRequest {
  method: string;
  path: string;
  status: number | null;
  body?: unknown;
}
interface Sandbox {
  url: string;
  requests: LoggedRequest[];
  clearLog(): void;
  close(): Promise<void>;
  oauth: {
    password: string;
    knobs: { accessTtlSeconds: number };
    register(a: { client_guid: string; redirect_uri: string; display_name?: string }): void;
    revokeRefreshTokens(): void;
    revokeAccessTokens(): void;
    apps: Map<string, unknown>;
  };
}
const ROOT = path.resolve(__dirname, '../../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.join(ROOT, 'test/sandbox')) as { startSandbox: (o: object) => Promise<Sandbox> };

const GUID = 'looker-users-vscode';
const PAGES = { title: 'Looker', success: 'Signed in. You can close this tab.', failure: (r: string) => `Sign-in failed: ${r}` };

class MemoryStore implements RefreshTokenStore {
  value: string | undefined;
  async get() {
    return this.value;
  }
  async set(t: string) {
    this.value = t;
  }
  async clear() {
    this.value = undefined;
  }
}

/** What a person does in the browser: open the URL, type email and password, press Allow (or Deny). */
async function browser(url: string, o: { password: string; decision?: 'allow' | 'deny'; email?: string }): Promise<Response> {
  const u = new URL(url);
  const first = await fetch(u, { redirect: 'manual' });
  if (first.status !== 200) return first;
  const form = new URLSearchParams(u.searchParams);
  form.set('email', o.email ?? 'priya.raman@brightlane.io');
  form.set('password', o.password);
  form.set('decision', o.decision ?? 'allow');
  const res = await fetch(new URL('/auth', u), { method: 'POST', body: form, redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const to = res.headers.get('location');
  return to ? fetch(to) : res;
}

describe('Sign in with Looker (OAuth PKCE) against the sandbox', function () {
  this.timeout(30000);
  let sb: Sandbox;
  let profile: ConnectionProfile;
  before(async () => {
    sb = await startSandbox({ port: 0, users: 80, seed: 1 });
    profile = { id: 'o1', name: 'Sandbox OAuth', baseUrl: sb.url, clientId: GUID, verifyTls: true, timeoutSeconds: 10, auth: 'oauth' };
  });
  after(() => sb.close());

  /** A full browser sign-in; returns the client and its store. */
  async function signIn(opts: { decision?: 'allow' | 'deny'; register?: boolean; clientId?: string } = {}) {
    const store = new MemoryStore();
    const client = new LookerClient({ ...profile, clientId: opts.clientId ?? GUID }, { getSecret: async () => undefined, refreshTokens: store });
    const state = createState();
    const verifier = createVerifier();
    const rx = await startLoopback({ port: 0, state, timeoutMs: 15000, pages: PAGES });
    if (opts.register !== false) sb.oauth.register({ client_guid: GUID, redirect_uri: rx.redirectUri, display_name: 'Looker Users for VS Code' });
    const url = authorizeUrl(await client.webServerUrl(), { clientId: opts.clientId ?? GUID, redirectUri: rx.redirectUri, state, challenge: await challengeOf(verifier) });
    const page = await browser(url, { password: sb.oauth.password, decision: opts.decision });
    return { client, store, rx, verifier, page };
  }

  it('PKCE helpers: a 43-character verifier, its S256 challenge, distinct states', async () => {
    const v = createVerifier();
    assert.match(v, /^[A-Za-z0-9_-]{43}$/);
    assert.strictEqual(await challengeOf(v), createHash('sha256').update(v).digest('base64url'));
    assert.notStrictEqual(createState(), createState());
    const u = new URL(authorizeUrl('https://web.example:9999', { clientId: 'c', redirectUri: 'http://127.0.0.1:7779/callback', state: 's', challenge: 'x' }));
    assert.strictEqual(u.origin + u.pathname, 'https://web.example:9999/auth');
    assert.strictEqual(u.searchParams.get('code_challenge_method'), 'S256');
    assert.strictEqual(u.searchParams.get('scope'), 'cors_api');
  });

  it('signs in through the browser: code with the right state, exchange, the refresh token kept in the store', async () => {
    const { client, store, rx, verifier, page } = await signIn();
    assert.strictEqual(page.status, 200);
    assert.match(await page.text(), /You can close this tab/);
    const code = await rx.code;
    await client.signInWithCode({ code, verifier, redirectUri: rx.redirectUri });
    assert.ok(store.value && store.value.length >= 20, 'refresh token stored');
    const me = await client.me('id');
    assert.strictEqual(me.id, '15', 'calls act as the person who signed in');
    client.dispose();
  });

  it('renews shortly before expiry, without a 401', async () => {
    sb.oauth.knobs.accessTtlSeconds = 4;
    try {
      const { client, rx, verifier } = await signIn();
      const code = await rx.code;
      sb.clearLog();
      await client.signInWithCode({ code, verifier, redirectUri: rx.redirectUri });
      await client.me('id');
      assert.strictEqual(sb.requests.filter((r) => r.path === '/api/token').length, 1, 'only the code exchange before expiry, no refresh');
      sb.clearLog();
      await new Promise((r) => setTimeout(r, 3200));
      await client.me('id');
      const grants = sb.requests.filter((r) => r.path === '/api/token');
      assert.strictEqual(grants.length, 1, 'one refresh');
      assert.ok(!sb.requests.some((r) => r.status === 401), 'no call was refused');
      client.dispose();
    } finally {
      sb.oauth.knobs.accessTtlSeconds = 3600;
    }
  });

  it('after a 401 it renews once and repeats the call', async () => {
    const { client, store, rx, verifier } = await signIn();
    await client.signInWithCode({ code: await rx.code, verifier, redirectUri: rx.redirectUri });
    const before = store.value;
    sb.oauth.revokeAccessTokens();
    sb.clearLog();
    const me = await client.me('id');
    assert.strictEqual(me.id, '15');
    assert.deepStrictEqual(sb.requests.map((r) => `${r.path.replace(/\?.*/, '')} ${r.status}`), ['/api/4.0/user 401', '/api/token 200', '/api/4.0/user 200']);
    assert.notStrictEqual(store.value, before, 'the rotated refresh token replaced the old one');
    client.dispose();
  });

  it('a revoked refresh token surfaces as SignInRequiredError and is removed from the store', async () => {
    const { client, store, rx, verifier } = await signIn();
    await client.signInWithCode({ code: await rx.code, verifier, redirectUri: rx.redirectUri });
    sb.oauth.revokeAccessTokens();
    sb.oauth.revokeRefreshTokens();
    sb.clearLog();
    await assert.rejects(client.me('id'), (e: unknown) => {
      assert.ok(e instanceof SignInRequiredError, String(e));
      assert.strictEqual(e.reason, 'refused');
      assert.ok(!e.message.includes(String(store.value)), 'no token in the message');
      return true;
    });
    assert.strictEqual(store.value, undefined);
    assert.strictEqual(sb.requests.filter((r) => r.path === '/api/token').length, 1, 'one refresh attempt, no loop');
    await assert.rejects(client.me('id'), (e: unknown) => e instanceof SignInRequiredError && e.reason === 'missing');
    client.dispose();
  });

  it('refuses a redirect with a wrong state', async () => {
    const rx = await startLoopback({ port: 0, state: createState(), timeoutMs: 10000, pages: PAGES });
    const res = await fetch(`${rx.redirectUri}?code=stolen&state=${createState()}`);
    assert.strictEqual(res.status, 400);
    await assert.rejects(rx.code, (e: unknown) => e instanceof OAuthFlowError && e.code === 'STATE_MISMATCH');
  });

  it('refuses a code exchanged with a wrong verifier', async () => {
    const { client, store, rx } = await signIn();
    await assert.rejects(
      client.signInWithCode({ code: await rx.code, verifier: createVerifier(), redirectUri: rx.redirectUri }),
      (e: unknown) => e instanceof OAuthFlowError && e.code === 'INVALID_GRANT' && /code_verifier/.test(e.detail ?? ''),
    );
    assert.strictEqual(store.value, undefined);
    client.dispose();
  });

  it('denied consent, an unregistered client, a timeout and a busy port each end with their own code', async () => {
    const denied = await signIn({ decision: 'deny' });
    await assert.rejects(denied.rx.code, (e: unknown) => e instanceof OAuthFlowError && e.code === 'DENIED');
    const unregistered = await signIn({ clientId: 'not-registered', register: false });
    assert.strictEqual(unregistered.page.status, 400, 'Looker shows an error page and never redirects');
    unregistered.rx.close();
    await assert.rejects(unregistered.rx.code, (e: unknown) => e instanceof OAuthFlowError && e.code === 'CANCELLED');
    await assert.rejects(
      unregistered.client.signInWithCode({ code: 'x', verifier: createVerifier(), redirectUri: unregistered.rx.redirectUri }),
      (e: unknown) => e instanceof OAuthFlowError && e.code === 'INVALID_CLIENT',
    );
    const slow = await startLoopback({ port: 0, state: 's', timeoutMs: 50, pages: PAGES });
    await assert.rejects(slow.code, (e: unknown) => e instanceof OAuthFlowError && e.code === 'TIMEOUT');
    const busy = await startLoopback({ port: 0, state: 's', timeoutMs: 5000, pages: PAGES });
    const port = Number(new URL(busy.redirectUri).port);
    await assert.rejects(startLoopback({ port, state: 's', timeoutMs: 5000, pages: PAGES }), (e: unknown) => e instanceof OAuthFlowError && e.code === 'PORT_IN_USE');
    busy.close();
    denied.client.dispose();
    unregistered.client.dispose();
  });
});
