import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

describe('package manifest', () => {
  const root = path.resolve(__dirname, '../../..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

  it('every %key% in package.json has a package.nls.json entry', () => {
    const keys = JSON.stringify(pkg).match(/%[\w.]+%/g) ?? [];
    assert.ok(keys.length > 0);
    for (const k of keys) assert.ok(nls[k.slice(1, -1)], `missing nls key ${k}`);
  });

  it('registers the Looker container, the Users view and its welcome content', () => {
    const c = pkg.contributes;
    assert.strictEqual(c.viewsContainers.activitybar[0].id, 'looker');
    assert.strictEqual(c.views.looker[0].id, 'looker.users');
    assert.ok(c.viewsWelcome.some((w: { view: string }) => w.view === 'looker.users'));
  });
});
