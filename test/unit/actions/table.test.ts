import * as assert from 'assert';
import { ACTIONS, inverseOf, isActionName, neverRepeat } from '../../../src/actions/table';
import { BULK_ACTIONS, INVERSE_ACTION, NOT_REPEATABLE } from '../../../src/bulk/types';
import { undoStep, type AuditEntry } from '../../../src/audit/log';

describe('the write table', () => {
  it('describes every bulk action, with symmetric inverses (a creation is undone one way only, by a destructive delete)', () => {
    for (const a of BULK_ACTIONS) assert.ok(isActionName(a), `${a} is in the table`);
    for (const [name, spec] of Object.entries(ACTIONS)) {
      if (!spec.inverse) continue;
      const back = ACTIONS[spec.inverse];
      if (back.inverse === undefined && back.destructive) assert.strictEqual(name, 'createUser', `only a creation is undone by ${spec.inverse}`);
      else assert.strictEqual(back.inverse, name, `${name} ↔ ${spec.inverse}`);
    }
    assert.strictEqual(INVERSE_ACTION.createUser, 'delete', 'an invited user is undone by Delete (with its typed-count preview)');
    assert.strictEqual(INVERSE_ACTION.disable, 'enable');
    assert.strictEqual(INVERSE_ACTION.delete, undefined, 'a delete cannot be undone');
    assert.strictEqual(inverseOf('removeFromGroup'), 'addToGroup');
  });

  it('says which writes are never repeated after an uncertain attempt', () => {
    assert.ok(neverRepeat('sendPasswordReset'));
    assert.ok(neverRepeat('createPasswordResetLink'));
    assert.ok(neverRepeat('createApiKey'), 'a second key would be made (and its secret lost)');
    assert.ok(!neverRepeat('disable'));
    assert.deepStrictEqual([...NOT_REPEATABLE], ['sendPasswordReset', 'createPasswordResetLink', 'createApiKey', 'createServiceAccount']);
    assert.strictEqual(ACTIONS.delete.retry, 'reread', 'a delete re-reads before it is sent again');
  });

  it('undo of a details-panel group change runs the inverse from the table', () => {
    const e: AuditEntry = { id: 'x', time: '', connection: { id: 'c', name: 'n', url: 'https://h' }, apiUser: 'a', action: 'addToGroup', userId: '5', params: { groupId: '3' } };
    assert.deepStrictEqual(undoStep(e), { kind: 'action', action: 'removeFromGroup', userId: '5', params: { groupId: '3' } });
    assert.strictEqual(undoStep({ ...e, action: 'sendPasswordReset' }), undefined);
  });
});
