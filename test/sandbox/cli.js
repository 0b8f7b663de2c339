#!/usr/bin/env node
// @ts-check
// npm run sandbox -- --port 0 --users 2000 --seed 1 [--token-ttl S] [--rate-limit RPS] [--burst N] [--latency MS]
//                    [--share-503 0.1] [--share-drop 0.05] [--looker-version 26.12|24.20] [--verbose]
// Prints ONE JSON line when ready: {"url":…,"client_id":…,"client_secret":…,"non_admin":{"client_id":…,"client_secret":…}}
// and serves until SIGINT/SIGTERM.
const { startSandbox } = require('./index');

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, string>} */
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument: ${argv[i]}`);
    if (m[2] !== undefined) a[m[1]] = m[2];
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a[m[1]] = argv[++i];
    else a[m[1]] = 'true';
  }
  return a;
}

/** @param {Record<string, string>} a @param {string} k @param {number} d */
function num(a, k, d) {
  if (a[k] === undefined) return d;
  const n = Number(a[k]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a non-negative number`);
  return n;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const known = ['port', 'users', 'seed', 'token-ttl', 'rate-limit', 'burst', 'latency', 'share-503', 'share-drop', 'looker-version', 'verbose'];
  for (const k of Object.keys(a)) if (!known.includes(k)) throw new Error(`unknown option --${k} (known: ${known.map((x) => `--${x}`).join(' ')})`);
  const rps = num(a, 'rate-limit', 0);
  const sb = await startSandbox({
    port: num(a, 'port', 0),
    users: num(a, 'users', 2000),
    seed: num(a, 'seed', 1),
    tokenTtlSeconds: num(a, 'token-ttl', 3600),
    rateLimit: rps > 0 ? { requestsPerSecond: rps, burst: num(a, 'burst', Math.max(1, rps)) } : null,
    latencyMs: num(a, 'latency', 0),
    share503: num(a, 'share-503', 0),
    shareDrop: num(a, 'share-drop', 0),
    quiet: a.verbose !== 'true',
    lookerVersion: a['looker-version'],
  });
  process.stdout.write(`${JSON.stringify({ url: sb.url, client_id: sb.clientId, client_secret: sb.clientSecret,
    non_admin: { client_id: sb.nonAdmin.clientId, client_secret: sb.nonAdmin.clientSecret } })}\n`);
  const stop = () => {
    sb.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
