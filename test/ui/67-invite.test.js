// UI scenario: inviting a user as a person does — the Users view's "…" menu → Invite User… → the six steps (names,
// email, a role and a group ticked in the lists, send the setup email) → the dry-run preview → Confirm.
const assert = require('assert');
const { frameWith, openLookerView, screenshot, until, usePage, useSandboxConnection, writesSince } = require('./workbench');

/** Ticks the row of a multi-select quick pick whose label is `label` (a click on the row toggles its check box). */
async function tick(page, label) {
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${label}`) }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await until(async () => (await row.getAttribute('aria-checked')) === 'true', `${label} ticked`, 10000);
}

/** Types into the open input box once its title names this step, then presses Enter. */
async function step(page, n, text) {
  const box = page.locator('.quick-input-widget');
  await box.locator('.quick-input-title', { hasText: `Invite User (${n}/6)` }).waitFor({ timeout: 30000 });
  if (text !== undefined) {
    const input = box.locator('input').first();
    await input.fill(text);
  }
}

describe('invite a user (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;

  useSandboxConnection(state, 'Sandbox Invite', (s) => { sb = s; });

  it('"…" menu → Invite User… → names, email, a role, a group, setup email → preview → Confirm: the user exists with them', async () => {
    const page = state.page;
    // An address no seeded user has (the seed's names come from fixed lists; "Whitfield" is not among them).
    const email = 'uma.whitfield@brightlane.io';
    const withEmail = () => sb.db.users.filter((u) => u.credentials_email && u.credentials_email.email === email);
    assert.strictEqual(withEmail().length, 0, 'not there yet');
    await openLookerView(page);
    await page.locator('.statusbar-item', { hasText: /Sandbox Invite · \d/ }).first().waitFor({ timeout: 60000 });
    await page.locator('.part.sidebar').hover();
    const more = page.locator('.part.sidebar a.action-label[aria-label*="More Actions"] >> visible=true').first();
    await more.waitFor({ timeout: 15000 });
    await more.click();
    const item = page.getByRole('menuitem', { name: /Invite User…/ }).first();
    await item.waitFor({ timeout: 10000 });
    await item.click();

    await step(page, 1, 'Uma');
    await page.keyboard.press('Enter');
    await step(page, 2, 'Whitfield');
    await page.keyboard.press('Enter');
    await step(page, 3, email);
    await page.keyboard.press('Enter');
    await step(page, 4);
    await tick(page, 'Viewer');
    await page.keyboard.press('Enter');
    await step(page, 5);
    await tick(page, 'Marketing');
    await page.keyboard.press('Enter');
    await step(page, 6);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /Yes, send the setup email/ }).first().click();

    const from = sb.requests.length;
    const frame = await frameWith(page, '#confirm', 30000);
    const title = await frame.locator('body').innerText();
    assert.match(title, /Sandbox Invite/, 'the preview names the connection');
    assert.ok(title.includes(new URL(sb.url).host), 'and the host');
    assert.ok(title.includes(email), 'and who will be created');
    assert.deepStrictEqual(writesSince(sb, from), [], 'nothing written before Confirm');
    await screenshot(page, 'invite-preview');
    await frame.locator('#confirm').click();

    await until(() => withEmail().length === 1, 'the invited user on the server', 30000);
    await until(() => sb.requests.slice(from).some((r) => /send_password_reset$/.test(r.path)), 'the setup email', 30000);
    const [u] = withEmail();
    const viewer = sb.db.roles.find((r) => r.name === 'Viewer');
    const marketing = sb.db.groups.find((g) => g.name === 'Marketing');
    assert.deepStrictEqual([u.first_name, u.last_name], ['Uma', 'Whitfield']);
    assert.ok(u.role_ids.includes(viewer.id), 'with the Viewer role');
    assert.ok(u.group_ids.includes(marketing.id), 'in the Marketing group');
    // A create Looker refused (429/503: not acted on) may be retried; only one may have succeeded.
    const creates = sb.requests.slice(from).filter((r) => r.method === 'POST' && r.apiPath === '/users' && r.status === 200);
    assert.strictEqual(creates.length, 1, `created once: ${JSON.stringify(sb.requests.slice(from).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.apiPath} ${r.status}`))}`);
  });
});
