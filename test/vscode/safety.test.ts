// Commands are a public API: another extension or a command link can call them with any arguments. In the real
// extension host, hostile arguments (explicit ids, noPreview, jobId/entryId, a target path, secret fields) change
// nobody and write nothing without the person's confirmation.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ExtensionApi } from '../../src/extension';
import { NO_SANDBOX, api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor, writesOf } from './helpers';

describe('public commands with hostile arguments', function () {
  this.timeout(90000);
  const sb = sandbox();
  let a: ExtensionApi;
  let tmp: string;
  let victims: string[];

  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    a = await api();
    await connectSandbox(a, sb);
    await a.tree.setQuery(undefined);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-hostile-'));
    const { body } = await sandboxApi<IUser[]>(sb, '/users?fields=id,is_disabled&per_page=40');
    victims = body.filter((u) => !u.is_disabled && Number(u.id) > 20).slice(0, 3).map((u) => String(u.id));
    assert.strictEqual(victims.length, 3);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs a command the way another extension would, then answers whatever it opened with Cancel / Escape. */
  async function callHostile(id: string, ...args: unknown[]): Promise<unknown> {
    const running = Promise.resolve(vscode.commands.executeCommand(id, ...args));
    let settled = false;
    void running.finally(() => (settled = true));
    // Give the command time to reach its first prompt, then dismiss whatever it shows.
    await waitFor(() => settled || a.bulk.preview.current !== undefined, `${id} to settle or ask`, 4000).catch(() => undefined);
    if (a.bulk.preview.current) a.bulk.preview.respond(false);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    return running;
  }

  /** Waits for the preview a job opens, presses Confirm (as the person would), and returns the job's result. */
  async function confirmed<T>(running: Promise<T>): Promise<T> {
    await waitFor(() => a.bulk.preview.current, 'the preview');
    a.bulk.preview.respond(true);
    return running;
  }

  async function stillThere(): Promise<void> {
    for (const id of victims) {
      const { body } = await sandboxApi<IUser>(sb!, `/users/${id}?fields=id,is_disabled`);
      assert.strictEqual(body.is_disabled, false, `user ${id} untouched`);
    }
  }

  it('bulk commands with {userIds, noPreview: true} delete or disable nobody', async () => {
    await sandboxLog.clear(sb!);
    for (const id of ['looker.bulk.delete', 'looker.disableUsers', 'looker.bulk.sendPasswordReset', 'looker.bulk.endSessions']) {
      await callHostile(id, { userIds: victims, noPreview: true, params: {} }, [{ userIds: victims }]);
    }
    const writes = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), []);
    await stillThere();
  });

  it('undo with a jobId or entryId, and resume with an id, send nothing without the preview', async () => {
    const a2 = await api();
    // A real job to undo: disable one user through the preview, confirmed.
    const outcome = await confirmed(a2.bulk.startFor('disable', { userIds: [victims[0]] }));
    assert.ok(outcome && outcome.result.counts.done === 1);
    await sandboxLog.clear(sb!);
    await callHostile('looker.undo', { jobId: outcome.job.id });
    await callHostile('looker.undo', { entryId: 'anything' });
    await callHostile('looker.bulk.resume', outcome.job.id);
    const writes = writesOf(await sandboxLog.get(sb!));
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), [], 'undo/resume wrote nothing');
    const { body } = await sandboxApi<IUser>(sb!, `/users/${victims[0]}?fields=is_disabled`);
    assert.strictEqual(body.is_disabled, true, 'still disabled: the undo needs its confirmation');
    // Through the test handle, with the preview confirmed, the undo does happen.
    await confirmed(a2.bulk.undo({ jobId: outcome.job.id }));
    await stillThere();
  });

  it('a connection repointed to another host makes undo and resume refuse, sending nothing', async () => {
    const a2 = await api();
    const profile = a2.manager.active()!;
    const outcome = await confirmed(a2.bulk.startFor('disable', { userIds: [victims[1]] }));
    assert.ok(outcome && outcome.result.counts.done === 1);
    // An interrupted job of the same instance, to resume.
    const stopped = { ...outcome.job, id: `${outcome.job.id}-x`, state: {} };
    await a2.bulk.jobs.save(stopped);
    // Same server, other host name: to the extension, another instance.
    const moved = sb!.url.replace('127.0.0.1', 'localhost');
    assert.notStrictEqual(moved, sb!.url);
    await a2.store.save({ ...profile, baseUrl: moved }, sb!.clientSecret);
    try {
      await sandboxLog.clear(sb!);
      await assert.rejects(a2.bulk.undo({ jobId: outcome.job.id }), /now points at localhost/);
      await assert.rejects(a2.bulk.resume(stopped.id), /now points at localhost/);
      const writes = writesOf(await sandboxLog.get(sb!));
      assert.deepStrictEqual(writes, []);
      const { body } = await sandboxApi<IUser>(sb!, `/users/${victims[1]}?fields=is_disabled`);
      assert.strictEqual(body.is_disabled, true, 'not re-enabled through the repointed connection');
    } finally {
      await a2.store.save(profile, sb!.clientSecret);
      await a2.bulk.jobs.remove(stopped.id);
    }
    await confirmed(a2.bulk.undo({ jobId: outcome.job.id }));
    await stillThere();
  });

  it('an import that turns TLS verification off says so and needs a yes; a host change drops the saved secret', async () => {
    const a2 = await api();
    const profile = a2.manager.active()!;
    const saved = { ...process.env };
    Object.assign(process.env, { LOOKERSDK_BASE_URL: sb!.url, LOOKERSDK_CLIENT_ID: sb!.clientId, LOOKERSDK_CLIENT_SECRET: sb!.clientSecret, LOOKERSDK_VERIFY_SSL: 'false' });
    try {
      a2.dialogs.answers.push(undefined); // the person says no
      assert.strictEqual(await a2.connections.importEnvironment(false), undefined, 'not imported without a yes');
      const prompt = a2.dialogs.prompts.at(-1) ?? '';
      assert.match(prompt, /TLS certificate verification OFF/);
      assert.ok(prompt.includes(new URL(sb!.url).host), 'the prompt names the host');
      assert.strictEqual(a2.store.get(profile.id)?.verifyTls, profile.verifyTls, 'the connection is unchanged');
      a2.dialogs.answers.push('Import Without Verification');
      const imported = await a2.connections.importEnvironment(false);
      assert.strictEqual(imported?.verifyTls, false, 'with a yes, imported as the file says');
    } finally {
      for (const k of ['LOOKERSDK_BASE_URL', 'LOOKERSDK_CLIENT_ID', 'LOOKERSDK_CLIENT_SECRET', 'LOOKERSDK_VERIFY_SSL']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await a2.store.save(profile, sb!.clientSecret);
    }
    // Repointing a connection without entering the secret again: the stored secret is not kept for the new host.
    await a2.store.save({ ...profile, baseUrl: sb!.url.replace('127.0.0.1', 'localhost') });
    assert.strictEqual(await a2.store.getSecret(profile.id), undefined, 'no secret for the new host');
    await a2.store.save(profile, sb!.clientSecret);
    assert.strictEqual(await a2.store.getSecret(profile.id), sb!.clientSecret);
  });

  it('Export Users with a target path and a reset-URL field writes no file', async () => {
    const target = vscode.Uri.file(path.join(tmp, 'stolen.csv'));
    await callHostile('looker.exportUsers', undefined, undefined, { target, fields: ['credentials_email.password_reset_url'], format: 'csv' });
    assert.ok(!fs.existsSync(target.fsPath), 'no file written without the save dialog');
    // Even the internal API refuses a field that is not on the allow-list.
    a.dialogs.saveAs.push(target);
    await assert.rejects(a.bulk.exportUsers(undefined, undefined, { fields: ['credentials_email.password_reset_url'], format: 'csv' }), /cannot be exported/);
    a.dialogs.saveAs.length = 0;
    assert.ok(!fs.existsSync(target.fsPath));
  });
});
