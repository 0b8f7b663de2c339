import * as assert from 'assert';
import { mapLimit } from '../../../src/util/concurrency';

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps result order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms * 3));
      running--;
      return i * 10;
    });
    assert.strictEqual(peak, 3);
    assert.deepStrictEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x')), [0, 10, 20, 30, 40, 50, 60]);
  });

  it('reports failures per item without stopping the others', async () => {
    const results = await mapLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('boom');
      return n;
    });
    assert.deepStrictEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.strictEqual((results[1] as PromiseRejectedResult).reason.message, 'boom');
  });

  it('handles an empty list', async () => {
    assert.deepStrictEqual(await mapLimit([], 4, async () => 1), []);
  });
});
