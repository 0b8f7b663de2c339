// Scale benchmark: the same tasks on sandboxes of several sizes (10,000 and 100,000 users by default), ours against a
// naive baseline in the same run, with the API calls each task costs (the sandbox logs every request with its
// operation; /__sandbox/requests). The sandbox runs in a child process so that the heap figures are the client's only.
//   const { benchScale } = require('./scale'); await benchScale({ users: 100000, tmp })
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { listAllUsers } = require('./naive');

const ROOT = path.resolve(__dirname, '..');

/** Starts `test/sandbox/cli.js` in a child process; resolves with its URL, keys and a stop function. */
function startChildSandbox(users) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', path.join(ROOT, 'test/sandbox/cli.js'), '--port', '0', '--users', String(users), '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(out.slice(0, nl));
      resolve({
        url: info.url,
        clientId: info.client_id,
        clientSecret: info.client_secret,
        stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }),
      });
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code} before it was ready`)));
  });
}

async function control(sb, method, what) {
  const res = await fetch(`${sb.url}/__sandbox/${what}`, { method });
  return res.status === 204 ? undefined : res.json();
}

/** API calls logged by the sandbox since the last clear, by operation id (login excluded: it is counted apart). */
async function calls(sb) {
  const log = await control(sb, 'GET', 'requests');
  await control(sb, 'DELETE', 'requests');
  const byOp = {};
  for (const r of log) byOp[r.op ?? r.apiPath] = (byOp[r.op ?? r.apiPath] ?? 0) + 1;
  const total = log.filter((r) => r.op !== 'login').length;
  return { total, byOp };
}

const gc = () => { if (global.gc) { global.gc(); global.gc(); } };
const heapUsed = () => process.memoryUsage().heapUsed;

/**
 * Peak live heap of `fn`: `probe()` (called by `fn` at its own checkpoints: after each page, after the whole list,
 * after the CSV string) collects garbage and reads the heap, so the figure is what the task holds, not garbage that
 * happens not to be collected yet. Resolves with fn's result, that peak above the start, and the time taken.
 */
async function withPeakHeap(fn) {
  gc();
  const base = heapUsed();
  let peak = base;
  let gcMs = 0;
  const probe = () => {
    const g = performance.now();
    gc();
    peak = Math.max(peak, heapUsed());
    gcMs += performance.now() - g;
  };
  const t0 = performance.now();
  const result = await fn(probe);
  probe();
  return { result, peakMB: (peak - base) / 1048576, ms: performance.now() - t0 - gcMs };
}

/** The pages of `source`, with `probe()` after each one. */
async function* probed(source, probe) {
  for await (const page of source) {
    yield page;
    probe();
  }
}

/**
 * `details`: out/src/details/reads.js (what opening a user's details reads; names come from per-connection caches);
 * `plan`: out/src/bulk/plan.js (the dry run).
 * @param {{ users: number, tmp: string, LookerClient: any, status: any, exportMod: any, csv: any, details?: any, plan?: any }} o
 * @returns {Promise<Record<string, { ours: number, naive: number, unit: string, callsOurs?: number, callsNaive?: number }>>}
 */
async function benchScale(o) {
  const { users: N, tmp, LookerClient, status, exportMod, csv } = o;
  const t = performance.now();
  const sb = await startChildSandbox(N);
  console.log(`  (${N.toLocaleString('en-US')}-user sandbox seeded in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  const figures = {};
  const client = new LookerClient(
    { id: 'bench', name: 'bench', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 600 },
    { getSecret: async () => sb.clientSecret },
  );
  try {
    await client.me('id');
    await calls(sb);
    const groups = status.USER_GROUPS.map((g) => status.groupFilter(g));
    const pageSize = 100;

    // 1. first view of every status group: one search page per group, in parallel
    let t0 = performance.now();
    const first = await Promise.all(groups.map((f) => client.searchUsers({ ...f, sorts: 'last_name,first_name', fields: status.TREE_USER_FIELDS, limit: pageSize, offset: 0 })));
    const firstMs = performance.now() - t0;
    const firstCalls = await calls(sb);
    t0 = performance.now();
    const naiveAll = await listAllUsers(client);
    const naiveFirstMs = performance.now() - t0;
    const naiveFirstCalls = await calls(sb);
    figures.firstView = { ours: firstMs, naive: naiveFirstMs, unit: 'ms', callsOurs: firstCalls.total, callsNaive: naiveFirstCalls.total, groups: groups.length };
    const total = naiveAll.items.length;

    // 2. heap per loaded user: every user of every group, narrowed and classified (what the tree keeps), vs full objects
    gc();
    let h0 = heapUsed();
    const loaded = [];
    for (let gi = 0; gi < groups.length; gi++) {
      for (let off = 0; off < (first[gi].total ?? 0); off += 1000) {
        const p = await client.searchUsers({ ...groups[gi], sorts: 'id', fields: status.TREE_USER_FIELDS, limit: 1000, offset: off });
        for (const u of p.items) loaded.push({ user: u, status: status.classifyUser(u, Date.now()) });
      }
    }
    gc();
    const oursBytes = (heapUsed() - h0) / Math.max(1, loaded.length);
    await calls(sb);
    loaded.length = 0;
    gc();
    h0 = heapUsed();
    const full = (await listAllUsers(client)).items;
    gc();
    const naiveBytes = (heapUsed() - h0) / Math.max(1, full.length);
    full.length = 0;
    await calls(sb);
    figures.heapPerUser = { ours: oursBytes, naive: naiveBytes, unit: 'B/user' };

    // 3. a search on a large group: free text "a" among active users, first page with its total
    t0 = performance.now();
    const found = await client.searchUsersNames('%a%', { fields: status.TREE_USER_FIELDS, limit: pageSize, offset: 0, sorts: 'last_name,first_name' });
    const searchMs = performance.now() - t0;
    const searchCalls = await calls(sb);
    t0 = performance.now();
    const everyone = (await listAllUsers(client)).items;
    const naiveMatches = everyone.filter((u) => /a/i.test(`${u.first_name ?? ''}\n${u.last_name ?? ''}\n${u.email ?? ''}`)).length;
    const naiveSearchMs = performance.now() - t0;
    everyone.length = 0;
    const naiveSearchCalls = await calls(sb);
    figures.search = { ours: searchMs, naive: naiveSearchMs, unit: 'ms', callsOurs: searchCalls.total, callsNaive: naiveSearchCalls.total, matches: found.total ?? naiveMatches };

    // 4. open a user's details: what happens before the person acts (the attribute values are read when asked:
    // one call more), vs one read per thing shown (the user, its sessions, roles, group names, attribute values and
    // the lockout list)
    if (o.details) {
      const id = String(Math.max(3, Math.floor(N / 2)));
      t0 = performance.now();
      const settled = await o.details.openReads(client, id);
      const ms = performance.now() - t0;
      if (settled.some((r) => r.status === 'rejected')) console.log(`  !! a details read failed: ${settled.find((r) => r.status === 'rejected').reason}`);
      const dCalls = await calls(sb);
      await o.details.attributeValues(client, id);
      const aCalls = await calls(sb);
      t0 = performance.now();
      await Promise.all([
        client.user(id),
        client.userSessions(id),
        client.userRoles(id),
        client.allGroups({ fields: 'id,name' }),
        client.userAttributeValues(id, { all_values: true, include_unset: true }),
        client.allLoginLockouts(),
      ]);
      const naiveMs = performance.now() - t0;
      const nCalls = await calls(sb);
      figures.details = { ours: ms, naive: naiveMs, unit: 'ms', callsOurs: dCalls.total, callsNaive: nCalls.total, callsShowAttributes: aCalls.total };
    }

    // 4b. dry run of a change for an explicit selection of every user (ids, not a group): users read 1,000 ids a
    // request, vs 100 ids a request (the client before issue 20)
    if (o.plan) {
      const ids = Array.from({ length: total }, (_, i) => String(i + 1));
      t0 = performance.now();
      const plan = await o.plan.planJob(client, 'forcePasswordReset', {}, ids, { apiUserId: '1' });
      const planMs = performance.now() - t0;
      const pCalls = await calls(sb);
      t0 = performance.now();
      for (let i = 0; i < ids.length; i += 100) await client.allUsers(ids.slice(i, i + 100), o.plan.PLAN_USER_FIELDS);
      const naivePlanMs = performance.now() - t0;
      const npCalls = await calls(sb);
      figures.plan = { ours: planMs, naive: naivePlanMs, unit: 'ms', callsOurs: pCalls.total, callsNaive: npCalls.total, users: plan.items.length };
    }

    // 5. export every user to disk: streamed pages of 1,000 with only the exported fields vs every full user in memory, then one string
    const paths = ['id', 'first_name', 'last_name', 'email', 'is_disabled', 'credentials_email.logged_in_at'];
    const fields = csv.apiFields(paths);
    const oursFile = path.join(tmp, `export-${N}-ours.csv`);
    const ex = await withPeakHeap((probe) => exportMod.writeUsers(oursFile, probed(exportMod.pages((offset, limit) => client.searchUsers({ fields, sorts: 'id', limit, offset })), probe), paths, 'csv'));
    const exCalls = await calls(sb);
    const naiveFile = path.join(tmp, `export-${N}-naive.csv`);
    const nex = await withPeakHeap(async (probe) => {
      const all = (await listAllUsers(client)).items;
      probe();
      const text = csv.usersToCsv(all, paths);
      probe();
      fs.writeFileSync(naiveFile, text);
      return all.length;
    });
    const nexCalls = await calls(sb);
    if (ex.result !== total || nex.result !== total) console.log(`  !! export wrote ${ex.result} / ${nex.result} of ${total} users`);
    figures.exportTime = { ours: ex.ms, naive: nex.ms, unit: 'ms', callsOurs: exCalls.total, callsNaive: nexCalls.total, users: ex.result };
    figures.exportPeakHeap = { ours: ex.peakMB, naive: nex.peakMB, unit: 'MB' };
    fs.rmSync(oursFile, { force: true });
    fs.rmSync(naiveFile, { force: true });
    figures.users = total;
  } finally {
    client.dispose();
    await sb.stop();
  }
  return figures;
}

module.exports = { benchScale, startChildSandbox, calls };
