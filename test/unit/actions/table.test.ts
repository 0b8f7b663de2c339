import * as assert from 'assert';
import { ACTIONS, inverseOf, isActionName, neverRepeat, restoreOf } from '../../../src/actions/table';
import { BULK_ACTIONS } from '../../../src/actions/types';
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
    assert.strictEqual(inverseOf('createUser'), 'delete', 'an invited user is undone by Delete (with its typed-count preview)');
    assert.strictEqual(inverseOf('disable'), 'enable');
    assert.strictEqual(inverseOf('delete'), undefined, 'a delete cannot be undone');
    assert.strictEqual(inverseOf('constructor'), undefined, 'only names of the table');
    for (const [name, spec] of Object.entries(ACTIONS)) {
      if (spec.inverse) assert.ok((BULK_ACTIONS as readonly string[]).includes(spec.inverse), `${name}'s inverse ${spec.inverse} runs as a job`);
    }
    assert.strictEqual(inverseOf('removeFromGroup'), 'addToGroup');
  });

  it('says which writes are never repeated after an uncertain attempt', () => {
    assert.ok(neverRepeat('sendPasswordReset'));
    assert.ok(neverRepeat('createPasswordResetLink'));
    assert.ok(neverRepeat('createApiKey'), 'a second key would be made (and its secret lost)');
    assert.ok(!neverRepeat('disable'));
    assert.deepStrictEqual(BULK_ACTIONS.filter(neverRepeat), ['sendPasswordReset', 'createPasswordResetLink', 'createApiKey', 'createServiceAccount']);
    assert.strictEqual(ACTIONS.delete.retry, 'reread', 'a delete re-reads before it is sent again');
  });

  it('undo of a details-panel group change runs the inverse from the table', () => {
    const e: AuditEntry = { id: 'x', time: '', connection: { id: 'c', name: 'n', url: 'https://h' }, apiUser: 'a', action: 'addToGroup', userId: '5', params: { groupId: '3' } };
    assert.deepStrictEqual(undoStep(e), { kind: 'action', action: 'removeFromGroup', userId: '5', params: { groupId: '3' } });
    assert.strictEqual(undoStep({ ...e, action: 'sendPasswordReset' }), undefined);
  });

  it('says which fields the undo of a field edit writes back, and nothing else', () => {
    assert.deepStrictEqual(restoreOf('updateUser')?.via, 'user');
    assert.deepStrictEqual([restoreOf('updateEmail')?.via, restoreOf('updateCredentialsEmail')?.via], ['credentialsEmail', 'credentialsEmail']);
    assert.strictEqual(restoreOf('disable'), undefined, 'a kind with an inverse is undone by it');
    const e: AuditEntry = { id: 'x', time: '', connection: { id: 'c', name: 'n', url: 'https://h' }, apiUser: 'a', action: 'updateUser', userId: '5', before: { first_name: 'Old', ui_state: 'x' } };
    assert.deepStrictEqual(undoStep(e), { kind: 'patchUser', userId: '5', body: { first_name: 'Old' } }, 'a field outside the list is not written back');
    assert.strictEqual(undoStep({ ...e, before: { ui_state: 'x' } }), undefined);
    assert.deepStrictEqual(undoStep({ ...e, action: 'updateEmail', before: { email: 'a@x.io', first_name: 'Old' } }), { kind: 'patchCredentialsEmail', userId: '5', body: { email: 'a@x.io' } });
  });
});
