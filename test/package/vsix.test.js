// The Marketplace package: built with @vscode/vsce from the production bundle, it contains only what runs, and
// installed into the real VS Code of the harness (not the development path) it activates, connects to the sandbox
// through the LOOKERSDK_* import and lists users.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { zipEntries } = require('./zip');

const ROOT = path.resolve(__dirname, '..', '..');
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/(readme\.md|changelog\.md|LICENSE\.txt|LICENSE)$/i,
  /^extension\/dist\/extension\.js$/,
  /^extension\/dist\/media\/[\w-]+\.js$/,
  /^extension\/media\/[\w-]+\.(css|svg|png)$/,
  /^extension\/media\/codicons\/codicon\.(css|ttf)$/,
  /^extension\/media\/walkthrough\/[\w-]+\.md$/,
  /^extension\/l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];

describe('the .vsix', function () {
  this.timeout(300000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-vsix-'));
  const vsix = path.join(tmp, 'looker-users.vsix');
  let entries = [];

  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: ROOT, encoding: 'utf8' });
    assert.strictEqual(build.status, 0, build.stderr);
    const r = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `vsce package failed:\n${r.stdout}\n${r.stderr}`);
    entries = zipEntries(vsix);
    console.log(`      .vsix: ${fs.statSync(vsix).size.toLocaleString('en-US')} bytes, ${entries.length} files`);
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('contains only what runs (no src, test, node_modules, source maps)', () => {
    const unexpected = entries.map((e) => e.name).filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepStrictEqual(unexpected, []);
    for (const must of ['extension/dist/extension.js', 'extension/package.json', 'extension/media/icon.png', 'extension/README.md', 'extension/l10n/bundle.l10n.json']) {
      assert.ok(entries.some((e) => e.name.toLowerCase() === must.toLowerCase()), `${must} is packaged`);
    }
    assert.ok(entries.some((e) => /^extension\/dist\/media\/details\.js$/.test(e.name)), 'the details page script is packaged');
  });

  it('ships the production bundle, with the test hooks compiled out', () => {
    const bundle = fs.readFileSync(path.join(ROOT, 'dist', 'extension.js'), 'utf8');
    assert.ok(!bundle.includes('sourceMappingURL'), 'no source map reference');
    assert.ok(!/\n {2,}/.test(bundle.slice(0, 5000)), 'minified');
    assert.ok(!bundle.includes('answers.shift'), 'modal test hook removed');
    assert.ok(!bundle.includes('dialogs:'), 'no test handle in the bundle');
  });

  it('installed into VS Code 1.139 from the .vsix, it connects to the sandbox and lists users; a hostile neighbour extension gets nothing', async () => {
    const { CODE_SERVERS, codeServerBin } = require('../runner/paths');
    const { startCodeServer, installExtension } = require('../runner/codeServer');
    const { launchBrowser } = require('../runner/browser');
    const { openWorkbench, openLookerView, screenshot } = require('../ui/workbench');
    const { startSandbox } = require('../sandbox');
    const cs = CODE_SERVERS.latest;
    assert.ok(fs.existsSync(codeServerBin(cs)), 'code-server is installed (npm install)');
    const state = path.join(tmp, 'cs');
    fs.mkdirSync(path.join(state, 'workspace'), { recursive: true });
    const sb = await startSandbox({ port: 0, users: 500, seed: 2 });
    const probeOut = path.join(tmp, 'probe.json');
    let server;
    let browser;
    try {
      installExtension(cs, { vsix, extensionsDir: path.join(state, 'extensions'), userDataDir: path.join(state, 'user-data'), stateDir: state });
      // A second extension beside ours (test/fixtures/probe-extension) tries what a hostile one would.
      const probeVsix = path.join(tmp, 'probe.vsix');
      const probeDir = path.join(ROOT, 'test', 'fixtures', 'probe-extension');
      const pr = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', probeVsix], { cwd: probeDir, encoding: 'utf8' });
      assert.strictEqual(pr.status, 0, `packaging the probe failed:\n${pr.stdout}\n${pr.stderr}`);
      installExtension(cs, { vsix: probeVsix, extensionsDir: path.join(state, 'extensions'), userDataDir: path.join(state, 'user-data'), stateDir: state });
      const installed = fs.readdirSync(path.join(state, 'extensions'));
      assert.ok(installed.some((d) => d.startsWith('looker-users-oss.looker-users-')), `installed: ${installed.join(', ')}`);
      server = await startCodeServer({
        cs,
        stateDir: state,
        workspace: path.join(state, 'workspace'),
        settings: { 'looker.environmentConnection': 'import' },
        env: { LOOKERSDK_BASE_URL: sb.url, LOOKERSDK_CLIENT_ID: sb.clientId, LOOKERSDK_CLIENT_SECRET: sb.clientSecret, LOOKER_PROBE_OUT: probeOut },
      });
      browser = await launchBrowser();
      const page = await openWorkbench(browser, `${server.url}?folder=${encodeURIComponent(path.join(state, 'workspace'))}`);
      const pane = await openLookerView(page);
      const active = pane.locator('.monaco-list-row', { hasText: /^Active/ }).first();
      await active.waitFor({ timeout: 60000 });
      const text = await active.innerText();
      const expected = sb.db.users.filter((u) => !u.is_disabled && !(u.credentials_embed || []).length && !u.is_service_account).length;
      assert.match(text.replace(/,/g, ''), new RegExp(`Active\\s*${expected}\\b`));
      await pane.locator('.monaco-list-row').nth(3).waitFor({ timeout: 30000 });
      await screenshot(page, 'vsix-installed', path.join(ROOT, 'test-results'));
      assert.ok(sb.requests.some((r) => r.op === 'search_users'), 'the installed extension searched the sandbox');

      // Connected: now the probe attacks two active users.
      const victims = sb.db.users.filter((u) => !u.is_disabled && Number(u.id) > 20).slice(0, 2).map((u) => String(u.id));
      const before = sb.requests.length;
      fs.writeFileSync(`${probeOut}.go`, JSON.stringify(victims));
      const deadline = Date.now() + 90000;
      while (!fs.existsSync(probeOut) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(fs.existsSync(probeOut), 'the probe extension reported');
      const probe = JSON.parse(fs.readFileSync(probeOut, 'utf8'));
      assert.strictEqual(probe.error, undefined, probe.error);
      assert.strictEqual(probe.found, true, 'the probe sees Looker Users installed');
      assert.strictEqual(probe.exportsType, 'undefined', `exports reach nothing (got ${probe.exportsType}: ${probe.keys})`);
      assert.strictEqual(probe.commands.length, 6, probe.commands.join('\n'));
      const writes = sb.requests.slice(before).filter((r) => r.method !== 'GET' && !/\/log(in|out)$/.test(r.path));
      assert.deepStrictEqual(writes.map((r) => `${r.method} ${r.path}`), [], `no write reached Looker; the probe saw:\n${probe.commands.join('\n')}`);
      for (const id of victims) {
        const u = sb.db.users.find((x) => String(x.id) === id);
        assert.ok(u && !u.is_disabled, `user ${id} is still there and enabled`);
      }
      assert.ok(!fs.existsSync(`${probeOut}.csv`), 'no export file written without the save dialog');
    } finally {
      if (browser) await browser.close();
      if (server) await server.stop();
      await sb.close();
    }
  });
});
