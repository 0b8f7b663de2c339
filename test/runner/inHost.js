// Runs the mocha suites of out/test/vscode INSIDE code-server's real Node extension host.
// Chromium opens the workbench with ?payload=[extensionDevelopmentPath, extensionTestsPath]; VS Code's test driver
// forwards the host's output to window.codeAutomationLog and its exit code to window.codeAutomationExit.
// Counts come back through a result file whose path is passed in the environment (LOOKER_TEST_COUNT_FILE).
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const { ROOT } = require('./paths');
const { startCodeServer, workbenchUrl } = require('./codeServer');

// Workbench chatter that says nothing about our tests (no GitHub session in a sandboxed code-server).
// (and on 1.100, the renderer's own start-up lines and the unreachable extension gallery).
const NOISE = /^(\[AgentHost\b|\[AccountPolicyGate\]|\[reconnection-grace-time\]|Timed out waiting for authentication provider 'github'|Resolv(ing|ed) connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore:|getaddrinfo ENOTFOUND)/;
const TESTS_DIR = path.join(ROOT, 'out', 'test', 'vscode');

/**
 * @param {object} o
 * @param {object} o.cs            CODE_SERVERS entry
 * @param {string} o.label         run label, e.g. "VS Code 1.139.1 (in-host)"
 * @param {import('playwright-core').Browser} o.browser
 * @param {object} o.env           environment for the extension host (sandbox URL/credentials, grep …)
 * @param {string} o.resultsDir    where timeouts/failures leave a screenshot and the code-server log
 * @param {number} o.timeoutMs     the whole run, from page load to exit
 * @returns {Promise<{passed:number, failed:number, pending:number, failures:object[], vscodeVersion?:string, error?:string}>}
 */
async function runInHost(o) {
  if (!fs.existsSync(path.join(TESTS_DIR, 'index.js'))) {
    return { passed: 0, failed: 1, pending: 0, failures: [], error: `${path.relative(ROOT, TESTS_DIR)}/index.js missing: run \`npm run build:tests\`` };
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-vsc-host-'));
  const countFile = path.join(tmp, 'counts.json');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  const slug = o.label.replace(/[^\w.]+/g, '-').replace(/^-|-$/g, '');
  let server;
  let context;
  try {
    server = await startCodeServer({ cs: o.cs, stateDir: tmp, workspace, testDriver: true, env: { ...o.env, LOOKER_TEST_COUNT_FILE: countFile } });
    context = await o.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    let resolveExit;
    const exit = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (_level, args) => {
      const text = Array.isArray(args) ? util.format(...args) : String(args);
      if (NOISE.test(text) && process.env.VERBOSE !== '1') return;
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    const url = workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', ROOT],
      ['extensionTestsPath', TESTS_DIR],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), o.timeoutMs)));
    const serverDied = server.exited.then((c) => `code-server exited (${c})`);
    const outcome = await Promise.race([exit, timeout, serverDied]);
    clearTimeout(timer);
    if (typeof outcome !== 'number') {
      fs.mkdirSync(o.resultsDir, { recursive: true });
      const shot = path.join(o.resultsDir, `${slug}-hang.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
      const why = outcome === 'timeout' ? `no result after ${o.timeoutMs / 1000} s` : outcome;
      return { passed: 0, failed: 1, pending: 0, failures: [], error: `${why}; see ${path.relative(ROOT, shot)} and ${slug}-code-server.log in ${path.relative(ROOT, o.resultsDir)}/` };
    }
    let counts = null;
    if (fs.existsSync(countFile)) counts = JSON.parse(fs.readFileSync(countFile, 'utf8'));
    if (!counts) {
      server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
      return { passed: 0, failed: 1, pending: 0, failures: [], error: `the extension host exited with ${outcome} without reporting counts` };
    }
    if (counts.failed > 0 || outcome !== 0) {
      server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
      await page.screenshot({ path: path.join(o.resultsDir, `${slug}-end.png`) }).catch(() => {});
    }
    // An exit code of failure with zero failed tests (e.g. a crash in the runner) still counts as a failure.
    if (outcome !== 0 && !counts.failed) counts.failed = 1;
    return counts;
  } catch (err) {
    if (server) server.saveLog(path.join(o.resultsDir, `${slug}-code-server.log`));
    return { passed: 0, failed: 1, pending: 0, failures: [], error: String((err && err.message) || err) };
  } finally {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (process.env.KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { runInHost, TESTS_DIR };
