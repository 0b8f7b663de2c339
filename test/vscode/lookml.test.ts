// Beside LookML in the real extension host: the model CodeLens against the sandbox's own truth, and the preview-user
// hovers (value shown; a hidden attribute's value never shown).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IModelSet, IRole, IUser, IUserAttributeWithValue } from '@looker/sdk';
import { api, connectSandbox, sandbox, sandboxApi, waitFor, type SandboxEnv, NO_SANDBOX } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'lookml');
const fixture = (rel: string) => vscode.Uri.file(path.join(FIXTURES, rel));

/**
 * Who can access a model, computed independently of the extension: roles whose model set holds the model (or is
 * all-access), then `role_users` WITHOUT direct_association_only, i.e. the server's own group (and nested group)
 * expansion — the extension walks role_groups / all_group_groups / all_group_users itself.
 */
async function accessTruth(sb: SandboxEnv, model: string): Promise<Set<string>> {
  const sets = (await sandboxApi<IModelSet[]>(sb, '/model_sets')).body.filter((s) => s.all_access || (s.models ?? []).includes(model));
  const setIds = new Set(sets.map((s) => String(s.id)));
  const roles = (await sandboxApi<(IRole & { model_set_id?: string })[]>(sb, '/roles')).body.filter((r) =>
    setIds.has(String(r.model_set?.id ?? r.model_set_id ?? '')),
  );
  const ids = new Set<string>();
  for (const r of roles) {
    for (const u of (await sandboxApi<IUser[]>(sb, `/roles/${r.id}/users?fields=id`)).body) ids.add(String(u.id));
  }
  return ids;
}

function positionOf(doc: vscode.TextDocument, needle: string, delta = 1): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `${needle} not in ${doc.uri.path}`);
  return doc.positionAt(i + delta);
}

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('beside LookML', function () {
  this.timeout(120000);
  const sb = sandbox();

  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    const a = await api();
    await connectSandbox(a, sb);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('looker.lookml.previewAsUser'), 'looker.lookml.* commands are not registered: registerLookml() is not wired in extension.ts');
  });

  after(async () => {
    if (sb) await vscode.commands.executeCommand('looker.lookml.clearPreviewUser');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const model of ['thelook', 'finance']) {
    it(`the CodeLens of ${model}.model.lkml counts the users the sandbox says can access it`, async () => {
      const uri = fixture(`${model}.model.lkml`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const truth = await accessTruth(sb!, model);
      assert.ok(truth.size > 0, 'the sandbox grants this model to someone');
      const lens = await waitFor(async () => {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 5)) ?? [];
        return lenses.find((l) => /users? can access this model/.test(l.command?.title ?? ''));
      }, 'the model access CodeLens', 60000);
      const n = Number(/^(\d+)/.exec(lens.command!.title)?.[1]);
      assert.strictEqual(n, truth.size, `CodeLens "${lens.command!.title}" vs ${truth.size} users from role_users`);
      // Clicking it pins exactly those users in the Users view.
      const access = (await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []))) as { users: { id: string; grants: unknown[] }[] } | undefined;
      assert.ok(access, 'showModelAccess returns the resolution');
      assert.deepStrictEqual(new Set(access.users.map((u) => u.id)), truth);
      assert.ok(access.users.every((u) => u.grants.length > 0), 'every user has a reason');
      const a = await api();
      const roots = await a.tree.getChildren();
      const pinned = roots.find((g) => g.kind === 'group' && g.key === `pinned:model:${model}`);
      assert.ok(pinned, 'the Users view shows the pinned "Access to model" group');
    });
  }

  it('hovering _user_attributes shows the preview user\'s value and where it comes from', async () => {
    // Priya Raman (id 15) is in group 2 "Engineering", whose department value is "Engineering".
    const expected = (await sandboxApi<IUserAttributeWithValue[]>(sb!, '/users/15/attribute_values?user_attribute_ids=6')).body[0];
    assert.ok(expected?.value, 'the sandbox gives user 15 a department');
    await vscode.commands.executeCommand('looker.lookml.previewAsUser', '15');
    const uri = fixture('thelook.model.lkml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = await waitFor(async () => {
      const t = await hoverText(uri, positionOf(doc, "_user_attributes['department']", 3));
      return t.includes('Priya') ? t : undefined;
    }, 'a hover naming the preview user', 30000);
    assert.ok(text.includes(expected.value), `hover shows the value ${expected.value}:\n${text}`);
    assert.match(text, /group/i, 'and its source');
    assert.match(text, /string/, 'and the attribute type');
  });

  it('an access_grant hover says whether the preview user passes it', async () => {
    // can_see_finance allows department "Finance" or "Executive" (fixtures/lookml/thelook.model.lkml); the sandbox
    // says which department user 15 has, so the answer is known before the hover is asked.
    const department = (await sandboxApi<IUserAttributeWithValue[]>(sb!, '/users/15/attribute_values?user_attribute_ids=6')).body[0]?.value;
    assert.ok(department, 'the sandbox gives user 15 a department');
    const passes = ['Finance', 'Executive'].includes(department);
    await vscode.commands.executeCommand('looker.lookml.previewAsUser', '15');
    const uri = fixture('thelook.model.lkml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = await hoverText(uri, positionOf(doc, 'can_see_finance', 2));
    assert.match(text, /can_see_finance/);
    if (passes) {
      assert.match(text, /Passes/, `department ${department} passes:\n${text}`);
      assert.doesNotMatch(text, /Does not pass/);
    } else {
      assert.match(text, /Does not pass/, `department ${department} does not pass:\n${text}`);
      assert.doesNotMatch(text, /Passes/);
    }
  });

  it('an access_filter hover names the filtered field and the preview user\'s value of its attribute', async () => {
    const attrs = (await sandboxApi<{ id: string; name: string; value_is_hidden?: boolean }[]>(sb!, '/user_attributes?fields=id,name,value_is_hidden')).body;
    const region = attrs.find((x) => x.name === 'region');
    assert.ok(region && !region.value_is_hidden, 'the sandbox has a visible region attribute');
    const value = (await sandboxApi<IUserAttributeWithValue[]>(sb!, `/users/15/attribute_values?user_attribute_ids=${region.id}`)).body[0]?.value;
    await vscode.commands.executeCommand('looker.lookml.previewAsUser', '15');
    const uri = fixture('thelook.model.lkml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = await waitFor(async () => {
      // The attribute of the access_filter block (an access_grant above names the same attribute).
      const block = doc.getText().indexOf('field: users.region');
      const at = doc.getText().indexOf('user_attribute: region', block);
      assert.ok(block >= 0 && at > block, 'the access_filter block of order_items');
      const t = await hoverText(uri, doc.positionAt(at + 18));
      return t.includes('Priya') ? t : undefined;
    }, 'an access_filter hover naming the preview user', 30000);
    assert.match(text, /Access filter/);
    assert.match(text, /users\.region/, 'the filtered field');
    if (value) {
      assert.ok(text.includes(value), `the value ${value} of user 15:\n${text}`);
      assert.doesNotMatch(text, /no rows of this explore/);
    } else {
      assert.match(text, /no rows of this explore/, `user 15 has no region:\n${text}`);
    }
  });

  it('a hidden attribute shows no value', async () => {
    // A member of group 5 "Data", which holds a group value for the hidden warehouse_password attribute.
    const members = (await sandboxApi<IUser[]>(sb!, '/groups/5/users?fields=id&limit=1')).body;
    assert.ok(members.length > 0, 'group Data has members');
    const id = String(members[0].id);
    await vscode.commands.executeCommand('looker.lookml.previewAsUser', id);
    const uri = fixture('views/order_items.view.lkml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = await hoverText(uri, positionOf(doc, "_user_attributes['warehouse_password']", 3));
    assert.match(text, /Hidden.*yes/);
    assert.match(text, /value hidden/);
    assert.ok(!text.includes('hunter2'), 'the seeded hidden group value never appears');
  });
});
