// Activation in the real extension host (code-server, VS Code 1.139, headless Chromium): the extension is loaded as
// a development extension in an empty workspace, so nothing activates it until a person opens the Looker view. The
// bench clicks the activity-bar item and measures until the first user rows are on screen; the extension's own
// "Activated in … ms" line (activate() inside the host) is read from its Output log file. LOOKERSDK_* point at a
// sandbox and `looker.environmentConnection` is "import", so activation also imports and tests that connection,
// as a first start with those variables set would.
//   const { benchHost } = require('./host'); await benchHost({ runs: 3, users: 10000 })
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function findFiles(dir, re, out = []) {
  for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

async function oneRun({ browser, cs, sandbox }) {
  const { startCodeServer, workbenchUrl } = require(path.join(ROOT, 'test/runner/codeServer.js'));
  const { lookerActivity, usersPane } = require(path.join(ROOT, 'test/ui/workbench.js'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-bench-host-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  let server;
  let context;
  try {
    server = await startCodeServer({
      cs,
      stateDir: tmp,
      workspace,
      testDriver: true,
      settings: { 'looker.environmentConnection': 'import' },
      env: { LOOKERSDK_BASE_URL: sandbox.url, LOOKERSDK_CLIENT_ID: sandbox.clientId, LOOKERSDK_CLIENT_SECRET: sandbox.clientSecret },
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(workbenchUrl(server, workspace, [['extensionDevelopmentPath', ROOT], ['skipWelcome', 'true']]));
    const item = lookerActivity(page);
    await item.waitFor({ timeout: 120000 });
    // Let the extension host finish its own start-up (built-in eager extensions such as git) so that the click
    // measures our extension, not the host's queue: its log says "Eager extensions activated".
    const logs = path.join(tmp, 'user-data', 'logs');
    const hostReady = () => findFiles(logs, /exthost\.log$/).some((f) => fs.readFileSync(f, 'utf8').includes('Eager extensions activated'));
    for (let i = 0; i < 1200 && !hostReady(); i++) await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await item.click();
    const firstUserRow = usersPane(page).locator('.monaco-list-row[aria-level="2"]').first();
    await firstUserRow.waitFor({ timeout: 120000 });
    const toRows = Date.now() - t0;
    // The Output log file of the extension ("Looker"), written by the host.
    let activateMs;
    for (let i = 0; i < 50 && activateMs === undefined; i++) {
      for (const f of findFiles(logs, /Looker\.log$/)) {
        const m = /Activated in ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8'));
        if (m) activateMs = Number(m[1]);
      }
      if (activateMs === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    return { toRows, activateMs };
  } finally {
    await context?.close().catch(() => {});
    await server?.stop().catch(() => {});
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log('kept', tmp);
  }
}

/** Median figures over `runs` fresh code-server starts. */
async function benchHost({ runs = 3, users = 10000 } = {}) {
  const { CODE_SERVERS, codeServerBin } = require(path.join(ROOT, 'test/runner/paths.js'));
  const cs = CODE_SERVERS.latest;
  if (!fs.existsSync(codeServerBin(cs))) throw new Error('code-server is not installed: run `npm install`');
  const { launchBrowser } = require(path.join(ROOT, 'test/runner/browser.js'));
  const { startSandbox } = require(path.join(ROOT, 'test/sandbox'));
  const sandbox = await startSandbox({ port: 0, users, seed: 1 });
  const browser = await launchBrowser();
  const all = [];
  try {
    for (let i = 0; i < runs; i++) all.push(await oneRun({ browser, cs, sandbox }));
  } finally {
    await browser.close().catch(() => {});
    await sandbox.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const act = all.map((r) => r.activateMs).filter((v) => typeof v === 'number');
  return { vscode: cs.vscode, runs: all, toRowsMs: median(all.map((r) => r.toRows)), activateMs: act.length ? median(act) : undefined };
}

module.exports = { benchHost };
