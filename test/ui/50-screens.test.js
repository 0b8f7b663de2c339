// UI scenarios behind the README's pictures: a bulk action's dry-run preview (cancelled there, nothing written) and
// the LookML CodeLens that counts who can access a model.
const assert = require('assert');
const { fromContextMenu, openLookerView, screenshot, usePage, useSandboxConnection, writesSince } = require('./workbench');

describe('bulk preview and LookML CodeLens (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;

  useSandboxConnection(state, 'Sandbox Screens', (s) => { sb = s; });

  it('Disable on three selected users shows a dry-run preview; Cancel writes nothing', async () => {
    const page = state.page;
    const pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await rows.nth(3).waitFor({ timeout: 30000 });
    // Select without opening a details tab (its focus would close the context menu): a right-click, then Shift-clicks.
    await rows.nth(1).click({ button: 'right' });
    await page.keyboard.press('Escape');
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await rows.nth(3).click({ modifiers: ['Shift'] });
    const before = sb.requests.length;
    const frame = await fromContextMenu(page, rows.nth(3), /Disable Users/, '#confirm');
    assert.ok(frame, 'the dry-run preview opened');
    await frame.locator('#cancel').waitFor();
    // Exactly the three selected users are to change: the "change" count says 3, nothing is skipped or impossible.
    const counts = await frame.locator('.counts .count').allInnerTexts();
    assert.strictEqual(counts.length, 3, counts.join(' | '));
    assert.match(counts[0], /:\s*3$/, `change count: ${counts[0]}`);
    assert.match(counts[1], /:\s*0$/, `skip count: ${counts[1]}`);
    assert.match(counts[2], /:\s*0$/, `impossible count: ${counts[2]}`);
    await screenshot(page, 'bulk-preview');
    await frame.locator('#cancel').click();
    // Cancel closes the preview: wait for that, then look at what reached the sandbox.
    await frame.locator('#cancel').waitFor({ state: 'detached', timeout: 30000 }).catch(async () => {
      assert.strictEqual(await frame.locator('#cancel').count().catch(() => 0), 0, 'the preview closed after Cancel');
    });
    const writes = writesSince(sb, before);
    assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.path}`), [], 'the dry run and the cancel wrote nothing');
  });

  it('a model file shows how many users can access the model', async () => {
    const page = state.page;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('thelook.model.lkml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'thelook.model.lkml' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration', { hasText: /users? can access/ }).first();
    await lens.waitFor({ timeout: 60000 });
    const text = await lens.innerText();
    const n = Number(/([\d,]+) users? can access/.exec(text)[1].replace(/,/g, ''));
    assert.ok(n > 0, text);
    // The README picture shows a plain model file (thelook.model.lkml is full of the scanner's edge cases).
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('finance.model.lkml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'finance.model.lkml' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'finance.model.lkml' }).waitFor({ timeout: 30000 });
    await page.locator('.codelens-decoration', { hasText: /users? can access/ }).first().waitFor({ timeout: 60000 });
    await screenshot(page, 'lookml-codelens');
  });
});
