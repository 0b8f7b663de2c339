import * as assert from 'assert';
import { jobCost } from '../../../src/bulk/cost';
import type { Plan, PlanItem } from '../../../src/bulk/plan';

function plan(action: Plan['action'], items: PlanItem[]): Plan {
  const counts = { change: 0, skip: 0, impossible: 0 };
  for (const i of items) counts[i.kind]++;
  return { action, params: {}, items, counts };
}
const change = (id: string, extra: Partial<PlanItem> = {}): PlanItem => ({ userId: id, label: id, kind: 'change', ...extra });
const skip = (id: string): PlanItem => ({ userId: id, label: id, kind: 'skip', reason: 'x' });

describe('bulk/cost: calls a job will make', () => {
  it('one write per change; skipped and impossible users cost nothing', () => {
    const c = jobCost(plan('disable', [change('1'), change('2'), skip('3'), { userId: '4', label: '4', kind: 'impossible' }]));
    assert.strictEqual(c.apply, 2);
    assert.deepStrictEqual(c.hints, []);
  });

  it('End Sessions costs one call per open session', () => {
    const c = jobCost(plan('endSessions', [change('1', { before: { sessions: 3 } }), change('2', { before: { sessions: 1 } }), skip('3')]));
    assert.strictEqual(c.apply, 4);
  });

  it('a role for many users says a group would be one call', () => {
    const many = Array.from({ length: 25 }, (_, i) => change(String(i)));
    assert.deepStrictEqual(jobCost(plan('addRole', many)).hints, [{ kind: 'roleForGroup', users: 25 }]);
    assert.deepStrictEqual(jobCost(plan('addRole', many.slice(0, 5))).hints, []);
    assert.deepStrictEqual(jobCost(plan('disable', many)).hints, []);
  });
});
