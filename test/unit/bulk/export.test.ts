import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IUser } from '@looker/sdk';
import { BATCH_LIMIT, idChunks, pages, writeUsers } from '../../../src/bulk/export';
import { parseCsv } from '../../../src/bulk/csv';
import { LookerClient } from '../../../src/looker/client';

interface MiniSandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: { apiPath: string; query: Record<string, string> }[];
  db: { users: { id: string; first_name: string | null; email: string | null }[] };
  clearLog(): void;
  close(): Promise<void>;
}
function startSandbox(o: { port: number; users: number; seed: number }): Promise<MiniSandbox> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.resolve(__dirname, '../../../../test/sandbox/index.js')) as { startSandbox(x: typeof o): Promise<MiniSandbox> };
  return mod.startSandbox(o);
}

describe('bulk/export: streamed, paged export', () => {
  let sb: MiniSandbox;
  let client: LookerClient;
  let dir: string;

  before(async () => {
    sb = await startSandbox({ port: 0, users: 2500, seed: 5 });
    client = new LookerClient(
      { id: 'x', name: 'x', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds: 30 },
      { getSecret: async () => sb.clientSecret },
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looker-export-'));
  });
  after(async () => {
    client.dispose();
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const everyone = () => pages((offset, limit) => client.searchUsers({ fields: 'id,first_name,email', sorts: 'id', limit, offset }));

  it('reads every user in pages of 1,000 and writes a CSV that parses back to the same users', async () => {
    await client.me('id');
    sb.clearLog();
    const file = path.join(dir, 'all.csv');
    const n = await writeUsers(file, everyone(), ['id', 'first_name', 'email'], 'csv');
    assert.strictEqual(n, sb.db.users.length);
    const searches = sb.requests.filter((r) => r.apiPath === '/users/search');
    assert.strictEqual(searches.length, Math.ceil(sb.db.users.length / BATCH_LIMIT), 'one call per 1,000 users');
    assert.deepStrictEqual(searches.map((r) => r.query.limit), searches.map(() => '1000'));
    const rows = parseCsv(fs.readFileSync(file, 'utf8'));
    assert.deepStrictEqual(rows[0], ['id', 'first_name', 'email']);
    const ids = rows.slice(1).filter((r) => r.length > 1).map((r) => r[0]);
    assert.deepStrictEqual(new Set(ids), new Set(sb.db.users.map((u) => u.id)), 'no user skipped or repeated');
    assert.strictEqual(ids.length, sb.db.users.length);
  });

  it('writes a JSON array with nested paths kept nested', async () => {
    const file = path.join(dir, 'all.json');
    const source = pages((offset, limit) => client.searchUsers({ fields: 'id,credentials_email(email)', sorts: 'id', limit, offset }));
    const n = await writeUsers(file, source, ['id', 'credentials_email.email'], 'json');
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; credentials_email: { email: string | null } }[];
    assert.strictEqual(parsed.length, n);
    assert.strictEqual(n, sb.db.users.length);
    assert.ok(parsed.every((u) => typeof u.id === 'string' && 'email' in u.credentials_email));
  });

  it('an empty source gives a header-only CSV and an empty JSON array', async () => {
    const none = async function* (): AsyncGenerator<IUser[]> {};
    const csv = path.join(dir, 'none.csv');
    const json = path.join(dir, 'none.json');
    assert.strictEqual(await writeUsers(csv, none(), ['id', 'email'], 'csv'), 0);
    assert.strictEqual(await writeUsers(json, none(), ['id'], 'json'), 0);
    assert.strictEqual(fs.readFileSync(csv, 'utf8'), 'id,email\r\n');
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(json, 'utf8')), []);
  });

  it('a page that fails half-way removes the partial file and rejects', async () => {
    const file = path.join(dir, 'broken.csv');
    const source = async function* (): AsyncGenerator<IUser[]> {
      yield [{ id: '1', email: 'a@x' } as IUser];
      throw new Error('connection dropped');
    };
    await assert.rejects(writeUsers(file, source(), ['id', 'email'], 'csv'), /connection dropped/);
    assert.strictEqual(fs.existsSync(file), false);
  });

  it('pages stops at the reported total and idChunks asks 1,000 ids at a time', async () => {
    const calls: number[] = [];
    const fake = async (offset: number, limit: number) => {
      calls.push(offset);
      const items = Array.from({ length: Math.max(0, Math.min(limit, 2000 - offset)) }, (_, i) => ({ id: String(offset + i) }) as IUser);
      return { items, total: 2000, limit, offset };
    };
    let n = 0;
    for await (const p of pages(fake)) n += p.length;
    assert.strictEqual(n, 2000);
    assert.deepStrictEqual(calls, [0, 1000], 'no third call for an empty page after the total');
    const asked: number[] = [];
    const ids = Array.from({ length: 2500 }, (_, i) => String(i));
    let got = 0;
    for await (const c of idChunks(ids, async (x) => { asked.push(x.length); return x.map((id) => ({ id }) as IUser); })) got += c.length;
    assert.strictEqual(got, 2500);
    assert.deepStrictEqual(asked, [1000, 1000, 500]);
  });
});
