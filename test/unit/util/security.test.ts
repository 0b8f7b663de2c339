import * as assert from 'assert';
import { testHandleAllowed, enableTestMode, inTestMode } from '../../../src/testMode';
import { nonce } from '../../../src/util/nonce';
import { hostOf, isWebUrl, safeDocumentationUrl, sameInstance } from '../../../src/util/urls';

describe('security helpers', () => {
  it('the test handle exists only in a test build running in test mode', () => {
    // vscode.ExtensionMode: Production 1, Development 2, Test 3
    assert.strictEqual(testHandleAllowed(true, 3), true);
    assert.strictEqual(testHandleAllowed(true, 1), false, 'a test build installed normally gives nothing');
    assert.strictEqual(testHandleAllowed(true, 2), false);
    assert.strictEqual(testHandleAllowed(false, 3), false, 'a production build gives nothing even under a test runner');
    assert.strictEqual(testHandleAllowed(true, undefined), false);
    // Compiled by tsc alone there is no __TEST_HOOKS__: like the production bundle, test mode cannot be turned on.
    assert.strictEqual(enableTestMode(3), false);
    assert.strictEqual(inTestMode(), false);
  });

  it('webview nonces come from crypto, not Math.random', () => {
    const real = Math.random;
    Math.random = () => 0.5;
    try {
      const a = nonce();
      const b = nonce();
      assert.notStrictEqual(a, b, 'a constant Math.random does not make nonces repeat');
      assert.match(a, /^[0-9a-f]{32}$/);
    } finally {
      Math.random = real;
    }
  });

  it('"Open Documentation" opens only https pages on Looker or Google hosts', () => {
    assert.strictEqual(safeDocumentationUrl('https://cloud.google.com/looker/docs/r/api/x'), 'https://cloud.google.com/looker/docs/r/api/x');
    assert.strictEqual(safeDocumentationUrl('https://docs.looker.com/r/api/x'), 'https://docs.looker.com/r/api/x');
    for (const bad of [
      'file:///etc/passwd',
      'vscode://looker-users-oss.looker-users/x',
      'http://cloud.google.com/looker/docs',
      'https://evil.example/looker.com',
      'https://looker.com.evil.example/x',
      'https://user:pw@cloud.google.com/x',
      'https://cloud.google.com:8443/x',
      'ms-settings:privacy',
      'javascript:alert(1)',
      '',
      undefined,
      42,
    ]) {
      assert.strictEqual(safeDocumentationUrl(bad), undefined, String(bad));
    }
    assert.ok(isWebUrl('https://x.looker.com'));
    assert.ok(!isWebUrl('file:///x'));
  });

  it('a change is bound to the host it was planned on', () => {
    assert.ok(sameInstance('https://staging.looker.com', 'https://STAGING.looker.com/'));
    assert.ok(!sameInstance('https://staging.looker.com', 'https://prod.looker.com'));
    assert.ok(!sameInstance('https://x.looker.com:19999', 'https://x.looker.com'));
    assert.strictEqual(hostOf('https://a.b:1/c'), 'a.b:1');
  });
});
