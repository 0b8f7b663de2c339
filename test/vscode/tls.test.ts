// TLS verification turned off for one connection, inside the real extension host (which patches Node networking
// for proxy support): that connection works against a self-signed HTTPS Looker stand-in, another connection and a
// plain fetch still refuse it, and the process-wide setting is untouched.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import type { LookerApiError } from '../../src/looker/errors';
import { api } from './helpers';

function selfSigned(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-host-tls-'));
  try {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`openssl is needed to make a self-signed certificate: ${(err as Error).message}`);
    }
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'c.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('per-connection TLS in the extension host', function () {
  this.timeout(30000);
  let server: https.Server;
  let url = '';

  before(async () => {
    // openssl makes the certificate: without it the suite fails (a missing dependency is never a skip).
    const { key, cert } = selfSigned();
    server = https.createServer({ key, cert }, (req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/4.0/login') return json(200, { access_token: 'host-tls', token_type: 'Bearer', expires_in: 3600 });
      if (req.headers.authorization !== 'Bearer host-tls') return json(401, { message: 'Requires authentication.', documentation_url: null });
      if (req.url?.startsWith('/api/4.0/user')) return json(200, { id: '1', first_name: 'Tls', last_name: 'Admin' });
      if (req.url === '/api/4.0/versions') return json(200, { looker_release_version: '26.12.3' });
      if (req.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      json(404, { message: 'Not found', documentation_url: null });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const draft = (verifyTls: boolean) => ({ baseUrl: url, clientId: 'id', secret: 'host-secret', name: 'TLS', verifyTls, timeoutSeconds: 10 });

  it('verification on: the self-signed certificate is refused as a TLS problem', async () => {
    const a = await api();
    const outcome = await a.connections.testDraft(draft(true));
    assert.strictEqual(outcome.ok, false);
    assert.strictEqual((outcome.error as LookerApiError).kind, 'tls');
  });

  it('verification off for this connection only: it connects, while fetch and other connections still verify', async () => {
    const a = await api();
    const outcome = await a.connections.testDraft(draft(false));
    assert.strictEqual(outcome.ok, true, String(outcome.error));
    assert.strictEqual(outcome.userName, 'Tls Admin');
    await assert.rejects(fetch(`${url}/api/4.0/versions`), 'a plain fetch in the same host still refuses the certificate');
    const again = await a.connections.testDraft(draft(true));
    assert.strictEqual((again.error as LookerApiError).kind, 'tls', 'a verifying connection after it still refuses');
    assert.notStrictEqual(process.env.NODE_TLS_REJECT_UNAUTHORIZED, '0');
  });
});
