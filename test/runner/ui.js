// Runs the Playwright scenarios of test/ui (mocha, in this process) against a running code-server workbench
// with the extension loaded from this checkout (extensionDevelopmentPath).
const fs = require('fs');
const os = require('os');
const path = require('path');
const Mocha = require('mocha');
const { ROOT } = require('./paths');
const { startCodeServer, workbenchUrl } = require('./codeServer');

const UI_DIR = path.join(ROOT, 'test', 'ui');

/**
 * @param {object} o
 * @param {object} o.cs
 * @param {string} o.label
 * @param {import('playwright-core').Browser} o.browser
 * @param {object} o.env           environment for code-server and the extension host
 * @param {object|null} o.sandbox  the sandbox handle (for scenarios that need it)
 * @param {string} o.resultsDir
 * @param {string} o.screenshotDir
 * @param {string} [o.grep]
 */
async function runUi(o) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-vsc-ui-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  // A LookML project in the workspace, for the CodeLens and hover scenarios.
  const lookml = path.join(ROOT, 'test', 'fixtures', 'lookml');
  if (fs.existsSync(lookml)) fs.cpSync(lookml, path.join(workspace, 'lookml'), { recursive: true });
  const countFile = path.join(tmp, 'counts.json');
  const slug = o.label.replace(/[^\w.]+/g, '-').replace(/^-|-$/g, '');
  let server;
  try {
    server = await startCodeServer({ cs: o.cs, stateDir: tmp, workspace, testDriver: true, env: o.env });
    const url = workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', ROOT],
      ['skipWelcome', 'true'],
    ]);
    // Required here (not at the top) so that the scenarios and this runner share one module instance.
    require(path.join(UI_DIR, 'workbench.js')).setSession({
      browser: o.browser,
      workbenchUrl: url,
      screenshotDir: o.screenshotDir,
      resultsDir: o.resultsDir,
      sandbox: o.sandbox,
      codeServer: server,
      workspace,
    });
    const mocha = new Mocha({
      ui: 'bdd',
      color: false,
      timeout: 60000,
      forbidOnly: true,
      reporter: path.join(ROOT, 'scripts', 'count-reporter.js'),
      reporterOptions: { countFile },
    });
    if (o.grep) mocha.grep(o.grep);
    for (const f of fs.readdirSync(UI_DIR).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(UI_DIR, f));
    const failures = await new Promise((resolve) => mocha.run(resolve));
    mocha.dispose();
    const counts = fs.existsSync(countFile) ? JSON.parse(fs.readFileSync(countFile, 'utf8')) : { passed: 0, failed: 1, pending: 0, failures: [] };
    if (failures > 0 || counts.failed > 0) server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
    return { ...counts, vscodeVersion: o.cs.vscode };
  } catch (err) {
    if (server) server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
    return { passed: 0, failed: 1, pending: 0, failures: [], error: String((err && err.message) || err) };
  } finally {
    if (server) await server.stop();
    if (process.env.KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { runUi, UI_DIR };
