// @ts-check
// Acceptance: the official @looker/sdk (Looker40SDK) against the sandbox, with a tiny AuthSession of our own
// (AuthSession + BrowserTransport + AuthToken from @looker/sdk-rtl; no @looker/sdk-node).
const assert = require('assert');
const { Looker40SDK } = require('@looker/sdk');
const { AuthSession, AuthToken, BrowserTransport, ApiSettings, pageAll, LookerSDKError } = require('@looker/sdk-rtl');
const { startSandbox } = require('./index');

/** A minimal API-key session: form login, Bearer header, no secrets kept anywhere but in the closure. */
class KeySession extends AuthSession {
  /** @param {string} baseUrl @param {() => { client_id: string, client_secret: string }} creds */
  constructor(baseUrl, creds) {
    const settings = new ApiSettings({ base_url: baseUrl, verify_ssl: true, timeout: 30 });
    super(settings, new BrowserTransport(settings));
    this.creds = creds;
    this.token = new AuthToken();
    /** @type {AuthToken | undefined} */
    this.sudo = undefined;
  }
  isAuthenticated() {
    return this.token.isActive();
  }
  /** @param {import('@looker/sdk-rtl').IRequestProps} props */
  async authenticate(props) {
    const t = await this.getToken();
    props.headers = { ...(props.headers ?? {}), Authorization: `Bearer ${t.access_token}` };
    return props;
  }
  async getToken() {
    if (this.sudo && this.sudo.isActive()) return this.sudo;
    if (!this.isAuthenticated()) await this.login();
    return this.token;
  }
  isSudo() {
    return !!this.sudo;
  }
  /** @param {string | number} [sudoId] */
  async login(sudoId) {
    if (sudoId !== undefined) {
      const api = await this.getToken();
      const r = await this.transport.request('POST', `${this.settings.base_url}/api/4.0/login/${sudoId}`, undefined, undefined,
        async (props) => ({ ...props, headers: { ...props.headers, Authorization: `Bearer ${api.access_token}` } }));
      if (!r.ok) throw new Error('sudo failed');
      this.sudo = new AuthToken(/** @type {import('@looker/sdk-rtl').IAccessToken} */ (r.value));
      return this.sudo;
    }
    const r = await this.transport.request('POST', `${this.settings.base_url}/api/4.0/login`, undefined, new URLSearchParams(this.creds()));
    if (!r.ok) throw new Error('login failed');
    this.token.setToken(/** @type {import('@looker/sdk-rtl').IAccessToken} */ (r.value));
    return this.token;
  }
  async logout() {
    const t = this.sudo ?? this.token;
    const r = await this.transport.request('DELETE', `${this.settings.base_url}/api/4.0/logout`, undefined, undefined,
      async (props) => ({ ...props, headers: { ...props.headers, Authorization: `Bearer ${t.access_token}` } }));
    if (this.sudo) this.sudo = undefined;
    else this.reset();
    return r.ok;
  }
  reset() {
    this.token = new AuthToken();
    this.sudo = undefined;
  }
}

describe('sandbox: the official Looker40SDK works against it', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  /** @type {Looker40SDK} */
  let sdk;
  const debug = console.debug;
  before(async () => {
    // sdk-rtl 21.6.5 prints this on every request (its timeout bug, SDK-NOTES §3); keep the test output readable.
    console.debug = (/** @type {unknown[]} */ ...a) => {
      if (!String(a[0]).startsWith('AbortSignal.timeout is not defined')) debug(...a);
    };
    sb = await startSandbox({ users: 450, seed: 3 });
    sdk = new Looker40SDK(new KeySession(sb.url, () => ({ client_id: sb.clientId, client_secret: sb.clientSecret })));
  });
  after(() => sb.close());

  it('logs in and reads me()', async () => {
    const me = await sdk.ok(sdk.me('id,first_name,last_name'));
    assert.deepStrictEqual(me, { id: '1', first_name: 'Api', last_name: 'Admin' });
    assert.strictEqual(sb.requests.filter((r) => r.apiPath === '/login').length, 1);
  });

  it('pageAll walks search_users over several pages and gets every row exactly once', async () => {
    const expected = sb.db.users.filter((u) => !u.is_disabled).length;
    sb.clearLog();
    /** @type {number[]} */
    const pageSizes = [];
    /** @type {string[]} */
    const seen = [];
    const pager = await pageAll(sdk, () => sdk.search_users({ is_disabled: false, fields: 'id,first_name,credentials_email(email)', sorts: 'last_name desc, first_name', limit: 100 }),
      (page) => {
        pageSizes.push(page.length);
        for (const u of page) seen.push(String(u.id));
        return page;
      });
    assert.strictEqual(seen.length, expected);
    assert.strictEqual(new Set(seen).size, expected);
    assert.ok(pageSizes.length >= 4, `pages: ${pageSizes}`);
    assert.strictEqual(pager.total, expected);
    assert.strictEqual(pager.more(), false);
    const ids = [];
    for (const p of sb.requests.filter((r) => r.apiPath === '/users/search')) ids.push(p.query.offset ?? '0');
    assert.deepStrictEqual(ids, pageSizes.map((_, i) => String(i * 100)));
    // pageAll re-fetches through the Link URLs; the fields/sorts survive the trip.
    for (const r of sb.requests.filter((x) => x.apiPath === '/users/search')) assert.strictEqual(r.query.fields, 'id,first_name,credentials_email(email)');
  });

  it('pageAll returns the same rows as one unpaged call', async () => {
    /** @type {import('@looker/sdk').IUser[]} */
    const pages = [];
    await pageAll(sdk, () => sdk.search_users({ email: '%@brightlane.io', fields: 'id', sorts: 'id', limit: 37 }), (p) => {
      pages.push(...p);
      return p;
    });
    const whole = await sdk.ok(sdk.search_users({ email: '%@brightlane.io', fields: 'id', sorts: 'id' }));
    assert.ok(whole.length > 100);
    assert.deepStrictEqual(pages.map((u) => u.id), whole.map((u) => u.id));
  });

  it('patches a user; only the sent fields change and the body is recorded', async () => {
    const before = await sdk.ok(sdk.user('30'));
    sb.clearLog();
    const after = await sdk.ok(sdk.update_user('30', { first_name: 'Patchy', locale: 'de_DE' }));
    assert.strictEqual(after.first_name, 'Patchy');
    assert.strictEqual(after.locale, 'de_DE');
    assert.strictEqual(after.last_name, before.last_name);
    assert.strictEqual(after.is_disabled, before.is_disabled);
    const patch = sb.requests.find((r) => r.method === 'PATCH');
    assert.ok(patch);
    assert.deepStrictEqual(patch.body, { first_name: 'Patchy', locale: 'de_DE' });
  });

  it('a 422 arrives as LookerSDKError with field details', async () => {
    const e = await sdk.ok(sdk.update_user_credentials_email('6', { email: 'not an email' })).then(() => null, (x) => x);
    assert.ok(e instanceof LookerSDKError, String(e));
    assert.strictEqual(e.message, 'Validation Failed');
    const errors = e.errors ?? [];
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].field, 'email');
    assert.strictEqual(errors[0].code, 'invalid');
    assert.match(String(e.documentation_url), /\/err\/4\.0\/422\/patch\/users\/:user_id\/credentials_email$/);
  });

  it('sudo: login(user) acts as that user, logout() returns to the API user', async () => {
    await sdk.authSession.login('14');
    const who = await sdk.ok(sdk.me('id'));
    assert.strictEqual(who.id, '14');
    assert.strictEqual(sb.requests.at(-1)?.auth, 'sudo');
    const s = await sdk.ok(sdk.session());
    assert.strictEqual(s.sudo_user_id, '1');
    await sdk.authSession.logout();
    assert.strictEqual((await sdk.ok(sdk.me('id'))).id, '1');
  });

  it('after revocation every call gets 401 Requires authentication.', async () => {
    await sdk.ok(sdk.me('id'));
    sb.revokeAllTokens();
    const r = await sdk.me('id');
    assert.strictEqual(r.ok, false);
    assert.strictEqual(/** @type {any} */ (r).error.message, 'Requires authentication.');
    assert.strictEqual(sb.requests.at(-1)?.status, 401);
    // A fresh session logs in again and works.
    sdk.authSession.reset();
    assert.strictEqual((await sdk.ok(sdk.me('id'))).id, '1');
  });
});
