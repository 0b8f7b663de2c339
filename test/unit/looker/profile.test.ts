import * as assert from 'assert';
import { normalizeBaseUrl } from '../../../src/looker/profile';

describe('looker/profile normalizeBaseUrl', () => {
  it('accepts an https origin and keeps a port', () => {
    assert.deepStrictEqual(normalizeBaseUrl('https://acme.cloud.looker.com'), { url: 'https://acme.cloud.looker.com' });
    assert.deepStrictEqual(normalizeBaseUrl('  https://looker.acme.com:19999  '), { url: 'https://looker.acme.com:19999' });
  });

  it('strips trailing slashes without a warning', () => {
    assert.deepStrictEqual(normalizeBaseUrl('https://acme.looker.com/'), { url: 'https://acme.looker.com' });
    assert.deepStrictEqual(normalizeBaseUrl('https://acme.looker.com///'), { url: 'https://acme.looker.com' });
  });

  it('strips /api/4.0 and /api/3.x with a warning', () => {
    for (const suffix of ['/api/4.0', '/api/4.0/', '/api/3.1', '/API/3.0/']) {
      const r = normalizeBaseUrl(`https://acme.looker.com:19999${suffix}`);
      assert.strictEqual(r.url, 'https://acme.looker.com:19999', suffix);
      assert.match(r.warning ?? '', /api/i, suffix);
      assert.strictEqual(r.error, undefined);
    }
  });

  it('keeps a path prefix (reverse proxy) but removes the API suffix after it', () => {
    assert.strictEqual(normalizeBaseUrl('https://gw.acme.com/looker/api/4.0').url, 'https://gw.acme.com/looker');
  });

  it('adds https:// when no scheme was typed', () => {
    assert.deepStrictEqual(normalizeBaseUrl('acme.looker.com'), { url: 'https://acme.looker.com' });
    assert.deepStrictEqual(normalizeBaseUrl('acme.looker.com:19999'), { url: 'https://acme.looker.com:19999' });
  });

  it('accepts http only for localhost, 127.0.0.1 and ::1, with a warning', () => {
    for (const u of ['http://localhost:8080', 'http://127.0.0.1:9999/', 'http://[::1]:1234']) {
      const r = normalizeBaseUrl(u);
      assert.ok(r.url?.startsWith('http://'), u);
      assert.match(r.warning ?? '', /http/i, u);
    }
    const r = normalizeBaseUrl('http://acme.looker.com');
    assert.strictEqual(r.url, undefined);
    assert.match(r.error ?? '', /https/);
  });

  it('rejects query, fragment, credentials, other schemes, garbage and empty input', () => {
    const bad = ['https://a.com/?x=1', 'https://a.com/#top', 'https://u:p@a.com', 'https://u@a.com', 'ftp://a.com', 'mailto:x@y.z', 'https://', '', '   ', 'https://exa mple.com'];
    for (const b of bad) {
      const r = normalizeBaseUrl(b);
      assert.strictEqual(r.url, undefined, `accepted ${JSON.stringify(b)}`);
      assert.ok(r.error && r.error.length > 10, `no error for ${JSON.stringify(b)}`);
    }
  });

  it('does not echo credentials from a rejected URL', () => {
    const r = normalizeBaseUrl('https://admin:hunter2@a.com');
    assert.ok(!(r.error ?? '').includes('hunter2'));
  });
});
