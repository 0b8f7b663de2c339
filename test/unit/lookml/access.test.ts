import * as assert from 'assert';
import { modelSetContains, resolveModelAccess, type AccessSource, type GroupData, type ModelSetData, type RoleData, type UserData } from '../../../src/lookml/access';

/** An in-memory {@link AccessSource} that records the per-role and per-group calls. */
function staticAccessSource(data: {
  modelSets: ModelSetData[];
  roles: RoleData[];
  roleUsers?: Record<string, UserData[]>;
  roleGroups?: Record<string, GroupData[]>;
  groupUsers?: Record<string, UserData[]>;
  groupGroups?: Record<string, GroupData[]>;
}): AccessSource & { calls: string[] } {
  const calls: string[] = [];
  const get = <T>(kind: string, m: Record<string, T[]> | undefined, id: string) => {
    calls.push(`${kind}:${id}`);
    return Promise.resolve(m?.[id] ?? []);
  };
  return {
    calls,
    modelSets: () => Promise.resolve(data.modelSets),
    roles: () => Promise.resolve(data.roles),
    roleUsers: (id) => get('roleUsers', data.roleUsers, id),
    roleGroups: (id) => get('roleGroups', data.roleGroups, id),
    groupUsers: (id) => get('groupUsers', data.groupUsers, id),
    groupGroups: (id) => get('groupGroups', data.groupGroups, id),
  };
}

const u = (id: string) => ({ id, name: `user ${id}` });
const g = (id: string, name = `G${id}`) => ({ id, name });

/** A small instance: model sets, roles, groups with nesting (and a cycle), users. */
function instance() {
  return staticAccessSource({
    modelSets: [
      { id: 'all', name: 'All', all_access: true, models: ['thelook'] },
      { id: 'fin', name: 'Finance', models: ['finance'] },
      { id: 'mkt', name: 'Marketing', models: ['marketing', 'thelook'] },
    ],
    roles: [
      { id: 'admin', name: 'Admin', model_set: { id: 'all' } },
      { id: 'fa', name: 'Finance Analyst', model_set: { id: 'fin' } },
      { id: 'mv', name: 'Marketing Viewer', model_set_id: 'mkt' },
      { id: 'none', name: 'No model set', model_set: null },
    ],
    roleUsers: { admin: [u('1')], fa: [u('2')], mv: [u('3')] },
    roleGroups: { fa: [g('finance', 'Finance')], mv: [g('data', 'Data')] },
    groupUsers: { finance: [u('4'), u('2')], data: [u('5')], ae: [u('6'), u('5')], loop: [u('7')] },
    groupGroups: { data: [g('ae', 'Analytics Engineering')], ae: [g('loop', 'Loop')], loop: [g('data', 'Data')] },
  });
}

describe('model access resolution', () => {
  it('direct role: a user holding the role itself', async () => {
    const r = await resolveModelAccess('finance', instance());
    const user1 = r.users.find((x) => x.id === '1');
    assert.deepStrictEqual(user1?.grants, [{ role: { id: 'admin', name: 'Admin' }, groups: [] }]);
  });

  it('via group: members of a group holding the role, a user with both paths listed once with both reasons', async () => {
    const r = await resolveModelAccess('finance', instance());
    assert.deepStrictEqual(r.users.map((x) => x.id), ['1', '2', '4']);
    assert.deepStrictEqual(r.modelSets.map((s) => s.name), ['All', 'Finance']);
    assert.deepStrictEqual(r.roles.map((s) => s.name), ['Admin', 'Finance Analyst']);
    const user2 = r.users.find((x) => x.id === '2')!;
    assert.deepStrictEqual(
      user2.grants.map((x) => [x.role.name, x.groups.map((y) => y.name)]),
      [
        ['Finance Analyst', []],
        ['Finance Analyst', ['Finance']],
      ],
    );
    const user4 = r.users.find((x) => x.id === '4')!;
    assert.deepStrictEqual(user4.grants.map((x) => [x.role.name, x.groups.map((y) => y.name)]), [['Finance Analyst', ['Finance']]]);
  });

  it('via nested group: members of groups inside the role group, each group visited once (cycle guarded)', async () => {
    const src = instance();
    const r = await resolveModelAccess('marketing', src);
    assert.deepStrictEqual(r.users.map((x) => x.id), ['1', '3', '5', '6', '7']);
    const user6 = r.users.find((x) => x.id === '6')!;
    assert.deepStrictEqual(user6.grants.map((x) => x.groups.map((y) => y.name)), [['Data', 'Analytics Engineering']]);
    const user7 = r.users.find((x) => x.id === '7')!;
    assert.deepStrictEqual(user7.grants.map((x) => x.groups.map((y) => y.id)), [['data', 'ae', 'loop']]);
    // User 5 is in Data and in Analytics Engineering: one user, two paths.
    const user5 = r.users.find((x) => x.id === '5')!;
    assert.strictEqual(user5.grants.length, 2);
    // The data → ae → loop → data cycle is walked once: each group's members are read once.
    const reads = src.calls.filter((c) => c.startsWith('groupUsers:'));
    assert.deepStrictEqual(reads.sort(), ['groupUsers:ae', 'groupUsers:data', 'groupUsers:loop']);
  });

  it('no access: a model whose model sets no role uses, and a role without a model set', async () => {
    const src = staticAccessSource({
      modelSets: [{ id: 'x', name: 'X', models: ['orphan'] }],
      roles: [{ id: 'r', name: 'R', model_set: { id: 'y' } }, { id: 'n', name: 'N' }],
      roleUsers: { r: [u('1')], n: [u('2')] },
    });
    const r = await resolveModelAccess('orphan', src);
    assert.deepStrictEqual(r.modelSets.map((s) => s.id), ['x']);
    assert.deepStrictEqual(r.roles, []);
    assert.deepStrictEqual(r.users, []);
    assert.deepStrictEqual(src.calls, [], 'no role, so no per-role request');
  });

  it('a model in no model set has no users even when roles have users', async () => {
    const r = await resolveModelAccess('not_in_any_set', staticAccessSource({
      modelSets: [{ id: 'fin', name: 'Finance', models: ['finance'] }],
      roles: [{ id: 'fa', name: 'FA', model_set: { id: 'fin' } }],
      roleUsers: { fa: [u('1')] },
    }));
    assert.deepStrictEqual(r.modelSets, []);
    assert.deepStrictEqual(r.users, []);
  });

  it('an all_access model set covers every model, listed or not', async () => {
    assert.strictEqual(modelSetContains({ id: 'a', all_access: true, models: [] }, 'brand_new'), true);
    assert.strictEqual(modelSetContains({ id: 'b', all_access: false, models: ['x'] }, 'brand_new'), false);
    assert.strictEqual(modelSetContains({ id: 'c', models: null }, 'x'), false);
    const r = await resolveModelAccess('brand_new', instance());
    assert.deepStrictEqual(r.users.map((x) => x.id), ['1']);
    assert.deepStrictEqual(r.roles.map((x) => x.name), ['Admin']);
  });

  it('can require a permission of the role (permission set embedded in the role)', async () => {
    const src = staticAccessSource({
      modelSets: [{ id: 'm', models: ['thelook'] }],
      roles: [
        { id: 'viewer', name: 'Viewer', model_set: { id: 'm' }, permission_set: { permissions: ['access_data', 'see_looks'] } },
        { id: 'support', name: 'Support', model_set: { id: 'm' }, permission_set: { permissions: ['see_users'] } },
        { id: 'admin', name: 'Admin', model_set: { id: 'm' }, permission_set: { all_access: true, permissions: [] } },
      ],
      roleUsers: { viewer: [u('1')], support: [u('2')], admin: [u('3')] },
    });
    const all = await resolveModelAccess('thelook', src);
    assert.deepStrictEqual(all.users.map((x) => x.id), ['1', '2', '3']);
    const data = await resolveModelAccess('thelook', src, { permission: 'access_data' });
    assert.deepStrictEqual(data.users.map((x) => x.id), ['1', '3']);
  });

  it('propagates a failing request', async () => {
    const src = { ...instance(), roleGroups: () => Promise.reject(new Error('boom')) };
    await assert.rejects(resolveModelAccess('finance', src), /boom/);
  });

  it('starts no request after a failure', async () => {
    const src = staticAccessSource({
      modelSets: [{ id: 'm', models: ['thelook'] }],
      roles: [
        { id: 'a', name: 'A', model_set: { id: 'm' } },
        { id: 'b', name: 'B', model_set: { id: 'm' } },
      ],
    });
    const failing = { ...src, roleUsers: (id: string) => (id === 'a' ? Promise.reject(new Error('boom')) : src.roleUsers(id)) };
    await assert.rejects(resolveModelAccess('thelook', failing, { concurrency: 1 }), /boom/);
    assert.deepStrictEqual(src.calls, ['roleGroups:a'], 'role B is never asked for');
  });
});
