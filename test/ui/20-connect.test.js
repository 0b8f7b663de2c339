// UI scenario: a person adds a connection through the real input boxes, sees the users, reloads the window,
// and the connection (with its secret from SecretStorage) is still there.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { answer, getSession, openLookerView, runCommand, screenshot, usePage } = require('./workbench');

/**
 * The notification with this text, from the notification centre (in this headless workbench notifications go
 * to the centre rather than showing as toasts).
 */
async function notification(page, pattern, timeout = 30000) {
  const center = page.locator('.notifications-center');
  const end = Date.now() + timeout;
  for (;;) {
    if (!(await center.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
    const item = center.locator('.monaco-list-row', { hasText: pattern }).first();
    if (await item.count()) return item;
    if (Date.now() > end) throw new Error(`no notification ${pattern}: ${JSON.stringify(await center.allInnerTexts())}`);
    await page.waitForTimeout(500);
  }
}

async function closeNotifications(page) {
  if (await page.locator('.notifications-center').isVisible()) await runCommand(page, 'Notifications: Clear All Notifications');
}

function treeRows(pane) {
  return pane.locator('.monaco-list-row');
}

describe('adding a connection (UI)', function () {
  this.timeout(180000);
  const state = usePage(this);
  let page;
  let sb;

  before(async function () {
    const s = getSession();
    sb = s.sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    page = state.page;
  });

  it('a wrong secret keeps everything typed and returns to the secret step', async () => {
    await openLookerView(page);
    await runCommand(page, 'Looker: Add Connection');
    await answer(page, sb.url, /\(1\/4\)/);
    await answer(page, sb.clientId, /\(2\/4\)/);
    await answer(page, 'definitely-wrong', /\(3\/4\)/);
    await answer(page, 'Typo', /\(4\/4\)/);
    const toast = await notification(page, /rejected the client ID or secret/);
    await screenshot(page, 'add-connection-bad-secret', getSession().resultsDir);
    await toast.locator('.monaco-button', { hasText: /Fix Client Secret/ }).click();
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: /\(3\/4\)/ }).waitFor({ timeout: 30000 });
    assert.strictEqual(await box.locator('input').first().inputValue(), 'definitely-wrong', 'the typed secret is kept');
    // Back to the URL step: the URL typed earlier is still there.
    await box.locator('.quick-input-titlebar .codicon-quick-input-back, .quick-input-titlebar [aria-label="Back"]').first().click();
    await box.locator('.quick-input-title', { hasText: /\(2\/4\)/ }).waitFor();
    assert.strictEqual(await box.locator('input').first().inputValue(), sb.clientId);
    await page.keyboard.press('Escape');
    await closeNotifications(page);
  });

  it('adds the sandbox through the input boxes and shows its users grouped by status', async () => {
    const pane = await openLookerView(page);
    await runCommand(page, 'Looker: Add Connection');
    await answer(page, sb.url, /\(1\/4\)/);
    await answer(page, sb.clientId, /\(2\/4\)/);
    await answer(page, sb.clientSecret, /\(3\/4\)/);
    await answer(page, 'Sandbox UI', /\(4\/4\)/);
    await notification(page, /Connected to Sandbox UI as Api Admin/);
    await closeNotifications(page);
    await treeRows(pane).filter({ hasText: /^Active/ }).first().waitFor({ timeout: 30000 });
    const texts = await treeRows(pane).allInnerTexts();
    assert.ok(texts.some((t) => /^Active\s*[\d,]+/.test(t)), `rows: ${texts.slice(0, 5).join(' | ')}`);
    const status = page.locator('.statusbar-item', { hasText: 'Sandbox UI' });
    await status.first().waitFor({ timeout: 30000 });
    // Collapsed, every status group shows with its count.
    await treeRows(pane).filter({ hasText: /^Active/ }).first().click();
    await treeRows(pane).filter({ hasText: /^Service accounts/ }).first().waitFor({ timeout: 10000 });
    const groups = await treeRows(pane).allInnerTexts();
    for (const g of ['Active', 'Disabled', 'Embed', 'Service accounts']) {
      assert.ok(groups.some((t) => new RegExp(`^${g}\\s*[\\d,]+`).test(t)), `${g} row with a count in ${groups.join(' | ')}`);
    }
    // The README picture: the groups at a glance, with the users of a small one (Locked out) unfolded.
    await treeRows(pane).filter({ hasText: /^Locked out/ }).first().click();
    await pane.locator('.monaco-list-row[aria-level="2"]').first().waitFor({ timeout: 30000 });
    await screenshot(page, 'tree');
  });

  it('after a window reload the connection is still there and its users load (secret from SecretStorage)', async () => {
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    const pane = await openLookerView(page);
    await treeRows(pane).filter({ hasText: /^Active/ }).first().waitFor({ timeout: 60000 });
    const texts = await treeRows(pane).allInnerTexts();
    assert.ok(texts.some((t) => /^Active\s*[\d,]+/.test(t)));
  });

  it('the secret is not in settings.json, and the settings hold the connection', async () => {
    const dir = getSession().codeServer.userDataDir;
    const settings = path.join(dir, 'User', 'settings.json');
    const text = fs.readFileSync(settings, 'utf8');
    assert.ok(text.includes(sb.clientId), 'connection saved in user settings');
    assert.ok(!text.includes(sb.clientSecret), 'no client secret in settings.json');
    const html = await page.content();
    assert.ok(!html.includes(sb.clientSecret), 'no client secret in the workbench DOM');
  });
});
