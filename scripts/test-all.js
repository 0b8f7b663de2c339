#!/usr/bin/env node
// Runs every test suite and ends with one line "N passed, N failed" summing all of them.
//   1. build: the extension bundle (esbuild) and the TypeScript tests (tsc -> out/)
//   2. plain-Node suites (mocha): unit tests and the sandbox Looker server's tests
//   3. real VS Code suites (code-server + headless Chromium): see test/runner/run.js
// A suite that crashes without reporting counts as one failure.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const only = process.argv.slice(2); // optional suite names: unit, vscode
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-users-test-'));
const results = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === null ? 1 : r.status;
}

function suite(name, cmd, args) {
  if (only.length && !only.includes(name)) return;
  const countFile = path.join(tmp, `${name}.json`);
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const code = run(cmd, args, { COUNT_FILE: countFile });
  let counts = { passed: 0, failed: 0 };
  if (fs.existsSync(countFile)) counts = JSON.parse(fs.readFileSync(countFile, 'utf8'));
  // A non-zero exit with no reported failure (crash, timeout, build error) is a failure of its own.
  if (code !== 0 && !counts.failed) counts.failed = 1;
  results.push({ name, ...counts, seconds: (Date.now() - t0) / 1000 });
}

console.log('=== build ===');
const buildCode = run(process.execPath, ['esbuild.js']) || run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.test.json']);
if (buildCode !== 0) {
  results.push({ name: 'build', passed: 0, failed: 1, seconds: 0 });
} else {
  suite('unit', process.execPath, [require.resolve('mocha/bin/mocha.js')]);
  if (fs.existsSync(path.join(ROOT, 'test/runner/run.js'))) {
    suite('vscode', process.execPath, [path.join(ROOT, 'test/runner/run.js')]);
  }
  // Last: it replaces dist/ with the production bundle to package and install the .vsix.
  suite('package', process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--timeout', '300000',
    '--reporter', path.join(ROOT, 'scripts/count-reporter.js'), 'test/package/*.test.js']);
}
fs.rmSync(tmp, { recursive: true, force: true });

let passed = 0;
let failed = 0;
console.log('\n=== summary ===');
for (const r of results) {
  passed += r.passed;
  failed += r.failed;
  const extra = r.runs ? `  [${r.runs.map((x) => `${x.label}: ${x.passed} passed, ${x.failed} failed`).join('; ')}]` : '';
  console.log(`${r.name.padEnd(8)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)} s${extra}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
