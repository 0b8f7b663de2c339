import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { IUser } from '@looker/sdk';
import { parseQuery, resolveGroup, type UserQuery, type UserSearchParams } from '../../../src/users/query';
import { SMART_SEARCHES } from '../../../src/users/smartSearches';
import { TREE_USER_FIELDS, TREE_USER_FIELDS_NO_URLS, USER_GROUPS, classifyUser, combineQuery, combineSmartQuery, satisfiesParams, groupFilter, groupOf, ungroupedRequest, type UserGroup } from '../../../src/users/status';
import { lastActivityAt, firstCredentialAt, isInactiveSince, lastLoginAt } from '../../../src/users/signIns';

const NOW = Date.parse('2025-06-30T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (d: number): string => new Date(NOW - d * DAY).toISOString();

function q(input: string): UserQuery {
  const r = parseQuery(input);
  if (!r.ok) assert.fail(r.error);
  return r.query;
}

/** What the server's boolean filters select (embed_user = has an embed credential). */
function serverMatches(user: IUser, params: UserSearchParams): boolean {
  const facts: Record<string, boolean> = {
    is_disabled: user.is_disabled === true,
    embed_user: (user.credentials_embed?.length ?? 0) > 0,
    is_service_account: user.is_service_account === true,
    verified_looker_employee: user.verified_looker_employee === true,
    can_manage_api3_creds: user.can_manage_api3_creds === true,
  };
  return Object.entries(params).every(([k, v]) => !(k in facts) || facts[k] === v);
}

const userArb: fc.Arbitrary<IUser> = fc
  .record({ d: fc.boolean(), e: fc.boolean(), s: fc.boolean(), v: fc.boolean(), a: fc.boolean() })
  .map(({ d, e, s, v, a }) => ({
    id: '1',
    is_disabled: d,
    credentials_embed: e ? [{ id: '9', external_user_id: 'ext' }] : [],
    is_service_account: s,
    verified_looker_employee: v,
    can_manage_api3_creds: a,
  }));

describe('users/status: groups', () => {
  it('groupFilter gives the server-side filters of each group', () => {
    assert.deepStrictEqual(groupFilter('disabled'), { is_disabled: true });
    assert.deepStrictEqual(groupFilter('embed'), { is_disabled: false, embed_user: true });
    assert.deepStrictEqual(groupFilter('service'), { is_disabled: false, embed_user: false, is_service_account: true });
    assert.deepStrictEqual(groupFilter('active'), { is_disabled: false, embed_user: false, is_service_account: false });
    assert.deepStrictEqual([...USER_GROUPS].sort(), ['active', 'disabled', 'embed', 'service']);
  });

  it('groups partition users and groupOf agrees with the server-side filters', () => {
    fc.assert(
      fc.property(userArb, (user) => {
        const matching = USER_GROUPS.filter((g) => serverMatches(user, groupFilter(g)));
        assert.deepStrictEqual(matching, [groupOf(user)]);
      }),
    );
  });

  it('groupOf by hand: disabled wins over embed, embed over service', () => {
    assert.strictEqual(groupOf({ is_disabled: true, is_service_account: true, credentials_embed: [{ id: '1' }] }), 'disabled');
    assert.strictEqual(groupOf({ is_service_account: true, credentials_embed: [{ id: '1' }] }), 'embed');
    assert.strictEqual(groupOf({ is_service_account: true, credentials_embed: [] }), 'service');
    assert.strictEqual(groupOf({ credentials_embed: null }), 'active');
    assert.strictEqual(groupOf({}), 'active');
  });
});

describe('users/status: derived groups within a search', () => {
  const parsed = (text: string): UserQuery => {
    const r = parseQuery(text);
    if (!r.ok) throw new Error(r.error);
    return r.query;
  };
  it('combines a search with a derived group\'s filters into one request, or says none can match', () => {
    assert.deepStrictEqual(combineSmartQuery(parsed('email:%@acme.com'), { is_disabled: false }), { email: '%@acme.com', is_disabled: false });
    assert.strictEqual(combineSmartQuery(parsed('disabled:true'), { is_disabled: false }), null);
    assert.deepStrictEqual(combineSmartQuery(parsed('disabled:false'), { is_disabled: false }), { is_disabled: false });
  });
  it('a names search, OR, or two id lists read the search\'s results and check each user', () => {
    assert.strictEqual(combineSmartQuery(parsed('raman'), { is_disabled: false }), 'ungrouped');
    assert.strictEqual(combineSmartQuery(parsed('id:3,12'), { id: '7,12' }), 'ungrouped');
    assert.ok(satisfiesParams({ id: '12', is_disabled: false } as IUser, { id: '7,12', is_disabled: false }));
    assert.ok(!satisfiesParams({ id: '3', is_disabled: false } as IUser, { id: '7,12' }));
    assert.ok(!satisfiesParams({ id: '12', is_disabled: true } as IUser, { is_disabled: false }));
    assert.ok(satisfiesParams({ id: '12' } as IUser, { email: '%@acme.com' }), 'text filters are left to the search');
  });
});

describe('users/status: combineQuery', () => {
  const table: Array<[string, Record<UserGroup, UserSearchParams | null | 'ungrouped'>]> = [
    [
      '',
      {
        active: groupFilter('active'),
        disabled: groupFilter('disabled'),
        embed: groupFilter('embed'),
        service: groupFilter('service'),
      },
    ],
    [
      'email:%@acme.com sort:"last_name desc"',
      {
        active: { email: '%@acme.com', sorts: 'last_name desc', ...groupFilter('active') },
        disabled: { email: '%@acme.com', sorts: 'last_name desc', is_disabled: true },
        embed: { email: '%@acme.com', sorts: 'last_name desc', ...groupFilter('embed') },
        service: { email: '%@acme.com', sorts: 'last_name desc', ...groupFilter('service') },
      },
    ],
    ['disabled:true', { active: null, disabled: { is_disabled: true }, embed: null, service: null }],
    ['disabled:false', { active: groupFilter('active'), disabled: null, embed: groupFilter('embed'), service: groupFilter('service') }],
    [
      'embed:true service:true',
      {
        active: null,
        disabled: { embed_user: true, is_service_account: true, is_disabled: true },
        embed: { embed_user: true, is_service_account: true, is_disabled: false },
        service: null,
      },
    ],
    [
      'service:false',
      {
        active: groupFilter('active'),
        disabled: { is_service_account: false, is_disabled: true },
        embed: { is_service_account: false, ...groupFilter('embed') },
        service: null,
      },
    ],
    ['first:a or last:b', { active: 'ungrouped', disabled: 'ungrouped', embed: 'ungrouped', service: 'ungrouped' }],
    ['ann disabled:true', { active: 'ungrouped', disabled: 'ungrouped', embed: 'ungrouped', service: 'ungrouped' }],
    [
      'id:12,15 employee:true api3:true group:7',
      {
        active: { id: '12,15', verified_looker_employee: true, can_manage_api3_creds: true, group_id: '7', ...groupFilter('active') },
        disabled: { id: '12,15', verified_looker_employee: true, can_manage_api3_creds: true, group_id: '7', is_disabled: true },
        embed: { id: '12,15', verified_looker_employee: true, can_manage_api3_creds: true, group_id: '7', ...groupFilter('embed') },
        service: { id: '12,15', verified_looker_employee: true, can_manage_api3_creds: true, group_id: '7', ...groupFilter('service') },
      },
    ],
  ];
  for (const [input, expected] of table) {
    it(`params for ${JSON.stringify(input)} × each group`, () => {
      for (const g of USER_GROUPS) assert.deepStrictEqual(combineQuery(q(input), g), expected[g], `${input} × ${g}`);
    });
  }

  it('does not modify the query', () => {
    const query = q('email:x');
    combineQuery(query, 'active');
    assert.deepStrictEqual(query.params, { email: 'x' });
  });

  it('a group name must be resolved first; then group_id is sent', () => {
    const query = q('group:Marketing');
    assert.throws(() => combineQuery(query, 'active'), /resolveGroup/);
    assert.throws(() => ungroupedRequest(query), /resolveGroup/);
    const r = resolveGroup(query, [{ id: '3', name: 'marketing' }]);
    assert.ok(r.ok);
    assert.deepStrictEqual(combineQuery(r.query, 'disabled'), { group_id: '3', is_disabled: true });
  });

  it('for any boolean query, user and group: the combined filter selects exactly the query matches of that group', () => {
    const keys = ['disabled', 'embed', 'service', 'employee', 'api3'];
    const queryArb = fc
      .subarray(keys)
      .chain((ks) => fc.tuple(...ks.map((k) => fc.boolean().map((b) => `${k}:${b}`))))
      .map((terms) => terms.join(' '));
    fc.assert(
      fc.property(queryArb, userArb, fc.constantFrom(...USER_GROUPS), (input, user, group) => {
        const query = q(input);
        const combined = combineQuery(query, group);
        assert.notStrictEqual(combined, 'ungrouped');
        const expected = serverMatches(user, query.params) && groupOf(user) === group;
        if (combined === null) assert.strictEqual(expected, false, `${input} × ${group} said null`);
        else assert.strictEqual(serverMatches(user, combined as UserSearchParams), expected, `${input} × ${group}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('users/status: ungroupedRequest', () => {
  it('free text goes to search_users_names with the pattern and the supported filters', () => {
    assert.deepStrictEqual(ungroupedRequest(q('ann disabled:false email:%@x.com sort:email')), {
      endpoint: 'search_users_names',
      params: { pattern: '%ann%', is_disabled: false, email: '%@x.com', sorts: 'email' },
    });
  });

  it('or sends filter_or=true with search_users', () => {
    assert.deepStrictEqual(ungroupedRequest(q('first:a or last:b')), {
      endpoint: 'search_users',
      params: { first_name: 'a', last_name: 'b', filter_or: true },
    });
    assert.deepStrictEqual(ungroupedRequest(q('first:a')), { endpoint: 'search_users', params: { first_name: 'a' } });
  });
});

describe('users/status: classifyUser', () => {
  const person = (extra: IUser = {}): IUser => ({ id: '5', is_disabled: false, is_service_account: false, ...extra });

  it('lockedOut comes from the lockout id list (Set or array)', () => {
    assert.strictEqual(classifyUser(person(), NOW, new Set(['5'])).flags.lockedOut, true);
    assert.strictEqual(classifyUser(person(), NOW, ['4', '5']).flags.lockedOut, true);
    assert.strictEqual(classifyUser(person(), NOW, ['4']).flags.lockedOut, false);
    assert.strictEqual(classifyUser(person(), NOW).flags.lockedOut, false);
    assert.strictEqual(classifyUser({}, NOW, ['5']).flags.lockedOut, false);
  });

  it('neverSignedIn: no login on any credential', () => {
    assert.strictEqual(classifyUser(person({ credentials_email: { email: 'a@b.c', logged_in_at: null } }), NOW).flags.neverSignedIn, true);
    assert.strictEqual(classifyUser(person(), NOW).flags.neverSignedIn, true);
    const viaSaml = classifyUser(person({ credentials_email: { email: 'a@b.c' }, credentials_saml: { logged_in_at: daysAgo(3) } }), NOW);
    assert.strictEqual(viaSaml.flags.neverSignedIn, false);
    assert.strictEqual(viaSaml.daysSinceLogin, 3);
    assert.strictEqual(viaSaml.lastLogin?.getTime(), NOW - 3 * DAY);
    const viaEmbed = classifyUser({ credentials_embed: [{ id: '1' }, { id: '2', logged_in_at: daysAgo(1) }] }, NOW);
    assert.strictEqual(viaEmbed.flags.neverSignedIn, false);
    assert.strictEqual(viaEmbed.group, 'embed');
  });

  it('forcedReset', () => {
    assert.strictEqual(classifyUser(person({ credentials_email: { forced_password_reset_at_next_login: true } }), NOW).flags.forcedReset, true);
    assert.strictEqual(classifyUser(person({ credentials_email: { forced_password_reset_at_next_login: false } }), NOW).flags.forcedReset, false);
    assert.strictEqual(classifyUser(person(), NOW).flags.forcedReset, false);
  });

  describe('setup links (email users who never signed in)', () => {
    const link = (ce: IUser['credentials_email']) => {
      const f = classifyUser(person({ credentials_email: ce }), NOW).flags;
      return f.setupLinkExpired ? 'expired' : f.setupLinkPending ? 'pending' : 'none';
    };
    it('expired: a URL is present and flagged expired', () => {
      assert.strictEqual(link({ account_setup_url: 'https://l/account/setup/tok', account_setup_url_expired: true }), 'expired');
      assert.strictEqual(link({ password_reset_url: 'https://l/password/reset/tok', password_reset_url_expired: true }), 'expired');
    });
    it('pending: a URL is present and not expired (or only the flag was fetched and says valid)', () => {
      assert.strictEqual(link({ account_setup_url: 'https://l/s', account_setup_url_expired: false }), 'pending');
      assert.strictEqual(link({ password_reset_url: 'https://l/r', password_reset_url_expired: false }), 'pending');
      assert.strictEqual(
        link({ account_setup_url: 'https://l/s', account_setup_url_expired: true, password_reset_url: 'https://l/r', password_reset_url_expired: false }),
        'pending',
      );
      assert.strictEqual(link({ account_setup_url_expired: false }), 'pending');
    });
    it('none: no URL ("expired" also means "not present"), no email credential, or the user signed in', () => {
      assert.strictEqual(link({ account_setup_url: null, account_setup_url_expired: true, password_reset_url: null, password_reset_url_expired: true }), 'none');
      assert.strictEqual(link({ account_setup_url_expired: true, password_reset_url_expired: true }), 'none');
      assert.strictEqual(link({ account_setup_url: '', account_setup_url_expired: true }), 'none');
      assert.strictEqual(link(undefined), 'none');
      assert.strictEqual(link({ password_reset_url: 'https://l/r', password_reset_url_expired: true, logged_in_at: daysAgo(1) }), 'none');
    });
  });

  it('noSso: people without saml/oidc/google/ldap/workforce credentials', () => {
    const emailOnly = { credentials_email: { email: 'a@b.c' } };
    assert.strictEqual(classifyUser(person(emailOnly), NOW).flags.noSso, true);
    assert.strictEqual(classifyUser(person({ ...emailOnly, credentials_saml: null, credentials_oidc: undefined } as unknown as IUser), NOW).flags.noSso, true);
    assert.strictEqual(classifyUser(person({ is_disabled: true }), NOW).flags.noSso, true);
    for (const kind of ['credentials_saml', 'credentials_oidc', 'credentials_google', 'credentials_ldap', 'credentials_workforce']) {
      assert.strictEqual(classifyUser(person({ [kind]: { email: 'a@b.c' } }), NOW).flags.noSso, false, kind);
    }
    assert.strictEqual(classifyUser({ credentials_embed: [{ id: '1' }] }, NOW).flags.noSso, false, 'embed users are not flagged');
    assert.strictEqual(classifyUser({ is_service_account: true }, NOW).flags.noSso, false, 'service accounts are not flagged');
  });

  it('Looker employees, verified and presumed', () => {
    const f = classifyUser(person({ verified_looker_employee: true, presumed_looker_employee: false }), NOW).flags;
    assert.deepStrictEqual([f.lookerEmployee, f.presumedLookerEmployee], [true, false]);
    const g = classifyUser(person({ presumed_looker_employee: true }), NOW).flags;
    assert.deepStrictEqual([g.lookerEmployee, g.presumedLookerEmployee], [false, true]);
  });

  it('a complete hand-built user', () => {
    const user: IUser = {
      id: '42',
      is_disabled: true,
      credentials_email: { email: 'x@y.z', forced_password_reset_at_next_login: true, logged_in_at: daysAgo(10) },
      credentials_ldap: { ldap_id: 'x', logged_in_at: daysAgo(2) },
      verified_looker_employee: true,
    };
    assert.deepStrictEqual(classifyUser(user, new Date(NOW), ['42']), {
      group: 'disabled',
      lastLogin: new Date(NOW - 2 * DAY),
      daysSinceLogin: 2,
      flags: {
        lockedOut: true,
        neverSignedIn: false,
        noInteractiveSignIn: false,
        forcedReset: true,
        setupLinkExpired: false,
        setupLinkPending: false,
        noSso: false,
        lookerEmployee: true,
        presumedLookerEmployee: false,
      },
    });
  });

  it('a login in the future counts as 0 days ago', () => {
    assert.strictEqual(classifyUser(person({ credentials_email: { logged_in_at: daysAgo(-2) } }), NOW).daysSinceLogin, 0);
  });
});

describe('users/status: lastLoginAt, isInactiveSince', () => {
  const kinds = [
    'credentials_email',
    'credentials_saml',
    'credentials_oidc',
    'credentials_google',
    'credentials_ldap',
    'credentials_totp',
    'credentials_looker_openid',
    'credentials_workforce',
  ];

  it('takes the latest login across every credential kind, lists included', () => {
    for (const kind of [...kinds, 'credentials_api3', 'credentials_embed']) {
      const user: Record<string, unknown> = {};
      for (const k of kinds) user[k] = { logged_in_at: daysAgo(50) };
      user.credentials_api3 = [{ id: '1' }];
      user.credentials_embed = [{ id: '2', logged_in_at: daysAgo(40) }];
      const latest = { id: 'x', logged_in_at: daysAgo(1) };
      user[kind] = kind === 'credentials_api3' || kind === 'credentials_embed' ? [{ id: 'y' }, latest] : latest;
      assert.strictEqual(lastLoginAt(user as IUser)?.getTime(), NOW - DAY, kind);
    }
  });

  it('compares instants across time-zone offsets and ignores bad dates', () => {
    const user: IUser = {
      credentials_email: { logged_in_at: '2024-01-01T10:00:00.000-07:00' },
      credentials_saml: { logged_in_at: '2024-01-01T16:30:00Z' },
      credentials_google: { logged_in_at: 'not a date' },
      credentials_ldap: { logged_in_at: '' },
    };
    assert.strictEqual(lastLoginAt(user)?.toISOString(), '2024-01-01T17:00:00.000Z');
    assert.strictEqual(lastLoginAt({ credentials_email: { logged_in_at: 'garbage' } }), undefined);
    assert.strictEqual(lastLoginAt({}), undefined);
  });

  it('firstCredentialAt is the oldest credential creation', () => {
    const user: IUser = { credentials_email: { created_at: daysAgo(5) }, credentials_embed: [{ id: '1', created_at: daysAgo(9) }] };
    assert.strictEqual(firstCredentialAt(user)?.getTime(), NOW - 9 * DAY);
    const withKeys: IUser = { ...user, credentials_totp: { created_at: daysAgo(50) }, credentials_api3: [{ id: '1', created_at: daysAgo(60) }] };
    assert.strictEqual(firstCredentialAt(withKeys)?.getTime(), NOW - 9 * DAY, 'TOTP and API keys are not sign-in credentials');
  });

  it('isInactiveSince uses the last login, else the oldest credential, else counts as inactive', () => {
    assert.strictEqual(isInactiveSince({ credentials_email: { logged_in_at: daysAgo(91) } }, 90, NOW), true);
    assert.strictEqual(isInactiveSince({ credentials_email: { logged_in_at: daysAgo(89) } }, 90, NOW), false);
    assert.strictEqual(isInactiveSince({ credentials_email: { logged_in_at: daysAgo(90) } }, 90, new Date(NOW)), false);
    assert.strictEqual(isInactiveSince({ credentials_email: { created_at: daysAgo(100) } }, 90, NOW), true);
    assert.strictEqual(isInactiveSince({ credentials_email: { created_at: daysAgo(10) } }, 90, NOW), false);
    assert.strictEqual(isInactiveSince({}, 90, NOW), true);
    assert.strictEqual(
      isInactiveSince({ credentials_email: { created_at: daysAgo(500), logged_in_at: daysAgo(100) }, credentials_saml: { logged_in_at: daysAgo(3) } }, 90, NOW),
      false,
    );
  });
});

describe('users/status: SMART_SEARCHES', () => {
  const byId = (id: string) => {
    const s = SMART_SEARCHES.find((x) => x.id === id);
    assert.ok(s, id);
    return s;
  };

  it('has the built-in searches with labels (the clean-up views included)', () => {
    assert.deepStrictEqual(
      SMART_SEARCHES.map((s) => [s.id, s.label]),
      [
        ['inactive90', 'Inactive > 90 days'],
        ['neverSignedIn', 'Never signed in'],
        ['lockedOut', 'Locked out'],
        ['noEmail', 'No email login'],
        ['noSso', 'No SSO login'],
        ['duplicateEmails', 'Duplicate emails'],
        ['blankNames', 'Blank names'],
        ['expiredSetup', 'Expired setup links'],
      ],
    );
  });

  it('clean-up views: no email / no SSO login, blank names, and emails shared across credentials of different users', () => {
    const ctx = { now: NOW };
    const person = (o: Record<string, unknown>) => ({ id: '9', is_disabled: false, embed_user: false, is_service_account: false, ...o }) as unknown as IUser;
    const saml = person({ credentials_saml: { email: 'a@x.io' } });
    const emailOnly = person({ credentials_email: { email: 'A@x.io' } });
    assert.strictEqual(byId('noEmail').matches(saml, ctx), true);
    assert.strictEqual(byId('noEmail').matches(emailOnly, ctx), false);
    assert.strictEqual(byId('noSso').matches(emailOnly, ctx), true);
    assert.strictEqual(byId('noSso').matches(saml, ctx), false);
    assert.strictEqual(byId('blankNames').matches(person({ first_name: ' ', last_name: null }), ctx), true);
    assert.strictEqual(byId('blankNames').matches(person({ first_name: 'Ann', last_name: '' }), ctx), false);
    const users = [
      person({ id: '1', credentials_email: { email: 'Ann@x.io' } }),
      person({ id: '2', credentials_saml: { email: 'ann@X.io' } }),
      person({ id: '3', email: 'bob@x.io', credentials_email: { email: 'bob@x.io' } }),
      person({ id: '4', credentials_google: { email: 'carl@x.io' } }),
    ];
    const dup = byId('duplicateEmails');
    assert.deepStrictEqual(dup.select!(users.filter((u) => dup.matches(u, ctx))).map((u) => u.id), ['1', '2'], 'one user with the same email twice is not a duplicate');
    assert.match(dup.fields!, /credentials_saml\(email,/);
  });

  it('API-only users are "no interactive sign-in", not "never signed in"', () => {
    const api = classifyUser({ credentials_api3: [{ id: '1', created_at: daysAgo(400) }] }, NOW);
    assert.strictEqual(api.flags.neverSignedIn, false);
    assert.strictEqual(api.flags.noInteractiveSignIn, true);
    const ssoNever = classifyUser({ credentials_saml: { logged_in_at: null }, credentials_api3: [{ id: '1' }] }, NOW);
    assert.strictEqual(ssoNever.flags.noInteractiveSignIn, true);
    const signedIn = classifyUser({ credentials_email: { logged_in_at: daysAgo(2) }, credentials_api3: [{ id: '1' }] }, NOW);
    assert.strictEqual(signedIn.flags.noInteractiveSignIn, false);
    assert.strictEqual(classifyUser({}, NOW).flags.noInteractiveSignIn, false);
  });

  it('Inactive > 90 days: with System Activity, API use counts; API-only accounts are judged by it', () => {
    const s = byId('inactive90');
    assert.strictEqual(s.needsActivity, true);
    const apiOnly = { id: '7', is_service_account: true, credentials_api3: [{ id: '1', created_at: daysAgo(400) }] };
    assert.strictEqual(s.matches(apiOnly, { now: NOW }), true, 'no activity known: created long ago');
    const recent = new Map([['7', { lastApi: new Date(NOW - 3 * DAY) }]]);
    assert.strictEqual(s.matches(apiOnly, { now: NOW, activity: recent }), false, 'used the API 3 days ago');
    const old = new Map([['7', { lastApi: new Date(NOW - 200 * DAY), lastUi: new Date(NOW - 300 * DAY) }]]);
    assert.strictEqual(s.matches(apiOnly, { now: NOW, activity: old }), true);
    const person = { id: '8', credentials_email: { logged_in_at: daysAgo(120) } };
    assert.strictEqual(s.matches(person, { now: NOW, activity: new Map([['8', { lastApi: new Date(NOW - DAY) }]]) }), false);
    assert.strictEqual(lastActivityAt(person, { lastUi: new Date(NOW - 10 * DAY) })?.getTime(), NOW - 10 * DAY);
  });

  it('Inactive > 90 days: enabled people and service accounts, last login across credentials', () => {
    const s = byId('inactive90');
    const ctx = { now: NOW };
    assert.deepStrictEqual(s.params(ctx), { is_disabled: false, embed_user: false });
    assert.strictEqual(s.needsLockouts, false);
    assert.strictEqual(s.matches({ credentials_email: { logged_in_at: daysAgo(120) } }, ctx), true);
    assert.strictEqual(s.matches({ credentials_email: { logged_in_at: daysAgo(120) }, credentials_oidc: { logged_in_at: daysAgo(5) } }, ctx), false);
    assert.strictEqual(s.matches({ is_disabled: true, credentials_email: { logged_in_at: daysAgo(120) } }, ctx), false);
  });

  it('Never signed in: enabled people without any login', () => {
    const s = byId('neverSignedIn');
    const ctx = { now: NOW };
    assert.deepStrictEqual(s.params(ctx), groupFilter('active'));
    assert.strictEqual(s.matches({ credentials_email: { email: 'a@b.c' } }, ctx), true);
    assert.strictEqual(s.matches({ credentials_email: { logged_in_at: daysAgo(1) } }, ctx), false);
    assert.strictEqual(s.matches({ is_service_account: true }, ctx), false);
    assert.strictEqual(s.matches({ credentials_api3: [{ id: '1' }] }, ctx), false, 'API keys: not "never signed in"');
  });

  it('Locked out: ids from the lockout list, no request when there are none', () => {
    const s = byId('lockedOut');
    assert.strictEqual(s.needsLockouts, true);
    assert.strictEqual(s.params({ now: NOW }), null);
    assert.strictEqual(s.params({ now: NOW, lockedOutUserIds: [] }), null);
    assert.deepStrictEqual(s.params({ now: NOW, lockedOutUserIds: ['7', '3', '7', 'x'] }), { id: '7,3' });
    assert.deepStrictEqual(s.params({ now: NOW, lockedOutUserIds: new Set(['9']) }), { id: '9' });
    assert.strictEqual(s.matches({ id: '3' }, { now: NOW, lockedOutUserIds: ['3'] }), true);
    assert.strictEqual(s.matches({ id: '4' }, { now: NOW, lockedOutUserIds: ['3'] }), false);
  });
});

/** Parses a `fields` string into a tree: name → sub-fields (empty map = scalar). Throws on bad syntax. */
function parseFields(text: string): Map<string, Map<string, unknown>> {
  let i = 0;
  const level = (): Map<string, Map<string, unknown>> => {
    const out = new Map<string, Map<string, unknown>>();
    for (;;) {
      const m = /^[a-z0-9_]+/.exec(text.slice(i));
      if (!m) throw new Error(`field name expected at ${i}`);
      i += m[0].length;
      if (out.has(m[0])) throw new Error(`duplicate ${m[0]}`);
      let sub = new Map<string, Map<string, unknown>>();
      if (text[i] === '(') {
        i++;
        sub = level();
        if (text[i] !== ')') throw new Error(`) expected at ${i}`);
        i++;
      }
      out.set(m[0], sub);
      if (text[i] !== ',') return out;
      i++;
    }
  };
  const tree = level();
  if (i !== text.length) throw new Error(`trailing text at ${i}`);
  return tree;
}

/** Keeps only the requested fields, like the server does. */
function narrow(value: unknown, fields: Map<string, Map<string, unknown>>): unknown {
  if (Array.isArray(value)) return value.map((v) => narrow(v, fields));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of fields) {
    if (!(name in value)) continue;
    const v = (value as Record<string, unknown>)[name];
    out[name] = sub.size ? narrow(v, sub as Map<string, Map<string, unknown>>) : v;
  }
  return out;
}

describe('users/status: TREE_USER_FIELDS', () => {
  const fullUser = (extra: IUser): IUser => ({
    id: '8',
    first_name: 'Ann',
    last_name: 'Lee',
    display_name: 'Ann Lee',
    email: 'ann@acme.com',
    is_disabled: false,
    is_service_account: false,
    verified_looker_employee: true,
    presumed_looker_employee: true,
    locale: 'en',
    role_ids: ['1'],
    group_ids: ['2'],
    credentials_totp: { created_at: daysAgo(400), verified: true },
    credentials_api3: [{ id: '1', client_id: 'cid', created_at: daysAgo(300) }],
    ...extra,
  });
  const variants: IUser[] = [
    fullUser({ credentials_email: { email: 'ann@acme.com', created_at: daysAgo(200), forced_password_reset_at_next_login: true, account_setup_url: 'https://l/s', account_setup_url_expired: true, password_reset_url: null, password_reset_url_expired: true } }),
    fullUser({ credentials_email: { email: 'ann@acme.com', created_at: daysAgo(20), password_reset_url: 'https://l/r', password_reset_url_expired: false, account_setup_url_expired: true } }),
    fullUser({ credentials_email: { email: 'a', logged_in_at: daysAgo(100) }, credentials_saml: { saml_user_id: 's', logged_in_at: daysAgo(95) } }),
    fullUser({ credentials_google: { google_user_id: 'g', created_at: daysAgo(1) }, credentials_workforce: { logged_in_at: daysAgo(1) } }),
    fullUser({ credentials_looker_openid: { email: 'a', logged_in_at: daysAgo(7) }, credentials_ldap: { ldap_id: 'l', created_at: daysAgo(3) } }),
    fullUser({ credentials_oidc: { oidc_user_id: 'o', logged_in_at: daysAgo(300) } }),
    fullUser({ credentials_embed: [{ id: '3', external_user_id: 'e', created_at: daysAgo(200), logged_in_at: daysAgo(150) }] }),
    fullUser({ is_service_account: true, is_disabled: true }),
  ];

  it('is well-formed nested fields syntax', () => {
    const tree = parseFields(TREE_USER_FIELDS);
    assert.ok(tree.has('id') && tree.has('credentials_email'));
    assert.ok(parseFields(TREE_USER_FIELDS_NO_URLS).has('credentials_email'));
  });

  it('holds everything classification and the smart searches read (same answers on narrowed users)', () => {
    for (const fields of [TREE_USER_FIELDS]) {
      const tree = parseFields(fields);
      for (const user of variants) {
        const narrowed = narrow(user, tree) as IUser;
        assert.deepStrictEqual(classifyUser(narrowed, NOW, ['8']), classifyUser(user, NOW, ['8']));
        assert.strictEqual(isInactiveSince(narrowed, 90, NOW), isInactiveSince(user, 90, NOW));
        for (const s of SMART_SEARCHES) {
          const ctx = { now: NOW, lockedOutUserIds: ['8'] };
          assert.strictEqual(s.matches(narrowed, ctx), s.matches(user, ctx), s.id);
        }
        for (const f of ['id', 'first_name', 'last_name', 'display_name', 'email']) {
          assert.strictEqual((narrowed as Record<string, unknown>)[f], (user as Record<string, unknown>)[f], f);
        }
      }
    }
  });

  it('the variant without URLs carries no token-bearing URL and still classifies pending links', () => {
    assert.doesNotMatch(TREE_USER_FIELDS_NO_URLS, /_url[,)]/);
    const narrowed = narrow(variants[1], parseFields(TREE_USER_FIELDS_NO_URLS)) as IUser;
    assert.strictEqual(classifyUser(narrowed, NOW).flags.setupLinkPending, true);
  });

  it('names only fields of the User model and its credential models in the API spec', () => {
    // The in-repo copy of the spec (out/test/unit/users -> test/fixtures): a missing file fails the test.
    const specPath = path.resolve(__dirname, '../../../../test/fixtures/looker-api/Looker.4.0.oas.json');
    const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
    const schemas = spec.components.schemas as Record<string, { properties: Record<string, { $ref?: string; items?: { $ref?: string } }> }>;
    const check = (schema: string, tree: Map<string, Map<string, unknown>>) => {
      const props = schemas[schema].properties;
      for (const [name, sub] of tree) {
        assert.ok(props[name], `${schema}.${name} is not in the spec`);
        if (sub.size) {
          const ref = props[name].$ref ?? props[name].items?.$ref;
          assert.ok(ref, `${schema}.${name} has no sub-fields`);
          check(ref.split('/').pop() as string, sub as Map<string, Map<string, unknown>>);
        }
      }
    };
    check('User', parseFields(TREE_USER_FIELDS));
  });
});
