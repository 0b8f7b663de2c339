// UI scenario: unlocking locked-out users as a person does it in the workbench — from the tree's context menu on the
// "Locked out" group's users and from the Unlock button of a user's details page — each through the dry-run preview.
const assert = require('assert');
const { frameWith, fromContextMenu, openLookerView, openUser, until, usePage, useSandboxConnection } = require('./workbench');

describe('unlock (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;

  useSandboxConnection(state, 'Sandbox Admin', (s) => { sb = s; });

  const lockedIds = () => [...new Set(sb.db.lockouts.map((l) => l.user_id))];

  it('Locked out group → right-click a user → Unlock Users → preview → Confirm: the lockout is gone', async () => {
    const page = state.page;
    const pane = await openLookerView(page);
    // The new connection's tree has loaded once the status bar shows its user count: collapsing Active before that
    // would be undone by the load.
    await page.locator('.statusbar-item', { hasText: /Sandbox Admin · \d/ }).first().waitFor({ timeout: 60000 });
    const active = pane.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: /^Active/ }).first();
    const group = pane.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: /^Locked out/ }).first();
    const row = pane.locator('.monaco-list-row[aria-level="2"]').filter({ has: page.locator('.codicon-lock') }).first();
    // Fold Active (so "Locked out" is on screen) and unfold "Locked out". A late load of the tree may redraw it (Active
    // unfolded again, "Locked out" folded): fold and unfold again until a locked-out user shows.
    await until(async () => {
      if (await row.isVisible().catch(() => false)) return true;
      if ((await active.getAttribute('aria-expanded').catch(() => null)) === 'true') await active.click().catch(() => undefined);
      else if ((await group.isVisible().catch(() => false)) && (await group.getAttribute('aria-expanded').catch(() => null)) !== 'true') await group.click().catch(() => undefined);
      return false;
    }, 'a locked-out user under "Locked out"', 45000);
    const before = lockedIds();
    assert.ok(before.length >= 2, 'the sandbox has locked-out users');
    const from = sb.requests.length;
    const frame = await fromContextMenu(page, row, /Unlock Users/, '#confirm');
    assert.ok(frame, 'the dry-run preview opened');
    assert.deepStrictEqual(sb.requests.slice(from).filter((r) => r.method === 'DELETE' && /user_login_lockout/.test(r.path)), [], 'nothing before Confirm');
    await frame.locator('#confirm').click();
    await until(() => lockedIds().length === before.length - 1, 'one lockout fewer');
    const deletes = sb.requests.slice(from).filter((r) => r.method === 'DELETE' && /user_login_lockout\//.test(r.path));
    assert.strictEqual(deletes.length, 1, 'one DELETE of a lockout');
  });

  it('a locked-out user\'s details page → Unlock → preview → Confirm: unlocked, and the page no longer says so', async () => {
    const page = state.page;
    const id = lockedIds()[0];
    assert.ok(id, 'a locked-out user is left');
    await openUser(page, id);
    // The details page of that user (its subtitle carries the id).
    const details = await frameWith(page, `.subtitle:has-text("ID ${id}")`, 30000);
    await details.locator('#locked-badge').waitFor({ timeout: 30000 });
    await details.locator('#unlock').click();
    const preview = await frameWith(page, '#confirm', 30000);
    await preview.locator('#confirm').click();
    await until(() => !lockedIds().includes(id), 'the lockout removed');
    // The preview took the editor's place: find the details page again (a new frame) and wait for its reload.
    await until(async () => {
      const f = await frameWith(page, `.subtitle:has-text("ID ${id}")`, 5000).catch(() => undefined);
      return f && (await f.locator('#locked-badge').count().catch(() => 1)) === 0 && (await f.locator('#unlock').count().catch(() => 1)) === 0;
    }, 'the page without the lockout after the reload');
  });
});
