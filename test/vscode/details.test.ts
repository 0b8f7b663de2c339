// The user details panel in the real extension host, against the sandbox: what it shows, what it sends.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { GroupNode, UserNode, UsersNode } from '../../src/users/nodes';
import type { DetailsPanel } from '../../src/details/panel';
import type { HostMessage } from '../../src/details/protocol';
import { api, connectSandbox, sandbox, sandboxApi, sandboxLog, startConnected, waitFor, writesOf, type SandboxEnv } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';

/** Changes a user directly on the sandbox (as "someone else"), independently of the extension. */
async function patchUserElsewhere(sb: SandboxEnv, id: string, body: Record<string, unknown>): Promise<void> {
  const login = await fetch(`${sb.url}/api/4.0/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sb.clientId, client_secret: sb.clientSecret }).toString(),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${sb.url}/api/4.0/users/${id}`, {
    method: 'PATCH',
    headers: { Authorization: `token ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `PATCH elsewhere: ${res.status}`);
}

function posted(p: DetailsPanel, from: number, type: HostMessage['type']): HostMessage[] {
  return p.posted.slice(from).filter((m) => m.type === type);
}

/**
 * Every write of the panel is in the audit log (not just the Output channel): instance, user id, name and email,
 * before and after. `actions`: the newest entries for the user, oldest first.
 */
async function assertAudited(userId: string, actions: string[]): Promise<void> {
  const a = await api();
  const sb = sandbox()!;
  const { body: u } = await sandboxApi<IUser>(sb, `/users/${userId}?fields=id,first_name,last_name,email,credentials_email(email)`);
  const mine = (await a.audit.read()).filter((e) => e.userId === userId).slice(-actions.length);
  assert.deepStrictEqual(mine.map((e) => e.action), actions, 'audited actions');
  for (const e of mine) {
    assert.strictEqual(e.connection.host, new URL(sb.url).host, 'the instance host');
    assert.ok(e.apiUser, 'who');
    assert.ok(e.user?.name || e.user?.email, `the user's name or email: ${JSON.stringify(e.user)}`);
    if (u.email ?? u.credentials_email?.email) assert.strictEqual(e.user?.email, u.email ?? u.credentials_email?.email);
    assert.ok(e.before || e.after, 'before/after');
  }
}

describe('user details panel', function () {
  this.timeout(60000);
  const sb = sandbox();
  let connectionId: string;

  before(async function () {
    ({ connectionId } = await startConnected(sb));
  });

  afterEach(async () => {
    const a = await api();
    for (const p of a.details.openPanels()) p.dispose();
    if (sb) await sandboxLog.clearRules(sb);
  });

  /** Opens a generated active user by running the tree item's own command; `withEmail`: one with an email login. */
  async function openFromTree(withEmail = false): Promise<{ panel: DetailsPanel; node: UserNode }> {
    const a = await api();
    const active = (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'status:active');
    assert.ok(active, 'an Active group');
    const candidates = (await a.tree.getChildren(active)).filter(isUser).filter((u) => Number(u.id) > 15);
    let ok = new Set(candidates.map((u) => u.id));
    if (withEmail) {
      const { body } = await sandboxApi<IUser[]>(sb!, `/users?fields=id,credentials_email&ids=${candidates.map((u) => u.id).join(',')}`);
      ok = new Set(body.filter((u) => u.credentials_email).map((u) => String(u.id)));
    }
    const node = candidates.find((u) => ok.has(u.id));
    assert.ok(node, 'a generated active user');
    const item = a.tree.getTreeItem(node);
    assert.ok(item.command, 'user items open on click');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const panel = await waitFor(() => a.details.panelFor(node.id, connectionId), 'the details panel');
    await waitFor(() => panel.current, 'the user data', 20000);
    return { panel, node };
  }

  it('opens from the tree, titled with the user name, showing the sandbox data; re-opening reveals the same panel @smoke', async () => {
    const { panel, node } = await openFromTree();
    const { body: truth } = await sandboxApi<IUser>(sb!, `/users/${node.id}`);
    const d = panel.current!;
    assert.strictEqual(panel.panel.title, truth.display_name);
    assert.strictEqual(d.title, truth.display_name);
    assert.strictEqual(d.values.first_name, truth.first_name);
    assert.strictEqual(d.values.last_name, truth.last_name);
    assert.strictEqual(d.values.is_disabled, truth.is_disabled);
    assert.strictEqual(d.email?.email ?? null, truth.credentials_email?.email ?? null);
    assert.strictEqual(d.sessions.length, (truth.sessions ?? []).length);
    assert.deepStrictEqual(d.groups.map((g) => g.id), (truth.group_ids ?? []).map(String));
    assert.ok(d.groups.every((g) => !/unknown/.test(g.name)), 'groups shown by name');
    assert.ok(posted(panel, 0, 'init').length === 1, 'the page got one init');
    const a = await api();
    const again = await a.details.open(node.id, connectionId);
    assert.strictEqual(again, panel.panel, 'one panel per user');
    assert.strictEqual(a.details.openPanels().length, 1);
  });

  it('saving a first name sends PATCH /users/{id} with just that field, and logs before → after', async () => {
    const { panel, node } = await openFromTree();
    const a = await api();
    const before = panel.current!.values.first_name;
    await sandboxLog.clear(sb!);
    const mark = panel.posted.length;
    await panel.receive({ type: 'save', edits: { first_name: 'Renamed' }, base: { first_name: before } });
    const log = await sandboxLog.get(sb!);
    const patches = writesOf(log);
    assert.strictEqual(patches.length, 1, JSON.stringify(patches.map((r) => `${r.method} ${r.path}`)));
    assert.strictEqual(patches[0].method, 'PATCH');
    assert.strictEqual(patches[0].apiPath, `/users/${node.id}`);
    assert.deepStrictEqual(patches[0].body, { first_name: 'Renamed' });
    const reread = log.find((r) => r.method === 'GET' && r.apiPath === `/users/${node.id}` && r.query.fields === 'first_name');
    assert.ok(reread, 'the edited field was re-read before saving');
    assert.deepStrictEqual(posted(panel, mark, 'saved').map((m) => (m as { fields: string[] }).fields), [['first_name']]);
    assert.strictEqual(panel.current!.values.first_name, 'Renamed', 'the panel refreshed');
    const line = a.log.recentLines().find((l) => l.includes(`first_name: ${JSON.stringify(before)} → "Renamed"`));
    assert.ok(line, 'a log line with before → after');
    // The edit is in the audit log, and Undo from there writes the old value back.
    const entries = await a.bulk.audit.read();
    const entry = [...entries].reverse().find((e) => e.action === 'updateUser' && e.userId === node.id);
    assert.ok(entry, 'an audit entry for the edit');
    assert.deepStrictEqual({ before: entry.before, after: entry.after }, { before: { first_name: before }, after: { first_name: 'Renamed' } });
    await sandboxLog.clear(sb!);
    a.dialogs.answers.push('Undo');
    await a.bulk.undo({ entryId: entry.id });
    assert.ok(a.dialogs.prompts.at(-1)?.includes(new URL(sb!.url).host), 'the undo confirmation names the host');
    const undo = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(undo.map((r) => [r.method, r.apiPath, r.body]), [['PATCH', `/users/${node.id}`, { first_name: before }]]);
  });

  it('undo of an edit that someone changed again since is a conflict: nothing is written', async () => {
    const { panel, node } = await openFromTree();
    const a = await api();
    const before = panel.current!.values.last_name;
    await panel.receive({ type: 'save', edits: { last_name: 'Mine' }, base: { last_name: before } });
    const entry = [...(await a.audit.read())].reverse().find((e) => e.action === 'updateUser' && e.userId === node.id && e.after?.last_name === 'Mine');
    assert.ok(entry, 'the edit is audited');
    await patchUserElsewhere(sb!, node.id, { last_name: 'Theirs' });
    await sandboxLog.clear(sb!);
    await assert.rejects(a.bulk.undo({ entryId: entry.id }), /changed again since \(last_name\)/);
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'the later change is not overwritten');
    const { body } = await sandboxApi<IUser>(sb!, `/users/${node.id}?fields=last_name`);
    assert.strictEqual(body.last_name, 'Theirs');
  });

  it('a 422 comes back per field, nothing is marked saved', async () => {
    const { panel } = await openFromTree();
    const mark = panel.posted.length;
    await panel.receive({ type: 'save', edits: { locale: 'not a locale!!' }, base: { locale: panel.current!.values.locale } });
    const errs = posted(panel, mark, 'fieldErrors') as Extract<HostMessage, { type: 'fieldErrors' }>[];
    assert.strictEqual(errs.length, 1);
    assert.strictEqual(errs[0].errors[0].field, 'locale');
    assert.ok(errs[0].errors[0].message.length > 0);
    assert.strictEqual(posted(panel, mark, 'saved').length, 0);
    // Shown once, next to the field: no banner repeating it (issue 16, item 14).
    assert.strictEqual(posted(panel, mark, 'error').length, 0);
  });

  it('a field changed elsewhere since loading is a conflict: nothing is sent until the user chooses', async () => {
    const { panel, node } = await openFromTree();
    const before = panel.current!.values.last_name;
    await patchUserElsewhere(sb!, node.id, { last_name: 'ChangedElsewhere' });
    await sandboxLog.clear(sb!);
    const mark = panel.posted.length;
    await panel.receive({ type: 'save', edits: { last_name: 'Mine' }, base: { last_name: before } });
    assert.strictEqual(writesOf(await sandboxLog.get(sb!)).length, 0, 'no PATCH on conflict');
    const c = posted(panel, mark, 'conflict') as Extract<HostMessage, { type: 'conflict' }>[];
    assert.deepStrictEqual(c[0]?.fields, [{ field: 'last_name', base: before, mine: 'Mine', theirs: 'ChangedElsewhere' }]);
    // "Keep mine": the page saves again with the server value as base.
    await panel.receive({ type: 'save', edits: { last_name: 'Mine' }, base: { last_name: 'ChangedElsewhere' } });
    const patches = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(patches.map((r) => r.body), [{ last_name: 'Mine' }]);
  });

  it('force reset and change email go to PATCH /users/{id}/credentials_email', async () => {
    const { panel, node } = await openFromTree(true);
    assert.ok(panel.current!.email, 'the user has an email credential');
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'setForcedReset', value: true });
    const email = `renamed.${node.id}.${Date.now()}@brightlane.io`;
    await panel.receive({ type: 'changeEmail', email });
    const patches = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(
      patches.map((r) => [r.method, r.apiPath, r.body]),
      [
        ['PATCH', `/users/${node.id}/credentials_email`, { forced_password_reset_at_next_login: true }],
        ['PATCH', `/users/${node.id}/credentials_email`, { email }],
      ],
    );
    assert.strictEqual(panel.current!.email!.email, email);
    assert.strictEqual(panel.current!.email!.forcedReset, true);
  });

  it('a reset link is created, its expiry shown, and the token never logged', async () => {
    const { panel } = await openFromTree(true);
    const a = await api();
    const mark = panel.posted.length;
    await panel.receive({ type: 'createResetLink' });
    const link = posted(panel, mark, 'resetLink') as Extract<HostMessage, { type: 'resetLink' }>[];
    assert.strictEqual(link.length, 1);
    assert.ok(link[0].expiresAt && Date.parse(link[0].expiresAt) > Date.now());
    assert.ok(!JSON.stringify(panel.posted).includes('/password/reset/'), 'the link never goes to the page');
    assert.ok(!a.log.recentLines().some((l) => l.includes('/password/reset/')), 'nor to the log');
    await panel.receive({ type: 'copyResetLink' });
    assert.match(await vscode.env.clipboard.readText(), /\/password\/reset\/\w+/);
  });

  it('ends one web session (DELETE /users/{id}/sessions/{sid})', async () => {
    const a = await api();
    await a.details.open('15', connectionId);
    const panel = a.details.panelFor('15', connectionId)!;
    await waitFor(() => panel.current, 'user 15');
    const n = panel.current!.sessions.length;
    assert.ok(n >= 1, 'user 15 has sessions');
    const sid = panel.current!.sessions[0].id;
    await sandboxLog.clear(sb!);
    // Ending a session is destructive: confirmed in the bulk preview's words, naming the connection and host.
    a.dialogs.answers.push('End Web Session 1 user');
    await panel.receive({ type: 'endSession', sessionId: sid });
    assert.match(a.dialogs.prompts.at(-1) ?? '', new RegExp(`^End Web Session: 1 user on .+ \\(${new URL(sb!.url).host.replace(/\./g, '\\.')}\\)$`));
    const w = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(w.map((r) => [r.method, r.apiPath]), [['DELETE', `/users/15/sessions/${sid}`]]);
    assert.strictEqual(panel.current!.sessions.length, n - 1);
    await assertAudited('15', ['endSessions']);
  });

  it('deleting a credential asks first, then sends one DELETE for that credential only', async () => {
    const a = await api();
    await a.details.open('6', connectionId);
    const panel = a.details.panelFor('6', connectionId)!;
    await waitFor(() => panel.current, 'user 6');
    const keys = panel.current!.credentials.filter((c) => c.kind === 'api3');
    assert.ok(keys.length >= 2, 'user 6 has two API keys');
    await sandboxLog.clear(sb!);
    a.dialogs.answers.push(undefined); // the person cancels
    await panel.receive({ type: 'deleteCredential', kind: 'api3', credentialId: keys[0].credentialId! });
    assert.strictEqual(writesOf(await sandboxLog.get(sb!)).length, 0, 'cancel sends nothing');
    a.dialogs.answers.push('Delete API Key 1 user');
    await panel.receive({ type: 'deleteCredential', kind: 'api3', credentialId: keys[0].credentialId! });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => [r.method, r.apiPath]), [['DELETE', `/users/6/credentials_api3/${keys[0].credentialId}`]]);
    assert.ok(!panel.current!.credentials.some((c) => c.credentialId === keys[0].credentialId), 'the card is gone after the refresh');
    assert.ok(a.dialogs.prompts.some((p) => p.includes(keys[0].title)), 'the confirmation names the credential');
    assert.ok(a.dialogs.prompts.at(-1)?.includes(new URL(sb!.url).host), 'the confirmation names the host');
    await assertAudited('6', ['deleteApiKey']); // an API key's delete is its own kind of change (actions/table.ts)
  });

  it('removing a role sends the remaining roles; removing a group deletes the membership', async () => {
    const a = await api();
    await a.details.open('15', connectionId);
    const panel = a.details.panelFor('15', connectionId)!;
    await waitFor(() => panel.current, 'user 15');
    const roles = panel.current!.roles;
    const groups = panel.current!.groups;
    assert.ok(roles.length >= 1 && groups.length >= 1, 'user 15 has roles and groups');
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'removeRole', roleId: roles[0].id });
    await panel.receive({ type: 'removeGroup', groupId: groups[0].id });
    const w = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(w.map((r) => [r.method, r.apiPath]), [['PUT', '/users/15/roles'], ['DELETE', `/groups/${groups[0].id}/users/15`]]);
    assert.deepStrictEqual(w[0].body, roles.slice(1).map((r) => r.id), 'PUT carries the remaining direct roles');
    assert.ok(!panel.current!.groups.some((g) => g.id === groups[0].id));
    assert.ok(a.log.recentLines().some((l) => l.includes(`removeRole role_ids: ${JSON.stringify(roles.map((r) => r.id))}`)), 'roles logged, before → after');
    await assertAudited('15', ['removeRole', 'removeFromGroup']);
  });

  it('roles are edited as direct roles: a role that comes from a group is never written as a direct one', async () => {
    const a = await api();
    // Independently of the extension: a user whose roles include one through a group.
    const { body: users } = await sandboxApi<IUser[]>(sb!, '/users?fields=id,role_ids,is_disabled&limit=200');
    let pick: { id: string; direct: string[]; all: string[] } | undefined;
    for (const u of users.filter((x) => Number(x.id) > 15 && !x.is_disabled)) {
      const { body: direct } = await sandboxApi<{ id: string }[]>(sb!, `/users/${u.id}/roles?fields=id&direct_association_only=true`);
      const d = direct.map((r) => String(r.id));
      if (d.length >= 1 && (u.role_ids ?? []).some((r) => !d.includes(String(r)))) {
        pick = { id: String(u.id), direct: d, all: (u.role_ids ?? []).map(String) };
        break;
      }
    }
    assert.ok(pick, 'a user with a role through a group');
    await a.details.open(pick.id, connectionId);
    const panel = a.details.panelFor(pick.id, connectionId)!;
    await waitFor(() => panel.current, `user ${pick.id}`);
    assert.deepStrictEqual(panel.current!.roles.map((r) => r.id).sort(), [...pick.direct].sort(), 'the role list shows direct roles');
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'removeRole', roleId: pick.direct[0] });
    const w = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(w.map((r) => [r.method, r.apiPath]), [['PUT', `/users/${pick.id}/roles`]]);
    assert.deepStrictEqual(w[0].body, pick.direct.slice(1), 'only the remaining direct roles, no group role made direct');
  });

  it('End all sessions asks, then ends every session', async () => {
    const a = await api();
    await a.details.open('15', connectionId);
    const panel = a.details.panelFor('15', connectionId)!;
    await waitFor(() => panel.current, 'user 15');
    const ids = panel.current!.sessions.map((x) => x.id);
    assert.ok(ids.length >= 1);
    await sandboxLog.clear(sb!);
    a.dialogs.answers.push('End All Sessions 1 user');
    await panel.receive({ type: 'endAllSessions' });
    const w = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(w.map((r) => [r.method, r.apiPath]), ids.map((id) => ['DELETE', `/users/15/sessions/${id}`]));
    assert.strictEqual(panel.current!.sessions.length, 0);
    await assertAudited('15', ['endSessions']);
  });

  it('every write of the panel is one job of one: in the audit log exactly once, with who, the instance, name and email', async () => {
    const { panel, node } = await openFromTree(true);
    const a = await api();
    const host = new URL(sb!.url).host;
    const entries = async () => (await a.audit.read()).filter((e) => e.userId === node.id);
    const steps: [string, unknown, string | undefined][] = [
      ['updateUser', { type: 'save', edits: { first_name: `Once${Date.now() % 1000}` }, base: { first_name: panel.current!.values.first_name } }, undefined],
      ['disable', { type: 'setDisabled', disabled: true }, 'Disable 1 user'],
      ['enable', { type: 'setDisabled', disabled: false }, undefined],
      ['forcePasswordReset', { type: 'setForcedReset', value: !panel.current!.email!.forcedReset }, undefined],
      ['updateEmail', { type: 'changeEmail', email: `once.${node.id}.${Date.now()}@brightlane.io` }, undefined],
      ['sendPasswordReset', { type: 'sendReset' }, undefined],
      ['createPasswordResetLink', { type: 'createResetLink' }, undefined],
    ];
    if (panel.current!.email!.forcedReset) steps[3][0] = 'clearPasswordReset';
    for (const [action, message, answer] of steps) {
      const before = (await entries()).length;
      await sandboxLog.clear(sb!);
      if (answer) a.dialogs.answers.push(answer);
      await panel.receive(message);
      const writes = writesOf(await sandboxLog.get(sb!));
      assert.strictEqual(writes.length, 1, `${action}: one write (${JSON.stringify(writes.map((r) => `${r.method} ${r.apiPath}`))})`);
      const added = (await entries()).slice(before);
      assert.deepStrictEqual(added.map((e) => e.action), [action], `${action}: audited exactly once`);
      const e = added[0];
      assert.ok(e.jobId, `${action}: recorded by the job runner (a job of one)`);
      assert.strictEqual(e.connection.host, host);
      assert.ok(e.connection.apiUserId, `${action}: the API user's id`);
      assert.ok(e.apiUser, `${action}: who`);
      assert.ok(e.user?.name && e.user?.email, `${action}: name and email ${JSON.stringify(e.user)}`);
      assert.ok(e.after, `${action}: after`);
      if (answer) assert.ok(a.dialogs.prompts.at(-1)?.includes(host), `${action}: the confirmation names the host`);
    }
    assert.ok(!JSON.stringify(await entries()).includes('/password/reset/'), 'no reset link in the audit log');
    // Adding an email login to a user without one is a job of one too.
    const { body: users } = await sandboxApi<IUser[]>(sb!, '/users?fields=id,is_disabled,credentials_email&limit=300');
    const bare = users.find((u) => Number(u.id) > 15 && !u.is_disabled && !u.credentials_email);
    assert.ok(bare, 'a user without an email login');
    await a.details.open(String(bare.id), connectionId);
    const p2 = a.details.panelFor(String(bare.id), connectionId)!;
    await waitFor(() => p2.current, `user ${bare.id}`);
    const email = `added.${bare.id}.${Date.now()}@brightlane.io`;
    await p2.receive({ type: 'addEmail', email });
    const added = (await a.audit.read()).filter((e) => e.userId === String(bare.id) && e.action === 'createCredentialsEmail');
    assert.strictEqual(added.length, 1);
    assert.deepStrictEqual(added[0].after, { email });
    assert.strictEqual(p2.current!.email?.email, email, 'the panel re-read the user');
  });

  it('a home folder that does not exist is refused next to the field, naming the id; an existing one is saved', async () => {
    const { panel, node } = await openFromTree();
    const a = await api();
    const home = panel.current!.values.home_folder_id;
    await sandboxLog.clear(sb!);
    const mark = panel.posted.length;
    await panel.receive({ type: 'save', edits: { home_folder_id: 'abc' }, base: { home_folder_id: home } });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing saved');
    const errs = posted(panel, mark, 'fieldErrors') as Extract<HostMessage, { type: 'fieldErrors' }>[];
    assert.strictEqual(errs.length, 1);
    assert.strictEqual(errs[0].errors[0].field, 'home_folder_id');
    assert.match(errs[0].errors[0].message, /"abc"/);
    assert.strictEqual(posted(panel, mark, 'saved').length, 0);
    const { body } = await sandboxApi<IUser>(sb!, `/users/${node.id}?fields=home_folder_id,personal_folder_id`);
    assert.strictEqual(body.home_folder_id, home, 'unchanged on the instance');
    assert.ok(!(await a.audit.read()).some((e) => e.userId === node.id && e.after?.home_folder_id === 'abc'), 'nothing audited');
    // The user's own personal folder exists: saved.
    await panel.receive({ type: 'save', edits: { home_folder_id: String(body.personal_folder_id) }, base: { home_folder_id: home } });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => r.body), [{ home_folder_id: String(body.personal_folder_id) }]);
  });

  it('a reset email whose POST timed out after Looker sent it is not sent again; the person is told', async function () {
    this.timeout(60000);
    const a = await api();
    const r = await a.connections.testAndSave({ baseUrl: sb!.url, clientId: sb!.clientId, secret: sb!.clientSecret, name: 'Details short timeout', verifyTls: true, timeoutSeconds: 2, id: 'details-short-timeout' });
    assert.ok(r.profile);
    try {
      const { body: users } = await sandboxApi<IUser[]>(sb!, '/users?fields=id,is_disabled,credentials_email&limit=300');
      const target = users.find((u) => Number(u.id) > 15 && !u.is_disabled && u.credentials_email);
      assert.ok(target, 'a user with an email login');
      const id = String(target.id);
      await a.details.open(id, 'details-short-timeout');
      const panel = a.details.panelFor(id, 'details-short-timeout')!;
      await waitFor(() => panel.current, `user ${id}`);
      const audited = (await a.audit.read()).filter((e) => e.userId === id && e.action === 'sendPasswordReset').length;
      await sandboxLog.clear(sb!);
      // Looker sends the email, then the answer never comes: the client gives up after 2 s.
      await sandboxLog.rule(sb!, { method: 'POST', path: `/users/${id}/credentials_email/send_password_reset`, hang: true, afterAction: true, times: 1 });
      const mark = panel.posted.length;
      await panel.receive({ type: 'sendReset' });
      const sends = writesOf(await sandboxLog.get(sb!)).filter((w) => /send_password_reset$/.test(w.apiPath));
      assert.strictEqual(sends.length, 1, 'one POST only');
      const errors = posted(panel, mark, 'error') as Extract<HostMessage, { type: 'error' }>[];
      assert.strictEqual(errors.length, 1, 'the person is told');
      assert.match(errors[0].message, /may have sent the email\. It was not sent again/);
      assert.strictEqual((await a.audit.read()).filter((e) => e.userId === id && e.action === 'sendPasswordReset').length, audited, 'not recorded as sent');
    } finally {
      for (const p of a.details.openPanels()) p.dispose();
      a.dialogs.answers.push('Remove');
      await a.connections.remove('details-short-timeout');
      await connectSandbox(a, sb!);
    }
  });

  it('one open costs three calls: the user (with its sessions and role_ids), its direct roles and the lockout list (names cached per connection); Show user attributes one more', async () => {
    const a = await api();
    const { body: some } = await sandboxApi<{ id: string; sessions?: unknown[] }[]>(sb!, '/users?fields=id,sessions&limit=300');
    const busy = some.find((u) => (u.sessions?.length ?? 0) > 1 && u.id !== '15');
    assert.ok(busy, 'a seeded user with web sessions');
    await a.details.open('14', connectionId);
    const first = await waitFor(() => a.details.panelFor('14', connectionId), 'user 14');
    await waitFor(() => first.current, 'user 14');
    await first.receive({ type: 'showAttributes' });
    await sandboxLog.clear(sb!);
    const ops = async () => (await sandboxLog.get(sb!)).filter((r) => !/\/login$/.test(r.path));
    await a.details.open(busy.id, connectionId);
    const panel = await waitFor(() => a.details.panelFor(busy.id, connectionId), `user ${busy.id}`);
    const d = await waitFor(() => panel.current, `user ${busy.id}`);
    const log = await ops();
    // The lockout list is read each time (a lockout comes and goes); the attribute values only when asked for.
    // Folder names are cached per connection (the shared home folder was read for user 14); a personal folder is
    // named after its user, so it is never read.
    assert.deepStrictEqual(log.map((r) => r.op).filter((op) => op !== 'folder').sort(), ['all_user_login_lockouts', 'user', 'user_roles']);
    const personal = (await sandboxApi<{ personal_folder_id: string }>(sb!, `/users/${busy.id}?fields=personal_folder_id`)).body.personal_folder_id;
    const folders = log.filter((r) => r.op === 'folder').map((r) => r.apiPath);
    assert.ok(folders.length <= 1 && !folders.includes(`/folders/${personal}`), JSON.stringify(folders));
    assert.ok(log.some((r) => r.op === 'user_roles' && r.query.direct_association_only === 'true'), 'direct roles read for the role list');
    assert.ok(!log.some((r) => r.op === 'all_roles' || r.op === 'all_groups' || r.op === 'all_user_attributes'), 'role and group names come from the cache');
    assert.strictEqual(d.sessions.length, busy.sessions!.length, 'the sessions came with the user');
    assert.strictEqual(d.attributesLoaded, false, 'attribute values not read on open');
    assert.deepStrictEqual(d.attributes, []);

    // Show user attributes: one call (the definitions are cached per connection), every attribute of the user shown.
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'showAttributes' });
    assert.deepStrictEqual((await ops()).map((r) => [r.op, r.query.all_values]), [['user_attribute_user_values', 'true']]);
    const shown = panel.current!;
    assert.strictEqual(shown.attributesLoaded, true);
    const { body: truth } = await sandboxApi<{ user_attribute_id: string }[]>(sb!, `/users/${busy.id}/attribute_values?all_values=true&include_unset=true`);
    assert.deepStrictEqual([...new Set(shown.attributes.map((r) => r.id))].sort(), [...new Set(truth.map((r) => String(r.user_attribute_id)))].sort());
    assert.strictEqual(shown.title, d.title, 'the rest of the panel unchanged');
    assert.deepStrictEqual(posted(panel, 0, 'data').slice(-1).map((m) => m.type === 'data' && m.data.attributesLoaded), [true], 'the page got them');

    // Once shown, a refresh of this panel reads them again with the rest; a second ask reads nothing.
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'showAttributes' });
    assert.deepStrictEqual(await ops(), []);
    await panel.receive({ type: 'refresh' });
    assert.ok((await ops()).some((r) => r.op === 'user_attribute_user_values'), 'read again on refresh');
    assert.strictEqual(panel.current!.attributesLoaded, true);
  });

  it('a part that cannot be read (403 on attribute values) leaves the rest of the panel working', async () => {
    const a = await api();
    await sandboxLog.rule(sb!, { method: 'GET', path: '/users/\\d+/attribute_values', status: 403, times: 5 });
    await a.details.open('14', connectionId);
    const panel = a.details.panelFor('14', connectionId)!;
    await waitFor(() => panel.current, 'user 14');
    await panel.receive({ type: 'showAttributes' });
    const d = panel.current!;
    assert.strictEqual(d.partialErrors.length, 1);
    assert.match(d.partialErrors[0], /not allowed/);
    assert.ok(d.title.length > 0 && d.attributes.length === 0 && !d.attributesLoaded, 'the section can be asked for again');
  });

  it('a user that does not exist shows a load error in the panel', async () => {
    const a = await api();
    await a.details.open('999999', connectionId);
    const panel = a.details.panelFor('999999', connectionId)!;
    await waitFor(() => panel.posted.some((m) => m.type === 'loadError'), 'the load error');
    const m = panel.posted.find((x) => x.type === 'loadError') as Extract<HostMessage, { type: 'loadError' }>;
    assert.match(m.message, /Not found/);
    assert.strictEqual(panel.current, undefined);
  });

  it('hostile names stay plain text in the title and data', async () => {
    const a = await api();
    for (const id of ['3', '12']) {
      await a.details.open(id, connectionId);
      const panel = a.details.panelFor(id, connectionId)!;
      await waitFor(() => panel.current, `user ${id}`);
      const { body } = await sandboxApi<IUser>(sb!, `/users/${id}`);
      assert.strictEqual(panel.panel.title, body.display_name);
      assert.strictEqual(panel.current!.values.first_name, body.first_name);
      assert.match(String(body.first_name), /<(script|img)/);
    }
    // The page's HTML itself carries no user data: only the CSP, the nonce'd script and the stylesheets.
    const html = a.details.panelFor('12', connectionId)!.panel.webview.html;
    assert.ok(!html.includes('onerror'));
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9]{32}'/);
  });

  it('unknown or malformed page messages are ignored and logged', async () => {
    const { panel } = await openFromTree();
    const a = await api();
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'save', edits: { id: '1' }, base: {} });
    await panel.receive({ type: 'deleteUser' });
    await panel.receive('ready');
    assert.strictEqual(writesOf(await sandboxLog.get(sb!)).length, 0);
    assert.ok(a.log.recentLines().some((l) => /ignored type "deleteUser"/.test(l)));
  });
});
