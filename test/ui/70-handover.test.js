// UI scenario: delete a user who owns schedules, handing them over first, as a person does it in the workbench —
// search, right-click → Delete Users…, the preview lists the schedules, "Reassign Schedules First…", pick the new
// owner in the quick pick, confirm the reassignment's preview, then type the count in the delete's preview.
const assert = require('assert');
const { answer, frameWith, fromContextMenu, openLookerView, runCommand, screenshot, until, usePage, useSandboxConnection, writesSince } = require('./workbench');

describe('delete with a hand-over (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;

  useSandboxConnection(state, 'Sandbox Handover', (s) => { sb = s; });

  it('Delete Users… on a schedule owner → preview lists the schedules → Reassign Schedules First… → pick → confirm → delete', async () => {
    const page = state.page;
    // An enabled generated user who owns schedules, and Priya Raman (user 15) to take them over.
    // A plain email (the XSS corpus's users own schedules too, and their emails are no search to type).
    const owner = sb.db.users.find((u) => Number(u.id) >= 16 && !u.is_disabled && /^[a-z0-9._-]+@[a-z0-9.-]+$/i.test(u.credentials_email?.email ?? '') && sb.db.scheduledPlans.some((p) => p.user_id === u.id));
    assert.ok(owner, 'the sandbox has a schedule owner');
    const schedules = sb.db.scheduledPlans.filter((p) => p.user_id === owner.id);
    const email = owner.credentials_email.email;
    const pane = await openLookerView(page);
    await runCommand(page, 'Looker: Search Users');
    await answer(page, `email:${email}`, /Search Looker Users/);
    const row = pane.locator('.monaco-list-row[aria-level="2"]').filter({ hasText: email }).first();
    await row.waitFor({ timeout: 30000 });
    const from = sb.requests.length;
    const preview = await fromContextMenu(page, row, /Delete Users/, '#extra', 15000);
    assert.ok(preview, 'the delete preview offers Reassign Schedules First…');
    // The row says what the user owns, by name.
    const text = await preview.locator('table').innerText();
    for (const s of schedules) assert.ok(text.includes(s.name), `the preview lists "${s.name}": ${text}`);
    assert.match(text, /personal folder/);
    await screenshot(page, 'delete-handover');
    assert.deepStrictEqual(writesSince(sb, from), [], 'nothing written yet');

    await preview.locator('#extra').click();
    const box = page.locator('.quick-input-widget');
    await box.locator('input').first().waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('Priya');
    const pick = box.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Priya Raman' }).first();
    await pick.waitFor({ timeout: 20000 });
    await pick.click();

    // The reassignment's own preview (its confirm button names the action), then Confirm.
    let reassign;
    await until(async () => {
      for (const f of page.frames()) {
        const label = await f.locator('#confirm').textContent({ timeout: 500 }).catch(() => null);
        if (label && /Reassign Schedules/.test(label)) {
          reassign = f;
          return true;
        }
      }
      return false;
    }, 'the reassignment preview', 30000);
    await reassign.locator('#confirm').click();
    await until(() => schedules.every((s) => sb.db.scheduledPlans.find((p) => p.id === s.id)?.user_id === '15'), 'the schedules moved to Priya Raman', 30000);

    // The delete is previewed again (nothing left to lose): type the count, Confirm.
    const again = await frameWith(page, '#typed', 30000);
    await again.locator('#typed').fill('1');
    await again.locator('#confirm').click();
    await until(() => !sb.db.byId.has(owner.id), 'the user deleted', 30000);
    for (const s of schedules) assert.strictEqual(sb.db.scheduledPlans.find((p) => p.id === s.id)?.user_id, '15', `"${s.name}" survived the delete`);
    const writes = writesSince(sb, from);
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.apiPath}`), [...schedules.map((s) => `PATCH /scheduled_plans/${s.id}`), `DELETE /users/${owner.id}`]);
  });
});
