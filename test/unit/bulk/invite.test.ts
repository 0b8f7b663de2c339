// Invite users: the CSV reader, the dry run (who exists by email) and the write (create, roles, groups, setup email,
// retry safety), in plain Node against the sandbox Looker server.
import * as assert from 'assert';
import * as path from 'path';
import { LookerClient } from '../../../src/looker/client';
import { applyInvite, inviteKey, parseInviteCsv, planInvites } from '../../../src/bulk/invite';
import { planJob } from '../../../src/bulk/plan';
import { runJob } from '../../../src/bulk/runner';
import { jobCost } from '../../../src/bulk/cost';
import { ACTIONS, inverseOf } from '../../../src/actions/table';
import { newJobId, type BulkJob } from '../../../src/bulk/types';
import { type Invite } from '../../../src/actions/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require(path.resolve(__dirname, '../../../../test/sandbox'));

interface Logged {
  method: string;
  apiPath: string;
  status: number | null;
  body: unknown;
}
interface Cred {
  email: string;
  logged_in_at?: string | null;
  setup_token?: string | null;
}
interface SeedUser {
  id: string;
  first_name: string | null;
  last_name: string | null;
  role_ids: string[];
  group_ids: string[];
  credentials_email: Cred | null;
  credentials_saml: Cred | null;
}
interface Sandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: Logged[];
  db: { users: SeedUser[]; roles: { id: string; name: string }[]; groups: { id: string; name: string; externally_managed?: boolean }[] };
  clearLog(): void;
  addRule(r: { method?: string; path?: RegExp | string; status?: number; times?: number; hang?: boolean; drop?: boolean; afterAction?: boolean }): void;
  close(): Promise<void>;
}

const ROLES = [{ id: '3', name: 'User' }, { id: '4', name: 'Viewer' }];
const GROUPS = [{ id: '6', name: 'Finance' }, { id: '7', name: 'Marketing' }];

describe('invite CSV', () => {
  it('reads the columns in any order, names or ids for roles and groups, yes/no for the setup email', () => {
    const csv = 'email,first_name,last_name,roles,groups,send_setup_email\r\nann@x.io,Ann,Lee,user;4,Finance,yes\r\n"bo@x.io",Bo,"Doe, Jr.",,,\r\n\r\n';
    const { invites, bad } = parseInviteCsv(csv, ROLES, GROUPS);
    assert.deepStrictEqual(bad, []);
    assert.deepStrictEqual(invites, [
      { firstName: 'Ann', lastName: 'Lee', email: 'ann@x.io', roleIds: ['3', '4'], groupIds: ['6'], sendSetupEmail: true, line: 2 },
      { firstName: 'Bo', lastName: 'Doe, Jr.', email: 'bo@x.io', roleIds: [], groupIds: [], sendSetupEmail: false, line: 3 },
    ]);
  });

  it("reports bad rows by line: formula guard ', invalid or repeated email, unknown role or group, blank name, bad yes/no", () => {
    const csv = [
      'first_name,last_name,email,roles,groups,send_setup_email',
      "'=cmd,Lee,a@x.io,,,no",
      'Ann,Lee,not-an-email,,,no',
      'Ann,Lee,ok@x.io,,,no',
      'Ann,Lee,OK@x.io,,,no',
      'Ann,Lee,c@x.io,Wizard,,no',
      'Ann,Lee,d@x.io,,Nowhere,no',
      ',Lee,e@x.io,,,no',
      'Ann,Lee,f@x.io,,,maybe',
      "Ann,Lee,'g@x.io,,,no",
    ].join('\n');
    const { invites, bad } = parseInviteCsv(csv, ROLES, GROUPS);
    assert.deepStrictEqual(invites.map((i) => i.email), ['ok@x.io']);
    assert.deepStrictEqual(bad.map((b) => b.line), [2, 3, 5, 6, 7, 8, 9, 10]);
    assert.match(bad[0].message, /formula guard/);
    assert.match(bad[1].message, /not a valid email/);
    assert.match(bad[2].message, /more than once/);
    assert.match(bad[3].message, /unknown role\(s\): Wizard/);
    assert.match(bad[4].message, /unknown group\(s\): Nowhere/);
    assert.match(bad[5].message, /first_name: A name is required/);
    assert.match(bad[6].message, /yes or no/);
    assert.match(bad[7].message, /formula guard/);
  });

  it('refuses a file without the header row or with unknown columns', () => {
    assert.match(parseInviteCsv('ann@x.io,Ann,Lee\n', ROLES, GROUPS).bad[0].message, /header row/);
    assert.match(parseInviteCsv('first_name,last_name,email,password\nA,B,a@x.io,x\n', ROLES, GROUPS).bad[0].message, /Unknown column\(s\): password/);
  });

  it('an instance that ignores the nested login email gets it through create_user_credentials_email', async () => {
    const calls: string[] = [];
    const stand = {
      searchUsers: async () => ({ items: [] }),
      createUser: async () => (calls.push('create_user'), { id: '77', credentials_email: null, role_ids: [], group_ids: [] }),
      createUserCredentialsEmail: async (id: string, body: { email?: string }) => (calls.push(`create_user_credentials_email ${id} ${body.email}`), { email: body.email }),
      setUserRoles: async () => (calls.push('set_user_roles'), []),
      addGroupUser: async () => (calls.push('add_group_user'), {}),
      sendPasswordReset: async () => (calls.push('send'), {}),
      allUsers: async () => [],
    } as unknown as Parameters<typeof applyInvite>[0];
    const out = await applyInvite(stand, { firstName: 'A', lastName: 'B', email: 'a.b@x.io', roleIds: [], groupIds: [], sendSetupEmail: false });
    assert.deepStrictEqual(calls, ['create_user', 'create_user_credentials_email 77 a.b@x.io']);
    assert.deepStrictEqual([out.status, out.after?.id, out.after?.setup_email], ['done', '77', 'not sent']);
  });

  it('is a kind of change of the write table: re-read after a timeout, undone by Delete', () => {
    assert.deepStrictEqual(ACTIONS.createUser, { inverse: 'delete', retry: 'reread', destructive: false, operation: 'create_user' });
    assert.strictEqual(inverseOf('createUser'), 'delete');
  });
});

describe('invite against the sandbox', function () {
  this.timeout(30000);
  let sb: Sandbox;
  let client: LookerClient;

  function clientFor(timeoutSeconds = 10): LookerClient {
    return new LookerClient(
      { id: 'sb', name: 'sandbox', baseUrl: sb.url, clientId: sb.clientId, verifyTls: true, timeoutSeconds },
      { getSecret: async () => sb.clientSecret, retry: { maxAttempts: 1 } },
    );
  }
  const writes = () => sb.requests.filter((r) => r.method !== 'GET' && r.apiPath !== '/login' && r.apiPath !== '/logout');
  const invite = (email: string, extra: Partial<Invite> = {}): Invite => ({ firstName: 'Nina', lastName: 'Novak', email, roleIds: ['3'], groupIds: [], sendSetupEmail: true, ...extra });
  const byEmail = (email: string) => sb.db.users.filter((u) => u.credentials_email?.email.toLowerCase() === email.toLowerCase());

  beforeEach(async () => {
    sb = await startSandbox({ port: 0, users: 200, seed: 1 });
    client = clientFor();
  });
  afterEach(async () => {
    client.dispose();
    await sb.close();
  });

  it('the dry run finds an existing user by any credential\'s email, case-insensitively, and writes nothing', async () => {
    const withLogin = sb.db.users.find((u) => Number(u.id) > 15 && u.credentials_email)!;
    const samlOnly = sb.db.users.find((u) => Number(u.id) > 15 && !u.credentials_email && u.credentials_saml)!;
    const invites = [invite(withLogin.credentials_email!.email.toUpperCase()), invite(samlOnly.credentials_saml!.email), invite('nobody.yet@example.org')];
    const params = { invites: Object.fromEntries(invites.map((i) => [inviteKey(i.email), i])) };
    sb.clearLog();
    const plan = await planJob(client, 'createUser', params, Object.keys(params.invites));
    assert.deepStrictEqual(plan.counts, { change: 1, skip: 2, impossible: 0 });
    assert.deepStrictEqual(plan.items.map((i) => i.existingUserId), [withLogin.id, samlOnly.id, undefined]);
    assert.match(plan.items[0].reason ?? '', new RegExp(`^Already exists: .*\\(#${withLogin.id}\\)\\.$`));
    assert.deepStrictEqual(plan.items[2].after, { first_name: 'Nina', last_name: 'Novak', email: 'nobody.yet@example.org', role_ids: ['3'], group_ids: [], setup_email: true });
    assert.deepStrictEqual(writes(), [], 'a dry run writes nothing');
    // create + roles + setup email
    assert.strictEqual(jobCost(plan).apply, 3);
  });

  it("an _ in an address is a LIKE wildcard for search_users: only an exact match counts as existing", async () => {
    const taken = sb.db.users.find((u) => Number(u.id) > 15 && u.credentials_email)!.credentials_email!.email;
    // Same length, one character replaced by _: search_users matches it, but it is another address.
    const lookalike = `_${taken.slice(1)}`;
    const hits = await client.searchUsers({ email: lookalike, fields: 'id,email' });
    assert.ok(hits.items.length >= 1, 'search_users matches the look-alike (LIKE semantics)');
    const [item] = await planInvites(client, { invites: { [inviteKey(lookalike)]: invite(lookalike) } }, [inviteKey(lookalike)]);
    assert.strictEqual(item.kind, 'change');
  });

  it('creates the user with its login email, roles, groups and the setup email, in that order', async () => {
    const email = 'nina.novak@example.org';
    sb.clearLog();
    const out = await applyInvite(client, invite(email, { roleIds: ['3', '4'], groupIds: ['6', '7'] }));
    assert.strictEqual(out.status, 'done', out.message);
    const [u] = byEmail(email);
    assert.ok(u, 'the user exists');
    assert.deepStrictEqual([u.first_name, u.last_name], ['Nina', 'Novak']);
    assert.ok(['3', '4'].every((r) => u.role_ids.includes(r)));
    assert.ok(['6', '7'].every((g) => u.group_ids.includes(g)));
    assert.ok(u.credentials_email?.setup_token, 'Looker made a setup link and sent it');
    assert.deepStrictEqual(
      writes().map((w) => `${w.method} ${w.apiPath.replace(`/${u.id}/`, '/{id}/')}`),
      ['POST /users', 'PUT /users/{id}/roles', 'POST /groups/6/users', 'POST /groups/7/users', 'POST /users/{id}/credentials_email/send_password_reset'],
    );
    assert.strictEqual(out.after?.id, u.id);
    assert.strictEqual(out.after?.setup_email, 'sent');
    // Never a URL or token in what is audited.
    assert.ok(!JSON.stringify(out).includes('http'));
  });

  it('a create that timed out after Looker created the user is looked up, not sent again; the job finishes it once', async () => {
    const email = 'slow.create@example.org';
    sb.addRule({ method: 'POST', path: '/users', hang: true, afterAction: true, times: 1 });
    const c = clientFor(1);
    const audited: string[] = [];
    try {
      const inv = invite(email, { groupIds: ['6'] });
      const job: BulkJob = { id: newJobId(), connectionId: 'sb', action: 'createUser', params: { invites: { [inviteKey(email)]: inv } }, userIds: [inviteKey(email)], createdAt: new Date().toISOString(), state: {} };
      const r = await runJob(job, { client: c, baseDelayMs: 10, onUserDone: (_id, s) => void audited.push(String(s.after?.id)) });
      assert.deepStrictEqual([r.counts.done, r.counts.failed], [1, 0], job.state[inviteKey(email)]?.message);
      const users = byEmail(email);
      assert.strictEqual(users.length, 1, 'one user, not two');
      assert.strictEqual(writes().filter((w) => w.method === 'POST' && w.apiPath === '/users').length, 1, 'create_user sent once');
      assert.strictEqual(writes().filter((w) => /send_password_reset$/.test(w.apiPath)).length, 1, 'the setup email sent once');
      assert.ok(users[0].group_ids.includes('6'), 'the retry finished the remaining steps');
      assert.deepStrictEqual(audited, [users[0].id], 'audited once, with the new user id');
    } finally {
      c.dispose();
    }
  });

  it('a setup email that timed out is reported and never sent twice; the user counts as created', async () => {
    const email = 'slow.mail@example.org';
    sb.addRule({ method: 'POST', path: /\/credentials_email\/send_password_reset$/, drop: true, afterAction: true, times: 1 });
    const c = clientFor(1);
    try {
      const out = await applyInvite(c, invite(email));
      assert.strictEqual(out.status, 'done');
      assert.match(String(out.after?.setup_email), /unknown/);
      assert.match(out.message ?? '', /setup email/);
      assert.strictEqual(writes().filter((w) => /send_password_reset$/.test(w.apiPath)).length, 1);
    } finally {
      c.dispose();
    }
  });

  it('an email taken between the dry run and the run is skipped, not created again', async () => {
    const taken = sb.db.users.find((u) => Number(u.id) > 15 && u.credentials_email)!.credentials_email!.email;
    sb.clearLog();
    const out = await applyInvite(client, invite(taken));
    assert.strictEqual(out.status, 'skipped');
    assert.deepStrictEqual(writes(), []);
  });
});
