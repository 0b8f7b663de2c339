import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { LookerApiError } from '../../../src/looker/errors';
import type { ConnectionProfile } from '../../../src/looker/profile';

/** A self-signed certificate made for this run (no downloads, nothing kept). */
function makeCert(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('looker/client TLS scoped to one connection', function () {
  this.timeout(20000);
  let server: https.Server;
  let baseUrl: string;
  let hits = 0;
  const envBefore = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

  before(async () => {
    const { key, cert } = makeCert();
    server = https.createServer({ key, cert }, (req, res) => {
      hits++;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/4.0/login') return json(200, { access_token: 'tls-token', token_type: 'Bearer', expires_in: 3600 });
      if (req.headers.authorization !== 'Bearer tls-token') return json(401, { message: 'Requires authentication.' });
      if (req.method === 'GET' && req.url?.startsWith('/api/4.0/user')) return json(200, { id: '1', first_name: 'Api' });
      if (req.method === 'GET' && req.url === '/api/4.0/versions') return json(200, { looker_release_version: '26.12.3' });
      if (req.method === 'DELETE' && req.url === '/api/4.0/logout') {
        res.writeHead(204);
        return res.end();
      }
      json(404, { message: 'Not found' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const profile = (verifyTls: boolean): ConnectionProfile => ({
    id: verifyTls ? 'secure' : 'insecure', name: verifyTls ? 'Secure' : 'Insecure', baseUrl, clientId: 'id', verifyTls, timeoutSeconds: 10,
  });

  it('plain fetch refuses the self-signed certificate (baseline)', async () => {
    await assert.rejects(fetch(`${baseUrl}/api/4.0/versions`));
  });

  it('verifyTls=false works for that connection only; others and the process keep verifying', async () => {
    const insecure = new LookerClient(profile(false), { getSecret: async () => 'secret' });
    const secure = new LookerClient(profile(true), { getSecret: async () => 'secret' });
    try {
      const r = await insecure.testConnection();
      assert.strictEqual(r.user.id, '1');
      assert.strictEqual(r.lookerVersion, '26.12.3');
      const before = hits;
      const err = await secure.me().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof LookerApiError, String(err));
      assert.strictEqual(err.kind, 'tls');
      assert.match(err.code ?? '', /SELF_SIGNED|CERT/);
      assert.strictEqual(hits, before, 'the secure client reached the server');
      await assert.rejects(fetch(`${baseUrl}/api/4.0/versions`), 'global fetch accepted the certificate after the insecure client ran');
      assert.strictEqual(process.env.NODE_TLS_REJECT_UNAUTHORIZED, envBefore);
      // The insecure connection still works after the others failed.
      assert.strictEqual((await insecure.me('id')).id, '1');
    } finally {
      await insecure.logout();
      insecure.dispose();
      secure.dispose();
    }
  });
});
