// UI scenario: a person opens the Looker activity-bar item with no connection saved yet.
const assert = require('assert');
const { openLookerView, runCommand, screenshot, usePage } = require('./workbench');

describe('Looker view without a connection (UI)', function () {
  this.timeout(120000);
  const state = usePage(this);
  let page;

  before(() => {
    page = state.page;
  });

  it('the activity-bar item opens the Users view with the welcome text and an Add Connection button', async () => {
    const pane = await openLookerView(page);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30000 });
    const text = await welcome.innerText();
    assert.match(text, /Connect to a Looker instance/);
    const button = welcome.locator('.monaco-button', { hasText: 'Add Connection' });
    assert.strictEqual(await button.count(), 1, 'one "Add Connection" button');
    assert.ok(await button.isVisible());
    await screenshot(page, 'users-view-welcome');
  });

  it('the Add Connection button asks for the instance URL in an input box', async () => {
    const pane = await openLookerView(page);
    await pane.locator('.welcome-view-content .monaco-button', { hasText: 'Add Connection' }).click();
    const box = page.locator('.quick-input-widget');
    // The first step of the add-connection flow: an input box titled "… Connection (1/N)" asking for the URL.
    await box.locator('.quick-input-title', { hasText: /Connection/ }).waitFor({ timeout: 30000 });
    assert.match(await box.locator('.quick-input-title').innerText(), /\(1\/\d+\)/);
    assert.match(await box.locator('input').inputValue(), /^https?:\/\//);
    await screenshot(page, 'add-connection-url');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden', timeout: 10000 });
  });

  it('Looker: Add Connection… from the command palette opens the same first step', async () => {
    await runCommand(page, 'Looker: Add Connection');
    const box = page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: /Connection/ }).waitFor({ timeout: 30000 });
    assert.match(await box.locator('.quick-input-title').innerText(), /\(1\/\d+\)/);
    assert.match(await box.locator('input').inputValue(), /^https?:\/\//);
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden', timeout: 10000 });
  });
});
