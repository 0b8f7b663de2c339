import * as assert from 'assert';
import { LookerApiError, fetchError, httpError, parseErrorBody } from '../../../src/looker/errors';
import { backoffMs, isIdempotent, parseRetryAfter, sleep } from '../../../src/looker/retry';
import { encodeQuery, idBatches } from '../../../src/looker/client';

const ctx = { method: 'GET', path: '/user', host: 'looker.test:443', timeoutSeconds: 7, timedOut: false, cancelled: false };

function withCause(message: string, code: string): Error {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return Object.assign(new TypeError(message), { cause });
}

describe('looker/errors mapping', () => {
  it('maps a 422 ValidationError with per-field errors', () => {
    const e = httpError(422, {
      message: 'Validation Failed',
      errors: [{ field: 'email', code: 'invalid', message: 'is not an email', documentation_url: 'x' }],
      documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/422/patch/users/:user_id',
    }, 'PATCH', '/users/7');
    assert.ok(e instanceof LookerApiError);
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 422);
    assert.strictEqual(e.lookerMessage, 'Validation Failed');
    assert.deepStrictEqual(e.errors, [{ field: 'email', code: 'invalid', message: 'is not an email' }]);
    assert.match(e.documentationUrl ?? '', /422\/patch/);
    assert.strictEqual(e.retryable, false);
    assert.strictEqual(e.method, 'PATCH');
    assert.strictEqual(e.path, '/users/7');
    assert.match(e.message, /email: is not an email/);
  });

  it('maps 404/403/429/503 with the Looker message and retryability', () => {
    const nf = httpError(404, '{"message":"Not found","documentation_url":"u"}', 'GET', '/users/9');
    assert.strictEqual(nf.lookerMessage, 'Not found');
    assert.match(nf.message, /404/);
    assert.strictEqual(nf.retryable, false);
    assert.strictEqual(httpError(403, { message: 'Forbidden' }, 'DELETE', '/users/1').retryable, false);
    const rl = httpError(429, { message: 'Too many' }, 'GET', '/user', 30);
    assert.strictEqual(rl.retryable, true);
    assert.strictEqual(rl.retryAfterSeconds, 30);
    assert.strictEqual(httpError(503, '<html>down</html>', 'GET', '/user').retryable, true);
    assert.strictEqual(httpError(503, '<html>down</html>', 'GET', '/user').lookerMessage, undefined);
  });

  it('parseErrorBody tolerates junk', () => {
    assert.deepStrictEqual(parseErrorBody(undefined), { errors: [] });
    assert.deepStrictEqual(parseErrorBody('not json'), { errors: [] });
    assert.deepStrictEqual(parseErrorBody([1, 2]), { errors: [] });
    assert.deepStrictEqual(parseErrorBody({ errors: [null, 'x', { field: 3 }] }).errors, [{ field: undefined, code: undefined, message: undefined }]);
  });

  it('maps fetch failures: TLS, refused, DNS, reset, timeout, abort', () => {
    const tls = fetchError(withCause('fetch failed', 'DEPTH_ZERO_SELF_SIGNED_CERT'), ctx);
    assert.strictEqual(tls.kind, 'tls');
    assert.strictEqual(tls.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.strictEqual(tls.retryable, false);
    const refused = fetchError(withCause('fetch failed', 'ECONNREFUSED'), ctx);
    assert.strictEqual(refused.kind, 'network');
    assert.strictEqual(refused.retryable, false);
    assert.match(refused.message, /looker\.test:443 refused/);
    assert.strictEqual(fetchError(withCause('fetch failed', 'ENOTFOUND'), ctx).kind, 'network');
    const reset = fetchError(withCause('fetch failed', 'ECONNRESET'), ctx);
    assert.strictEqual(reset.retryable, true);
    const timeout = fetchError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), ctx);
    assert.strictEqual(timeout.kind, 'timeout');
    assert.match(timeout.message, /7 s/);
    const cancelled = fetchError(new DOMException('aborted', 'AbortError'), { ...ctx, cancelled: true });
    assert.strictEqual(cancelled.kind, 'cancelled');
  });
});

describe('looker/retry helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.strictEqual(parseRetryAfter('3'), 3);
    assert.strictEqual(parseRetryAfter(' 0 '), 0);
    assert.strictEqual(parseRetryAfter(undefined), undefined);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.strictEqual(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5);
    assert.strictEqual(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  });

  it('backs off exponentially with jitter and a cap', () => {
    assert.strictEqual(backoffMs(1, 100, () => 1), 100);
    assert.strictEqual(backoffMs(1, 100, () => 0), 50);
    assert.strictEqual(backoffMs(3, 100, () => 1), 400);
    assert.strictEqual(backoffMs(30, 100, () => 1), 10_000);
  });

  it('knows idempotent methods', () => {
    assert.deepStrictEqual(['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH'].map(isIdempotent), [true, true, true, true, false, false]);
  });

  it('sleep rejects when aborted', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    await assert.rejects(p);
  });

  it('encodes queries like the SDK, always percent-encoding values; array items are joined with a plain comma', () => {
    assert.strictEqual(encodeQuery({ fields: 'id,credentials_email(email)', limit: 5, x: undefined, y: null }), '?fields=id%2Ccredentials_email(email)&limit=5');
    assert.strictEqual(encodeQuery({ email: '%20@acme.com', ids: ['1', '2'], is_disabled: false }), '?email=%2520%40acme.com&ids=1,2&is_disabled=false');
    assert.strictEqual(encodeQuery({ sorts: 'last_name desc, first_name' }), '?sorts=last_name%20desc%2C%20first_name');
    assert.strictEqual(encodeQuery({ ids: ['a,b', '7'] }), '?ids=a%2Cb,7', 'a comma inside an item stays encoded');
    assert.strictEqual(encodeQuery({}), '');
  });

  it('splits id lists into batches of at most 1,000 ids and at most the given characters', () => {
    const ids = (n: number, digits: number) => Array.from({ length: n }, (_, i) => String(10 ** (digits - 1) + i));
    assert.deepStrictEqual(idBatches(ids(2500, 5), 7000).map((b) => b.length), [1000, 1000, 500]);
    // 1,000 six-digit ids and their commas: 6,999 characters, one batch.
    assert.deepStrictEqual(idBatches(ids(1000, 6), 6999).map((b) => b.length), [1000]);
    assert.deepStrictEqual(idBatches(ids(1000, 6), 6998).map((b) => b.length), [999, 1]);
    // Eight-digit ids: 777 fit in 7,000 characters (777 × 9 − 1 = 6,992).
    const long = idBatches(ids(2000, 8), 7000);
    assert.deepStrictEqual(long.map((b) => b.length), [777, 777, 446]);
    assert.ok(long.every((b) => b.join(',').length <= 7000));
    assert.deepStrictEqual(long.flat(), ids(2000, 8), 'every id once, in order');
    assert.deepStrictEqual(idBatches(['x'.repeat(50)], 10), [['x'.repeat(50)]], 'an id longer than the room still goes, alone');
    assert.deepStrictEqual(idBatches([], 7000), []);
  });
});
