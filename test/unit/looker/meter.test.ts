import * as assert from 'assert';
import { ApiCallMeter, METER_STATE_KEY, checkBudget, type MeterEntry } from '../../../src/looker/meter';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';

interface MiniSandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: unknown[];
  clearLog(): void;
  addRule(rule: { method: string; path: string; status: number; times: number }): void;
  close(): Promise<void>;
}
/** The sandbox Looker server (CommonJS, in the repository). */
function startSandbox(o: { port: number; users: number; seed: number }): Promise<MiniSandbox> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.resolve(__dirname, '../../../../test/sandbox/index.js')) as { startSandbox(x: typeof o): Promise<MiniSandbox> };
  return mod.startSandbox(o);
}

/** A Memento-like store kept in a Map (what globalState is to the extension). */
class MapStore {
  readonly data = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe('looker/meter: API calls per connection, day and month', () => {
  let clock: Date;
  const now = () => clock;

  beforeEach(() => {
    clock = new Date('2026-03-31T23:59:00Z');
  });

  it('counts today and this month per connection, pending calls included before any write', () => {
    const store = new MapStore();
    const m = new ApiCallMeter(store, now, 60_000);
    m.record('a');
    m.record('a', 2);
    m.record('b');
    assert.deepStrictEqual(m.counts('a'), { today: 3, month: 3 });
    assert.deepStrictEqual(m.counts('b'), { today: 1, month: 1 });
    assert.deepStrictEqual(m.counts('c'), { today: 0, month: 0 });
    assert.strictEqual(store.writes, 0, 'the burst is not written call by call');
    void m.dispose();
  });

  it('survives a reload: a new meter on the same store reads the flushed counts', async () => {
    const store = new MapStore();
    const first = new ApiCallMeter(store, now, 60_000);
    for (let i = 0; i < 5; i++) first.record('a');
    await first.dispose();
    assert.strictEqual(store.writes, 1);
    const second = new ApiCallMeter(store, now, 60_000);
    assert.deepStrictEqual(second.counts('a'), { today: 5, month: 5 });
    second.record('a');
    assert.deepStrictEqual(second.counts('a'), { today: 6, month: 6 });
    await second.dispose();
  });

  it('starts a new day and a new month from zero (UTC)', async () => {
    const store = new MapStore();
    const m = new ApiCallMeter(store, now, 60_000);
    m.record('a', 4);
    await m.flush();
    clock = new Date('2026-04-01T00:00:30Z');
    assert.deepStrictEqual(m.counts('a'), { today: 0, month: 0 }, 'March does not count in April');
    m.record('a');
    await m.flush();
    clock = new Date('2026-04-02T10:00:00Z');
    m.record('a', 2);
    assert.deepStrictEqual(m.counts('a'), { today: 2, month: 3 });
    await m.dispose();
    const stored = store.get<Record<string, MeterEntry>>(METER_STATE_KEY)!.a;
    assert.deepStrictEqual(stored, { day: '2026-04-02', today: 2, monthKey: '2026-04', month: 3 });
  });

  it('adds to what another window wrote since, instead of overwriting it', async () => {
    const store = new MapStore();
    const one = new ApiCallMeter(store, now, 60_000);
    const two = new ApiCallMeter(store, now, 60_000);
    one.record('a', 3);
    two.record('a', 4);
    await one.flush();
    await two.flush();
    assert.deepStrictEqual(new ApiCallMeter(store, now).counts('a'), { today: 7, month: 7 });
    await one.dispose();
    await two.dispose();
  });

  it('ignores a corrupt stored value and forgets a removed connection', async () => {
    const store = new MapStore();
    store.data.set(METER_STATE_KEY, { a: { day: 3 }, b: 'x', c: { day: '2026-03-31', today: 2, monthKey: '2026-03', month: 9 } });
    const m = new ApiCallMeter(store, now, 60_000);
    assert.deepStrictEqual(m.counts('a'), { today: 0, month: 0 });
    assert.deepStrictEqual(m.counts('c'), { today: 2, month: 9 });
    await m.forget('c');
    assert.deepStrictEqual(m.counts('c'), { today: 0, month: 0 });
    await m.dispose();
  });

  it('a client counts each HTTP exchange it sends, the login and retries included', async () => {
    const sb = await startSandbox({ port: 0, users: 20, seed: 3 });
    const store = new MapStore();
    const m = new ApiCallMeter(store, now, 60_000);
    const c = new LookerClient(
      { id: 'meter', name: 'meter', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 10 },
      { getSecret: async () => sb.clientSecret, onRequest: () => m.record('meter'), retry: { baseDelayMs: 1 } },
    );
    try {
      sb.clearLog();
      sb.addRule({ method: 'GET', path: '/user', status: 503, times: 1 });
      await c.me('id');
      await c.user('3', 'id');
      assert.strictEqual(sb.requests.length, 4, 'login, 503, retry, user');
      assert.deepStrictEqual(m.counts('meter'), { today: 4, month: 4 });
    } finally {
      c.dispose();
      await m.dispose();
      await sb.close();
    }
  });
});

describe('looker/meter: checkBudget', () => {
  it('never asks without an allowance', () => {
    assert.deepStrictEqual(checkBudget(5000, 100, 0, 10), { calls: 5000, used: 100, needsConfirmation: false });
    assert.strictEqual(checkBudget(5000, 100, undefined, 10).needsConfirmation, false);
  });

  it('gives the share of what is left and asks above the threshold', () => {
    const small = checkBudget(50, 500, 1000, 10);
    assert.strictEqual(small.left, 500);
    assert.strictEqual(small.shareOfLeft, 0.1);
    assert.strictEqual(small.needsConfirmation, false, 'exactly the threshold does not ask');
    const big = checkBudget(51, 500, 1000, 10);
    assert.strictEqual(big.needsConfirmation, true);
  });

  it('asks when the job goes over the allowance, even with a 100 % threshold', () => {
    const over = checkBudget(30, 980, 1000, 100);
    assert.strictEqual(over.left, 20);
    assert.strictEqual(over.needsConfirmation, true);
    const spent = checkBudget(1, 1200, 1000, 100);
    assert.strictEqual(spent.left, 0);
    assert.strictEqual(spent.shareOfLeft, Infinity);
    assert.strictEqual(spent.needsConfirmation, true);
    assert.strictEqual(checkBudget(0, 1200, 1000, 10).needsConfirmation, false, 'a job of no calls never asks');
  });
});
