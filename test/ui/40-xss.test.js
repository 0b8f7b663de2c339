// XSS corpus: 34 payloads put by the sandbox into names, emails, user-attribute values and web-session fields, then
// rendered by the real workbench (tree) and the details webview in Chromium. Nothing executes (the flag every payload
// would set stays unset), the text shows as text, and no Content-Security-Policy violation is reported.
const assert = require('assert');
const { addConnection, answer, detailsFrame, getSession, openLookerView, openUser, runCommand, screenshot, usePage } = require('./workbench');

const F = 'window.__xss=1';
const PAYLOADS = [
  `<script>${F}</script>`,
  `<img src=x onerror="${F}">`,
  `<svg onload=${F}>`,
  `<svg><script>${F}</script></svg>`,
  `<iframe src="javascript:${F}"></iframe>`,
  `<a href="javascript:${F}">click</a>`,
  `javascript:${F}`,
  `<body onload=${F}>`,
  `<input autofocus onfocus=${F}>`,
  `<details open ontoggle=${F}>`,
  `<video><source onerror="${F}"></video>`,
  `<audio src=x onerror=${F}>`,
  `<marquee onstart=${F}>`,
  `<object data="javascript:${F}">`,
  `<embed src="javascript:${F}">`,
  `<math><mtext><img src=x onerror=${F}></mtext></math>`,
  `"><img src=x onerror=${F}>`,
  `'><svg/onload=${F}>`,
  `</textarea><script>${F}</script>`,
  `</title><script>${F}</script>`,
  `&lt;img src=x onerror=${F}&gt;`,
  `&#60;script&#62;${F}&#60;/script&#62;`,
  `\\u003cimg src=x onerror=${F}\\u003e`,
  `<img src=x onerror=&#x77;&#x69;&#x6e;&#x64;&#x6f;&#x77;.__xss=1>`,
  `<style>@import 'javascript:${F}';</style>`,
  `<link rel=stylesheet href="javascript:${F}">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${F}">`,
  `<form action="javascript:${F}"><button>go</button></form>`,
  `{{constructor.constructor('${F}')()}}`,
  `\${${F}}`,
  `\u202Egnp.exe<img src=x onerror=${F}>`,
  `[x](javascript:${F}) **bold** <b>b</b>`,
  `<img src=x onerror=${F}>`.repeat(20),
  `${'A'.repeat(400)}<svg onload=${F}>`,
];
const FIRST_ID = 100;

describe('XSS corpus in the tree and the details webview (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;
  const consoleLines = [];

  before(async function () {
    sb = getSession().sandbox;
    if (!sb) throw new Error('no sandbox Looker server in the UI session (test/runner/run.js starts one)');
    assert.ok(PAYLOADS.length >= 30);
    PAYLOADS.forEach((p, i) => {
      const u = sb.db.users.find((x) => x.id === String(FIRST_ID + i));
      u.first_name = p;
      u.last_name = `Corpus${i}`;
      if (u.credentials_email) u.credentials_email.email = `xss${i}+${p.slice(0, 40)}@brightlane.io`;
      sb.db.touch(u); // the sandbox's search index follows the change
    });
    const target = sb.db.users.find((x) => x.id === String(FIRST_ID));
    target.attribute_values['5'] = PAYLOADS[1];
    target.attribute_values['6'] = PAYLOADS[2];
    target.attribute_values['9'] = PAYLOADS[5];
    target.sessions = PAYLOADS.slice(0, 4).map((p, i) => ({
      id: `9${i}`, ip_address: p, browser: p, operating_system: PAYLOADS[i + 4], city: PAYLOADS[i + 8], state: p, country: PAYLOADS[i + 12],
      credentials_type: 'email', extended_at: null, extended_count: 0, sudo_user_id: null,
      created_at: '2026-07-01T10:00:00.000Z', expires_at: '2026-12-01T10:00:00.000Z',
    }));
    state.page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await addConnection(state.page, sb, 'Sandbox XSS');
  });

  it('tree rows show every payload as plain text and run nothing', async () => {
    const page = state.page;
    await runCommand(page, 'Looker: Search Users');
    await answer(page, 'last:Corpus%', /Search Looker Users/);
    const pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row[aria-level="2"]');
    await pane.locator('.monaco-list-row[aria-level="2"][aria-label*="Corpus"]').first().waitFor({ timeout: 30000 });
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || ''));
    assert.ok(labels.some((l) => l.includes('<script>window.__xss=1</script>')), 'the <script> payload is shown literally');
    const rendered = await pane.evaluate((el) => ({ imgs: el.querySelectorAll('.monaco-list-row img').length, svgs: el.querySelectorAll('.monaco-list-row svg:not(.codicon)').length }));
    assert.deepStrictEqual(rendered, { imgs: 0, svgs: 0 });
    // hover a row: the markdown tooltip escapes the payload too
    // The tooltip really opened (else nothing was tested): it names the user's ID (spaces come as no-break spaces).
    const tip = page.locator('.monaco-hover, .workbench-hover, [role="tooltip"]').filter({ hasText: /ID\s\d+/ }).first();
    const box = await rows.nth(1).boundingBox();
    for (let i = 0; i < 20 && !(await tip.isVisible()); i++) {
      // Move within the row (a hover shows after the pointer rests on it).
      await page.mouse.move(box.x + 20 + (i % 5) * 10, box.y + box.height / 2);
      await tip.waitFor({ state: 'visible', timeout: 1500 }).catch(() => {});
    }
    if (!(await tip.isVisible())) {
      const hovers = await page.evaluate(() => [...document.querySelectorAll('[class*="hover"]')].map((e) => `${e.className}: ${(e.textContent || '').slice(0, 80)}`).slice(0, 20));
      assert.fail(`no tooltip over the row; hover-ish elements: ${JSON.stringify(hovers)}`);
    }
    assert.deepStrictEqual(await tip.evaluate((el) => ({
      elements: el.querySelectorAll('img, script, iframe, svg:not(.codicon), object, embed').length,
      handlers: [...el.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    })), { elements: 0, handlers: 0 });
    assert.strictEqual(await page.evaluate(() => window.__xss), undefined);
    await screenshot(page, 'xss-tree', getSession().resultsDir);
  });

  it('the details page of users with payloads in every field renders text and runs nothing', async () => {
    const page = state.page;
    for (const i of [0, 1, 2, 4, 6, 16, 21, 28, 30, 33]) {
      await openUser(page, String(FIRST_ID + i));
      const frame = await detailsFrame(page, `${PAYLOADS[i]} Corpus${i}`);
      const r = await frame.evaluate(() => {
        const app = document.getElementById('app') || document.body;
        return {
          xss: window.__xss,
          dangerous: [...app.querySelectorAll('script, img, svg:not(.codicon), iframe, object, embed, video, audio, marquee, math, form:not(#profile-form), input[autofocus], details[ontoggle], link, meta, style')].map((e) => e.outerHTML.slice(0, 120)),
          handlers: [...app.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
          jsLinks: app.querySelectorAll('a[href^="javascript"]').length,
          title: document.getElementById('user-title').textContent,
        };
      });
      assert.strictEqual(r.xss, undefined, `payload ${i} executed`);
      assert.deepStrictEqual(r.dangerous, [], `payload ${i} produced elements`);
      assert.strictEqual(r.handlers, 0, `payload ${i} produced event-handler attributes`);
      assert.strictEqual(r.jsLinks, 0);
      assert.strictEqual(r.title, `${PAYLOADS[i]} Corpus${i}`, 'the name is shown as text, exactly');
    }
    // user FIRST_ID carries payloads in its sessions and attribute values too: they are on the page as text
    await openUser(page, String(FIRST_ID)); // reveals its panel again
    const frame = await detailsFrame(page, `${PAYLOADS[0]} Corpus0`);
    await frame.locator('#show-attributes').click({ timeout: 15000 });
    await frame.locator('#attributes tbody tr').first().waitFor({ timeout: 15000 });
    const shown = await frame.evaluate(() => {
      const app = document.getElementById('attributes');
      return {
        xss: window.__xss,
        dangerous: [...app.querySelectorAll('script, img, svg:not(.codicon), iframe, object, embed, link, meta, style')].map((e) => e.outerHTML.slice(0, 120)),
        handlers: [...app.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      };
    });
    assert.deepStrictEqual(shown, { xss: undefined, dangerous: [], handlers: 0 }, 'attribute values shown on request render as text');
    const text = await frame.evaluate(() => document.body.innerText);
    assert.ok(text.includes(PAYLOADS[8].slice(0, 20)), 'a session field payload is shown as text');
    assert.ok(text.includes(PAYLOADS[2]), 'an attribute value payload is shown as text');
    await screenshot(page, 'xss-details', getSession().resultsDir);
  });

  it('no Content-Security-Policy violation was reported and the flag is unset everywhere', async () => {
    const page = state.page;
    const flags = await Promise.all(page.frames().map((f) => f.evaluate(() => window.__xss).catch(() => undefined)));
    assert.deepStrictEqual(flags.filter((x) => x !== undefined), []);
    const csp = consoleLines.filter((l) => /Content Security Policy|Refused to (execute|load|apply|evaluate|connect|frame)/i.test(l));
    assert.deepStrictEqual(csp, []);
  });

  it('control: the detector does see a CSP violation inside the details webview', async () => {
    const page = state.page;
    await openUser(page, String(FIRST_ID));
    const frame = await detailsFrame(page, `${PAYLOADS[0]} Corpus0`);
    const before = consoleLines.length;
    const ran = await frame.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__probe = 1';
      document.body.appendChild(s);
      return window.__probe;
    });
    assert.strictEqual(ran, undefined, 'the page CSP blocks an injected inline script');
    const end = Date.now() + 5000;
    while (Date.now() < end && !consoleLines.slice(before).some((l) => /Content Security Policy|Refused to execute/i.test(l))) await page.waitForTimeout(100);
    assert.ok(consoleLines.slice(before).some((l) => /Content Security Policy|Refused to execute/i.test(l)), 'the violation reached the console listener');
  });

  after(async () => {
    if (state.page) await runCommand(state.page, 'Looker: Clear Search').catch(() => {});
  });
});
