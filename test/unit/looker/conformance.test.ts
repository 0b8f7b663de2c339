// What the client sends, checked against the spec and against the sandbox acting as Looker 26.12 and 24.20.
// Each test pins one divergence between "what our sandbox accepted" and "what Looker does" (issue 17).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { IUser } from '@looker/sdk';
import { LookerClient } from '../../../src/looker/client';
import {
  BASELINE_RELEASE,
  builtinSurface,
  currentSurface,
  sortableUserFields,
  surfaceFromSpec,
  type ApiSurface,
  type FieldType,
} from '../../../src/looker/apiSurface';
import surfaceJson from '../../../src/looker/api-surface.json';
import { SORTABLE_USER_FIELDS, parseQuery, type UserQuery } from '../../../src/users/query';
import { SMART_SEARCHES } from '../../../src/users/smartSearches';
import { TREE_USER_FIELDS, classifyUser, combineQuery, groupFilter, groupSupported, ungroupedRequest } from '../../../src/users/status';
import { activityQuery, parseActivityRows, readActivity } from '../../../src/users/activity';
import { EXPORT_FIELDS, apiFields } from '../../../src/bulk/csv';
import { ACCESS_USER_FIELDS } from '../../../src/lookml/api';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

const SPEC_FILE = path.resolve(__dirname, '../../../../test/fixtures/looker-api/Looker.4.0.oas.json');

/** A surface as plain lists (the shape of api-surface.json). */
function surfaceLists(s: ApiSurface): { searchUsers: string[]; searchUsersNames: string[]; user: Record<string, FieldType> } {
  const user: Record<string, FieldType> = {};
  for (const [k, v] of s.user) user[k] = v;
  return { searchUsers: [...s.searchUsers], searchUsersNames: [...s.searchUsersNames], user };
}

interface Logged {
  method: string;
  apiPath: string;
  query: Record<string, string>;
  status: number | null;
}
interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: Logged[];
  clearLog(): void;
  close(): Promise<void>;
}

function clientFor(sb: Sandbox): LookerClient {
  return new LookerClient(
    { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 20 },
    { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
  );
}

function parsed(text: string, surface?: ApiSurface): UserQuery {
  const r = parseQuery(text, surface);
  if (!r.ok) assert.fail(`${text}: ${r.error}`);
  return r.query;
}

/** Top-level names of a `fields=` value (`a,b(c,d),e` → a, b, e). */
function topLevel(fields: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let name = '';
  for (const ch of fields + ',') {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      if (name.trim()) out.push(name.trim());
      name = '';
    } else if (depth === 0) name += ch;
  }
  return out;
}

/** Runs a parsed query the way the Users tree does (flat list) and returns the ids. */
async function run(client: LookerClient, q: UserQuery): Promise<string[]> {
  const req = ungroupedRequest(q);
  const page =
    req.endpoint === 'search_users_names'
      ? await client.searchUsersNames(req.params.pattern, { ...req.params, pattern: undefined, fields: 'id', limit: 500 } as never)
      : await client.searchUsers({ ...req.params, fields: 'id', limit: 500 });
  return page.items.map((u: IUser) => String(u.id));
}

describe('conformance: the built-in API surface is the spec', () => {
  const spec = JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8'));

  it('api-surface.json holds exactly what the in-repo spec says for 26.12 (run scripts/gen-api-surface.js after a spec update)', () => {
    const fromSpec = surfaceFromSpec(spec, '26.12');
    assert.ok(fromSpec);
    assert.deepStrictEqual(surfaceJson.releases['26.12'], surfaceLists(fromSpec));
    assert.strictEqual(surfaceJson.spec, spec.info.version);
  });

  it('24.20 (as the Looker release notes record it) is a subset without id, full_name, is_service_account, can_manage_api3_creds', () => {
    const old = builtinSurface('24.20.18');
    const cur = currentSurface();
    for (const p of old.searchUsers) assert.ok(cur.searchUsers.has(p), p);
    for (const f of old.user.keys()) assert.ok(cur.user.has(f), f);
    for (const p of ['id', 'full_name', 'is_service_account', 'can_manage_api3_creds']) assert.ok(!old.searchUsers.has(p), p);
    for (const f of ['is_service_account', 'can_manage_api3_creds', 'is_iam_admin']) assert.ok(!old.user.has(f), f);
    assert.strictEqual(old.release, '24.20.18');
    assert.deepStrictEqual([...builtinSurface('24.6').searchUsers], [...old.searchUsers], 'anything older than 26.12 gets the 24.20 lists');
    assert.deepStrictEqual([...builtinSurface('27.2').searchUsers], [...cur.searchUsers]);
    assert.deepStrictEqual([...builtinSurface(undefined).searchUsers], [...cur.searchUsers]);
    assert.ok(BASELINE_RELEASE in surfaceJson.releases);
  });

  it('reads a Swagger 2.0 document (what swagger_url serves) as well as OpenAPI 3.0', () => {
    const swagger = {
      swagger: '2.0',
      paths: { '/users/search': { get: { parameters: [{ name: 'fields', in: 'query' }, { name: 'first_name', in: 'query' }] } } },
      definitions: { User: { properties: { id: { type: 'string' }, is_disabled: { type: 'boolean' }, credentials_email: { $ref: '#/definitions/CredentialsEmail' } } } },
    };
    const s = surfaceFromSpec(swagger, '23.0.1');
    assert.ok(s);
    assert.deepStrictEqual([...s.searchUsers], ['fields', 'first_name']);
    assert.deepStrictEqual(sortableUserFields(s), ['id', 'is_disabled']);
    assert.strictEqual(s.source, 'spec');
    assert.strictEqual(surfaceFromSpec({ swagger: '2.0', paths: {} }, 'x'), undefined);
    assert.strictEqual(surfaceFromSpec('not json', 'x'), undefined);
  });

  it('sort keys are the scalar User properties: no created_at or embed_user, all of the employee / api3 / service keys', () => {
    assert.deepStrictEqual([...SORTABLE_USER_FIELDS], sortableUserFields(currentSurface()));
    for (const f of ['verified_looker_employee', 'presumed_looker_employee', 'service_account_name', 'can_manage_api3_creds', 'models_dir_validated']) {
      assert.ok(SORTABLE_USER_FIELDS.includes(f), f);
    }
    for (const f of ['created_at', 'embed_user', 'credentials_email', 'role_ids']) assert.ok(!SORTABLE_USER_FIELDS.includes(f), f);
  });

  it('every top-level field the client requests for users is a User property (no created_at, no embed_user)', () => {
    const user = currentSurface().user;
    const requested = [TREE_USER_FIELDS, ACCESS_USER_FIELDS, apiFields(EXPORT_FIELDS.map((f) => f.path))];
    for (const fields of requested) for (const f of topLevel(fields)) assert.ok(user.has(f), `${f} (in ${fields.slice(0, 60)}…)`);
    assert.ok(!EXPORT_FIELDS.some((f) => f.path === 'created_at'));
  });
});

describe('conformance: against the sandbox as Looker 26.12', function () {
  this.timeout(60000);
  let sb: Sandbox;
  let client: LookerClient;
  before(async () => {
    sb = await startSandbox({ users: 300, seed: 1 });
    client = clientFor(sb);
  });
  after(async () => {
    client?.dispose();
    await sb?.close();
  });

  it('free text of two words finds the person by full name (search_users_names never matches "priya raman")', async () => {
    const q = parsed('priya raman');
    assert.deepStrictEqual(await run(client, q), ['15']);
    const names = await client.searchUsersNames('%priya raman%', { fields: 'id' });
    assert.deepStrictEqual(names.items, [], 'what the old client sent finds nobody on Looker');
    const grouped = combineQuery(q, 'active');
    assert.ok(grouped && grouped !== 'ungrouped', 'several words keep the status groups (search_users)');
    assert.deepStrictEqual((await client.searchUsers({ ...grouped, fields: 'id' })).items.map((u) => u.id), ['15']);
  });

  it('every sort key the query language offers is accepted; created_at and embed_user are refused', async () => {
    for (const f of SORTABLE_USER_FIELDS) {
      const q = parsed(`sort:"${f} desc"`);
      await client.searchUsers({ ...q.params, fields: 'id', limit: 2 });
    }
    for (const f of ['created_at', 'embed_user']) {
      await assert.rejects(client.searchUsers({ sorts: f, fields: 'id', limit: 1 }), (e: Error & { status?: number }) => e.status === 400, f);
    }
  });

  it('learns the release and what it accepts from /versions and the swagger_url spec, once per release', async () => {
    sb.clearLog();
    const s = await client.apiSurface();
    assert.strictEqual(s.release, '26.12.3');
    assert.strictEqual(s.source, 'spec');
    assert.ok(s.searchUsers.has('is_service_account') && s.searchUsers.has('full_name'));
    const other = clientFor(sb);
    await other.apiSurface();
    assert.strictEqual(sb.requests.filter((r) => r.apiPath === '/swagger.json').length, 1, 'the spec is read once per release');
    other.dispose();
  });
});

describe('conformance: against the sandbox as Looker 24.20 (--looker-version 24.20)', function () {
  this.timeout(60000);
  let sb: Sandbox;
  let client: LookerClient;
  let surface: ApiSurface;
  before(async () => {
    sb = await startSandbox({ users: 300, seed: 1, lookerVersion: '24.20' });
    client = clientFor(sb);
    surface = await client.apiSurface();
  });
  after(async () => {
    client?.dispose();
    await sb?.close();
  });

  it('the instance says 24.20 and its own spec lacks the 26.x parameters and fields', () => {
    assert.strictEqual(surface.release, '24.20.18');
    assert.strictEqual(surface.source, 'spec');
    for (const p of ['id', 'full_name', 'is_service_account', 'can_manage_api3_creds']) assert.ok(!surface.searchUsers.has(p), p);
    assert.ok(!surface.user.has('is_service_account'));
  });

  it('ignores an unknown query parameter as Looker does: is_service_account=true lists every enabled user', async () => {
    const all = await client.searchUsers({ is_disabled: false, fields: 'id', limit: 1 });
    const svc = await client.searchUsers({ is_disabled: false, is_service_account: true, fields: 'id', limit: 1 });
    assert.ok(all.total !== undefined && all.total > 100);
    assert.strictEqual(svc.total, all.total, 'the filter is not applied');
    const u = await client.user('11');
    assert.ok(!('is_service_account' in u) && !('can_manage_api3_creds' in u), '24.20 users have no such fields');
  });

  it('service:, api3:, name:, id: and unknown sorts are refused with the release named, not sent', () => {
    for (const text of ['service:true', 'api3:false', 'name:"Ann Lee"', 'id:5', 'ann id:5']) {
      const r = parseQuery(text, surface);
      assert.ok(!r.ok, text);
      assert.match(r.error, /not available on this Looker instance \(release 24\.20\)/, text);
    }
    const sort = parseQuery('sort:is_service_account', surface);
    assert.ok(!sort.ok && /release 24\.20/.test(sort.error));
    assert.ok(parseQuery('service:true').ok, 'without a surface (26.12) the key is fine');
  });

  it('the Service accounts group is unsupported there; the active group sends only filters the release has', () => {
    assert.strictEqual(groupSupported('service', surface), false);
    assert.strictEqual(groupSupported('service', currentSurface()), true);
    assert.deepStrictEqual(groupFilter('active', surface), { is_disabled: false, embed_user: false });
    assert.ok(groupSupported('active', surface) && groupSupported('embed', surface) && groupSupported('disabled', surface));
  });

  it('several words fall back to first name AND last name, which 24.20 has', async () => {
    const q = parsed('priya raman', surface);
    assert.deepStrictEqual(q.params, { first_name: '%priya%', last_name: '%raman%' });
    assert.strictEqual(q.text, '"priya raman"');
    assert.deepStrictEqual(await run(client, q), ['15']);
  });
});

describe('conformance: true last activity from System Activity (run_inline_query)', function () {
  this.timeout(60000);
  let sb: Sandbox & { nonAdmin: { clientId: string; clientSecret: string }; db: { apiActivity: Map<string, number> } };
  before(async () => {
    sb = await startSandbox({ users: 300, seed: 1 });
  });
  after(async () => {
    await sb?.close();
  });

  it('one query per page of users gives last UI and last API use; API-only accounts are judged by their API use', async () => {
    const client = clientFor(sb);
    const page = await client.searchUsers({ is_disabled: false, embed_user: false, fields: TREE_USER_FIELDS, limit: 300 });
    const ids = page.items.map((u) => String(u.id));
    sb.clearLog();
    const r = await readActivity(client, ids);
    assert.strictEqual(r.source, 'systemActivity');
    assert.deepStrictEqual(sb.requests.map((q) => [q.method, q.apiPath]), [['POST', '/queries/run/json']], 'one request for the page');
    const apiOnly = page.items.filter((u) => classifyUser(u, Date.now()).flags.noInteractiveSignIn);
    assert.ok(apiOnly.length >= 3, 'the seed has API-only accounts');
    for (const u of apiOnly) assert.ok(r.byId.get(String(u.id))?.lastApi, `API use known for ${u.id}`);
    // "now" = 60 days after the newest API use: recent API users are active, the others are listed.
    const newest = Math.max(...apiOnly.map((u) => r.byId.get(String(u.id))?.lastApi?.getTime() ?? 0));
    const now = newest + 60 * 86400000;
    const inactive = SMART_SEARCHES.find((s) => s.id === 'inactive90')!;
    const listed = new Set(page.items.filter((u) => inactive.matches(u, { now, activity: r.byId })).map((u) => String(u.id)));
    const recentApi = apiOnly.filter((u) => (r.byId.get(String(u.id))?.lastApi?.getTime() ?? 0) > now - 90 * 86400000);
    const oldApi = apiOnly.filter((u) => (r.byId.get(String(u.id))?.lastApi?.getTime() ?? 0) < now - 90 * 86400000);
    assert.ok(recentApi.length && oldApi.length, 'both kinds in the seed');
    for (const u of recentApi) assert.ok(!listed.has(String(u.id)), `${u.id} used the API recently`);
    for (const u of oldApi) assert.ok(listed.has(String(u.id)), `${u.id} has not used the API for 90 days`);
    const withoutActivity = new Set(page.items.filter((u) => inactive.matches(u, { now })).map((u) => String(u.id)));
    for (const u of recentApi) assert.ok(withoutActivity.has(String(u.id)), 'credentials alone cannot see API use');
    client.dispose();
  });

  it('without see_system_activity: 403, and the caller falls back to credentials, saying why, asking once', async () => {
    const reader = new LookerClient(
      { id: 'sb2', name: 'sandbox', baseUrl: sb.url, clientId: sb.nonAdmin.clientId, verifyTls: true, timeoutSeconds: 20 },
      { getSecret: async () => sb.nonAdmin.clientSecret, retry: { maxAttempts: 1 } },
    );
    const remember: { denied?: string } = {};
    sb.clearLog();
    const r = await readActivity(reader, ['1', '2'], undefined, remember);
    assert.strictEqual(r.source, 'credentials');
    assert.match(r.reason ?? '', /see_system_activity/);
    assert.strictEqual(sb.requests.find((q) => q.apiPath === '/queries/run/json')?.status, 403);
    await readActivity(reader, ['3'], undefined, remember);
    assert.strictEqual(sb.requests.filter((q) => q.apiPath === '/queries/run/json').length, 1, 'not asked again');
    reader.dispose();
  });

  it('parses Looker json rows: dates, times, numeric ids, nulls; ignores rows without an id', () => {
    const m = parseActivityRows([
      { 'user.id': 5, 'user_facts.last_ui_login_date': '2026-07-01', 'user_facts.last_api_login_date': null },
      { 'user.id': '6', 'user_facts.last_api_login_date': '2026-07-02 10:30:00' },
      { 'user_facts.last_api_login_date': '2026-07-02' },
      { 'user.id': 7, 'user_facts.last_ui_login_date': 'garbage' },
    ]);
    assert.deepStrictEqual([...m.keys()], ['5', '6', '7']);
    assert.strictEqual(m.get('5')?.lastUi?.toISOString(), '2026-07-01T00:00:00.000Z');
    assert.strictEqual(m.get('5')?.lastApi, undefined);
    assert.strictEqual(m.get('6')?.lastApi?.toISOString(), '2026-07-02T10:30:00.000Z');
    assert.deepStrictEqual(m.get('7'), {});
    assert.deepStrictEqual(activityQuery(['1', '2']).filters, { 'user.id': '1,2' });
  });
});
