// The API call meter in the real extension host: every request the extension sends is counted per connection,
// shown in the status bar tooltip, and written to global state where a new meter (as after a reload) finds it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { ApiCallMeter, METER_STATE_KEY } from '../../src/looker/meter';
import { api, connectSandbox, sandbox, sandboxLog, waitFor } from './helpers';

describe('API call meter', function () {
  const sb = sandbox();
  before(function () {
    if (!sb) this.skip();
  });
  afterEach(async () => {
    await vscode.workspace.getConfiguration('looker.api').update('monthlyAllowance', undefined, vscode.ConfigurationTarget.Global);
  });

  it('counts each request the extension sends, shows it in the status bar tooltip and keeps it in global state', async () => {
    const a = await api();
    const id = await connectSandbox(a, sb!);
    const meter = a.manager.meter;
    assert.ok(meter, 'the manager has a meter');
    const before = meter.counts(id);
    await sandboxLog.clear(sb!);
    const client = a.manager.client(id)!;
    await client.me('id');
    await client.user('2', 'id,first_name');
    const sent = (await sandboxLog.get(sb!)).length;
    assert.ok(sent >= 2, `the sandbox saw ${sent} requests`);
    const after = meter.counts(id);
    assert.strictEqual(after.today - before.today, sent, 'one count per request the sandbox received');
    assert.strictEqual(after.month - before.month, sent);

    await vscode.workspace.getConfiguration('looker.api').update('monthlyAllowance', 10000, vscode.ConfigurationTarget.Global);
    await waitFor(() => a.statusBar.tooltip.includes('10,000') || a.statusBar.tooltip.includes('10000'), 'the tooltip names the allowance');
    const tip = a.statusBar.tooltip;
    assert.match(tip, new RegExp(`API calls: ${after.today.toLocaleString()} today · ${after.month.toLocaleString()} this month`));

    await meter.flush();
    const stored = a.context.globalState.get<Record<string, { today: number; month: number }>>(METER_STATE_KEY);
    assert.ok(stored && stored[id], 'counts are in global state');
    assert.strictEqual(stored[id].today, after.today);
    const fresh = new ApiCallMeter(a.context.globalState);
    assert.deepStrictEqual(fresh.counts(id), after, 'a new meter on the same state (as after a reload) reads the same counts');
    for (const key of a.context.globalState.keys()) {
      assert.ok(!JSON.stringify(a.context.globalState.get(key) ?? null).includes(sb!.clientSecret), `no secret in global state ${key}`);
    }
  });
});
