#!/usr/bin/env node
// `npm run demo`: the extension working in a real VS Code in one step.
//   1. builds the extension (production bundle) and packages it as a .vsix (vsce)
//   2. starts the sandbox Looker server with 2,000 seeded users
//   3. installs the .vsix into a fresh code-server (VS Code 1.139) and starts it on 127.0.0.1 with
//      LOOKERSDK_* = the sandbox and "looker.environmentConnection": "import", so the extension saves the connection
//      through its own add-connection path (secret into SecretStorage) on activation
//   4. registers the extension's OAuth app in the sandbox ("Sign in with Looker", redirect 127.0.0.1:7779 or a free
//      port written to looker.oauth.redirectPort), so both ways to connect work: the imported API key, and
//      Add Connection → "Sign in with Looker" (sandbox page: any seeded email, password printed below)
//   5. prints the URL to open; Ctrl-C stops code-server and the sandbox.
// Environment: LOOKER_SANDBOX_MODULE (another module exporting startSandbox; default test/sandbox/index.js).
// Options: --port N (default 8080, or a free one when taken)  --no-build (reuse dist/)
//          --screenshot FILE (open the Looker view in headless Chromium, save a screenshot, stop: a self-check)
//          --sign-in-only (no API-key import: the Users view starts empty, connect with "Sign in with Looker")
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, CACHE, CODE_SERVERS, codeServerBin } = require('../test/runner/paths');
const { startCodeServer, stopAllServers, installExtension, freePort, portIsFree } = require('../test/runner/codeServer');

const DEMO_DIR = path.join(CACHE, 'demo');
const CS = CODE_SERVERS.latest;

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function step(msg) {
  console.log(`[demo] ${msg}`);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${path.basename(args[0] || cmd)} failed (exit ${r.status})`);
}

function buildVsix() {
  const vsix = path.join(DEMO_DIR, 'looker-users.vsix');
  if (!process.argv.includes('--no-build')) {
    step('building the extension …');
    run(process.execPath, ['esbuild.js', '--production']);
  }
  step('packaging the .vsix …');
  run(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix]);
  return vsix;
}

// Everything this script started, stopped in reverse order (only these PIDs: code-server's own process group, the sandbox).
const stops = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await stopAllServers();
  process.exit(code);
}

async function main() {
  if (!fs.existsSync(codeServerBin(CS))) throw new Error(`code-server ${CS.version} is not installed: run \`npm install\``);
  const sandboxIndex = process.env.LOOKER_SANDBOX_MODULE ? path.resolve(process.env.LOOKER_SANDBOX_MODULE) : path.join(ROOT, 'test', 'sandbox', 'index.js');
  if (!fs.existsSync(sandboxIndex)) throw new Error('the sandbox Looker server (test/sandbox/index.js) is missing');

  fs.rmSync(DEMO_DIR, { recursive: true, force: true }); // a fresh profile each time: the connection is re-imported
  const workspace = path.join(DEMO_DIR, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const vsix = buildVsix();

  process.on('SIGINT', () => {
    console.log('\n[demo] stopping …');
    stopAll(0);
  });
  process.on('SIGTERM', () => stopAll(0));

  step('starting the sandbox Looker server (2,000 users) …');
  const { startSandbox } = require(sandboxIndex);
  const sandbox = await startSandbox({ port: 0, users: 2000, seed: 1 });
  stops.push(() => sandbox.close());
  step(`sandbox: ${sandbox.url}`);

  const userDataDir = path.join(DEMO_DIR, 'user-data');
  const extensionsDir = path.join(DEMO_DIR, 'extensions');
  step(`installing the .vsix into code-server ${CS.version} …`);
  installExtension(CS, { vsix, extensionsDir, userDataDir, stateDir: DEMO_DIR });

  const signInOnly = process.argv.includes('--sign-in-only');
  const redirectPort = (await portIsFree(7779)) ? 7779 : await freePort();
  const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
  sandbox.oauth.register({ client_guid: 'looker-users-vscode', redirect_uri: redirectUri, display_name: 'Looker Users for VS Code',
    description: 'User administration from Visual Studio Code' });

  const wanted = Number(arg('port') || process.env.PORT || 8080);
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  step(`starting code-server ${CS.version} (VS Code ${CS.vscode}) …`);
  const server = await startCodeServer({
    cs: CS,
    stateDir: DEMO_DIR,
    workspace,
    port,
    settings: { 'looker.environmentConnection': signInOnly ? 'ignore' : 'import', 'looker.oauth.redirectPort': redirectPort },
    env: signInOnly ? {} : {
      LOOKERSDK_BASE_URL: sandbox.url,
      LOOKERSDK_CLIENT_ID: sandbox.clientId,
      LOOKERSDK_CLIENT_SECRET: sandbox.clientSecret,
    },
  });
  stops.push(() => server.stop());
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;

  const shot = arg('screenshot');
  if (shot) {
    const code = await screenshotCheck(url, path.resolve(shot), server);
    return stopAll(code);
  }
  server.exited.then((c) => {
    if (!stopping) {
      console.error(`[demo] code-server exited (${c}); its log:\n${server.log()}`);
      stopAll(1);
    }
  });
  console.log(`\n  Looker Users demo is running (VS Code ${CS.vscode}, sandbox with 2,000 users).\n`);
  console.log(`  Open ${url}`);
  console.log('  then click the Looker icon in the activity bar.\n');
  console.log('  Two ways to connect:');
  console.log(signInOnly
    ? '   - API key: Add Connection with the sandbox URL and the admin key printed by `npm run sandbox` (not imported: --sign-in-only)'
    : `   - API key: already connected (imported from LOOKERSDK_*: admin key of "Api Admin")`);
  console.log(`   - Sign in with Looker: "Looker: Add Connection", enter ${sandbox.url}, press the globe button ("Sign in with Looker"),`);
  console.log(`     keep the client ID, then sign in on the page that opens as priya.raman@brightlane.io (admin) or`);
  console.log(`     api.reader@brightlane.io (not an admin), password "${sandbox.oauth.password}", and press Allow.`);
  console.log(`     The OAuth app is registered with redirect URI ${redirectUri}.\n`);
  console.log('  Ctrl-C stops code-server and the sandbox.\n');
}

/** Self-check: opens the demo in headless Chromium, waits for users in the Looker view, saves a screenshot. */
async function screenshotCheck(url, file, server) {
  const { launchBrowser } = require('../test/runner/browser');
  const { openWorkbench, openLookerView, screenshot } = require('../test/ui/workbench');
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, url);
    const pane = await openLookerView(page);
    const rows = pane.locator('.monaco-list-row');
    await rows.first().waitFor({ timeout: 60000 });
    // Expand the first group when the tree starts collapsed, so that users show.
    const first = rows.first();
    if ((await first.getAttribute('aria-expanded')) === 'false') await first.click();
    await rows.nth(3).waitFor({ timeout: 60000 });
    const texts = await rows.allInnerTexts();
    console.log(`[demo] Looker view rows: ${JSON.stringify(texts.slice(0, 8))}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await screenshot(page, path.basename(file, '.png'), path.dirname(file));
    step(`screenshot: ${path.relative(ROOT, file)}`);
    return 0;
  } catch (err) {
    console.error(`[demo] self-check failed: ${err.message}`);
    server.saveLog(path.join(ROOT, 'test-results', 'demo-code-server.log'));
    return 1;
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`[demo] ${err && err.message ? err.message : err}`);
  stopAll(1);
});
