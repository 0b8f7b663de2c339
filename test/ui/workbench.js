// Playwright helpers for the code-server workbench, shared by the UI scenarios (test/ui) and scripts/demo.js.
// The UI runner (test/runner/ui.js) fills in the session with setSession() before mocha loads the scenarios.
const fs = require('fs');
const path = require('path');

let session = null;

/**
 * @param {{ browser: import('playwright-core').Browser, workbenchUrl: string, screenshotDir: string,
 *           resultsDir: string, sandbox: object | null }} s
 */
function setSession(s) {
  session = s;
}

/** The running workbench: browser, URL (with the extension under development loaded), folders, sandbox. */
function getSession() {
  if (!session) throw new Error('test/ui scenarios run through test/runner/run.js (npm test), which starts code-server');
  return session;
}

/** A new browser page with the workbench loaded and idle. The caller closes page.context(). */
async function openWorkbench(browser, url, { timeoutMs = 90000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  // The activity bar is populated once the extension host has registered the contributed containers.
  await page.locator('.activitybar').waitFor({ timeout: timeoutMs });
  return page;
}

/** The Looker item of the activity bar. */
function lookerActivity(page) {
  return page.locator('.activitybar .action-item a[aria-label^="Looker"], .activitybar .action-item[aria-label^="Looker"]').first();
}

/** The pane of the Users view (header + body). */
function usersPane(page) {
  return page.locator('.pane:has(.pane-header[aria-label^="Users"]), .pane:has(.pane-header:has-text("Users"))').first();
}

/** Clicks the Looker activity-bar item unless the Looker container is already showing; returns the Users pane. */
async function openLookerView(page, { timeoutMs = 60000 } = {}) {
  const item = lookerActivity(page);
  await item.waitFor({ timeout: timeoutMs });
  const pane = usersPane(page);
  // The side bar may still be restoring after a reload, and a click on a checked item closes it: click only while
  // the pane is not visible, then give it a moment to appear.
  const end = Date.now() + timeoutMs;
  while (!(await pane.isVisible())) {
    if (Date.now() > end) throw new Error('the Looker Users view did not open');
    const checked = await item.evaluate((el) => (el.closest('.action-item') || el).classList.contains('checked'));
    if (!checked || !(await pane.isVisible())) await item.click();
    await pane.waitFor({ timeout: 5000 }).catch(() => {});
  }
  return pane;
}

/** Runs a command through the command palette, as a person would (F1, type, Enter). */
async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  // A menu still closing can leave the palette inert for a moment: close what is open and ask again (three tries).
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    const typed = await input.fill(`>${title}`, { timeout: 10000 }).then(() => true, (err) => {
      if (attempt >= 2) throw err;
      return false;
    });
    if (typed) break;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  }
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Saves a screenshot as <dir>/<name>.png and returns its path. A README picture (no `dir`) is taken with the mouse
 * parked on the empty title bar, so no hover, tooltip or hover highlight is left in it.
 */
async function screenshot(page, name, dir) {
  const d = dir || getSession().screenshotDir;
  fs.mkdirSync(d, { recursive: true });
  if (!dir) {
    const size = page.viewportSize();
    if (size) await page.mouse.move(size.width - 200, 8);
    await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').first().waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
  }
  const file = path.join(d, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}


/** Types into the open quick input (replacing its value) and presses Enter; waits for a title first when given. */
async function answer(page, text, titlePattern) {
  const box = page.locator('.quick-input-widget');
  if (titlePattern) await box.locator('.quick-input-title', { hasText: titlePattern }).waitFor({ timeout: 30000 });
  const input = box.locator('input').first();
  await input.waitFor();
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Adds a connection to the sandbox through the real input boxes, as a person does; it becomes the active one. */
async function addConnection(page, sb, name) {
  const pane = await openLookerView(page);
  await runCommand(page, 'Looker: Add Connection');
  await answer(page, sb.url, /\(1\/4\)/);
  await answer(page, sb.clientId, /\(2\/4\)/);
  await answer(page, sb.clientSecret, /\(3\/4\)/);
  await answer(page, name, /\(4\/4\)/);
  // The new connection is active once the status bar names it; only then is the tree its tree.
  await page.locator('.statusbar-item', { hasText: name }).first().waitFor({ timeout: 60000 });
  await pane.locator('.monaco-list-row').filter({ hasText: /^Active/ }).first().waitFor({ timeout: 60000 });
  return pane;
}

/** The frame of the details page whose title is `title` (any details page when omitted). */
async function detailsFrame(page, title, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const t = await f
        .evaluate(() => {
          const e = document.getElementById('user-title');
          return e ? e.textContent : null;
        })
        .catch(() => null);
      if (t !== null && (title === undefined || t === title)) return f;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no details page titled ${JSON.stringify(title)}`);
}

/** Opens a user by id through the command palette ("Looker: Open User"). */
async function openUser(page, id) {
  await runCommand(page, 'Looker: Open User');
  await answer(page, id, /Open Looker User/);
}

/** A new page on the workbench for one scenario file, closed after it; failing tests leave a screenshot. */
function usePage(suite) {
  const state = { page: undefined };
  suite.beforeAll(async () => {
    state.page = await openWorkbench(getSession().browser, getSession().workbenchUrl);
  });
  suite.afterAll(async () => {
    if (state.page) await state.page.context().close();
  });
  suite.afterEach(async function () {
    if (this.currentTest && this.currentTest.state === 'failed' && state.page) {
      await screenshot(state.page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`, getSession().resultsDir).catch(() => {});
    }
  });
  return state;
}

/** The webview frame (details page, bulk preview) that holds `selector`. */
async function frameWith(page, selector, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no frame with ${selector}`);
}

/** Waits for `fn()` to be true (checked every 200 ms). */
async function until(fn, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Runs `item` (a RegExp of its name) from `row`'s context menu and waits for a webview frame with `selector` (a
 * bulk preview): a right-click only, the item chosen with the keyboard; up to three tries, since a menu can close when
 * the workbench moves the focus. Returns the frame, or undefined.
 */
async function fromContextMenu(page, row, item, selector, timeout = 10000) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await row.click({ button: 'right' });
    const entry = page.getByRole('menuitem', { name: item }).first();
    if (!(await entry.waitFor({ timeout: 10000 }).then(() => true, () => false))) {
      await page.keyboard.press('Escape');
      continue;
    }
    await entry.hover();
    await page.keyboard.press('Enter');
    const frame = await frameWith(page, selector, timeout).catch(() => undefined);
    if (frame) return frame;
  }
  return undefined;
}

/**
 * A before hook (after usePage's): the UI session's sandbox Looker, added as a connection named `name` through the
 * workbench; `use` receives the sandbox.
 */
function useSandboxConnection(state, name, use) {
  before(async function () {
    const sb = getSession().sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    use(sb);
    await addConnection(state.page, sb, name);
  });
}

/**
 * The writes among the sandbox's logged requests (from index `from`): not GET, not a log-in or log-out, and not a
 * System Activity query (POST /queries/run/json reads; the tree's "Inactive > 90 days" may load one at any time).
 */
function writesSince(sb, from) {
  return sb.requests.slice(from).filter((r) => r.method !== 'GET' && r.op !== 'run_inline_query' && !/\/log(in|out)$/.test(r.path));
}

module.exports = {
  frameWith, fromContextMenu, until, useSandboxConnection, writesSince,
  answer, addConnection, detailsFrame, openUser, usePage, setSession, getSession, openWorkbench, openLookerView, lookerActivity, usersPane, runCommand, screenshot };
