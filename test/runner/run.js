#!/usr/bin/env node
// The real-VS-Code test tiers (called by scripts/test-all.js; needs `npm run compile` and `npm run build:tests` first):
//   1. VS Code 1.139.1 (code-server 4.139.1, Node 24): every in-host suite of test/vscode
//   2. VS Code 1.139.1: the Playwright scenarios of test/ui, in headless Chromium
//   3. VS Code 1.100.3 (code-server 4.100.3, Node 20, the engines.vscode floor): the in-host tests titled @smoke
// Each run gets a fresh sandbox Looker server (test/sandbox, when present) and a fresh code-server on free 127.0.0.1
// ports; everything it started is stopped at the end. Writes {passed, failed, runs[]} to $COUNT_FILE; exit 1 on failure.
//
// Options: --tier in-host|ui|smoke (repeatable; default all three)  --screenshots DIR (UI screenshots, default
// test-results/screenshots)  --grep TEXT (only matching tests)
// Environment: LOOKER_VSCODE_RUN_TIMEOUT_MS (per in-host run, default 600000), LOOKER_VSCODE_TOTAL_TIMEOUT_MS
// (watchdog for everything, default 1800000), VERBOSE=1 (code-server output), KEEP_TMP=1, CHROMIUM_BIN,
// LOOKER_TEST_DELIBERATE_FAIL=1 (adds a failing in-host test, to prove failures fail the build).
// Only --grep filters: LOOKER_TEST_GREP from the outer environment is ignored (the runner sets or clears it for each
// tier), and the sandbox is always this checkout's test/sandbox (a missing sandbox fails the tier). A tier that runs
// no test at all fails; scripts/test-all.js also holds each tier to a minimum count.
const fs = require('fs');
const path = require('path');
const { ROOT, CODE_SERVERS, codeServerBin } = require('./paths');
const { launchBrowser } = require('./browser');
const { runInHost } = require('./inHost');
const { runUi } = require('./ui');
const { stopAllServers } = require('./codeServer');

const RESULTS_DIR = path.join(ROOT, 'test-results');

function parseArgs(argv) {
  const o = { tiers: [], screenshots: path.join(RESULTS_DIR, 'screenshots'), grep: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tier') o.tiers.push(argv[++i]);
    else if (a === '--screenshots') o.screenshots = path.resolve(argv[++i]);
    else if (a === '--grep') o.grep = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.tiers.length) o.tiers = ['in-host', 'ui', 'smoke'];
  for (const t of o.tiers) if (!['in-host', 'ui', 'smoke'].includes(t)) throw new Error(`unknown tier ${t}`);
  return o;
}

/** Starts this checkout's sandbox Looker server; throws (failing the tier) when it is missing. */
async function startSandbox() {
  const file = path.join(ROOT, 'test', 'sandbox', 'index.js');
  if (!fs.existsSync(file)) throw new Error(`the sandbox Looker server ${path.relative(ROOT, file)} is missing`);
  const { startSandbox: start } = require(file);
  return start({ port: 0, users: 2000, seed: 1 });
}

function sandboxEnv(sandbox) {
  return {
    LOOKER_SANDBOX_URL: sandbox.url,
    LOOKER_SANDBOX_CLIENT_ID: sandbox.clientId,
    LOOKER_SANDBOX_CLIENT_SECRET: sandbox.clientSecret,
  };
}

function writeCounts(results) {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const pending = results.reduce((n, r) => n + (r.pending || 0), 0);
  if (process.env.COUNT_FILE) {
    const runs = results.map((r) => ({ tier: r.tier, label: r.label, passed: r.passed, failed: r.failed, pending: r.pending || 0, seconds: r.seconds, error: r.error }));
    fs.writeFileSync(process.env.COUNT_FILE, JSON.stringify({ passed, failed, pending, runs }));
  }
  return { passed, failed, pending };
}

async function main() {
  delete process.env.LOOKER_TEST_GREP;
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const results = [];
  const cleanups = new Set();
  const cleanup = async () => {
    await stopAllServers();
    for (const fn of [...cleanups].reverse()) await fn().catch(() => {});
    cleanups.clear();
  };
  const finish = async (code) => {
    await cleanup();
    const { passed, failed, pending } = writeCounts(results);
    console.log('\n--- real VS Code tiers ---');
    for (const r of results) {
      const v = r.vscodeVersion ? `  (ran on VS Code ${r.vscodeVersion}${r.nodeVersion ? `, Node ${r.nodeVersion}` : ''})` : '';
      console.log(`${r.label.padEnd(34)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.pending || 0).padStart(3)} pending  ${r.seconds.toFixed(1)} s${v}`);
      if (r.error) console.log(`    ${r.error}`);
      for (const f of r.failures || []) console.log(`    ✗ ${f.title}: ${f.error}`);
    }
    console.log(`vscode: ${passed} passed, ${failed} failed, ${pending} pending in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.exit(code !== undefined ? code : failed + pending > 0 ? 1 : 0);
  };

  const totalTimeout = Number(process.env.LOOKER_VSCODE_TOTAL_TIMEOUT_MS || 30 * 60000);
  const watchdog = setTimeout(() => {
    console.error(`[vscode] watchdog: still running after ${totalTimeout / 1000} s, stopping everything`);
    results.push({ label: 'watchdog', passed: 0, failed: 1, seconds: totalTimeout / 1000, error: 'total timeout' });
    finish(1);
  }, totalTimeout);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      results.push({ label: `interrupted (${sig})`, passed: 0, failed: 1, seconds: 0 });
      finish(1);
    });
  }

  const missing = Object.values(CODE_SERVERS).filter((cs) => !fs.existsSync(codeServerBin(cs)));
  if (missing.length) {
    results.push({ label: 'harness', passed: 0, failed: 1, seconds: 0, error: `code-server ${missing.map((c) => c.version).join(', ')} not installed: run \`npm install\` (scripts/install-vscode-test.js)` });
    return finish();
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
    results.push({ label: 'harness', passed: 0, failed: 1, seconds: 0, error: 'dist/extension.js missing: run `npm run compile`' });
    return finish();
  }

  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    results.push({ label: 'harness', passed: 0, failed: 1, seconds: 0, error: `Chromium did not start: ${err.message}` });
    return finish();
  }
  cleanups.add(() => browser.close());

  const runTimeout = Number(process.env.LOOKER_VSCODE_RUN_TIMEOUT_MS || 10 * 60000);
  const grep = (p) => (p.tier === 'smoke' ? '@smoke' : opts.grep);
  const plan = [
    { tier: 'in-host', cs: CODE_SERVERS.latest, label: `VS Code ${CODE_SERVERS.latest.vscode} (in-host)` },
    { tier: 'ui', cs: CODE_SERVERS.latest, label: `VS Code ${CODE_SERVERS.latest.vscode} (ui)` },
    { tier: 'smoke', cs: CODE_SERVERS.minimum, label: `VS Code ${CODE_SERVERS.minimum.vscode} (in-host, smoke)` },
  ].filter((p) => opts.tiers.includes(p.tier));

  for (const p of plan) {
    const t = Date.now();
    console.log(`\n=== ${p.label} ===`);
    let sandbox = null;
    let result;
    const closeSandbox = async () => {
      cleanups.delete(closeSandbox);
      if (sandbox) await sandbox.close();
    };
    try {
      sandbox = await startSandbox();
      cleanups.add(closeSandbox);
      const env = sandboxEnv(sandbox);
      if (p.tier === 'ui') {
        result = await runUi({ cs: p.cs, label: p.label, browser, env: { ...env, LOOKER_TEST_GREP: '' }, sandbox, resultsDir: RESULTS_DIR, screenshotDir: opts.screenshots, grep: opts.grep });
      } else {
        // Set or cleared here, never inherited: the outer environment cannot narrow a tier.
        result = await runInHost({ cs: p.cs, label: p.label, browser, env: { ...env, LOOKER_TEST_GREP: grep(p) || '' }, resultsDir: RESULTS_DIR, timeoutMs: runTimeout });
      }
      const ran = (result.passed || 0) + (result.failed || 0) + (result.pending || 0);
      if (ran === 0) result = { ...result, failed: 1, error: [result.error, `no test ran${grep(p) ? ` (grep "${grep(p)}" matched nothing)` : ''}`].filter(Boolean).join('; ') };
    } catch (err) {
      result = { passed: 0, failed: 1, failures: [], error: String((err && err.message) || err) };
    }
    await closeSandbox().catch(() => {});
    results.push({ ...result, tier: p.tier, label: p.label, seconds: (Date.now() - t) / 1000 });
  }
  clearTimeout(watchdog);
  return finish();
}

main().catch((err) => {
  console.error(err);
  if (process.env.COUNT_FILE) fs.writeFileSync(process.env.COUNT_FILE, JSON.stringify({ passed: 0, failed: 1, runs: [] }));
  process.exit(1);
});
