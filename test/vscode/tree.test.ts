// The Users tree in the real extension host, checked against the sandbox's own data.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { GroupNode, MoreNode, UserNode, UsersNode } from '../../src/users/nodes';

// The extension runs from its bundle (dist/extension.js): its classes are not the ones in out/, so nodes are told
// apart by their `kind`, never with instanceof.
const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';
const isMore = (n: UsersNode): n is MoreNode => n.kind === 'more';
import { api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor, NO_SANDBOX } from './helpers';

type Truth = Record<'active' | 'disabled' | 'embed' | 'service', number>;

/** Counts per status group computed from the full user list, independently of the extension's code. */
async function truth(sb: NonNullable<ReturnType<typeof sandbox>>, filter: (u: IUser) => boolean = () => true): Promise<Truth> {
  const { body } = await sandboxApi<IUser[]>(sb, '/users?fields=id,email,is_disabled,is_service_account,credentials_embed(id)');
  const t: Truth = { active: 0, disabled: 0, embed: 0, service: 0 };
  for (const u of body.filter(filter)) {
    if (u.is_disabled) t.disabled++;
    else if ((u.credentials_embed ?? []).length > 0) t.embed++;
    else if (u.is_service_account) t.service++;
    else t.active++;
  }
  return t;
}

/** Last API use per user id from the sandbox's System Activity (run_inline_query), independently of the extension. */
async function systemActivity(sb: NonNullable<ReturnType<typeof sandbox>>, ids: string[]): Promise<Map<string, number>> {
  const login = await fetch(`${sb.url}/api/4.0/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sb.clientId, client_secret: sb.clientSecret }).toString(),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${sb.url}/api/4.0/queries/run/json`, {
    method: 'POST',
    headers: { Authorization: `token ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'system__activity', view: 'user', fields: ['user.id', 'user_facts.last_api_login_date'], filters: { 'user.id': ids.join(',') } }),
  });
  assert.ok(res.ok, `run_inline_query: ${res.status}`);
  const rows = (await res.json()) as Record<string, string | number | null>[];
  return new Map(rows.filter((r) => r['user_facts.last_api_login_date']).map((r) => [String(r['user.id']), Date.parse(`${r['user_facts.last_api_login_date']}T00:00:00Z`)]));
}

/** A derived group (Inactive > 90 days, Never signed in, clean-up groups): shown during a search too. */
function isDerived(g: GroupNode): boolean {
  return g.key.startsWith('smart:');
}

async function roots(): Promise<GroupNode[]> {
  const a = await api();
  return (await a.tree.getChildren()).filter(isGroup);
}

describe('users tree', function () {
  const sb = sandbox();
  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    const a = await api();
    await connectSandbox(a, sb);
    a.tree.showPinnedGroup(undefined); // another suite may have left a model-access group
    await a.tree.setQuery(undefined);
  });

  it('shows status groups whose counts match the sandbox @smoke', async () => {
    const expected = await truth(sb!);
    const groups = await roots();
    const byKey = Object.fromEntries(groups.map((g) => [g.key, g.total]));
    assert.deepStrictEqual(
      { active: byKey['status:active'], disabled: byKey['status:disabled'], embed: byKey['status:embed'], service: byKey['status:service'] },
      expected,
    );
    const a = await api();
    const item = a.tree.getTreeItem(groups[0]);
    assert.strictEqual(item.label, 'Active');
    assert.strictEqual(item.description, expected.active.toLocaleString());
    await waitFor(() => /·/.test(a.statusBar.text), 'the user count in the status bar');
  });

  it('each group costs one request with narrowed fields', async () => {
    const a = await api();
    await sandboxLog.clear(sb!);
    a.tree.refresh();
    await roots();
    // The derived groups (smart searches) read in the background in batches of 1000 so that they show a count.
    const searches = (await sandboxLog.get(sb!)).filter((r) => r.op === 'search_users' && r.query.limit !== '1000');
    assert.strictEqual(searches.length, 4, 'one search per status group');
    for (const r of searches) {
      assert.ok(r.query.fields && !r.query.fields.includes('roles'), 'fields narrowed');
      assert.strictEqual(r.query.limit, String(a.tree.pageSize));
    }
  });

  it('Load more appends the next page', async () => {
    const a = await api();
    const active = (await roots()).find((g) => g.key === 'status:active')!;
    const first = await a.tree.getChildren(active);
    const users1 = first.filter(isUser);
    assert.strictEqual(users1.length, a.tree.pageSize);
    const more = first[first.length - 1];
    assert.ok(isMore(more), 'a Load more item ends a full page');
    assert.match(String(a.tree.getTreeItem(more).label), /remaining/);
    await vscode.commands.executeCommand('looker.loadMore', more);
    const second = (await a.tree.getChildren(active)).filter(isUser);
    assert.strictEqual(second.length, Math.min(2 * a.tree.pageSize, active.total!));
    assert.deepStrictEqual(second.slice(0, users1.length).map((n) => n.id), users1.map((n) => n.id));
    assert.strictEqual(new Set(second.map((n) => n.id)).size, second.length, 'no user twice');
  });

  it('a search narrows the groups and shows in the view', async () => {
    const a = await api();
    await vscode.commands.executeCommand('looker.search', 'disabled:true email:%@brightlane.io');
    const groups = (await roots()).filter((g) => !isDerived(g));
    assert.deepStrictEqual(groups.map((g) => g.key), ['status:disabled']);
    const expected = await truth(sb!, (u) => !!u.is_disabled && /@brightlane\.io$/i.test(u.email ?? ''));
    assert.strictEqual(groups[0].total, expected.disabled);
    assert.match(a.view.description ?? '', /disabled:true/);
    await vscode.commands.executeCommand('looker.clearSearch');
    assert.ok((await roots()).length >= 4);
  });

  it('derived groups stay during a search, counted among its matches (one request with both filters, or the results checked)', async () => {
    const a = await api();
    const mail = /@brightlane\.io$/i;
    await vscode.commands.executeCommand('looker.search', 'email:%@brightlane.io');
    let groups = await roots();
    for (const key of ['smart:inactive90', 'smart:neverSignedIn', 'smart:lockedOut', 'smart:noSso']) assert.ok(groups.some((g) => g.key === key), `${key} is shown`);
    const never = groups.find((g) => g.key === 'smart:neverSignedIn')!;
    const inSearch = (await a.tree.getChildren(never)).filter(isUser);
    assert.ok(inSearch.length > 0 && inSearch.every((n) => mail.test(n.user.email ?? n.user.credentials_email?.email ?? '')), 'only matching users');
    assert.match(String(a.tree.getTreeItem(never).tooltip), /Among the users matching email:%@brightlane\.io/);
    // A names search cannot carry the derived group's filters: its results are read and checked here.
    await vscode.commands.executeCommand('looker.search', 'Raman');
    groups = await roots();
    const noSso = groups.find((g) => g.key === 'smart:noSso')!;
    const found = (await a.tree.getChildren(noSso)).filter(isUser);
    const results = (await a.tree.getChildren(groups.find((g) => g.key === 'results')!)).filter(isUser);
    const ids = new Set(results.map((n) => n.id));
    assert.ok(found.every((n) => ids.has(n.id) && !n.user.is_disabled), `within the results: ${found.map((n) => n.id).join(',')}`);
    await vscode.commands.executeCommand('looker.clearSearch');
  });

  it('free text searches names and email in one flat group', async () => {
    await vscode.commands.executeCommand('looker.search', 'Raman');
    const groups = (await roots()).filter((g) => !isDerived(g));
    assert.strictEqual(groups.length, 1);
    const a = await api();
    const users = (await a.tree.getChildren(groups[0])).filter(isUser);
    assert.ok(users.some((u) => u.id === '15'), 'Priya Raman (user 15) is found');
    await vscode.commands.executeCommand('looker.clearSearch');
  });

  it('two words search the full name (search_users full_name): "Priya Raman" is found, in her status group', async () => {
    const a = await api();
    await sandboxLog.clear(sb!);
    await vscode.commands.executeCommand('looker.search', 'Priya Raman');
    const groups = (await roots()).filter((g) => !isDerived(g));
    const found: string[] = [];
    for (const g of groups) found.push(...(await a.tree.getChildren(g)).filter(isUser).map((u) => u.id));
    assert.deepStrictEqual(found, ['15']);
    const log = await sandboxLog.get(sb!);
    assert.ok(!log.some((r) => r.op === 'search_users_names'), 'search_users_names never matches a full name');
    assert.ok(log.some((r) => r.op === 'search_users' && r.query.full_name === '%Priya Raman%'));
    await vscode.commands.executeCommand('looker.clearSearch');
  });

  it('Inactive > 90 days lists API-only accounts by their API use, says the dates come from System Activity, one query per page', async () => {
    const a = await api();
    await a.tree.setQuery(undefined);
    const smart = (await roots()).find((g) => g.key === 'smart:inactive90');
    assert.ok(smart);
    await sandboxLog.clear(sb!);
    await a.tree.getChildren(smart);
    while (smart.hasMore()) await a.tree.loadMore(smart);
    const users = smart.users;
    const log = await sandboxLog.get(sb!);
    const searches = log.filter((r) => r.op === 'search_users').length;
    const activity = log.filter((r) => r.op === 'run_inline_query');
    assert.ok(searches >= 1 && activity.length === searches, `one System Activity query per page (${activity.length} for ${searches})`);
    assert.ok(activity.every((r) => r.status === 200));
    const item = a.tree.getTreeItem(smart);
    assert.match(String(item.description), /dates from System Activity/);
    assert.match(String(item.tooltip), /last UI and last API use/);
    // Independently: API-only accounts (API keys, no interactive login) and the API user itself, who just used the API.
    const signIn = ['credentials_email', 'credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap', 'credentials_looker_openid', 'credentials_workforce'] as const;
    const { body } = await sandboxApi<IUser[]>(sb!, `/users?fields=id,is_disabled,credentials_api3(id),credentials_embed(id),${signIn.join(',')}`);
    const apiOnly = body.filter((u) => !u.is_disabled && (u.credentials_api3 ?? []).length && signIn.every((k) => !u[k]) && !(u.credentials_embed ?? []).length);
    const shown = new Set(users.map((u) => u.id));
    assert.ok(apiOnly.length > 0);
    // Their API use, read from the sandbox's System Activity directly.
    const facts = await systemActivity(sb!, apiOnly.map((u) => String(u.id)));
    const cutoff = Date.now() - 90 * 86400000;
    for (const u of apiOnly) {
      const last = facts.get(String(u.id));
      assert.ok(last !== undefined, `API use of ${u.id} is recorded`);
      assert.strictEqual(shown.has(String(u.id)), last < cutoff, `${u.id}: last API use ${new Date(last).toISOString()}`);
    }
    assert.ok(!shown.has('1'), 'the API user used the API a moment ago: not inactive, whatever its last UI login');
    const apiUser = users.find((u) => u.status.flags.noInteractiveSignIn);
    assert.ok(apiUser, 'an API-only account is listed');
    const tip = (a.tree.getTreeItem(apiUser).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tip, /No interactive sign-in/);
    assert.doesNotMatch(tip, /Never signed in/i);
  });

  it('hostile names are plain text labels', async () => {
    const a = await api();
    await vscode.commands.executeCommand('looker.search', 'id:3,12');
    const group = (await roots()).filter((g) => !isDerived(g))[0];
    const users = (await a.tree.getChildren(group)).filter(isUser);
    const labels = users.map((u) => String(a.tree.getTreeItem(u).label));
    assert.ok(labels.some((l) => l.includes('<script>')), 'the <script> name is shown literally');
    const tip = a.tree.getTreeItem(users[0]).tooltip as vscode.MarkdownString;
    assert.strictEqual(tip.isTrusted, false);
    assert.ok(!tip.value.includes('<script>'), 'markdown tooltip escapes the markup');
    await vscode.commands.executeCommand('looker.clearSearch');
  });

  it('find by credential opens the right user', async () => {
    const a = await api();
    const opened: string[] = [];
    const original = a.details.open.bind(a.details);
    a.details.open = async (id: string, c?: string) => {
      opened.push(id);
      return original(id, c);
    };
    try {
      const user = (await vscode.commands.executeCommand('looker.findByCredential', 'embed', 'ext-10')) as IUser;
      assert.strictEqual(String(user.id), '10');
      assert.deepStrictEqual(opened, ['10']);
    } finally {
      a.details.open = original;
    }
  });
});
