import * as assert from 'assert';
import { apiAccessSource, loadPreviewData, type LookmlClient } from '../../../src/lookml/api';
import { resolveModelAccess } from '../../../src/lookml/access';

/** A fake client recording calls; only what the tests need. */
function fakeClient(extra: Partial<LookmlClient> = {}) {
  const calls: unknown[][] = [];
  const rec = <T>(name: string, value: T) => (...args: unknown[]) => {
    calls.push([name, ...args.filter((a) => a !== undefined && !(a instanceof AbortSignal))]);
    return Promise.resolve(value);
  };
  const client = {
    allRoles: rec('allRoles', [{ id: '5', name: 'Finance Analyst', model_set: { id: '2' } }]),
    roleUsers: rec('roleUsers', [{ id: '20' }]),
    allGroups: rec('allGroups', [{ id: '7', name: 'Sales' }]),
    groupUsers: rec('groupUsers', [{ id: '21' }]),
    allUserAttributes: rec('allUserAttributes', [{ id: '5', name: 'region' }]),
    userAttributeValues: rec('userAttributeValues', [
      { name: 'region', value: 'Global', source: 'default' },
      { name: 'region', value: 'EMEA', source: 'group', rank: 1 },
      { name: 'region', value: 'APAC', source: 'user' },
      { name: 'department', value: null, source: null },
    ]),
    searchUsers: rec('searchUsers', { items: [], limit: 0, offset: 0 }),
    searchUsersNames: rec('searchUsersNames', { items: [], limit: 0, offset: 0 }),
    user: rec('user', { id: '1' }),
    ...extra,
  } as unknown as LookmlClient;
  return { client, calls };
}

describe('lookml api adapter', () => {
  it('asks role_users for direct members only and walks groups through role_groups / all_group_groups', async () => {
    const { client, calls } = fakeClient({
      allModelSets: () => Promise.resolve([{ id: '2', name: 'Finance', models: ['finance'] }]),
      roleGroups: () => Promise.resolve([{ id: '3', name: 'Finance' }]),
      groupGroups: () => Promise.resolve([]),
    });
    const r = await resolveModelAccess('finance', apiAccessSource(client));
    assert.deepStrictEqual(r.users.map((u) => u.id), ['20', '21']);
    const roleUsers = calls.find((c) => c[0] === 'roleUsers')!;
    assert.strictEqual(roleUsers[1], '5');
    assert.strictEqual(roleUsers[3], true, 'direct_association_only');
    assert.ok(calls.some((c) => c[0] === 'groupUsers' && c[1] === '3'));
  });

  it('loads the preview data with the whole search path, user value first', async () => {
    const { client, calls } = fakeClient();
    const d = await loadPreviewData(client, '42');
    assert.deepStrictEqual(d.values.get('region')!.map((e) => e.source), ['user', 'group', 'default']);
    assert.strictEqual(d.groupNames.get('7'), 'Sales');
    const uav = calls.find((c) => c[0] === 'userAttributeValues')!;
    assert.deepStrictEqual(uav.slice(1), ['42', { all_values: true, include_unset: true }]);
  });
});
