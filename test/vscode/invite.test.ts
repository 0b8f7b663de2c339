// Invite users in the real extension host, against the sandbox: one user (dry run, preview naming the host, the
// writes, one audit line with name and email, Undo through the Delete preview), a CSV with an existing email (skipped),
// a create whose connection dropped after Looker created the user (looked up, never created twice).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { BulkCommands, BulkOutcome } from '../../src/bulk/commands';
import type { Invite } from '../../src/actions/types';
import { api, sandbox, sandboxApi, sandboxLog, startConnected, waitFor, writesOf } from './helpers';

describe('invite users', function () {
  this.timeout(90000);
  const sb = sandbox();
  let bulk: BulkCommands;
  let tmp: string;
  let connectionId: string;

  before(async function () {
    const started = await startConnected(sb);
    connectionId = started.connectionId;
    bulk = started.a.bulk;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-invite-'));
  });

  afterEach(async () => {
    const a = await api();
    for (const p of a.details.openPanels()) p.dispose();
  });

  after(async () => {
    await sandboxLog.clearRules(sb!).catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function usersWithEmail(email: string): Promise<IUser[]> {
    const { body } = await sandboxApi<IUser[]>(sb!, `/users/search?email=${encodeURIComponent(email)}&fields=id,first_name,last_name,email,role_ids,group_ids,credentials_email(email)`);
    return body.filter((u) => u.email?.toLowerCase() === email.toLowerCase());
  }

  /** The next preview other than the one on screen now. */
  function nextPreview(shown = bulk.preview.current) {
    return waitFor(() => (bulk.preview.current !== shown ? bulk.preview.current : undefined), 'the preview');
  }

  /** Undo of an invitation job: the Delete preview, confirmed with the typed count; the created users are gone. */
  async function undoInvites(outcome: BulkOutcome, count: number): Promise<void> {
    const shown = bulk.preview.current;
    const undoing = bulk.undo({ jobId: outcome.job.id });
    const plan = await nextPreview(shown);
    assert.strictEqual(plan.action, 'delete', 'an invitation is undone by Delete');
    assert.strictEqual(plan.counts.change, count);
    assert.ok(!bulk.preview.respond(true) || bulk.preview.current === plan, 'Confirm without the typed count does nothing');
    assert.ok(bulk.preview.respond(true, String(count)), 'confirmed with the typed count');
    const undone = await undoing;
    assert.ok(undone && 'result' in undone && undone.result.counts.done === count, 'the invited users were deleted');
  }

  it('invite one user → dry run → preview naming the host → created with roles, groups and the setup email, audited once; Undo deletes it', async () => {
    const a = await api();
    const email = 'ines.invited@example.org';
    assert.deepStrictEqual(await usersWithEmail(email), [], 'not there yet');
    const invite: Invite = { firstName: 'Inès', lastName: 'Invited', email, roleIds: ['4'], groupIds: ['6'], sendSetupEmail: true };
    await sandboxLog.clear(sb!);
    const shown = bulk.preview.current;
    const running = bulk.inviteUser(invite);
    const plan = await nextPreview(shown);
    assert.deepStrictEqual(plan.counts, { change: 1, skip: 0, impossible: 0 });
    assert.ok(bulk.preview.currentTitle?.includes(new URL(sb!.url).host), `the preview names the host: ${bulk.preview.currentTitle}`);
    assert.ok(bulk.preview.currentTitle?.includes('Sandbox'), 'and the connection');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing sent before Confirm');
    assert.ok(bulk.preview.respond(true));
    const outcome = await running;
    assert.ok(outcome, 'the job ran');
    assert.strictEqual(outcome.result.counts.done, 1, JSON.stringify(outcome.job.state));

    const [u] = await usersWithEmail(email);
    assert.ok(u, 'the user exists on the server');
    assert.deepStrictEqual([u.first_name, u.last_name], ['Inès', 'Invited']);
    assert.ok(u.role_ids?.includes('4') && u.group_ids?.includes('6'), 'with the role and the group');
    const sent = writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath.replace(`/${u.id}/`, '/ID/')}`);
    assert.deepStrictEqual(sent, ['POST /users', 'PUT /users/ID/roles', 'POST /groups/6/users', 'POST /users/ID/credentials_email/send_password_reset']);

    const entries = (await a.audit.read()).filter((e) => e.jobId === outcome.job.id);
    assert.strictEqual(entries.length, 1, 'one audit line for the user');
    assert.strictEqual(entries[0].action, 'createUser');
    assert.strictEqual(entries[0].userId, String(u.id), 'the audit names the created user');
    assert.deepStrictEqual(entries[0].user, { name: 'Inès Invited', email });
    assert.strictEqual(entries[0].connection.url, sb!.url);
    assert.strictEqual(entries[0].after?.setup_email, 'sent');
    assert.ok(!/https?:/.test(JSON.stringify([entries[0].before, entries[0].after])), 'no link in the audit line');

    // The details panel shows the setup state of the new login, and re-sends the setup email.
    const id = String(u.id);
    const panel = await a.details.open(id, connectionId).then(() => waitFor(() => a.details.panelFor(id, connectionId), 'the panel'));
    const data = await waitFor(() => panel.current, 'the user data', 20000);
    assert.strictEqual(data.email?.setup?.link, 'outstanding', JSON.stringify(data.email));
    assert.ok(data.email?.setup?.created && data.email.setup.created !== '—', 'with the date the login was created');
    await sandboxLog.clear(sb!);
    await panel.receive({ type: 'sendReset' });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath}`), [`POST /users/${id}/credentials_email/send_password_reset`]);
    const resent = (await a.audit.read()).filter((e) => e.userId === id).at(-1);
    assert.deepStrictEqual([resent?.action, resent?.after], ['sendPasswordReset', { setup_email: 'sent' }], 'the re-send is audited as a setup email');

    await undoInvites(outcome, 1);
    assert.deepStrictEqual(await usersWithEmail(email), [], 'deleted by the undo');
  });

  it('inviting an email that exists already creates nothing and names the user (no preview)', async () => {
    const { body } = await sandboxApi<IUser[]>(sb!, '/users/search?id=14&fields=id,email');
    const email = String(body[0].email);
    await sandboxLog.clear(sb!);
    const shown = bulk.preview.current;
    const out = await bulk.inviteUser({ firstName: 'Again', lastName: 'Someone', email: email.toUpperCase(), roleIds: [], groupIds: [], sendSetupEmail: false });
    assert.strictEqual(out, undefined);
    assert.strictEqual(bulk.preview.current, shown, 'no preview was opened');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), []);
  });

  it('Invite Users from CSV: the dry run lists the existing email as skipped and the new one as created; only that one is created', async () => {
    const { body } = await sandboxApi<IUser[]>(sb!, '/users/search?id=14&fields=id,email');
    const existing = String(body[0].email);
    const fresh = 'csv.newcomer@example.org';
    const file = path.join(tmp, 'invite.csv');
    fs.writeFileSync(file, `first_name,last_name,email,roles,groups,send_setup_email\r\nCsv,Newcomer,${fresh},Viewer,,no\r\nAlready,There,${existing},,,yes\r\n`);
    await sandboxLog.clear(sb!);
    const shown = bulk.preview.current;
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.inviteUsersFromCsv', vscode.Uri.file(file));
    const plan = await nextPreview(shown);
    assert.deepStrictEqual(plan.counts, { change: 1, skip: 1, impossible: 0 });
    const skip = plan.items.find((i) => i.kind === 'skip');
    assert.strictEqual(skip?.existingUserId, '14', 'the existing user is named');
    assert.match(skip?.reason ?? '', /^Already exists/);
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing sent before Confirm');
    assert.ok(bulk.preview.respond(true));
    const outcome = await running;
    assert.ok(outcome);
    assert.deepStrictEqual([outcome.result.counts.done, outcome.result.counts.skipped], [1, 1]);
    assert.strictEqual((await usersWithEmail(fresh)).length, 1, 'the new one was created');
    assert.strictEqual((await usersWithEmail(existing)).length, 1, 'the existing one was not created again');
    const sent = writesOf(await sandboxLog.get(sb!));
    assert.strictEqual(sent.filter((r) => r.method === 'POST' && r.apiPath === '/users').length, 1);
    assert.strictEqual(sent.filter((r) => /send_password_reset/.test(r.apiPath)).length, 0, 'send_setup_email=no sends nothing');
    const entries = (await (await api()).audit.read()).filter((e) => e.jobId === outcome.job.id);
    assert.deepStrictEqual(entries.map((e) => [e.action, e.user?.email]), [['createUser', fresh]], 'audited once, only the created user');
    await undoInvites(outcome, 1);
  });

  it('a create whose connection dropped after Looker created the user is looked up, not sent again: one user, one audit line', async () => {
    const a = await api();
    const email = 'dropped.create@example.org';
    await sandboxLog.clear(sb!);
    await sandboxLog.rule(sb!, { method: 'POST', path: '^/users$', drop: true, afterAction: true, times: 1 });
    const shown = bulk.preview.current;
    const running = bulk.inviteUser({ firstName: 'Dropped', lastName: 'Create', email, roleIds: [], groupIds: ['6'], sendSetupEmail: true });
    await nextPreview(shown);
    assert.ok(bulk.preview.respond(true));
    const outcome = await running;
    await sandboxLog.clearRules(sb!);
    assert.ok(outcome);
    assert.deepStrictEqual([outcome.result.counts.done, outcome.result.counts.failed], [1, 0], JSON.stringify(outcome.job.state));
    const users = await usersWithEmail(email);
    assert.strictEqual(users.length, 1, 'one user, not two');
    assert.ok(users[0].group_ids?.includes('6'), 'the retry finished the remaining steps');
    const sent = writesOf(await sandboxLog.get(sb!));
    assert.strictEqual(sent.filter((r) => r.method === 'POST' && r.apiPath === '/users').length, 1, 'create_user sent once');
    assert.strictEqual(sent.filter((r) => /send_password_reset/.test(r.apiPath)).length, 1, 'the setup email sent once');
    const entries = (await a.audit.read()).filter((e) => e.jobId === outcome.job.id);
    assert.deepStrictEqual(entries.map((e) => e.userId), [String(users[0].id)], 'audited once');
    await undoInvites(outcome, 1);
  });
});
