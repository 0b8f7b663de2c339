import * as assert from 'assert';
import { parseLookerIni } from '../../../src/connections/ini';

describe('parseLookerIni', () => {
  it('reads every section with the SDK keys, quotes and comments', () => {
    const text = [
      '; Looker SDK settings',
      '[Looker]',
      'base_url=https://acme.cloud.looker.com',
      'client_id = abc123',
      'client_secret="s3cr=t"',
      'verify_ssl=True',
      'timeout=30',
      '',
      '# a second instance',
      '[Staging]',
      'base_url: https://staging.acme.com:19999',
      'client_id: xyz',
      'client_secret: shh',
      'verify_ssl=false',
      '[Empty]',
      'api_version=4.0',
    ].join('\r\n');
    const sections = parseLookerIni(text);
    assert.deepStrictEqual(sections, [
      { section: 'Looker', baseUrl: 'https://acme.cloud.looker.com', clientId: 'abc123', clientSecret: 's3cr=t', verifySsl: true, timeoutSeconds: 30 },
      { section: 'Staging', baseUrl: 'https://staging.acme.com:19999', clientId: 'xyz', clientSecret: 'shh', verifySsl: false, timeoutSeconds: undefined },
    ]);
  });

  it('ignores keys before any section and junk lines', () => {
    assert.deepStrictEqual(parseLookerIni('base_url=https://x\nnot a pair\n[A]\n=novalue\nclient_id=1'), [
      { section: 'A', baseUrl: undefined, clientId: '1', clientSecret: undefined, verifySsl: true, timeoutSeconds: undefined },
    ]);
  });

  it('rejects a non-positive timeout', () => {
    assert.strictEqual(parseLookerIni('[A]\nbase_url=https://x\ntimeout=-3')[0].timeoutSeconds, undefined);
  });
});
