import * as assert from 'assert';
import { ACTIONS, inverseOf, isActionName, neverRepeat } from '../../../src/actions/table';
import { BULK_ACTIONS, INVERSE_ACTION, NOT_REPEATABLE } from '../../../src/bulk/types';
import { undoStep, type AuditEntry } from '../../../src/audit/log';

describe('the write table', () => {
  it('describes every bulk action, with symmetric inverses', () => {
    for (const a of BULK_ACTIONS) assert.ok(isActionName(a), `${a} is in the table`);
    for (const [name, spec] of Object.entries(ACTIONS)) {
      if (spec.inverse) assert.strictEqual(ACTIONS[spec.inverse].inverse, name, `${name} ↔ ${spec.inverse}`);
    }
    assert.strictEqual(INVERSE_ACTION.disable, 'enable');
    assert.strictEqual(INVERSE_ACTION.delete, undefined, 'a delete cannot be undone');
    assert.strictEqual(inverseOf('removeFromGroup'), 'addToGroup');
  });

  it('says which writes are never repeated after an uncertain attempt', () => {
    assert.ok(neverRepeat('sendPasswordReset'));
    assert.ok(neverRepeat('createPasswordResetLink'));
    assert.ok(!neverRepeat('disable'));
    assert.deepStrictEqual([...NOT_REPEATABLE], ['sendPasswordReset', 'createPasswordResetLink']);
    assert.strictEqual(ACTIONS.delete.retry, 'reread', 'a delete re-reads before it is sent again');
  });

  it('undo of a details-panel group change runs the inverse from the table', () => {
    const e: AuditEntry = { id: 'x', time: '', connection: { id: 'c', name: 'n', url: 'https://h' }, apiUser: 'a', action: 'addToGroup', userId: '5', params: { groupId: '3' } };
    assert.deepStrictEqual(undoStep(e), { kind: 'action', action: 'removeFromGroup', userId: '5', params: { groupId: '3' } });
    assert.strictEqual(undoStep({ ...e, action: 'sendPasswordReset' }), undefined);
  });
});
