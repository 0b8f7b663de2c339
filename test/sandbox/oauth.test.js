// @ts-check
// The sandbox's OAuth flow: /auth sign-in page, /api/token (authorization_code + PKCE S256, refresh_token), and the
// knobs under /__sandbox/oauth.
const assert = require('assert');
const crypto = require('crypto');
const { startSandbox } = require('./index');
const { call } = require('./helpers');

const REDIRECT = 'http://127.0.0.1:7779/callback';
const GUID = 'looker-users-vscode';

function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** @param {string} url @param {Record<string, string>} form */
async function postForm(url, form) {
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

describe('sandbox: OAuth sign-in (PKCE)', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  before(async () => {
    sb = await startSandbox({ users: 60, seed: 1 });
    sb.oauth.register({ client_guid: GUID, redirect_uri: REDIRECT, display_name: 'Looker Users for VS Code' });
  });
  after(() => sb.close());

  /** Runs /auth as a browser would and returns the redirect target. @param {Partial<Record<string, string>>} [over] */
  async function authorize(over = {}, decision = 'allow', email = 'priya.raman@brightlane.io') {
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', client_id: GUID, redirect_uri: REDIRECT, scope: 'cors_api', state: 'st-123',
      code_challenge: challenge, code_challenge_method: 'S256', ...over };
    const get = await fetch(`${sb.url}/auth?${new URLSearchParams(/** @type {Record<string, string>} */ (params))}`, { redirect: 'manual' });
    const html = get.status === 200 ? await get.text() : '';
    const res = await postForm(`${sb.url}/auth`, { ...params, email, password: sb.oauth.password, decision });
    return { get, html, res, location: res.headers.get('location') ?? '', verifier };
  }

  /** @param {Record<string, string>} form */
  const token = (form) => postForm(`${sb.url}/api/token`, form).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('shows the sign-in page and redirects back with a code and the same state; the code and verifier give tokens', async () => {
    const a = await authorize();
    assert.strictEqual(a.get.status, 200);
    assert.match(a.html, /Looker Users for VS Code/);
    assert.match(a.html, /name="password"/);
    assert.strictEqual(a.res.status, 302);
    const back = new URL(a.location);
    assert.strictEqual(`${back.origin}${back.pathname}`, REDIRECT);
    assert.strictEqual(back.searchParams.get('state'), 'st-123');
    const code = back.searchParams.get('code') ?? '';
    assert.ok(code.length >= 20);
    const t = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT, code, code_verifier: a.verifier });
    assert.strictEqual(t.status, 200, JSON.stringify(t.body));
    assert.strictEqual(t.body.token_type, 'Bearer');
    assert.ok(t.body.expires_in > 0 && t.body.refresh_token && t.body.access_token);
    const me = await call(sb.url, 'GET', '/user', { token: t.body.access_token });
    assert.strictEqual(me.body.id, '15', 'the token acts as the user who signed in');
    // the code is single-use
    const again = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT, code, code_verifier: a.verifier });
    assert.strictEqual(again.status, 400);
    assert.strictEqual(again.body.error, 'invalid_grant');
    // RFC 6749 §4.1.2: reusing a code revokes what it gave
    const revoked = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: t.body.refresh_token });
    assert.strictEqual(revoked.body.error, 'invalid_grant');
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t.body.access_token })).status, 401);
  });

  it('a refresh gives a new access token and rotates the refresh token', async () => {
    const a = await authorize();
    const code = new URL(a.location).searchParams.get('code') ?? '';
    const t = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT, code, code_verifier: a.verifier });
    const r = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: t.body.refresh_token });
    assert.strictEqual(r.status, 200);
    assert.notStrictEqual(r.body.refresh_token, t.body.refresh_token);
    const old = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: t.body.refresh_token });
    assert.strictEqual(old.body.error, 'invalid_grant');
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: r.body.access_token })).body.id, '15');
    const unknown = await token({ grant_type: 'password', client_id: GUID });
    assert.strictEqual(unknown.body.error, 'unsupported_grant_type');
  });

  it('refuses a wrong code_verifier and a wrong redirect_uri at the token endpoint', async () => {
    const a = await authorize();
    const code = new URL(a.location).searchParams.get('code') ?? '';
    const wrong = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT, code, code_verifier: pkce().verifier });
    assert.strictEqual(wrong.status, 400);
    assert.match(wrong.body.error_description, /code_verifier/);
    const b = await authorize();
    const code2 = new URL(b.location).searchParams.get('code') ?? '';
    const uri = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: 'http://127.0.0.1:1/other', code: code2, code_verifier: b.verifier });
    assert.strictEqual(uri.body.error, 'invalid_grant');
  });

  it('deny redirects with access_denied and the state; a wrong password stays on the page', async () => {
    const d = await authorize({}, 'deny');
    const u = new URL(d.location);
    assert.strictEqual(u.searchParams.get('error'), 'access_denied');
    assert.strictEqual(u.searchParams.get('state'), 'st-123');
    assert.strictEqual(u.searchParams.get('code'), null);
    const wrong = await authorize({}, 'allow', 'nobody@brightlane.io');
    assert.strictEqual(wrong.res.status, 401);
    assert.match(await wrong.res.text(), /Wrong email or password/);
  });

  it('an unregistered client or a different redirect_uri gets an error page, never a redirect', async () => {
    const a = await authorize({ client_id: 'not-registered' });
    assert.strictEqual(a.get.status, 400);
    assert.match(await a.get.text(), /No application is registered/);
    assert.strictEqual(a.res.status, 400);
    const b = await authorize({ redirect_uri: 'http://127.0.0.1:9/evil' });
    assert.strictEqual(b.get.status, 400);
    const c = await authorize({ code_challenge_method: 'plain' });
    assert.strictEqual(c.get.status, 302);
    assert.strictEqual(new URL(c.get.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
  });

  it('knobs: expired access tokens answer 401, revoked refresh tokens are refused, invalidate_tokens ends everything', async () => {
    const a = await authorize();
    const code = new URL(a.location).searchParams.get('code') ?? '';
    const t = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT, code, code_verifier: a.verifier });
    await call(sb.url, 'POST', '/__sandbox/oauth/expire-access');
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t.body.access_token })).status, 401);
    const r = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: t.body.refresh_token });
    assert.strictEqual(r.status, 200);
    await call(sb.url, 'POST', '/__sandbox/oauth/revoke-refresh');
    const gone = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: r.body.refresh_token });
    assert.strictEqual(gone.body.error, 'invalid_grant');
    const knobs = await call(sb.url, 'POST', '/__sandbox/oauth', { body: { accessTtlSeconds: 5 } });
    assert.strictEqual(knobs.body.accessTtlSeconds, 5);
    const b = await authorize();
    const t2 = await token({ grant_type: 'authorization_code', client_id: GUID, redirect_uri: REDIRECT,
      code: new URL(b.location).searchParams.get('code') ?? '', code_verifier: b.verifier });
    assert.strictEqual(t2.body.expires_in, 5);
    const admin = await call(sb.url, 'POST', '/login', { form: { client_id: sb.clientId, client_secret: sb.clientSecret } });
    await call(sb.url, 'DELETE', `/oauth_client_apps/${GUID}/tokens`, { token: admin.body.access_token });
    assert.strictEqual((await call(sb.url, 'GET', '/user', { token: t2.body.access_token })).status, 401);
    const after = await token({ grant_type: 'refresh_token', client_id: GUID, refresh_token: t2.body.refresh_token });
    assert.strictEqual(after.body.error, 'invalid_grant');
    // the request log never holds codes, verifiers or refresh tokens
    const log = JSON.stringify(sb.requests);
    for (const s of sb.oauth.issuedSecrets) assert.ok(!log.includes(s), 'a code or refresh token in the request log');
  });
});
