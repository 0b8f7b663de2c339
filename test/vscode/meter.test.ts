// The API call meter in the real extension host: every request the extension sends is counted per connection,
// shown in the status bar tooltip, and written to global state where a new meter (as after a reload) finds it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { ApiCallMeter, METER_STATE_KEY } from '../../src/looker/meter';
import { NO_SANDBOX, api, connectSandbox, sandbox, sandboxApi, sandboxLog, waitFor, writesOf } from './helpers';

describe('API call meter', function () {
  const sb = sandbox();
  before(function () {
    if (!sb) throw new Error(NO_SANDBOX);
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

  it('a dry run shows the calls the job will make and its share of the month; above the threshold it asks first', async () => {
    const a = await api();
    const id = await connectSandbox(a, sb!);
    const { body: users } = await sandboxApi<{ id: string }[]>(sb!, '/users/search?is_disabled=false&is_service_account=false&limit=4&offset=10&fields=id&sorts=id');
    const ids = users.map((u) => String(u.id)).slice(0, 3);
    assert.strictEqual(ids.length, 3);
    const used = a.manager.meter!.counts(id).month;
    const cfg = vscode.workspace.getConfiguration('looker.api');
    // 3 writes against ~20 calls left: 15 % of what is left, above a 10 % threshold.
    await cfg.update('monthlyAllowance', used + 20, vscode.ConfigurationTarget.Global);
    await cfg.update('confirmAbovePercent', 10, vscode.ConfigurationTarget.Global);
    try {
      const bulk = a.bulk;
      const shown = new Promise((resolve) => {
        const sub = bulk.preview.onDidShow(() => {
          sub.dispose();
          resolve(undefined);
        });
      });
      a.dialogs.prompts.length = 0;
      a.dialogs.answers.push(undefined); // the budget question: cancelled
      await sandboxLog.clear(sb!);
      const run = bulk.startFor('disable', { userIds: ids });
      await shown;
      const notes = bulk.preview.currentNotes;
      assert.match(notes[0] ?? '', /running the job will make 3 \(one per change\)/);
      assert.match(notes[0] ?? '', /this check made \d+/);
      assert.match(notes[1] ?? '', /This month: [\d,]+ of [\d,]+ calls used; this job uses \d+(\.\d)?\s?% of what is left/);
      assert.ok(bulk.preview.respond(true), 'Confirm in the preview');
      assert.strictEqual(await run, undefined, 'cancelled at the budget question');
      assert.ok(a.dialogs.prompts.some((p) => /This job makes 3 API calls on .*\(127\.0\.0\.1:\d+\)/.test(p)), a.dialogs.prompts.join(' | '));
      const writes = writesOf(await sandboxLog.get(sb!));
      assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), [], 'nothing was written');
      assert.ok(a.log.recentLines().some((l) => /Dry run disable on .*: 3 to change; API calls: this check made/.test(l)), 'the dry run is in the Output log');
    } finally {
      await cfg.update('confirmAbovePercent', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

