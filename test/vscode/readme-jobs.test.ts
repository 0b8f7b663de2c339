// README promises about bulk jobs, export and searches, in the real extension host and checked against the sandbox:
// the Delete confirmation (the typed count), Send Password Reset Email, Update Emails from CSV, the report saved as CSV
// and Retry Failed, looker.bulk.concurrency,
// Export Users across all pages, Resume of a job a window left behind, and looker.savedSearches in the tree.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { BulkOutcome } from '../../src/bulk/commands';
import type { BulkJob } from '../../src/bulk/types';
import type { ExtensionApi } from '../../src/extension';
import type { GroupNode, UserNode, UsersNode } from '../../src/users/nodes';
import { NO_SANDBOX, api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor, writesOf, type LoggedRequest, type SandboxEnv } from './helpers';

const isGroup = (n: UsersNode): n is GroupNode => n.kind === 'group';
const isUser = (n: UsersNode): n is UserNode => n.kind === 'user';

async function setLatency(sb: SandboxEnv, latencyMs: number): Promise<void> {
  const res = await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) });
  assert.ok(res.ok, `sandbox faults: ${res.status}`);
}

describe('README: bulk jobs, export and saved searches', function () {
  this.timeout(120000);
  const sb = sandbox();
  let a: ExtensionApi;
  let tmp: string;
  /** Users of the Active group this suite may change: ids above 100 (other suites use the first ones), never the API user. */
  let spare: UserNode[] = [];

  /** Takes `n` users of the Active group that no other test of this suite used, optionally with a login email. */
  function take(n: number, withEmail = false): UserNode[] {
    const picked = spare.filter((u) => !withEmail || !!u.user.credentials_email?.email).slice(0, n);
    assert.strictEqual(picked.length, n, `${n} spare users of the Active group`);
    spare = spare.filter((u) => !picked.includes(u));
    return picked;
  }

  async function activeGroup(): Promise<GroupNode> {
    const g = (await a.tree.getChildren()).filter(isGroup).find((x) => x.key === 'status:active');
    assert.ok(g, 'the Active group');
    return g;
  }

  async function user(id: string, fields = 'id,is_disabled,email,credentials_email(email)'): Promise<IUser> {
    return (await sandboxApi<IUser>(sb!, `/users/${id}?fields=${fields}`)).body;
  }

  before(async () => {
    if (!sb) throw new Error(NO_SANDBOX);
    a = await api();
    await connectSandbox(a, sb);
    a.tree.showPinnedGroup(undefined);
    await a.tree.setQuery(undefined);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-readme-jobs-'));
    const all = (await a.tree.getChildren(await activeGroup())).filter(isUser);
    spare = all.filter((n) => Number(n.id) > 100);
  });

  after(async () => {
    await setLatency(sb!, 0);
    await vscode.workspace.getConfiguration('looker').update('bulk.concurrency', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('looker').update('savedSearches', undefined, vscode.ConfigurationTarget.Global);
    if (a?.bulk.preview.current) a.bulk.preview.respond(false);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Delete needs the typed count: Confirm without it, or with another number, deletes nobody; the count deletes them', async () => {
    const victims = take(2);
    const ids = victims.map((n) => n.id);
    await sandboxLog.clear(sb!);
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.delete', victims[0], victims);
    const plan = await waitFor(() => a.bulk.preview.current, 'the Delete preview');
    assert.deepStrictEqual(plan.counts, { change: 2, skip: 0, impossible: 0 });
    assert.match(a.bulk.preview.currentTitle ?? '', new RegExp(`${a.manager.active()!.name}.*127\\.0\\.0\\.1`), 'the preview names the connection and host');
    a.bulk.preview.respond(true);
    a.bulk.preview.respond(true, '1');
    a.bulk.preview.respond(true, '20');
    assert.strictEqual(a.bulk.preview.current, plan, 'the preview stays open until the count is typed');
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing was deleted');
    for (const id of ids) assert.strictEqual((await user(id)).id, id, `user ${id} still exists`);
    a.bulk.preview.respond(true, ' 2 ');
    const outcome = await running;
    assert.ok(outcome, 'the job ran');
    assert.strictEqual(outcome.result.counts.done, 2);
    const deletes = writesOf(await sandboxLog.get(sb!)).filter((r) => r.method === 'DELETE');
    assert.deepStrictEqual(deletes.map((r) => r.apiPath).sort(), ids.map((id) => `/users/${id}`).sort(), 'one DELETE per user');
    const { body } = await sandboxApi<IUser[]>(sb!, `/users/search?id=${ids.join(',')}&fields=id`);
    assert.deepStrictEqual(body, [], 'the users are gone');
  });

  it('Send Password Reset Email sends exactly one email per user, audited without the reset URL', async () => {
    const users = take(3, true);
    const ids = users.map((n) => n.id);
    await sandboxLog.clear(sb!);
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.sendPasswordReset', users[0], users);
    const plan = await waitFor(() => a.bulk.preview.current, 'the preview');
    assert.deepStrictEqual(plan.counts, { change: 3, skip: 0, impossible: 0 });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'the dry run sent nothing');
    a.bulk.preview.respond(true);
    const outcome = await running;
    assert.ok(outcome);
    assert.strictEqual(outcome.result.counts.done, 3);
    const sends = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(
      sends.map((r) => `${r.method} ${r.apiPath} ${r.status}`).sort(),
      ids.map((id) => `POST /users/${id}/credentials_email/send_password_reset 200`).sort(),
      'one send per user, nothing else written',
    );
    const audit = fs.readFileSync(a.audit.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { jobId?: string; action: string });
    const mine = audit.filter((e) => e.jobId === outcome.job.id);
    assert.deepStrictEqual(mine.map((e) => e.action), ['sendPasswordReset', 'sendPasswordReset', 'sendPasswordReset']);
    assert.ok(!mine.some((e) => /password\/reset\//.test(JSON.stringify(e))), 'no reset URL in the audit log');
  });

  it('Update Emails from CSV: rows by id and by current email, previewed, then each login email changed once', async () => {
    const [byId, byEmail] = take(2, true);
    const oldEmail = byEmail.user.credentials_email!.email!;
    const csv = path.join(tmp, 'emails.csv');
    fs.writeFileSync(csv, `id,new_email\n${byId.id},readme.moved.${byId.id}@example.org\n${oldEmail},readme.moved.${byEmail.id}@example.org\n`);
    await sandboxLog.clear(sb!);
    const running = a.bulk.updateEmailsFromCsv(csv);
    const plan = await waitFor(() => a.bulk.preview.current, 'the preview');
    assert.deepStrictEqual(plan.items.map((i) => i.userId).sort(), [byId.id, byEmail.id].sort());
    assert.deepStrictEqual(plan.counts, { change: 2, skip: 0, impossible: 0 });
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing written before Confirm');
    a.bulk.preview.respond(true);
    const outcome = await running;
    assert.ok(outcome);
    assert.strictEqual(outcome.result.counts.done, 2);
    for (const n of [byId, byEmail]) {
      assert.strictEqual((await user(n.id)).credentials_email?.email, `readme.moved.${n.id}@example.org`, `user ${n.id}'s login email`);
    }
    const writes = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`).sort(), [byId, byEmail].map((n) => `PATCH /users/${n.id}/credentials_email`).sort());
  });

  it('a report with a failed user saves as CSV (a row per user, the failure\'s message) and Retry Failed plans and runs only that user', async () => {
    const users = take(3);
    const ids = users.map((n) => n.id);
    const bad = ids[1];
    await sandboxLog.clear(sb!);
    // Looker refuses one user's change once (a permanent error: not retried within the job).
    await sandboxLog.rule(sb!, { method: 'PATCH', path: `/users/${bad}`, status: 422, body: { message: 'Validation Failed', errors: [{ field: 'is_disabled', code: 'invalid', message: 'refused for this test' }] }, times: 1 });
    const running = vscode.commands.executeCommand<BulkOutcome | undefined>('looker.disableUsers', users[0], users);
    await waitFor(() => a.bulk.preview.current, 'the preview');
    a.bulk.preview.respond(true);
    const outcome = await running;
    assert.ok(outcome);
    assert.deepStrictEqual([outcome.result.counts.done, outcome.result.counts.failed], [2, 1]);
    // The report's "Save as CSV…", the file chosen in its save dialog.
    const target = vscode.Uri.file(path.join(tmp, 'report.csv'));
    a.dialogs.saveAs.push(target);
    assert.strictEqual((await a.bulk.saveReportCsv(outcome.job))?.fsPath, target.fsPath);
    const lines = fs.readFileSync(target.fsPath, 'utf8').trim().split(/\r?\n/);
    assert.strictEqual(lines.length, 4, lines.join('\n'));
    const row = (id: string) => lines.find((l) => l.startsWith(`${id},`)) ?? '';
    for (const id of ids.filter((x) => x !== bad)) assert.match(row(id), /,done,/, row(id));
    assert.match(row(bad), /,failed,.*refused for this test/, row(bad));
    // "Retry Failed": a new dry run of the failed user only, previewed, then done.
    await sandboxLog.clear(sb!);
    const retrying = a.bulk.retryFailed(outcome.job);
    const plan = await waitFor(() => a.bulk.preview.current, 'the retry preview');
    assert.deepStrictEqual(plan.items.map((i) => i.userId), [bad]);
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)), [], 'nothing before Confirm');
    a.bulk.preview.respond(true);
    const again = await retrying;
    assert.strictEqual(again?.result.counts.done, 1);
    assert.deepStrictEqual(writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath}`), [`PATCH /users/${bad}`]);
    assert.strictEqual((await user(bad)).is_disabled, true);
  });

  it('looker.bulk.concurrency caps the writes Looker sees at once (1, then 3)', async () => {
    // Slow answers, so that every write the runner allows is open at the same time as the others.
    await setLatency(sb!, 250);
    try {
      for (const limit of [1, 3]) {
        await vscode.workspace.getConfiguration('looker').update('bulk.concurrency', limit, vscode.ConfigurationTarget.Global);
        const users = take(6);
        await sandboxLog.clear(sb!);
        const running = a.bulk.start('disable', users[0], users);
        await waitFor(() => a.bulk.preview.current, 'the preview');
        a.bulk.preview.respond(true);
        const outcome = await running;
        assert.ok(outcome);
        assert.strictEqual(outcome.result.counts.done, 6);
        const writes = writesOf(await sandboxLog.get(sb!)) as (LoggedRequest & { writesInFlight?: number })[];
        const patches = writes.filter((r) => r.method === 'PATCH');
        assert.strictEqual(patches.length, 6);
        const most = Math.max(...patches.map((r) => r.writesInFlight ?? 0));
        const seen = writes.map((r) => `${r.method} ${r.apiPath} (${r.writesInFlight})`).join(', ');
        assert.strictEqual(most, limit, `at most ${limit} write(s) in flight, and that many were: ${seen}`);
      }
    } finally {
      await setLatency(sb!, 0);
    }
  });

  it('Export Users writes every page of a group (more than one page of 1,000) to the file, each user once', async () => {
    const group = await activeGroup();
    // The Active users by the sandbox's own data, independently of the extension.
    const { body } = await sandboxApi<IUser[]>(sb!, '/users?fields=id,is_disabled,is_service_account,credentials_embed(id)');
    const expected = body.filter((u) => !u.is_disabled && !(u.credentials_embed ?? []).length && !u.is_service_account).map((u) => String(u.id));
    assert.ok(expected.length > 1000, `more than one page of Active users (${expected.length})`);
    const target = vscode.Uri.file(path.join(tmp, 'active.json'));
    await sandboxLog.clear(sb!);
    a.dialogs.saveAs.push(target);
    const uri = await a.bulk.exportUsers(group, undefined, { fields: ['id', 'email'], format: 'json' });
    assert.strictEqual(uri?.fsPath, target.fsPath);
    const rows = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as { id: string }[];
    const ids = rows.map((r) => String(r.id));
    assert.strictEqual(new Set(ids).size, ids.length, 'each user once');
    assert.deepStrictEqual([...ids].sort(), [...expected].sort(), 'every Active user of the sandbox');
    const offsets = (await sandboxLog.get(sb!)).filter((r) => r.op === 'search_users').map((r) => r.query.offset);
    assert.ok(offsets.includes('0') && offsets.includes('1000'), `pages at offsets 0 and 1000: ${offsets.join(', ')}`);
  });

  it('Resume: a job a closed window left half done is offered, planned again, previewed, and finishes only what was left', async () => {
    const users = take(3);
    const [doneBefore, ...left] = users.map((n) => n.id);
    const profile = a.manager.active()!;
    // What a window that stopped mid-job leaves on disk: the job with one user done, the others pending, no lock.
    const job: BulkJob = {
      id: `readme-resume-${Date.now()}`,
      connectionId: profile.id,
      action: 'disable',
      params: {},
      userIds: [doneBefore, ...left],
      createdAt: new Date().toISOString(),
      state: { [doneBefore]: { status: 'done', before: { is_disabled: false }, after: { is_disabled: true } } },
      instance: { id: profile.id, name: profile.name, url: profile.baseUrl },
    };
    await a.bulk.jobs.save(job);
    const offered = (await a.bulk.jobs.unfinished('another window')).map((j) => j.id);
    assert.ok(offered.includes(job.id), 'the job is offered for resuming');
    await sandboxLog.clear(sb!);
    // Resume (the offer's button runs this command with the job's id).
    const running = Promise.resolve(vscode.commands.executeCommand<BulkOutcome | undefined>('looker.bulk.resume', job.id));
    const plan = await waitFor(() => a.bulk.preview.current, 'the preview of the resumed job');
    assert.deepStrictEqual(plan.items.map((i) => i.userId).sort(), [...left].sort(), 'only the users left are planned');
    const beforeConfirm = await sandboxLog.get(sb!);
    assert.ok(beforeConfirm.some((r) => r.method === 'GET' && /^\/users/.test(r.apiPath)), 'the users were read again before the preview');
    assert.deepStrictEqual(writesOf(beforeConfirm), [], 'nothing written before Confirm');
    a.bulk.preview.respond(true);
    const outcome = await running;
    assert.ok(outcome);
    assert.strictEqual(outcome.result.counts.done, 2);
    const patches = writesOf(await sandboxLog.get(sb!)).map((r) => `${r.method} ${r.apiPath}`);
    assert.deepStrictEqual(patches.sort(), left.map((id) => `PATCH /users/${id}`).sort(), 'the user done before is not sent again');
    for (const id of left) assert.strictEqual((await user(id)).is_disabled, true);
    assert.strictEqual(await a.bulk.jobs.load(job.id).catch(() => undefined), undefined, 'the resumed job is gone from the list');
  });

  it('looker.savedSearches adds each saved search as a group of the tree, listing the users the sandbox matches', async () => {
    await vscode.workspace.getConfiguration('looker').update('savedSearches', [{ name: 'Readme Raman', query: 'last:Raman' }], vscode.ConfigurationTarget.Global);
    const group = await waitFor(async () => (await a.tree.getChildren()).filter(isGroup).find((g) => g.key === 'saved:Readme Raman'), 'the saved search group');
    assert.strictEqual(String(a.tree.getTreeItem(group).label), 'Readme Raman');
    const shown = (await a.tree.getChildren(group)).filter(isUser).map((n) => n.id).sort();
    const { body } = await sandboxApi<IUser[]>(sb!, '/users?fields=id,last_name');
    const expected = body.filter((u) => (u.last_name ?? '').toLowerCase() === 'raman').map((u) => String(u.id)).sort();
    assert.ok(expected.length > 0, 'the sandbox has a Raman');
    assert.deepStrictEqual(shown, expected);
    await vscode.workspace.getConfiguration('looker').update('savedSearches', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(async () => !(await a.tree.getChildren()).filter(isGroup).some((g) => g.key === 'saved:Readme Raman'), 'the group to go with the setting');
  });
});
