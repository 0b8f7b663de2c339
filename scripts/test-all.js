#!/usr/bin/env node
// Runs every test tier and ends with one line "N passed, N failed" summing all of them.
//   1. clean out/, then build: the extension bundle (esbuild) and the TypeScript tests (tsc -> out/)
//   2. unit: plain-Node mocha (unit tests and the sandbox Looker server's tests)
//   3. in-host, ui, smoke: real VS Code (code-server + headless Chromium), see test/runner/run.js
//   4. package: the .vsix
// A green run means every tier ran at least its minimum number of tests and none failed or was skipped:
//   - a pending (skipped) test counts as a failure (the pending count is printed beside its tier);
//   - a tier reporting fewer tests than its minimum (MIN_TESTS, including 0) adds one failure;
//   - a suite that crashes without reporting counts as one failure; an unknown tier name is an error.
//   - a filtering variable from outside (LOOKER_TEST_GREP, LOOKER_SANDBOX*, MOCHA_*) is not used and adds one failure.
// Usage: node scripts/test-all.js [tier ...]   (tiers: unit in-host ui smoke package; "vscode" = in-host ui smoke)
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

// The fewest tests each tier may report. Set a little below the counts of a full run; raise them when tests are
// added, never lower them to make a run pass.
const MIN_TESTS = {
  unit: 405,
  'in-host': 137,
  ui: 51,
  smoke: 6,
  package: 3,
};
const TIERS = Object.keys(MIN_TESTS);
const VSCODE_TIERS = ['in-host', 'ui', 'smoke'];

// Variables that would filter a tier or point it at another sandbox: a run takes none of them from outside.
const FILTERING_ENV = /^(LOOKER_TEST_GREP|LOOKER_SANDBOX\w*|MOCHA_\w+)$/;

function parseTiers(argv) {
  const chosen = new Set();
  for (const a of argv) {
    if (a === 'vscode') VSCODE_TIERS.forEach((t) => chosen.add(t));
    else if (TIERS.includes(a)) chosen.add(a);
    else {
      console.error(`unknown test tier "${a}" (known: ${TIERS.join(', ')}, vscode)`);
      console.log('0 passed, 1 failed');
      process.exit(2);
    }
  }
  return chosen.size ? TIERS.filter((t) => chosen.has(t)) : TIERS;
}

const tiers = parseTiers(process.argv.slice(2));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-users-test-'));
const baseEnv = {};
for (const [k, v] of Object.entries(process.env)) if (!FILTERING_ENV.test(k)) baseEnv[k] = v;
const dropped = Object.keys(process.env).filter((k) => FILTERING_ENV.test(k));
// They are not passed on (every tier still runs in full), and the run fails: a green run must mean the whole suite.
if (dropped.length) console.log(`(${dropped.join(', ')} set in the environment: not passed on, and the run fails — unset it; the runner decides what each tier runs)`);

/** Per tier: {passed, failed, pending, seconds, note?}; filled as tiers run. */
const results = new Map();

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...baseEnv, ...env } });
  return r.status === null ? 1 : r.status;
}

function record(tier, counts, seconds, note) {
  results.set(tier, { passed: counts.passed || 0, failed: counts.failed || 0, pending: counts.pending || 0, seconds, note });
}

/** Runs one command that reports one tier through COUNT_FILE (scripts/count-reporter.js). */
function mochaTier(tier, args) {
  const countFile = path.join(tmp, `${tier}.json`);
  const t0 = Date.now();
  console.log(`\n=== ${tier} ===`);
  const code = run(process.execPath, args, { COUNT_FILE: countFile });
  const counts = fs.existsSync(countFile) ? JSON.parse(fs.readFileSync(countFile, 'utf8')) : { passed: 0, failed: 0, pending: 0 };
  let note;
  // A non-zero exit with no reported failure (crash, timeout, build error, a `.only`) is a failure of its own.
  if (code !== 0 && !counts.failed) {
    counts.failed = 1;
    note = `exited with ${code} without reporting a failed test`;
  }
  record(tier, counts, (Date.now() - t0) / 1000, note);
}

/** The real-VS-Code tiers, in one run of test/runner/run.js (one browser for all of them). */
function vscodeTiers(chosen) {
  const runner = path.join(ROOT, 'test', 'runner', 'run.js');
  const t0 = Date.now();
  if (!fs.existsSync(runner)) {
    for (const t of chosen) record(t, { failed: 1 }, 0, `${path.relative(ROOT, runner)} is missing`);
    return;
  }
  const countFile = path.join(tmp, 'vscode.json');
  console.log(`\n=== ${chosen.join(', ')} ===`);
  const code = run(process.execPath, [runner, ...chosen.flatMap((t) => ['--tier', t])], { COUNT_FILE: countFile });
  const report = fs.existsSync(countFile) ? JSON.parse(fs.readFileSync(countFile, 'utf8')) : { runs: [] };
  const seconds = (Date.now() - t0) / 1000;
  for (const t of chosen) {
    const runs = (report.runs || []).filter((r) => r.tier === t);
    if (!runs.length) {
      record(t, { failed: 1 }, seconds, `the runner reported nothing for this tier (exit ${code})`);
      continue;
    }
    const sum = (k) => runs.reduce((n, r) => n + (r[k] || 0), 0);
    record(t, { passed: sum('passed'), failed: sum('failed'), pending: sum('pending') }, runs.reduce((n, r) => n + (r.seconds || 0), 0),
      runs.map((r) => r.error).filter(Boolean).join('; ') || undefined);
  }
  // Failures outside any tier (harness missing, watchdog, interrupted) land on the first chosen tier.
  const extra = (report.runs || []).filter((r) => !r.tier);
  if (extra.length || (code !== 0 && chosen.every((t) => !results.get(t).failed))) {
    const first = results.get(chosen[0]);
    first.failed += Math.max(1, extra.reduce((n, r) => n + (r.failed || 0), 0));
    first.note = [first.note, ...extra.map((r) => `${r.label}: ${r.error || 'failed'}`), code !== 0 && !extra.length ? `runner exited with ${code}` : '']
      .filter(Boolean).join('; ');
  }
}

// Compiled tests of a previous build must not run: a deleted or renamed test file would keep passing.
fs.rmSync(path.join(ROOT, 'out'), { recursive: true, force: true });
console.log('=== build ===');
const buildCode = run(process.execPath, ['esbuild.js']) || run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.test.json']);
let buildFailed = false;
if (buildCode !== 0) {
  buildFailed = true;
} else {
  const mocha = require.resolve('mocha/bin/mocha.js');
  if (tiers.includes('unit')) mochaTier('unit', [mocha]);
  const vs = tiers.filter((t) => VSCODE_TIERS.includes(t));
  if (vs.length) vscodeTiers(vs);
  // Last: it replaces dist/ with the production bundle to package and install the .vsix.
  if (tiers.includes('package')) {
    mochaTier('package', [mocha, '--no-config', '--forbid-only', '--timeout', '300000',
      '--reporter', path.join(ROOT, 'scripts/count-reporter.js'), 'test/package/*.test.js']);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

let passed = 0;
let failed = 0;
console.log('\n=== summary ===');
if (buildFailed) {
  failed += 1;
  console.log('build    failed');
}
if (dropped.length) {
  failed += 1;
  console.log(`env      failed  ✗ ${dropped.join(', ')} set from outside: a filtered run cannot be green`);
}
for (const t of tiers) {
  const r = results.get(t);
  if (!r) continue;
  const total = r.passed + r.failed + r.pending;
  const problems = [];
  let extraFailures = r.pending;
  if (r.pending) problems.push(`${r.pending} pending (skipped) test(s) count as failures`);
  if (total < MIN_TESTS[t]) {
    extraFailures += 1;
    problems.push(`${total} test(s) reported (a crash counts as one), fewer than this tier's minimum of ${MIN_TESTS[t]}`);
  }
  passed += r.passed;
  failed += r.failed + extraFailures;
  console.log(`${t.padEnd(8)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.pending).padStart(3)} pending`
    + `  (min ${MIN_TESTS[t]})  ${r.seconds.toFixed(1)} s`);
  for (const p of [r.note, ...problems].filter(Boolean)) console.log(`    ✗ ${p}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
