// UI scenario: the user details webview in headless Chromium. A person opens a user from the tree, edits and saves
// inside the webview; hostile names from the sandbox render as text and run nothing (checked from inside the page).
const assert = require('assert');
const { addConnection, detailsFrame, getSession, openLookerView, openUser, runCommand, screenshot, until, usePage, writesSince } = require('./workbench');

const IMG_NAME = '<img src=x onerror=alert(1)>';
const SCRIPT_NAME = '<script>alert("x")</script>';

/** Waits until the sandbox logged a request matching `pred` after index `from`. */
async function waitRequest(sb, from, pred, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const hit = sb.requests.slice(from).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the sandbox saw no ${what}`);
}


describe('user details webview (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let page;
  let sb;
  let dialogs = 0;

  before(async function () {
    const s = getSession();
    sb = s.sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    page = state.page;
    page.on('dialog', (d) => {
      dialogs++;
      d.dismiss().catch(() => {});
    });
    // A connection of its own, added the way a person does it (it becomes the active one).
    await addConnection(page, sb, 'Sandbox Details');
  });

  it('opens a user from the tree: a panel titled with the name, showing the sandbox data', async () => {
    const pane = await openLookerView(page);
    const active = pane.locator('.monaco-list-row').filter({ hasText: /^Active/ }).first();
    if ((await active.getAttribute('aria-expanded')) !== 'true') await active.click();
    // The first user row below the Active group (rows carry the user's name as their label).
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.first().waitFor({ timeout: 30000 });
    // This page's workbench starts on the previous suite's connection (signed out: "Click to sign in with Looker")
    // and addConnection switches to this one: until the new connection's tree is rendered, the rows on screen are the
    // old tree's. Wait for the new tree's first user row; an error row that stays ("Click to retry" from a load cut
    // off by the switch) is a failure.
    // Message rows (sign in, retry, no users) carry these icons; user rows never do (their names may say "error").
    const messageIcon = '.codicon-error, .codicon-sign-in, .codicon-info';
    const isUserRow = async () => (await rows.first().count()) > 0 && (await rows.first().locator(messageIcon).count()) === 0;
    await until(isUserRow, 'a user row under Active', 30000).catch(() => undefined);
    const label = (await rows.first().getAttribute('aria-label')) || '';
    const detail = (await isUserRow()) ? '' : ` (${(await rows.first().innerText().catch(() => '')).replace(/\s+/g, ' ')}; tooltip: ${await rows.first().getAttribute('title')})`;
    assert.ok(await isUserRow(), `the first row under Active after the switch is a message, not a user: "${label}"${detail}`);
    // The tree may still be settling after the connection switch: click, and if nothing opens, open with Enter.
    let frame;
    for (let attempt = 0; attempt < 3 && !frame; attempt++) {
      if (attempt === 0) await rows.first().click();
      else {
        await rows.first().focus();
        await page.keyboard.press('Enter');
      }
      frame = await detailsFrame(page, undefined, 10000).catch(() => undefined);
    }
    if (!frame) {
      const toasts = await page.locator('.notifications-toasts').allInnerTexts();
      const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
      assert.fail(`no details panel opened from the tree row "${label}"; tabs: ${tabs.join(' | ')}; frames: ${page.frames().length}; toasts: ${toasts.join(' | ')}`);
    }
    const title = await frame.evaluate(() => document.getElementById('user-title').textContent);
    assert.ok(title && label.includes(title), `panel "${title}" for row "${label}"`);
    const tab = page.locator('.tabs-container .tab', { hasText: title });
    await tab.first().waitFor({ timeout: 10000 });
    // The id shown in the page is the sandbox user's, and its first name is the sandbox's.
    const shown = await frame.evaluate(() => ({ sub: document.querySelector('.subtitle').textContent, first: document.getElementById('f-first_name').value }));
    const id = /ID (\d+)/.exec(shown.sub)[1];
    const u = sb.db.users.find((x) => x.id === id);
    assert.strictEqual(shown.first, u.first_name ?? '');
  });

  it('hostile names render as text and run nothing (checked from inside the page)', async () => {
    await openUser(page, '12');
    const f12 = await detailsFrame(page, `${IMG_NAME} Payload`);
    const r12 = await f12.evaluate(() => ({
      imgs: document.querySelectorAll('img').length,
      appScripts: document.querySelectorAll('#app script').length,
      alertScripts: [...document.scripts].filter((x) => /alert/.test(x.textContent || '')).length,
      csp: /default-src 'none'/.test((document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || ''),
      title: document.getElementById('user-title').textContent,
      first: document.getElementById('f-first_name').value,
      onerrorAttrs: document.querySelectorAll('[onerror]').length,
    }));
    assert.deepStrictEqual(r12, { imgs: 0, appScripts: 0, alertScripts: 0, csp: true, title: `${IMG_NAME} Payload`, first: IMG_NAME, onerrorAttrs: 0 });
    await openUser(page, '3');
    const f3 = await detailsFrame(page, `${SCRIPT_NAME} O'Hara "Quotes" & <b>Co</b>`);
    const r3 = await f3.evaluate(() => ({
      appScripts: document.querySelectorAll('#app script').length,
      bold: document.querySelectorAll('#app b').length,
      last: document.getElementById('f-last_name').value,
    }));
    assert.deepStrictEqual(r3, { appScripts: 0, bold: 0, last: `O'Hara "Quotes" & <b>Co</b>` });
    assert.strictEqual(dialogs, 0, 'no alert() ran');
  });

  it('edit first name + Save sends a PATCH with just that field; a 422 shows inline and keeps the input', async () => {
    await openUser(page, '12');
    const f = await detailsFrame(page, `${IMG_NAME} Payload`);
    let mark = sb.requests.length;
    await f.fill('#f-first_name', 'Imogen');
    await f.click('#save');
    const patch = await waitRequest(sb, mark, (r) => r.method === 'PATCH' && r.apiPath === '/users/12', 'PATCH /users/12');
    assert.deepStrictEqual(patch.body, { first_name: 'Imogen' });
    const f2 = await detailsFrame(page, 'Imogen Payload');
    assert.strictEqual(await f2.inputValue('#f-first_name'), 'Imogen');

    mark = sb.requests.length;
    await f2.fill('#f-locale', 'not a locale!!');
    await f2.click('#save');
    await f2.locator('#err-locale').waitFor({ timeout: 15000 });
    assert.match(await f2.locator('#err-locale').innerText(), /locale/i);
    assert.strictEqual(await f2.inputValue('#f-locale'), 'not a locale!!', 'the typed value is kept');
    assert.strictEqual(await f2.getAttribute('#f-locale', 'aria-invalid'), 'true');
    assert.deepStrictEqual(writesSince(sb, mark).map((r) => r.body), [{ locale: 'not a locale!!' }]);
    await f2.click('#discard');
  });

  it('force reset and change email hit PATCH /users/{id}/credentials_email', async () => {
    await openUser(page, '12');
    const f = await detailsFrame(page, 'Imogen Payload');
    let mark = sb.requests.length;
    const wasForced = await f.isChecked('#forced-reset');
    await f.click('#forced-reset');
    const p1 = await waitRequest(sb, mark, (r) => r.method === 'PATCH' && r.apiPath === '/users/12/credentials_email', 'PATCH credentials_email (force reset)');
    assert.deepStrictEqual(p1.body, { forced_password_reset_at_next_login: !wasForced });
    // The write is done when the page is no longer busy and shows the new state (re-rendered from fresh data).
    await f.locator('#app[aria-busy="false"] #forced-reset' + (wasForced ? ':not(:checked)' : ':checked')).waitFor({ timeout: 15000 });
    mark = sb.requests.length;
    const f2 = await detailsFrame(page, 'Imogen Payload');
    await f2.fill('#login-email', 'imogen.ui@brightlane.io');
    await f2.click('#change-email');
    const p2 = await waitRequest(sb, mark, (r) => r.method === 'PATCH' && r.apiPath === '/users/12/credentials_email', 'PATCH credentials_email (email)');
    assert.deepStrictEqual(p2.body, { email: 'imogen.ui@brightlane.io' });
  });

  it('ends a web session from its row', async () => {
    await openUser(page, '15');
    const f = await detailsFrame(page, 'Priya Raman');
    const before = await f.locator('#sessions tbody tr').count();
    assert.ok(before >= 1);
    const sid = await f.locator('#sessions tbody tr').first().getAttribute('data-session');
    const mark = sb.requests.length;
    await f.locator('#sessions tbody tr').first().locator('button').click();
    // Ending a session is destructive: a modal in the bulk preview's words, naming the connection's host.
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /End Web Session: 1 user on/ });
    await dialog.waitFor({ timeout: 15000 });
    assert.ok((await dialog.innerText()).includes(new URL(sb.url).host), 'the confirmation names the host');
    assert.strictEqual(sb.requests.slice(mark).filter((r) => r.method === 'DELETE').length, 0, 'nothing sent before the confirmation');
    await dialog.locator('.monaco-button', { hasText: 'End Web Session 1 user' }).click();
    await waitRequest(sb, mark, (r) => r.method === 'DELETE' && r.apiPath === `/users/15/sessions/${sid}`, 'DELETE session');
    await f.locator(`#sessions tbody tr[data-session="${sid}"]`).waitFor({ state: 'detached', timeout: 15000 });
  });

  it('user attributes are read when asked: Show user attributes sends one request and fills the table', async () => {
    await openUser(page, '15');
    const f = await detailsFrame(page, 'Priya Raman');
    const show = f.locator('#show-attributes');
    await show.waitFor({ timeout: 15000 });
    assert.strictEqual(await f.locator('#attributes tbody tr').count(), 0, 'no attribute rows before asking');
    const mark = sb.requests.length;
    await show.click();
    await f.locator('#attributes tbody tr').first().waitFor({ timeout: 15000 });
    const reads = sb.requests.slice(mark).filter((r) => /^\/users\/15(\/|$)/.test(r.apiPath)).map((r) => `${r.method} ${r.apiPath}`);
    assert.deepStrictEqual(reads, ['GET /users/15/attribute_values'], 'one read, of the attribute values');
    assert.strictEqual(await f.locator('#show-attributes').count(), 0, 'the button gives way to the table');
  });

  it('unsaved edits survive hiding the panel and reloading the window', async () => {
    await openUser(page, '12');
    let f = await detailsFrame(page, 'Imogen Payload');
    await f.fill('#f-last_name', 'Unsaved Edit');
    await openUser(page, '15');
    await detailsFrame(page, 'Priya Raman');
    await openUser(page, '12');
    f = await detailsFrame(page, 'Imogen Payload');
    assert.strictEqual(await f.inputValue('#f-last_name'), 'Unsaved Edit', 'kept across hide/show');
    assert.match(await f.locator('#dirty').innerText(), /Unsaved/);
    // "Developer: Reload Window", as a person does it (the workbench saves its state on the way out).
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await page.locator('.tabs-container .tab', { hasText: 'Imogen Payload' }).first().click({ timeout: 60000 });
    f = await detailsFrame(page, 'Imogen Payload', 60000);
    assert.strictEqual(await f.inputValue('#f-last_name'), 'Unsaved Edit', 'kept across a window reload');
    await f.click('#discard');
    assert.strictEqual(await f.inputValue('#f-last_name'), 'Payload');
  });

  it('screenshot of the panel for the README', async () => {
    // A workspace as an admin has it: the hostile fixtures of the scenarios above are closed first.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30000 });
    await openUser(page, '6');
    const u6 = sb.db.users.find((x) => x.id === '6');
    const f = await detailsFrame(page, [u6.first_name, u6.last_name].filter(Boolean).join(' '));
    await f.locator('#credentials .card').first().waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'user-details');
    await f.evaluate(() => document.getElementById('credentials').scrollIntoView());
    await screenshot(page, 'user-details-credentials');
  });
});
