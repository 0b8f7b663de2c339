import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { LookerClient } from '../../../src/looker/client';
import { LookerApiError } from '../../../src/looker/errors';

/** What a user sees when the URL is wrong: not a Looker, nothing listening. No sandbox needed. */
describe('looker/client connection failures', function () {
  this.timeout(20000);
  let server: http.Server;
  let url: string;
  let hits: string[] = [];
  let mode: 'html404' | 'html200' = 'html404';

  before(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(mode === 'html404' ? 404 : 200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    hits = [];
    waits = [];
  });

  /** Retry waits the client asked for (none pass in real time). */
  let waits: number[] = [];
  const clock = { now: () => 0, sleep: async (ms: number) => void waits.push(ms) };
  const client = (baseUrl: string) =>
    new LookerClient({ id: 'x', name: 'X', baseUrl, clientId: 'id', verifyTls: true, timeoutSeconds: 5 }, { getSecret: async () => 's3cret', clock });

  async function failure(p: Promise<unknown>): Promise<LookerApiError> {
    const e = await p.then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof LookerApiError, String(e));
    return e;
  }

  it('a web server that is not a Looker API (404 page) is reported as a URL problem, not as bad credentials', async () => {
    mode = 'html404';
    const e = await failure(client(url).testConnection());
    assert.strictEqual(e.kind, 'config');
    assert.strictEqual(e.code, 'NOT_LOOKER');
    assert.deepStrictEqual(hits, ['POST /api/4.0/login']);
  });

  it('a login answer without an access token is reported as a URL problem', async () => {
    mode = 'html200';
    const e = await failure(client(url).me());
    assert.strictEqual(e.kind, 'config');
    assert.strictEqual(e.code, 'NOT_LOOKER');
  });

  it('a refused connection is a network error, reported at once without retries', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const e = await failure(client(`http://127.0.0.1:${port}`).testConnection());
    assert.strictEqual(e.kind, 'network');
    assert.strictEqual(e.code, 'ECONNREFUSED');
    assert.deepStrictEqual(waits, [], 'no retry wait');
    assert.ok(!e.message.includes('s3cret'));
  });

  it('a disposed client refuses new calls as cancelled', async () => {
    const c = client(url);
    c.dispose();
    const e = await failure(c.me());
    assert.strictEqual(e.kind, 'cancelled');
    assert.deepStrictEqual(hits, []);
  });
});
