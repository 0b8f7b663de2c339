import * as assert from 'assert';
import { PromiseCache } from '../../../src/util/promiseCache';

describe('PromiseCache', () => {
  it('shares one load between callers of the same key and keeps its value', async () => {
    const cache = new PromiseCache<number>();
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    assert.deepStrictEqual([a, b, await cache.get('k', load), loads], [1, 1, 1, 1]);
    assert.strictEqual(await cache.get('other', load), 2);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    const cache = new PromiseCache<string>();
    await assert.rejects(cache.get('k', () => Promise.reject(new Error('down'))), /down/);
    assert.strictEqual(await cache.get('k', async () => 'up'), 'up');
  });

  it('loads again after ttlMs, when forced, and after delete or clear', async () => {
    let now = 0;
    const cache = new PromiseCache<number>(1000, () => now);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('k', load);
    now = 999;
    assert.strictEqual(await cache.get('k', load), 1);
    now = 1000;
    assert.strictEqual(await cache.get('k', load), 2);
    assert.strictEqual(await cache.get('k', load, true), 3);
    cache.delete('k');
    assert.strictEqual(await cache.get('k', load), 4);
    cache.clear();
    assert.strictEqual(await cache.get('k', load), 5);
  });

  it('set() keeps a value known without loading', async () => {
    const cache = new PromiseCache<string>();
    cache.set('folder:1', Promise.resolve('Shared'));
    assert.strictEqual(await cache.get('folder:1', async () => 'read'), 'Shared');
  });
});
