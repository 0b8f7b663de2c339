// Bulk benchmark: forced password reset on N users against the sandbox with a rate limit, two ways:
//   ours  — the project's runner (out/src/bulk/runner.js, built by `npm run build:tests`), concurrency 4,
//           its own client with no client-side retries (the runner paces after 429 / Retry-After);
//   naive — a sequential loop with the plain @looker/sdk Looker40SDK and a minimal AuthSession (SDK-NOTES §2.5 B).
// Each run gets a fresh sandbox (full token bucket). floorMs = requests Looker accepted ÷ rate: the least time any
// client needs. Returns { ours: {ms, failures, requests, throttled}, naive: {...}, floorMs, ratio }.
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function pickUsers(sb, n) {
  const ids = sb.db.users
    .filter((u) => u.id !== '1' && u.credentials_email && !u.credentials_email.forced_password_reset_at_next_login)
    .map((u) => u.id);
  if (ids.length < n) throw new Error(`the sandbox has only ${ids.length} users with an email login; ${n} needed`);
  return ids.slice(0, n);
}

function stats(sb, t0, failures) {
  const ms = Date.now() - t0;
  const throttled = sb.requests.filter((r) => r.status === 429).length;
  return { ms, failures, requests: sb.requests.length, accepted: sb.requests.length - throttled, throttled };
}

async function runOurs(sb, ids, concurrency) {
  const { LookerClient } = require(path.join(ROOT, 'out/src/looker/client.js'));
  const { runJob } = require(path.join(ROOT, 'out/src/bulk/runner.js'));
  const { newJobId } = require(path.join(ROOT, 'out/src/bulk/types.js'));
  const client = new LookerClient(
    { id: 'bench', name: 'bench', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 30 },
    { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
  );
  const job = { id: newJobId(), connectionId: 'bench', action: 'forcePasswordReset', params: {}, userIds: ids, createdAt: new Date().toISOString(), state: {} };
  sb.clearLog();
  const t0 = Date.now();
  try {
    const r = await runJob(job, { client, concurrency });
    const out = stats(sb, t0, r.counts.failed + r.counts.pending);
    out.retries = r.retries;
    return out;
  } finally {
    client.dispose();
  }
}

async function runNaive(sb, ids) {
  const { Looker40SDK } = require('@looker/sdk');
  const { ApiSettings, AuthSession, AuthToken, BrowserTransport } = require('@looker/sdk-rtl');
  class MinimalSession extends AuthSession {
    constructor(settings, transport, clientId, getSecret) {
      super(settings, transport);
      this.token = new AuthToken();
      this.clientId = clientId;
      this.getSecret = getSecret;
      this.pending = undefined;
    }
    isAuthenticated() {
      return this.token.isActive();
    }
    async authenticate(props) {
      const token = await this.getToken();
      props.headers = { ...props.headers, Authorization: `Bearer ${token.access_token}` };
      return props;
    }
    async getToken() {
      if (!this.isAuthenticated()) await this.login();
      return this.token;
    }
    login() {
      if (!this.pending) {
        this.pending = (async () => {
          const body = new URLSearchParams({ client_id: this.clientId, client_secret: await this.getSecret() });
          const res = await this.transport.request('POST', `${this.settings.base_url}/api/4.0/login`, undefined, body);
          if (!res.ok) throw new Error('login failed');
          this.token.setToken(res.value);
        })().finally(() => (this.pending = undefined));
      }
      return this.pending;
    }
    reset() {
      this.token.reset();
    }
  }
  const settings = new ApiSettings({ base_url: sb.url, verify_ssl: true, timeout: 30, agentTag: 'bench' });
  settings.readConfig = () => ({});
  const sdk = new Looker40SDK(new MinimalSession(settings, new BrowserTransport(settings), sb.clientId, async () => sb.clientSecret));
  sb.clearLog();
  const t0 = Date.now();
  let failures = 0;
  // sdk-rtl 21.6.5 prints a console.debug line per request (SDK-NOTES §3); keep the benchmark output readable.
  const debug = console.debug;
  console.debug = () => {};
  try {
    for (const id of ids) {
      try {
        await sdk.ok(sdk.update_user_credentials_email(id, { forced_password_reset_at_next_login: true }));
      } catch {
        failures++;
      }
    }
  } finally {
    console.debug = debug;
  }
  return stats(sb, t0, failures);
}

/**
 * @param {{ startSandbox: Function, users?: number, rps?: number, concurrency?: number }} o
 */
async function benchBulk({ startSandbox, users = 1000, rps = 20, concurrency = 4 }) {
  const size = Math.max(4000, users * 4);
  const rateLimit = { requestsPerSecond: rps, burst: rps };
  let sb = await startSandbox({ port: 0, users: size, seed: 1, rateLimit });
  let ours;
  try {
    ours = await runOurs(sb, pickUsers(sb, users), concurrency);
  } finally {
    await sb.close();
  }
  sb = await startSandbox({ port: 0, users: size, seed: 1, rateLimit });
  let naive;
  try {
    naive = await runNaive(sb, pickUsers(sb, users));
  } finally {
    await sb.close();
  }
  // Looker must accept at least one request per user plus the login: floor = requests ÷ rate. The bucket starts
  // full, so a burst-aware floor is `burst` requests shorter; the ratio against it is reported too (stricter).
  const needed = users + 1;
  const floorMs = Math.round((needed / rps) * 1000);
  const burstFloorMs = Math.round((Math.max(0, needed - rps) / rps) * 1000);
  return {
    users, rps, ours, naive, floorMs, burstFloorMs,
    ratio: +(ours.ms / floorMs).toFixed(3),
    ratioBurstFloor: burstFloorMs ? +(ours.ms / burstFloorMs).toFixed(3) : null,
  };
}

module.exports = { benchBulk };

if (require.main === module) {
  const { startSandbox } = require(path.join(ROOT, 'test/sandbox'));
  const users = Number(process.argv[2] ?? 1000);
  const rps = Number(process.argv[3] ?? 20);
  benchBulk({ startSandbox, users, rps }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      console.log(`ours ${r.ours.ms} ms (${r.ours.failures} failures), naive ${r.naive.ms} ms (${r.naive.failures} failures), floor ${r.floorMs} ms, ours/floor ${r.ratio} (vs burst-aware floor ${r.ratioBurstFloor})`);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
