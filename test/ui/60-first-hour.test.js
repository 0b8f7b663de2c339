// UI scenarios from "the first hour of a real admin" (issue 16): each clicks the control a person clicks (the view's
// title bar, its "…" menu, a context menu, the command palette) and checks what they then see.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { addConnection, detailsFrame, frameWith, getSession, openLookerView, openUser, runCommand, until, usePage } = require('./workbench');

const CONNECTION = 'Sandbox First Hour';

/** A button of the Users view's title bar, by its tooltip (shown on hover, so hover the side bar first). */
async function titleButton(page, name) {
  await page.locator('.part.sidebar').hover();
  const button = page.locator(`.part.sidebar a.action-label[aria-label*="${name}"] >> visible=true`).first();
  await button.waitFor({ timeout: 15000 });
  return button;
}

/** Takes the keyboard out of a webview (which would swallow F1) by clicking the side bar's title. */
async function focusWorkbench(page) {
  await page.locator('.part.sidebar .composite.title .title-label').first().click().catch(() => undefined);
}

/** Opens the view's "…" menu and returns the texts of its entries. */
async function moreActions(page) {
  const more = await titleButton(page, 'More Actions');
  await more.click();
  await page.getByRole('menuitem').first().waitFor({ timeout: 10000 });
  return page.getByRole('menuitem').allInnerTexts();
}

/** The notifications with this text (in the headless workbench they go to the notification centre). */
async function notificationTexts(page) {
  const center = page.locator('.notifications-center');
  // The status bar's bell, not the palette: the keyboard may be inside a webview.
  if (!(await center.isVisible())) await page.locator('.statusbar-item[id$="notifications"] a, .statusbar-item[id$="notifications"]').first().click();
  await center.waitFor({ timeout: 10000 });
  await page.waitForTimeout(300);
  return center.locator('.monaco-list-row').allInnerTexts();
}

async function waitNotification(page, pattern, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const texts = await notificationTexts(page);
    const hit = texts.find((t) => pattern.test(t));
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no notification ${pattern}: ${JSON.stringify(texts)}`);
    await page.waitForTimeout(500);
  }
}

async function clearNotifications(page) {
  await notificationTexts(page);
  const clear = page.locator('.notifications-center .codicon-notifications-clear-all').first();
  if ((await clear.isVisible()) && !/disabled/.test((await clear.getAttribute('class')) || '')) await clear.click();
  const center = page.locator('.notifications-center');
  if (await center.isVisible()) await page.locator('.notifications-center .codicon-notifications-hide').first().click().catch(() => undefined);
}

/** Files under the code-server state of this session whose names match. */
function stateFiles(pattern) {
  const root = path.dirname(getSession().workspace);
  const found = [];
  const walk = (dir, depth) => {
    if (depth > 10) return;
    let entries = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'workspace') walk(p, depth + 1);
      } else if (pattern.test(e.name)) found.push(p);
    }
  };
  walk(root, 0);
  return found;
}

/** The extension's Output log file ("Looker" channel) under the code-server state of this session. */
function lookerLog() {
  return stateFiles(/Looker\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

async function waitLog(pattern, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = lookerLog();
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`the Looker log has no line ${pattern}; last lines: ${text.split('\n').slice(-8).join('\n')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function rootRow(pane, label) {
  return pane.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: label }).first();
}

/** An editor tab by (part of) its title. */
function tab(page, title) {
  return page.locator('.tabs-container .tab', { hasText: title });
}

/** Expands or collapses a top-level group (a long expanded group pushes the others out of the rendered rows). */
async function setExpanded(pane, label, expanded) {
  const row = rootRow(pane, label);
  await row.waitFor({ timeout: 30000 });
  if (((await row.getAttribute('aria-expanded')) === 'true') !== expanded) await row.click();
}

describe('the first hour of a real admin (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let page;
  let sb;
  let pane;

  before(async function () {
    sb = getSession().sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    page = state.page;
    pane = await addConnection(page, sb, CONNECTION);
  });

  it('1 · the title-bar search button opens the search box with a group focused; a search shows in the view and zero matches offers to clear', async () => {
    await clearNotifications(page);
    pane = await openLookerView(page);
    await rootRow(pane, 'Active').click();
    await (await titleButton(page, 'Search Users')).click();
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('email:%@brightlane.io');
    await page.keyboard.press('Enter');
    // 7 · the query is shown in the view, with how many users it matched.
    const header = pane.locator('.monaco-list-row[aria-level="1"]').first();
    await header.filter({ hasText: /Search: email:%@brightlane\.io · [\d,.]+ match/ }).waitFor({ timeout: 30000 });
    const texts = await notificationTexts(page);
    assert.ok(!texts.some((t) => /not a function|Unexpected error/.test(t)), `no error: ${JSON.stringify(texts)}`);
    await page.keyboard.press('Escape');

    await (await titleButton(page, 'Search Users')).click();
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('zz-nobody-by-this-name');
    await page.keyboard.press('Enter');
    const none = pane.locator('.monaco-list-row').filter({ hasText: /No users match zz-nobody-by-this-name/ }).first();
    await none.waitFor({ timeout: 30000 });
    // The row is a button: a click clears the search (again if the first click landed while the row re-rendered).
    // Move the pointer off the title bar first: the search button's hover would cover the row.
    await page.mouse.move(800, 500);
    await page.waitForTimeout(800);
    for (let i = 0; i < 3 && !(await rootRow(pane, 'Active').count()); i++) {
      await none.click({ position: { x: 60, y: 10 } }).catch(() => undefined);
      await rootRow(pane, 'Active').waitFor({ timeout: 10000 }).catch(() => undefined);
    }
    await rootRow(pane, 'Active').waitFor({ timeout: 20000 });
    assert.strictEqual(await pane.locator('.monaco-list-row').filter({ hasText: /No users match|Search:/ }).count(), 0, 'the search is cleared');
  });

  it('1 · "Edit Connection…" from the title bar\'s "…" menu with a user focused edits a connection (it did nothing)', async () => {
    pane = await openLookerView(page);
    const active = rootRow(pane, 'Active');
    if ((await active.getAttribute('aria-expanded')) !== 'true') await active.click();
    const user = pane.locator('.monaco-list-row[aria-level="2"]').first();
    await user.waitFor({ timeout: 30000 });
    await user.focus();
    await moreActions(page);
    await page.getByRole('menuitem', { name: /Edit Connection/ }).first().click();
    const box = page.locator('.quick-input-widget');
    // Either the connection picker or the first step of the edit flow for the connection.
    await box.locator('.quick-input-title, .quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`Edit Looker Connection|${CONNECTION}`) }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Escape');
  });

  it('3 · "Export Users…" from the palette asks which users, exports everyone when asked, says so and logs it (15)', async () => {
    await clearNotifications(page);
    pane = await openLookerView(page);
    const active = rootRow(pane, 'Active');
    if ((await active.getAttribute('aria-expanded')) !== 'true') await active.click();
    const user = pane.locator('.monaco-list-row[aria-level="2"]').first();
    await user.click();
    // The click opens the user; bring the keyboard back to the workbench (the selection stays) for the palette.
    await detailsFrame(page);
    await page.waitForTimeout(1000);
    await active.focus();
    await focusWorkbench(page);
    await runCommand(page, 'Looker: Export Users');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: `Export Users from ${CONNECTION}` }).waitFor({ timeout: 15000 });
    const items = await box.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(items.some((t) => /Selected users/.test(t) && /1 user/.test(t)), `offers the selection: ${JSON.stringify(items)}`);
    assert.ok(items.some((t) => /Everyone/.test(t)), `offers everyone: ${JSON.stringify(items)}`);
    await box.locator('.quick-input-list .monaco-list-row', { hasText: 'Everyone' }).first().click();
    // 8 · the field picker shows Looker's names for the fields.
    await box.locator('.quick-input-list .monaco-list-row', { hasText: 'Last login (email)' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await box.locator('.quick-input-list .monaco-list-row', { hasText: 'CSV' }).first().click();
    const target = path.join(getSession().workspace, 'everyone.csv');
    fs.rmSync(target, { force: true }); // a retry must not find the file of the first attempt
    const input = box.locator('input').first();
    // The save dialog (its input holds the suggested file name), not the format picker that precedes it.
    await page.waitForFunction(() => /looker-users\.csv$/.test(document.querySelector('.quick-input-widget input')?.value ?? ''), null, { timeout: 30000 });
    await input.fill(target);
    // The simple file dialog checks the typed path before it accepts: confirm until it closes.
    const end = Date.now() + 60000;
    while (!fs.existsSync(target) && Date.now() < end) {
      if (await box.isVisible() && (await input.inputValue().catch(() => '')) === target) await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
    }
    assert.ok(fs.existsSync(target), 'the file was written');
    // The file exists from its first rows on: read it once the export says it is done.
    const n = sb.db.users.length.toLocaleString('en');
    await waitNotification(page, new RegExp(`Exported ${n} users \\(everyone on ${CONNECTION}\\)`));
    const lines = fs.readFileSync(target, 'utf8').trim().split(/\r?\n/);
    assert.strictEqual(lines.length - 1, sb.db.users.length, 'one row per user of the instance');
    await waitLog(new RegExp(`Export: ${sb.db.users.length} user\\(s\\) of everyone on ${CONNECTION}`));
    await clearNotifications(page);
  });

  it('5 · "Open User…" searches names as you type and opens the picked user', async () => {
    const priya = sb.db.users.find((u) => u.first_name === 'Priya' && u.last_name === 'Raman');
    await focusWorkbench(page);
    await runCommand(page, 'Looker: Open User');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: 'Open Looker User' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('raman');
    const row = box.locator('.quick-input-list .monaco-list-row', { hasText: 'Priya Raman' }).first();
    await row.waitFor({ timeout: 20000 });
    assert.match(await row.innerText(), new RegExp(`ID ${priya.id}`));
    await row.click();
    const f = await detailsFrame(page, 'Priya Raman');
    assert.match(await f.locator('.subtitle').innerText(), new RegExp(`ID ${priya.id}`));
  });

  /** No editor open, the Users view shown with Active expanded; its user rows once row `n` is drawn. */
  async function activeRowsWithNoEditors(n) {
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await runCommand(page, 'View: Close All Editors');
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', true);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.nth(n).waitFor({ timeout: 30000 });
    return rows;
  }

  it('11 · a click in the tree opens a preview tab that the next click replaces; an edit pins it (2: and marks it)', async () => {
    const rows = await activeRowsWithNoEditors(3);
    const names = [];
    for (const i of [1, 2, 3]) names.push((await rows.nth(i).locator('.label-name').innerText()).trim());
    assert.strictEqual(new Set(names).size, 3, JSON.stringify(names));
    const [a, b, c] = names;
    await rows.nth(1).click();
    await detailsFrame(page, a);
    await rows.nth(2).click();
    const fb = await detailsFrame(page, b);
    await tab(page, b).waitFor({ timeout: 15000 });
    assert.strictEqual(await tab(page, a).count(), 0, `the preview of ${a} was replaced by ${b}`);
    await fb.fill('#f-first_name', 'Pinned');
    await tab(page, `● ${b}`).waitFor({ timeout: 15000 });
    await rows.nth(3).click();
    await detailsFrame(page, c);
    await tab(page, c).waitFor({ timeout: 15000 });
    assert.strictEqual(await tab(page, b).count(), 1, `the edited tab of ${b} stays open`);
  });

  it('2 · closing a tab with unsaved edits keeps them: a warning says so, reopening the user restores them', async () => {
    pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    const c = (await rows.nth(3).locator('.label-name').innerText()).trim();
    let f = await detailsFrame(page, c);
    await f.fill('#f-last_name', 'Draft Lastname');
    const marked = tab(page, `● ${c}`);
    await marked.waitFor({ timeout: 15000 });
    await marked.hover();
    await marked.locator('.tab-actions .action-label').first().click();
    await marked.waitFor({ state: 'detached', timeout: 15000 });
    await waitNotification(page, new RegExp(`${c} had unsaved changes`));
    await clearNotifications(page);
    await rows.nth(3).click();
    f = await detailsFrame(page, c);
    await f.locator('#f-last_name').waitFor();
    const end = Date.now() + 15000;
    while ((await f.inputValue('#f-last_name')) !== 'Draft Lastname' && Date.now() < end) await page.waitForTimeout(200);
    assert.strictEqual(await f.inputValue('#f-last_name'), 'Draft Lastname', 'the draft is back in the form');
    assert.match(await f.locator('#dirty').innerText(), /Unsaved/);
    await tab(page, `● ${c}`).waitFor({ timeout: 15000 });
    await f.click('#discard');
    await tab(page, `● ${c}`).waitFor({ state: 'detached', timeout: 15000 });
  });

  it('6 · saving an empty last name asks first; Cancel sends nothing and says what to do', async () => {
    pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    const c = (await rows.nth(3).locator('.label-name').innerText()).trim();
    const f = await detailsFrame(page, c);
    const id = /ID (\d+)/.exec(await f.locator('.subtitle').innerText())[1];
    const mark = sb.requests.length;
    await f.fill('#f-last_name', '');
    await f.click('#save');
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /empty last name/ });
    await dialog.waitFor({ timeout: 15000 });
    assert.match(await dialog.innerText(), new RegExp(CONNECTION));
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await f.locator('#err-last_name').waitFor({ timeout: 15000 });
    const writes = sb.requests.slice(mark).filter((r) => r.method === 'PATCH' && r.apiPath === `/users/${id}`);
    assert.deepStrictEqual(writes, [], 'nothing was saved');
    await f.click('#discard');
  });

  it('14 · a rejected save is shown once, next to the field, not again as a notification', async () => {
    await clearNotifications(page);
    pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    const c = (await rows.nth(3).locator('.label-name').innerText()).trim();
    const f = await detailsFrame(page, c);
    await f.fill('#f-locale', 'not a locale!!');
    await f.click('#save');
    await f.locator('#err-locale').waitFor({ timeout: 15000 });
    await page.waitForTimeout(1000);
    const texts = await notificationTexts(page);
    assert.ok(!texts.some((t) => /locale/i.test(t)), `no notification repeats it: ${JSON.stringify(texts)}`);
    const banner = await f.locator('body').innerText();
    assert.strictEqual((banner.match(/rejected the values/g) || []).length, 0, 'no banner repeats it either');
    await f.click('#discard');
  });

  it('10 · menus that cannot apply are not offered: no Disable on the Disabled group, no Undo/Resume with nothing to undo', async () => {
    await page.keyboard.press('Escape');
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', false);
    const disabled = rootRow(pane, 'Disabled');
    await disabled.click({ button: 'right' });
    await page.getByRole('menuitem').first().waitFor({ timeout: 10000 });
    const menu = await page.getByRole('menuitem').allInnerTexts();
    await page.keyboard.press('Escape');
    assert.ok(menu.some((t) => /Enable Users/.test(t)), `Enable is offered: ${JSON.stringify(menu)}`);
    assert.ok(!menu.some((t) => /Disable Users/.test(t)), `Disable is not offered on the Disabled group: ${JSON.stringify(menu)}`);
    const more = await moreActions(page);
    await page.keyboard.press('Escape');
    assert.ok(more.some((t) => /Export Users/.test(t)), JSON.stringify(more));
    // Other scenarios of the same run may have saved changes (then Undo applies) or left a job: compare with the files.
    const audit = stateFiles(/^audit\.jsonl$/).some((f) => fs.statSync(f).size > 0);
    const jobs = stateFiles(/\.json$/).some((f) => path.basename(path.dirname(f)) === 'bulk-jobs');
    assert.strictEqual(more.some((t) => /Undo/.test(t)), audit, `Undo offered only with something in the audit log (${audit}): ${JSON.stringify(more)}`);
    assert.strictEqual(more.some((t) => /Resume/.test(t)), jobs, `Resume offered only with an interrupted job (${jobs}): ${JSON.stringify(more)}`);
  });

  it('12 · derived groups show their counts with their own icons; tooltips explain; "Inactive > 90 days" is not everyone', async () => {
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', false);
    const count = async (label) => {
      const row = rootRow(pane, label);
      await row.locator('.label-description').filter({ hasText: /\d/ }).waitFor({ timeout: 60000 });
      return Number((await row.locator('.label-description').innerText()).replace(/[^\d]/g, ''));
    };
    const active = await count('Active');
    const inactive = await count('Inactive > 90 days');
    const never = await count('Never signed in');
    const locked = await count('Locked out');
    assert.ok(inactive > 0 && inactive < active, `inactive ${inactive} of ${active} active`);
    assert.ok(never > 0 && locked > 0, `never ${never}, locked ${locked}`);
    const icons = [];
    for (const label of ['Inactive > 90 days', 'Never signed in', 'Locked out']) {
      icons.push(await rootRow(pane, label).locator('.custom-view-tree-node-item-icon').getAttribute('class'));
    }
    assert.strictEqual(new Set(icons).size, 3, `distinct icons: ${JSON.stringify(icons)}`);
    await rootRow(pane, 'Disabled').locator('.label-name').hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /cannot sign in/ }).first();
    await hover.waitFor({ timeout: 15000 });
  });

  it('14 · the title bar\'s add button says it adds a connection and does not look like "add user"', async () => {
    const button = await titleButton(page, 'Add Connection');
    const cls = (await button.getAttribute('class')) || '';
    assert.ok(!/codicon-add\b/.test(cls), `not a plain "+": ${cls}`);
    assert.match(cls, /codicon-plug/);
  });

  it('15 · a cancelled bulk preview is written to the Output log', async () => {
    pane = await openLookerView(page);
    const active = rootRow(pane, 'Active');
    if ((await active.getAttribute('aria-expanded')) !== 'true') await active.click();
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.nth(1).waitFor({ timeout: 30000 });
    // A right-click only: it selects the row without opening its details tab, whose focus would close the menu.
    await rows.nth(1).click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /Disable Users/ }).first();
    await item.waitFor({ timeout: 15000 });
    await item.hover();
    await page.keyboard.press('Enter');
    const frame = await frameWith(page, '#cancel', 30000).catch(() => undefined);
    assert.ok(frame, 'the preview opened');
    // The page is drawn once its row (the change) is in the table; only then read it and press Cancel.
    await frame.locator('td', { hasText: /Disabled: no → yes/ }).first().waitFor({ timeout: 15000 });
    const body = await frame.locator('body').innerText();
    assert.ok(!/user\(s\)/.test(body), 'plural forms, not "user(s)"');
    // 8 · Looker's names for the fields, not the API's.
    assert.ok(!/is_disabled/.test(body), body);
    assert.match(body, /Disabled: no → yes/);
    await frame.locator('#cancel').click();
    // Cancel closes the preview, then the line is written (the log file is flushed a little later: wait for both).
    await until(async () => !(await frame.locator('#cancel').count().catch(() => 0)), 'the preview to close', 30000);
    await waitLog(new RegExp(`Bulk disable on ${CONNECTION} .*preview of 1 user\\(s\\) cancelled`), 30000);
  });

  it('4 · the Add to Group preview names the group and warns instead of "Will change" for an externally managed one', async () => {
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', true);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.nth(4).waitFor({ timeout: 30000 });
    // A right-click selects the row without opening its details tab (a left-click would, and the new tab takes the
    // focus the context menu needs). Hover + Enter runs the item once the menu is laid out.
    await rows.nth(4).click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /Add to Group/ }).first();
    await item.waitFor({ timeout: 15000 });
    await item.hover();
    await page.keyboard.press('Enter');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30000 });
    await box.locator('input').first().fill('Sales');
    await box.locator('.quick-input-list .monaco-list-row', { hasText: 'Sales' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const frame = await frameWith(page, '#cancel', 30000).catch(() => undefined);
    assert.ok(frame, 'the preview opened');
    await frame.locator('td', { hasText: 'Sales' }).first().waitFor({ timeout: 15000 });
    const body = await frame.locator('body').innerText();
    assert.match(body, /Group: not a member → Sales/);
    assert.ok(!/→ 7\b/.test(body), body);
    assert.match(body, /managed outside Looker/);
    assert.ok(!/Will change/.test(body), body);
    await frame.locator('#cancel').click();
  });

  it('13 · attributes: one row per attribute with the source that applies; 8 · no ISO timestamps; 9 · full-width credential cards', async () => {
    const u = sb.db.users.find((x) => !x.is_disabled && Object.keys(x.attribute_values || {}).length > 0 && x.credentials_email);
    assert.ok(u, 'the sandbox has a user with a user-level attribute value');
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await openUser(page, u.id);
    const title = [u.first_name, u.last_name].filter(Boolean).join(' ');
    const f = await detailsFrame(page, title);
    await f.locator('#show-attributes').click({ timeout: 15000 });
    const rows = f.locator('#attributes tbody tr');
    await rows.first().waitFor({ timeout: 15000 });
    const table = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    const names = table.map((r) => r[0]);
    assert.strictEqual(new Set(names).size, names.length, `one row per attribute: ${JSON.stringify(names)}`);
    const fromUser = table.filter((r) => /^user\b/.test(r[2]));
    assert.ok(fromUser.length >= 1, JSON.stringify(table));
    assert.ok(!table.some((r) => /\(hidden\)/.test(r[1]) && /not set/.test(r[2])), `a value that is not set is not "(hidden)": ${JSON.stringify(table)}`);
    const text = await f.locator('#app').innerText();
    assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text), `no ISO timestamps: ${/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/.exec(text)}`);
    const widths = await f.evaluate(() => {
      const cards = [...document.querySelectorAll('#credentials .cards .card')];
      const box = document.querySelector('#credentials .cards');
      return { box: box ? box.getBoundingClientRect().width : 0, cards: cards.map((c) => c.getBoundingClientRect().width) };
    });
    assert.ok(widths.cards.length > 0 && widths.cards.every((w) => w >= widths.box - 2), `credential cards use the full width: ${JSON.stringify(widths)}`);
  });

  it('8 · Undo lists a saved edit by what Looker calls the field, with a localised time, and only once there is one (10)', async () => {
    const plain = (v) => typeof v === 'string' && /^[A-Za-z]+$/.test(v);
    const u = sb.db.users.find((x) => !x.is_disabled && plain(x.first_name) && plain(x.last_name) && x.credentials_email && Number(x.id) > 100);
    const { first_name: first, last_name: last } = u; // the sandbox's record changes with the save
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await openUser(page, u.id);
    const f = await detailsFrame(page, `${first} ${last}`);
    const mark = sb.requests.length;
    await f.fill('#f-first_name', `${first}x`);
    await f.click('#save');
    const end = Date.now() + 15000;
    while (!sb.requests.slice(mark).some((r) => r.method === 'PATCH' && r.apiPath === `/users/${u.id}`) && Date.now() < end) await page.waitForTimeout(200);
    await detailsFrame(page, `${first}x ${last}`);
    const more = await moreActions(page);
    await page.keyboard.press('Escape');
    assert.ok(more.some((t) => /Undo/.test(t)), `Undo is offered once there is something to undo: ${JSON.stringify(more)}`);
    await focusWorkbench(page);
    await runCommand(page, 'Looker: Undo');
    const box = page.locator('.quick-input-widget');
    const item = box.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`user ${u.id} ·`) }).first();
    await item.waitFor({ timeout: 15000 });
    const text = await item.innerText();
    assert.match(text, /Edit user/);
    assert.match(text, new RegExp(`First name: ${first}\\b`));
    assert.ok(!/first_name|updateUser|\{"/.test(text), text);
    assert.ok(!/\d{4}-\d{2}-\d{2}T/.test(text), text);
    await page.keyboard.press('Escape');
  });

  it('1 · an unexpected error in a command run from a context menu names the command in the Output log and keeps its stack', async () => {
    await clearNotifications(page);
    await page.keyboard.press('Escape');
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', true);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.nth(5).waitFor({ timeout: 30000 });
    // The role list comes back with a hole in it: the picker fails on it (a bug's shape, not Looker's answer).
    sb.addRule({ method: 'GET', path: /^\/roles$/, status: 200, body: [null], times: 1 });
    try {
      await rows.nth(5).click({ button: 'right' });
      const item = page.getByRole('menuitem', { name: /Add Role/ }).first();
      await item.waitFor({ timeout: 15000 });
      await item.hover();
      await page.keyboard.press('Enter');
      await waitNotification(page, /Unexpected error/);
      const log = await waitLog(/Command looker\.bulk\.addRole failed/);
      const at = log.lastIndexOf('Command looker.bulk.addRole failed');
      assert.match(log.slice(at, at + 4000), /TypeError[^\n]*\n(\s+at [^\n]+\n){2,}/, `the stack is in the log: ${log.slice(at, at + 600)}`);
    } finally {
      sb.clearRules();
      await clearNotifications(page);
    }
  });

  it('9 · an expired web session is marked "expired" and has no "End session"; the sessions table breaks no word', async () => {
    const priya = sb.db.users.find((u) => u.first_name === 'Priya' && u.last_name === 'Raman');
    assert.ok(priya && priya.sessions.length >= 2, 'the sandbox seeds Priya Raman with web sessions');
    const old = priya.sessions[0];
    old.expires_at = new Date(Date.now() - 3 * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await openUser(page, priya.id);
    const f = await detailsFrame(page, 'Priya Raman');
    // The tab may have been open already: read the user again to see the session's new expiry.
    await f.locator('#refresh').click();
    const expired = f.locator(`#sessions tr[data-session="${old.id}"]`);
    await expired.filter({ hasText: /Expired/ }).waitFor({ timeout: 20000 });
    assert.strictEqual(await expired.getByRole('button', { name: /End session/ }).count(), 0, 'no End session on an expired session');
    const live = f.locator(`#sessions tr[data-session="${priya.sessions[1].id}"]`);
    assert.strictEqual(await live.getByRole('button', { name: /End session/ }).count(), 1, 'a live session can be ended');
    // No word of the table is split over two lines ("Brow ser", "Window s 11"), even in a narrow window.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 900, height: size.height });
    await page.waitForFunction(() => window.innerWidth === 900);
    const broken = await f.evaluate(() => {
      const out = [];
      for (const td of document.querySelectorAll('#sessions td, #sessions th')) {
        const walker = document.createTreeWalker(td, 4 /* NodeFilter.SHOW_TEXT */);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const re = /\S+/g;
          for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
            const r = document.createRange();
            r.setStart(n, m.index);
            r.setEnd(n, m.index + m[0].length);
            const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
            if (tops.size > 1) out.push(m[0]);
          }
        }
      }
      return out;
    }).finally(() => page.setViewportSize(size));
    assert.deepStrictEqual(broken, [], 'words split over two lines');
  });

  it('8 · folders by name: the home folder\'s name read once per connection, the personal folder named after its user; "Choose folder…" searches by name and Save sends the picked id', async () => {
    const plain = (v) => typeof v === 'string' && /^[A-Za-z]+$/.test(v);
    const [a, b] = sb.db.users.filter((x) => !x.is_disabled && plain(x.first_name) && plain(x.last_name) && x.credentials_email && Number(x.id) > 200
      && x.home_folder_id === '1' && x.personal_folder_id);
    const nameOf = (u) => `${u.first_name} ${u.last_name}`;
    const reads = (from, apiPath) => sb.requests.slice(from).filter((r) => r.method === 'GET' && r.apiPath === apiPath).length;
    const mark = sb.requests.length;
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    await openUser(page, a.id);
    let f = await detailsFrame(page, nameOf(a));
    await f.locator('#home-folder-name', { hasText: 'Shared' }).waitFor({ timeout: 20000 });
    const profile = await f.locator('#profile dl.rows').innerText();
    assert.match(profile, new RegExp(`Personal folder\\s+${nameOf(a)}`), profile);
    assert.strictEqual(await f.locator('#f-home_folder_id').count(), 0, 'no raw id box for the home folder');
    await focusWorkbench(page);
    await openUser(page, b.id);
    f = await detailsFrame(page, nameOf(b));
    await f.locator('#home-folder-name', { hasText: 'Shared' }).waitFor({ timeout: 20000 });
    assert.ok(reads(mark, '/folders/1') <= 1, `the Shared folder is read at most once for both users: ${reads(mark, '/folders/1')}`);
    assert.strictEqual(reads(mark, `/folders/${b.personal_folder_id}`), 0, 'a personal folder is named after its user: no read');

    await f.click('#pick-home-folder');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: `Home folder of ${nameOf(b)}` }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('pipe');
    const row = box.locator('.quick-input-list .monaco-list-row', { hasText: 'Sales Pipeline' }).first();
    await row.waitFor({ timeout: 15000 });
    assert.ok(sb.requests.slice(mark).some((r) => r.apiPath === '/folders/search' && r.query.name === '%pipe%'), 'the picker searched folders by name');
    await row.click();
    await f.locator('#home-folder-name', { hasText: 'Sales Pipeline' }).waitFor({ timeout: 15000 });
    await tab(page, `● ${nameOf(b)}`).waitFor({ timeout: 15000 });
    const saveMark = sb.requests.length;
    await f.click('#save');
    const patched = () => sb.requests.slice(saveMark).find((r) => r.method === 'PATCH' && r.apiPath === `/users/${b.id}`);
    await until(() => !!patched(), 'the save');
    assert.strictEqual(patched().body.home_folder_id, '13', JSON.stringify(patched().body));
    await f.locator('#dirty', { hasText: 'No changes' }).waitFor({ timeout: 15000 });
    await f.locator('#home-folder-name', { hasText: 'Sales Pipeline' }).waitFor({ timeout: 15000 });
    assert.ok(reads(saveMark, '/folders/13') <= 1, 'the picked folder\'s name is not read again on each render');
  });

  it('7 · during a search the derived groups stay, counted among the users it matches', async () => {
    await page.keyboard.press('Escape');
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', false);
    await rootRow(pane, 'Active').focus();
    await (await titleButton(page, 'Search Users')).click();
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('email:%@brightlane.io');
    await page.keyboard.press('Enter');
    await rootRow(pane, 'Search: email:%@brightlane.io').waitFor({ timeout: 30000 });
    // The search's Active group opens expanded (and long): fold it by its twistie until it stays folded.
    const active = rootRow(pane, 'Active');
    await active.waitFor({ timeout: 30000 });
    for (let i = 0; i < 4 && (await active.getAttribute('aria-expanded')) === 'true'; i++) {
      await active.locator('.monaco-tl-twistie').click().catch(() => undefined);
      await until(async () => (await active.getAttribute('aria-expanded')) !== 'true', 'Active folded', 3000).catch(() => undefined);
    }
    for (const label of ['Inactive > 90 days', 'Never signed in', 'Locked out']) await rootRow(pane, label).waitFor({ timeout: 30000 });
    await rootRow(pane, 'Never signed in').locator('.label-name').hover();
    await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Among the users matching email:%@brightlane\.io/ }).first().waitFor({ timeout: 15000 });
    await setExpanded(pane, 'Never signed in', true);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.first().waitFor({ timeout: 60000 });
    const emails = await rows.locator('.label-description').allInnerTexts();
    assert.ok(emails.length > 0 && emails.every((e) => /@brightlane\.io$/i.test(e.trim())), `only users the search matches: ${JSON.stringify(emails.slice(0, 5))}`);
    await setExpanded(pane, 'Never signed in', false);
    await focusWorkbench(page);
    await runCommand(page, 'Looker: Clear Search');
    await rootRow(pane, 'Search:').waitFor({ state: 'detached', timeout: 20000 });
  });

  it('11 · a Ctrl-click while multi-selecting opens no tab; "Keep User Open" in the tab\'s title bar pins the preview; a double-click pins too', async () => {
    const rows = await activeRowsWithNoEditors(20);
    // Four rows of users with names of their own (a tab is found by its title).
    const all = [];
    for (let i = 1; i <= 20; i++) all.push((await rows.nth(i).locator('.label-name').innerText()).trim());
    const picked = all.map((n, i) => [n, i + 1]).filter(([n]) => all.filter((x) => x === n || x.includes(n) || n.includes(x)).length === 1).slice(0, 4);
    assert.strictEqual(picked.length, 4, JSON.stringify(all));
    const [r5, r6, r7, r8] = picked.map(([, i]) => i);
    const names = { 5: picked[0][0], 6: picked[1][0], 7: picked[2][0], 8: picked[3][0] };
    const idsOf = (name) => sb.db.users.filter((u) => [u.first_name, u.last_name].filter(Boolean).join(' ') === name).map((u) => u.id);
    const mark = sb.requests.length;
    await rows.nth(r5).click();
    await detailsFrame(page, names[5]);
    await rows.nth(r6).click({ modifiers: ['Control'] });
    await rows.nth(r7).click({ modifiers: ['Control'] });
    await until(async () => (await pane.locator('.monaco-list-row[aria-selected="true"]').count()) === 3, 'three selected users');
    // A plain click afterwards opens its user: any open the Ctrl-clicks caused would have been read before it.
    await rows.nth(r8).click();
    await detailsFrame(page, names[8]);
    await tab(page, names[8]).waitFor({ timeout: 15000 });
    const read = sb.requests.slice(mark).filter((r) => r.method === 'GET').map((r) => r.apiPath);
    for (const i of [6, 7]) assert.ok(!idsOf(names[i]).some((id) => read.includes(`/users/${id}`)), `the Ctrl-click on ${names[i]} opened nothing`);
    for (const i of [6, 7]) assert.strictEqual(await tab(page, names[i]).count(), 0, `no tab for ${names[i]}`);

    // Keep User Open: the pin in the title bar of the preview tab; then the next click opens a tab of its own.
    await page.locator('.editor-actions').hover();
    const keep = page.locator('.editor-actions a.action-label[aria-label*="Keep User Open"]').first();
    await keep.waitFor({ timeout: 15000 });
    await keep.click();
    await keep.waitFor({ state: 'detached', timeout: 15000 });
    await rows.nth(r5).click();
    await detailsFrame(page, names[5]);
    await tab(page, names[5]).waitFor({ timeout: 15000 });
    assert.strictEqual(await tab(page, names[8]).count(), 1, `the kept tab of ${names[8]} stays open`);

    // A double-click pins as well: the next click does not replace it.
    await rows.nth(r6).dblclick();
    await detailsFrame(page, names[6]);
    await tab(page, names[6]).waitFor({ timeout: 15000 });
    await rows.nth(r7).click();
    await detailsFrame(page, names[7]);
    await tab(page, names[7]).waitFor({ timeout: 15000 });
    assert.strictEqual(await tab(page, names[6]).count(), 1, `the double-clicked tab of ${names[6]} stays open`);
    assert.strictEqual(await tab(page, names[5]).count(), 0, `the preview of ${names[5]} was replaced`);
  });

  it('README · the search box\'s history button lists recent searches; picking one puts it back in the box', async () => {
    await page.keyboard.press('Escape');
    await focusWorkbench(page);
    pane = await openLookerView(page);
    const box = page.locator('.quick-input-widget');
    await (await titleButton(page, 'Search Users')).click();
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('last:Raman');
    await page.keyboard.press('Enter');
    await pane.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: /Search: last:Raman/ }).first().waitFor({ timeout: 30000 });
    // Open the box again (it shows the current query); clear it, then the history button in its title bar.
    await (await titleButton(page, 'Search Users')).click();
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill('');
    await box.locator('.quick-input-titlebar a.action-label[aria-label*="Recent and saved searches"], .quick-input-header a.action-label[aria-label*="Recent and saved searches"]').first().click();
    const recent = box.locator('.quick-input-list .monaco-list-row', { hasText: 'last:Raman' }).first();
    await recent.waitFor({ timeout: 15000 });
    assert.ok((await box.locator('.quick-input-list').innerText()).includes('Recent'), 'listed under "Recent"');
    await recent.click();
    // The pick goes back into the search box, to edit or run.
    await box.locator('.quick-input-title', { hasText: 'Search Looker Users' }).waitFor({ timeout: 15000 });
    await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value === 'last:Raman', null, { timeout: 15000 });
    await box.locator('input').first().fill('');
    await page.keyboard.press('Enter');
    await rootRow(pane, 'Active').waitFor({ timeout: 30000 });
  });

  it('README · Open in Looker (context menu) opens the user\'s admin page of this instance in the browser', async () => {
    await focusWorkbench(page);
    pane = await openLookerView(page);
    await setExpanded(pane, 'Active', true);
    const row = pane.locator('.monaco-list-row[aria-level="2"]').nth(2);
    await row.waitFor({ timeout: 30000 });
    const label = (await row.getAttribute('aria-label')) || '';
    const popup = page.context().waitForEvent('page', { timeout: 30000 });
    await row.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /Open in Looker/ }).first();
    await item.waitFor({ timeout: 15000 });
    await item.hover();
    await page.keyboard.press('Enter');
    const opened = await popup;
    await until(() => opened.url() !== 'about:blank', 'the new tab to get its address', 15000);
    // code-server hands a 127.0.0.1 address to the browser through its port proxy (/proxy/PORT/…): same port, same path.
    const port = new URL(sb.url).port;
    const m = /\/admin\/users\/(\d+)\/edit$/.exec(opened.url());
    const base = opened.url().slice(0, m ? m.index : 0);
    assert.ok(m && (base === sb.url || base.endsWith(`/proxy/${port}`)), `the admin page of a user of this instance (port ${port}): ${opened.url()}`);
    const u = sb.db.users.find((x) => x.id === m[1]);
    assert.ok(u && label.startsWith([u.first_name, u.last_name].filter(Boolean).join(' ')), `user ${m[1]} is the row "${label}"`);
    await opened.close();
  });

  it('README · Edit Connection renames the connection: every step keeps what was saved, the secret too', async () => {
    const renamed = `${CONNECTION} Renamed`;
    await focusWorkbench(page);
    const mark = sb.requests.length;
    await runCommand(page, 'Looker: Edit Connection');
    const box = page.locator('.quick-input-widget');
    // With several connections saved, a picker comes first.
    const step1 = box.locator('.quick-input-title', { hasText: /\(1\/4\)/ });
    const pick = box.locator('.quick-input-list .monaco-list-row', { hasText: CONNECTION }).first();
    await until(async () => (await step1.count()) > 0 || (await pick.count()) > 0, 'the connection picker or the first step', 15000);
    if (!(await step1.count())) await pick.click();
    await step1.waitFor({ timeout: 15000 });
    assert.strictEqual(await box.locator('input').first().inputValue(), sb.url, 'the URL is filled in');
    await page.keyboard.press('Enter');
    await box.locator('.quick-input-title', { hasText: /\(2\/4\)/ }).waitFor({ timeout: 15000 });
    assert.strictEqual(await box.locator('input').first().inputValue(), sb.clientId, 'the client ID is filled in');
    await page.keyboard.press('Enter');
    await box.locator('.quick-input-title', { hasText: /\(3\/4\)/ }).waitFor({ timeout: 15000 });
    assert.strictEqual(await box.locator('input').first().inputValue(), '', 'the secret is never shown');
    await page.keyboard.press('Enter'); // empty: keep the saved secret
    await box.locator('.quick-input-title', { hasText: /\(4\/4\)/ }).waitFor({ timeout: 15000 });
    await box.locator('input').first().fill(renamed);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: renamed }).first().waitFor({ timeout: 60000 });
    // The edited connection was tested with the kept secret before it was saved: a successful login.
    assert.ok(sb.requests.slice(mark).some((r) => r.method === 'POST' && r.apiPath === '/login' && r.status === 200), 'a login with the kept secret');
  });
});
