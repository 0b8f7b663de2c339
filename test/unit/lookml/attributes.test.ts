import * as assert from 'assert';
import { classifySource, evaluateAccessGrant, resolvePreviewAttribute, splitAttributeValue } from '../../../src/lookml/attributes';

const region = { id: '5', name: 'region', label: 'Sales Region', type: 'string', default_value: 'Global', value_is_hidden: false };
const secret = { id: '8', name: 'warehouse_password', label: 'Warehouse Password', type: 'string', default_value: 'dflt', value_is_hidden: true };
const groupValues = [
  { group_id: '7', rank: 1, value: 'EMEA' },
  { group_id: '3', rank: 2, value: 'NA' },
];
const groupNames = new Map([
  ['7', 'Sales'],
  ['3', 'Finance'],
]);

describe('preview user attributes', () => {
  it('classifies the source', () => {
    assert.strictEqual(classifySource('user'), 'user');
    assert.strictEqual(classifySource('Group: Sales'), 'group');
    assert.strictEqual(classifySource('default'), 'default');
    assert.strictEqual(classifySource('system'), 'system');
    assert.strictEqual(classifySource(undefined), 'unknown');
  });

  it('a user value overrides group and default values', () => {
    const a = resolvePreviewAttribute(region, [
      { name: 'region', value: 'APAC', source: 'user' },
      { name: 'region', value: 'EMEA', source: 'group', rank: 1 },
      { name: 'region', value: 'Global', source: 'default' },
    ], groupValues, groupNames);
    assert.deepStrictEqual(a.effective, { source: 'user', value: 'APAC', hidden: false });
    assert.deepStrictEqual(a.overridden.map((o) => [o.source, o.value, o.group?.name]), [
      ['group', 'EMEA', 'Sales'],
      ['default', 'Global', undefined],
    ]);
  });

  it('a group value names the group and its rank', () => {
    const a = resolvePreviewAttribute(region, [{ name: 'region', value: 'NA', source: 'group', rank: 2 }], groupValues, groupNames);
    assert.deepStrictEqual(a.effective, { source: 'group', value: 'NA', hidden: false, group: { id: '3', name: 'Finance', rank: 2 } });
  });

  it('no entries: no value', () => {
    const a = resolvePreviewAttribute(region, []);
    assert.deepStrictEqual(a.effective, { source: 'none', hidden: false });
  });

  it('a hidden attribute never carries a value, even when one was sent', () => {
    const a = resolvePreviewAttribute(secret, [
      { name: 'warehouse_password', value: 'hunter2', source: 'group', rank: 1, value_is_hidden: true },
      { name: 'warehouse_password', value: 'dflt', source: 'default' },
    ], [{ group_id: '5', rank: 1, value: 'hunter2' }], new Map([['5', 'Data']]));
    assert.strictEqual(a.effective.hidden, true);
    assert.strictEqual(a.effective.value, undefined);
    assert.strictEqual(a.effective.group?.name, 'Data');
    assert.ok(a.overridden.every((o) => o.value === undefined && o.hidden));
    assert.ok(!JSON.stringify(a.effective).includes('hunter2'));
    assert.ok(!JSON.stringify(a.overridden).includes('dflt'));
  });

  it('splits comma lists, with ^, as a literal comma', () => {
    assert.deepStrictEqual(splitAttributeValue('EMEA, NA'), ['EMEA', 'NA']);
    assert.deepStrictEqual(splitAttributeValue('a^,b,c'), ['a,b', 'c']);
    assert.deepStrictEqual(splitAttributeValue(''), []);
  });

  it('evaluates access grants: exact match, list item match, no match, no value, hidden', () => {
    const val = (value: string | undefined, hidden = false) => ({ effective: { source: 'user' as const, value, hidden }, overridden: [] });
    assert.deepStrictEqual(evaluateAccessGrant(['Finance', 'Executive'], val('Finance')), { passes: true, matched: 'Finance', reason: 'match' });
    assert.strictEqual(evaluateAccessGrant(['Executive'], val('Finance, Executive')).passes, true);
    assert.strictEqual(evaluateAccessGrant(['finance'], val('Finance')).passes, false, 'case matters');
    assert.deepStrictEqual(evaluateAccessGrant(['EMEA'], val(undefined)), { passes: false, reason: 'noValue' });
    assert.deepStrictEqual(evaluateAccessGrant(['x'], val(undefined, true)), { passes: undefined, reason: 'hidden' });
  });
});
