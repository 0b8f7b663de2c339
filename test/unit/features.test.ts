import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FEATURE_COMMANDS } from '../../src/features.manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('features manifest', () => {
  const contributed: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.commands.map((c: { command: string }) => c.command);
  const listed = Object.values(FEATURE_COMMANDS).flat();

  it('lists only contributed commands, each under one feature', () => {
    for (const id of listed) assert.ok(contributed.includes(id), `${id} is not in package.json`);
    assert.strictEqual(new Set(listed).size, listed.length, 'a command listed twice');
  });

  it('lists every bulk and LookML command of package.json', () => {
    for (const id of contributed.filter((c) => c.startsWith('looker.bulk.'))) assert.ok(FEATURE_COMMANDS.bulk.some((x) => x === id), `${id} is missing from bulk`);
    for (const id of contributed.filter((c) => c.startsWith('looker.lookml.'))) assert.ok(FEATURE_COMMANDS.lookml.some((x) => x === id), `${id} is missing from lookml`);
  });
});
