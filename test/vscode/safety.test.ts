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
import { api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor } from './helpers';

describe('public commands with hostile arguments', function () {
  this.timeout(90000);
  const sb = sandbox();
  let a: ExtensionApi;
  let tmp: string;
  let victims: string[];

  before(async function () {
    if (!sb) return this.skip();
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
    const writes = (await sandboxLog.get(sb!)).filter((r) => r.method !== 'GET' && r.apiPath !== '/login' && r.apiPath !== '/logout');
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), []);
    await stillThere();
  });

  it('undo with a jobId or entryId, and resume with an id, send nothing without the preview', async () => {
    const a2 = await api();
    // A real job to undo: disable one user through the preview, confirmed.
    const running = a2.bulk.startFor('disable', { userIds: [victims[0]] });
    await waitFor(() => a2.bulk.preview.current, 'the preview');
    a2.bulk.preview.respond(true);
    const outcome = await running;
    assert.ok(outcome && outcome.result.counts.done === 1);
    await sandboxLog.clear(sb!);
    await callHostile('looker.undo', { jobId: outcome.job.id });
    await callHostile('looker.undo', { entryId: 'anything' });
    await callHostile('looker.bulk.resume', outcome.job.id);
    const writes = (await sandboxLog.get(sb!)).filter((r) => r.method !== 'GET' && r.apiPath !== '/login' && r.apiPath !== '/logout');
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), [], 'undo/resume wrote nothing');
    const { body } = await sandboxApi<IUser>(sb!, `/users/${victims[0]}?fields=is_disabled`);
    assert.strictEqual(body.is_disabled, true, 'still disabled: the undo needs its confirmation');
    // Through the test handle, with the preview confirmed, the undo does happen.
    const undoing = a2.bulk.undo({ jobId: outcome.job.id });
    await waitFor(() => a2.bulk.preview.current, 'the undo preview');
    a2.bulk.preview.respond(true);
    await undoing;
    await stillThere();
  });

  it('Export Users with a target path and a reset-URL field writes no file', async () => {
    const target = vscode.Uri.file(path.join(tmp, 'stolen.csv'));
    await callHostile('looker.exportUsers', undefined, undefined, { target, fields: ['credentials_email.password_reset_url'], format: 'csv' });
    assert.ok(!fs.existsSync(target.fsPath), 'no file written without the save dialog');
    // Even the internal API refuses a field that is not on the allow-list.
    await assert.rejects(a.bulk.exportUsers(undefined, undefined, { target, fields: ['credentials_email.password_reset_url'], format: 'csv' }), /cannot be exported/);
    assert.ok(!fs.existsSync(target.fsPath));
  });
});
