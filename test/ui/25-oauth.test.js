// UI scenario: a person adds a connection with "Sign in with Looker", completes the sandbox's sign-in page in the
// browser tab VS Code opened, sees the Users view load and the account in the Accounts menu, then signs out there.
const assert = require('assert');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { getSession, openLookerView, runCommand, screenshot, usePage } = require('./workbench');

const GUID = 'looker-users-vscode';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The Accounts item of the activity bar. */
function accountsButton(page) {
  return page.locator('.activitybar .action-item a[aria-label^="Accounts"], .activitybar .action-item[aria-label^="Accounts"], .activitybar .codicon-accounts-view-bar-icon').first();
}

async function openAccountsMenu(page) {
  await accountsButton(page).click();
  const menu = page.locator('.monaco-menu').last();
  await menu.waitFor({ timeout: 15000 });
  return menu;
}

describe('Sign in with Looker (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let page;
  let sb;
  let port;

  before(async function () {
    sb = getSession().sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    page = state.page;
    // The admin registered the extension with this VS Code's redirect URI (looker.oauth.redirectPort).
    port = await freePort();
    const settingsFile = path.join(getSession().codeServer.userDataDir || path.join(getSession().codeServer.stateDir, 'user-data'), 'User', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    settings['looker.oauth.redirectPort'] = port;
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    await page.waitForTimeout(2000);
    sb.oauth.register({ client_guid: GUID, redirect_uri: `http://127.0.0.1:${port}/callback`, display_name: 'Looker Users for VS Code' });
  });

  it('adds a connection by signing in in the browser; the users load and the account is in the Accounts menu', async () => {
    const pane = await openLookerView(page);
    await runCommand(page, 'Looker: Add Connection');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: /\(1\/4\)/ }).waitFor({ timeout: 30000 });
    await box.locator('input').first().fill(sb.url);
    // The URL step's title bar offers "Sign in with Looker" instead of an API key.
    await box.locator('.quick-input-titlebar [aria-label^="Sign in with Looker"], .quick-input-titlebar [title^="Sign in with Looker"]').first().click();
    await box.locator('.quick-input-title', { hasText: /\(2\/3\)/ }).waitFor({ timeout: 30000 });
    assert.strictEqual(await box.locator('input').first().inputValue(), GUID, 'the default client ID is offered');
    await page.keyboard.press('Enter');
    await box.locator('.quick-input-title', { hasText: /\(3\/3\)/ }).waitFor({ timeout: 30000 });
    const tab = page.context().waitForEvent('page', { timeout: 60000 });
    await box.locator('input').first().fill('Sandbox OAuth');
    await page.keyboard.press('Enter');

    // VS Code opened the instance's sign-in page in a new browser tab.
    const signIn = await tab;
    await signIn.waitForLoadState();
    const asked = new URL(signIn.url()).searchParams.get('redirect_uri');
    if (asked !== `http://127.0.0.1:${port}/callback`) {
      // The settings file was rewritten before VS Code read our port (it writes it when a connection is saved): the
      // admin registers the redirect URI this VS Code really uses, and the person reloads the page.
      port = Number(new URL(asked).port);
      sb.oauth.register({ client_guid: GUID, redirect_uri: asked, display_name: 'Looker Users for VS Code' });
      await signIn.reload();
    }
    // code-server hands localhost addresses to the browser through its port proxy (/proxy/PORT/); a real instance
    // is opened as it is.
    const url = new URL(signIn.url());
    assert.ok(url.href.startsWith(`${sb.url}/auth?`) || url.pathname === `/proxy/${new URL(sb.url).port}/auth`, url.href);
    assert.strictEqual(url.searchParams.get('code_challenge_method'), 'S256');
    assert.strictEqual(url.searchParams.get('redirect_uri'), `http://127.0.0.1:${port}/callback`);
    await signIn.locator('#email').fill('priya.raman@brightlane.io');
    await signIn.locator('#password').fill(sb.oauth.password);
    await screenshot(signIn, 'oauth-sign-in-page');
    await signIn.locator('button[value="allow"]').click();
    await signIn.locator('text=You are signed in to Looker').waitFor({ timeout: 30000 });
    await signIn.close();

    await page.locator('.statusbar-item', { hasText: 'Sandbox OAuth' }).first().waitFor({ timeout: 60000 });
    // The rows of the new connection (a connection of an earlier scenario may show its rows until the switch).
    await pane.locator('.monaco-list-row').filter({ hasText: /^Active\s*[\d,]+/ }).first().waitFor({ timeout: 60000 });
    const rows = await pane.locator('.monaco-list-row').allInnerTexts();
    assert.ok(rows.some((t) => /^Active\s*[\d,]+/.test(t)), `rows: ${rows.slice(0, 5).join(' | ')}`);
    assert.ok(sb.oauth.tokenLog.some((e) => e.grant === 'authorization_code' && e.status === 200), 'the code was exchanged');

    const menu = await openAccountsMenu(page);
    await menu.locator('.action-label', { hasText: /Priya Raman on Sandbox OAuth/ }).first().waitFor({ timeout: 30000 });
    await screenshot(page, 'oauth-accounts-menu');
    await page.keyboard.press('Escape');
  });

  it('signing out from the Accounts menu ends the session and removes the stored sign-in', async () => {
    const menu = await openAccountsMenu(page);
    const account = menu.locator('.action-label', { hasText: /Priya Raman on Sandbox OAuth/ }).first();
    await account.hover();
    // Hover focuses the submenu item, Enter runs it (a click can land while the submenu is still being laid out).
    const signOut = page.locator('.monaco-menu .action-label', { hasText: /^Sign Out$/ }).last();
    await signOut.waitFor();
    await signOut.hover();
    await page.keyboard.press('Enter');
    // VS Code asks to confirm the sign-out.
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.waitFor({ timeout: 10000 }).then(() => true, () => false)) {
      await dialog.locator('.monaco-button', { hasText: /Sign Out/ }).first().click();
    }
    // The Users view now offers to sign in again.
    const pane = await openLookerView(page);
    await pane.locator('.monaco-list-row', { hasText: /sign-in of .* has ended|Sign in with Looker again/ }).first().waitFor({ timeout: 60000 });
    // After a reload the account is gone: the refresh token is no longer in SecretStorage.
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await openLookerView(page);
    await page.waitForTimeout(2000);
    const again = await openAccountsMenu(page);
    const labels = await again.locator('.action-label').allInnerTexts();
    assert.ok(!labels.some((l) => /Sandbox OAuth/.test(l)), `accounts after sign-out: ${labels.join(' | ')}`);
    await page.keyboard.press('Escape');
  });
});
