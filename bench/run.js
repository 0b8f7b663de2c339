#!/usr/bin/env node
// `npm run bench`: the project's speed and size figures next to a naive baseline measured in the same run, and the
// ratio. Prints a table and writes bench/results.json. Targets are printed beside each figure; nothing here is a
// pass/fail test (the tests assert behaviour, never timings).
//   node bench/run.js [--skip-bulk] [--skip-host] [--scales 10000,100000]
const { execFileSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const esbuild = require('esbuild');
const { listAllUsers } = require('./naive');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const skipBulk = args.includes('--skip-bulk');
/** Instance sizes of the scale section (`--scales 10000,100000`). */
const SCALES = (args.includes('--scales') ? args[args.indexOf('--scales') + 1] : '10000,100000').split(',').map(Number).filter((n) => n > 0);

const rows = [];
const row = (name, ours, naive, unit, target, note) => {
  const ratio = typeof ours === 'number' && typeof naive === 'number' && naive ? ours / naive : undefined;
  rows.push({ name, ours, naive, unit, ratio, target, note });
  console.log(`  ${name}: ${fmt(ours)} ${unit} vs ${fmt(naive)} ${unit}${ratio !== undefined ? ` (×${ratio.toFixed(3)})` : ''}  target ${target}`);
};
const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2)) : String(v ?? '—'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function build() {
  console.log('building (production bundle + compiled modules)…');
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.test.json'], { cwd: ROOT, stdio: 'inherit' });
}

/** The naive way: bundle Looker40SDK + NodeSession the default way (CommonJS, nothing tree-shaken). */
async function naiveBundle(dir) {
  const entry = path.join(dir, 'naive.js');
  fs.writeFileSync(entry, [
    "const { Looker40SDK } = require('@looker/sdk');",
    "const { ApiSettings, AuthSession, BrowserTransport } = require('@looker/sdk-rtl');",
    'exports.activate = () => { const s = new ApiSettings({ base_url: "https://example.looker.com" });',
    '  const sdk = new Looker40SDK(new (class extends AuthSession { isAuthenticated() { return false; } })(s, new BrowserTransport(s)));',
    '  return { sdk }; };',
  ].join('\n'));
  const out = path.join(dir, 'naive.bundle.js');
  await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, nodePaths: [path.join(ROOT, 'node_modules')], logLevel: 'silent' });
  return out;
}

function withVscodeStub(fn) {
  const stub = path.join(__dirname, 'vscode-stub.js');
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return stub;
    return orig.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    Module._resolveFilename = orig;
  }
}

function timeActivate(file, n = 20) {
  const times = [];
  for (let i = 0; i < n; i++) {
    for (const k of Object.keys(require.cache)) if (k === file || k.endsWith('vscode-stub.js')) delete require.cache[k];
    const t0 = process.hrtime.bigint();
    withVscodeStub(() => {
      const m = require(file);
      const s = require(path.join(__dirname, 'vscode-stub.js')).__stub;
      const fixed = {
        subscriptions: [], globalStorageUri: { fsPath: os.tmpdir() }, extensionUri: { fsPath: ROOT }, extensionPath: ROOT,
        extension: { packageJSON: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) },
      };
      const ctx = new Proxy(fixed, { get: (t, p) => (p in t ? t[p] : s(String(p))) });
      m.activate(ctx);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Server-side time (request parsed → response written, from the sandbox's log) of 30 search pages; the median resists a busy machine. */
async function sandboxSearchSpeed(sb) {
  const login = await fetch(`${sb.url}/api/4.0/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sb.clientId, client_secret: sb.clientSecret }).toString() });
  const { access_token: token } = await login.json();
  const queries = [
    { email: '%@brightlane.io', limit: '100', offset: '500', sorts: 'last_name, first_name', fields: 'id,first_name,last_name,email,is_disabled' },
    { first_name: 'mar%', filter_or: 'true', last_name: 'mar%', limit: '100' },
    { is_disabled: 'false', embed_user: 'false', limit: '100', offset: '4000', sorts: 'id desc' },
  ];
  const get = async (q) => {
    const res = await fetch(`${sb.url}/api/4.0/users/search?${new URLSearchParams(q)}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`search answered ${res.status}`);
    await res.arrayBuffer();
  };
  for (const q of queries) await get(q); // warm caches
  sb.clearLog();
  for (let i = 0; i < 30; i++) await get(queries[i % queries.length]);
  return { searchMedianMs: median(sb.requests.map((r) => Number(r.ms))) };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-bench-'));
  build();
  const { startSandbox } = require(path.join(ROOT, 'test/sandbox'));
  const { LookerClient } = require(path.join(ROOT, 'out/src/looker/client.js'));
  const status = withVscodeStub(() => require(path.join(ROOT, 'out/src/users/status.js')));
  const results = { time: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows };

  console.log('\nbundle and activation');
  const ours = path.join(ROOT, 'dist/extension.js');
  const naive = await naiveBundle(tmp);
  row('dist/extension.js size (minified, the whole extension, loaded at activation)', fs.statSync(ours).size, fs.statSync(naive).size, 'B', '≤ 120 KB', 'naive = Looker40SDK bundled the default (CommonJS) way');
  row('activation: require + activate(), median of 20', timeActivate(ours), timeActivate(naive), 'ms', '≤ 30 ms', 'outside VS Code, with a no-op vscode module');

  if (!args.includes('--skip-host')) {
    console.log('\nin the real extension host (code-server, headless Chromium; median of 3 fresh starts)');
    const { benchHost } = require('./host.js');
    const h = await benchHost({ runs: 3, users: 10000 });
    results.host = h;
    row(`activate() inside VS Code ${h.vscode}'s extension host`, h.activateMs, undefined, 'ms', '≤ 30 ms', 'the extension\'s own "Activated in" log line; nothing activates it before the view opens');
    row('click on the Looker view → first user rows on screen', h.toRowsMs, undefined, 'ms', '—', 'includes importing and testing the LOOKERSDK_* connection on a 10,000-user sandbox');
  }

  const client = (sb, onRequest) => new LookerClient(
    { id: 'bench', name: 'bench', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 60 },
    { getSecret: async () => sb.clientSecret, onRequest },
  );

  console.log('\nfirst page (2,000-user sandbox)');
  {
    const sb = await startSandbox({ port: 0, users: 2000, seed: 1 });
    try {
      let bytes = 0;
      let requests = 0;
      const c = client(sb, (i) => { if (i.path.startsWith('/users')) { requests++; bytes += i.bytes ?? 0; } });
      await c.me('id');
      await c.searchUsersNames('%an%', { fields: status.TREE_USER_FIELDS, limit: 100, offset: 0 });
      const searchBytes = bytes;
      const searchRequests = requests;
      bytes = 0; requests = 0;
      await listAllUsers(c);
      row('search, first page: requests', searchRequests, requests, 'requests', '1', 'naive = all_users with full objects');
      row('search, first page: bytes', searchBytes, bytes, 'B', '≤ 15 % of naive');
      c.dispose();
    } finally {
      await sb.close();
    }
  }

  console.log(`\nscale: ${SCALES.map((n) => n.toLocaleString('en-US')).join(' and ')} users`);
  {
    const { benchScale } = require('./scale.js');
    const exportMod = require(path.join(ROOT, 'out/src/bulk/export.js'));
    const csv = require(path.join(ROOT, 'out/src/bulk/csv.js'));
    const details = require(path.join(ROOT, 'out/src/details/reads.js'));
    const plan = require(path.join(ROOT, 'out/src/bulk/plan.js'));
    results.scale = {};
    for (const n of SCALES) {
      console.log(`\n${n.toLocaleString('en-US')} users`);
      const f = await benchScale({ users: n, tmp, LookerClient, status, exportMod, csv, details, plan });
      results.scale[n] = f;
      const label = `${(n / 1000).toLocaleString('en-US')}k`;
      row(`${label}: time to first view of all ${f.firstView.groups} status groups`, f.firstView.ours, f.firstView.naive, 'ms', '≤ 300 ms', 'naive = all_users, full objects');
      row(`${label}: calls for the first view`, f.firstView.callsOurs, f.firstView.callsNaive, 'calls', 'one per visible group', 'naive = 1 huge call');
      row(`${label}: heap per loaded user`, f.heapPerUser.ours, f.heapPerUser.naive, 'B/user', '—', 'narrowed + classified vs full objects');
      row(`${label}: search on a large group (first page)`, f.search.ours, f.search.naive, 'ms', '≤ 300 ms', `${f.search.matches.toLocaleString('en-US')} matches; naive = all_users filtered on the client`);
      row(`${label}: calls for a search`, f.search.callsOurs, f.search.callsNaive, 'calls', '1', '');
      if (f.details) {
        row(`${label}: open a user's details`, f.details.ours, f.details.naive, 'ms', '—', '');
        row(`${label}: calls to open a user's details`, f.details.callsOurs, f.details.callsNaive, 'calls', '≤ 3', `attribute values when asked for: ${f.details.callsShowAttributes} more; naive = one read per thing shown`);
      }
      if (f.plan) {
        row(`${label}: dry run for ${f.plan.users.toLocaleString('en-US')} selected users`, f.plan.ours, f.plan.naive, 'ms', '—', 'explicit ids; naive = 100 ids a request');
        row(`${label}: calls for that dry run`, f.plan.callsOurs, f.plan.callsNaive, 'calls', `⌈N / 1000⌉ + 2 = ${Math.ceil(f.plan.users / 1000) + 2}`, '');
      }
      row(`${label}: export every user to CSV on disk`, f.exportTime.ours, f.exportTime.naive, 'ms', '—', `${f.exportTime.users.toLocaleString('en-US')} users; naive = all in memory, one string`);
      row(`${label}: calls for the export`, f.exportTime.callsOurs, f.exportTime.callsNaive, 'calls', `⌈N / 1000⌉ = ${Math.ceil(n / 1000)}`, '');
      row(`${label}: export peak heap`, f.exportPeakHeap.ours, f.exportPeakHeap.naive, 'MB', '100k ≤ 1.5 × 10k', '');
    }
    const [small, big] = SCALES;
    if (results.scale[small] && results.scale[big]) {
      const a = results.scale[small];
      const b = results.scale[big];
      results.growth = {};
      console.log(`\ngrowth from ${small.toLocaleString('en-US')} to ${big.toLocaleString('en-US')} users (×${big / small} users)`);
      for (const k of ['firstView', 'heapPerUser', 'search', 'details', 'plan', 'exportTime', 'exportPeakHeap']) {
        if (!a[k] || !b[k]) continue;
        results.growth[k] = { ours: b[k].ours / a[k].ours, naive: b[k].naive / a[k].naive };
        row(`growth ${small / 1000}k → ${big / 1000}k: ${k}`, results.growth[k].ours, results.growth[k].naive, '×', k === 'exportPeakHeap' ? '≤ 1.5' : '—', '');
      }
      const chart = require('./chart.js');
      fs.writeFileSync(path.join(__dirname, 'scale.svg'), chart.scaleChart(results.scale, SCALES));
      await chart.svgToPng(path.join(__dirname, 'scale.svg'), path.join(__dirname, 'scale.png'));
      console.log('  written: bench/scale.svg and bench/scale.png');
    }
  }

  console.log('\nthe sandbox itself (10,000 users)');
  {
    const sb = await startSandbox({ port: 0, users: 10000, seed: 1 });
    try {
      // Server-side time of a filtered, sorted search page (moved here from the tests).
      const { searchMedianMs } = await sandboxSearchSpeed(sb);
      row('sandbox: server time per filtered, sorted search page (median of 30)', searchMedianMs, undefined, 'ms', '< 15 ms', '10,000 users');
    } finally {
      await sb.close();
    }
  }

  console.log('\nsearch query parser');
  {
    const { parseQuery } = withVscodeStub(() => require(path.join(ROOT, 'out/src/users/query.js')));
    const inputs = [
      Array.from({ length: 40000 }, (_, i) => `w${i}`).join(' '),
      'first:a '.repeat(20000),
      '"' + 'x'.repeat(300000),
      'k'.repeat(300000) + ':1',
    ];
    const t0 = performance.now();
    for (const q of inputs) parseQuery(q);
    row('query parse: four very long inputs (40,000 words, 20,000 keys, 300,000-char quote and key)', performance.now() - t0, undefined, 'ms', '< 2 s', 'was a timed assertion in test/unit/users/query.test.ts');
  }

  if (!skipBulk) {
    console.log('\nbulk force-reset, 1,000 users at 20 requests/s');
    const { benchBulk } = require('./bulk.js');
    const b = await benchBulk({ startSandbox, users: 1000, rps: 20 });
    row('bulk: users reset', 1000 - b.ours.failures, 1000 - b.naive.failures, 'users', '1,000 (0 failures)', 'naive = sequential Looker40SDK loop, no pacing');
    row('bulk: total time', b.ours.ms, b.naive.ms, 'ms', '', `rate-limit floor ${b.floorMs} ms`);
    row('bulk: time ÷ rate-limit floor', b.ours.ms / b.floorMs, b.naive.ms / b.floorMs, '×', '≤ 1.2', 'the naive loop is fast only because most of its requests were refused');
    results.bulk = b;
  }

  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\n| figure | ours | naive | ratio | target |\n|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.naive)} ${r.unit} | ${r.ratio !== undefined ? '×' + r.ratio.toFixed(3) : ''} | ${r.target} |`);
  require('./readme.js').updateReadme(results);
  console.log('\nwritten: bench/results.json and the table in README.md');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
