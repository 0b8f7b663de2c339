import * as assert from 'assert';
import fc from 'fast-check';
import {
  QUERY_HELP,
  QUERY_KEYS,
  SORTABLE_USER_FIELDS,
  closest,
  describeQuery,
  formatQuery,
  namesPattern,
  parseQuery,
  resolveGroup,
  type QueryKey,
  type QueryParseResult,
  type UserQuery,
} from '../../../src/users/query';

function ok(input: string): UserQuery {
  const r = parseQuery(input);
  if (!r.ok) assert.fail(`expected ${JSON.stringify(input)} to parse, got error: ${r.error}`);
  return r.query;
}

function fails(input: string): Extract<QueryParseResult, { ok: false }> {
  const r = parseQuery(input);
  if (r.ok) assert.fail(`expected ${JSON.stringify(input)} to fail, got ${JSON.stringify(r.query)}`);
  assert.ok(r.start >= 0 && r.start <= r.end && r.end <= input.length, `bad range ${r.start}..${r.end}`);
  return r;
}

/** The parts of a query that decide the request. */
function essence(q: UserQuery): unknown {
  return { mode: q.mode, params: q.params, namesPattern: q.namesPattern, groupName: q.groupName, filterOr: q.filterOr };
}

describe('users/query: parseQuery', () => {
  describe('the examples of the feature', () => {
    const cases: Array<[string, Partial<UserQuery>]> = [
      ['ann%', { mode: 'names', namesPattern: 'ann%', params: {} }],
      ['email:%@acme.com', { mode: 'search', params: { email: '%@acme.com' } }],
      ['first:jo_n last:smith', { mode: 'search', params: { first_name: 'jo_n', last_name: 'smith' } }],
      ['id:12,15,90', { params: { id: '12,15,90' } }],
      ['group:Marketing', { params: {}, groupName: 'Marketing' }],
      ['disabled:true', { params: { is_disabled: true } }],
      ['embed:false', { params: { embed_user: false } }],
      ['service:true', { params: { is_service_account: true } }],
      ['employee:true', { params: { verified_looker_employee: true } }],
      ['api3:true', { params: { can_manage_api3_creds: true } }],
      ['content:42', { params: { content_metadata_id: '42' } }],
      ['sort:"last_name desc"', { params: { sorts: 'last_name desc' } }],
      ['email:"IS NULL"', { params: { email: 'IS NULL' } }],
      ['last:"van der Berg"', { params: { last_name: 'van der Berg' } }],
      ['full:"Ann Lee"', { params: { full_name: 'Ann Lee' } }],
      ['first:ann or last:ann', { params: { first_name: 'ann', last_name: 'ann' }, filterOr: true }],
    ];
    for (const [input, expected] of cases) {
      it(input, () => {
        const q = ok(input);
        for (const [k, v] of Object.entries(expected)) {
          assert.deepStrictEqual((q as unknown as Record<string, unknown>)[k], v, `${k} of ${input}`);
        }
        if (expected.filterOr === undefined) assert.strictEqual(q.filterOr, false);
      });
    }
  });

  it('an empty or blank query means all users', () => {
    for (const input of ['', '   ', '\t \n']) {
      assert.deepStrictEqual(essence(ok(input)), { mode: 'search', params: {}, namesPattern: undefined, groupName: undefined, filterOr: false });
      assert.strictEqual(ok(input).text, '');
    }
  });

  describe('keys', () => {
    const values: Record<QueryKey, [string, unknown]> = {
      first: ['Ann', 'Ann'],
      last: ['Lee', 'Lee'],
      name: ['"Ann Lee"', 'Ann Lee'],
      email: ['%@acme.com', '%@acme.com'],
      id: ['7,8', '7,8'],
      group: ['12', '12'],
      disabled: ['false', false],
      embed: ['true', true],
      service: ['false', false],
      employee: ['true', true],
      api3: ['false', false],
      content: ['5', '5'],
      sort: ['email', 'email'],
    };
    for (const info of Object.values(QUERY_KEYS)) {
      it(`${info.key} and its aliases ${info.aliases.join(', ')} set ${info.param}`, () => {
        const [typed, expected] = values[info.key];
        for (const spelling of [info.key, ...info.aliases, info.key.toUpperCase()]) {
          const q = ok(`${spelling}:${typed}`);
          assert.deepStrictEqual(q.params, { [info.param]: expected }, spelling);
          assert.strictEqual(q.text, `${info.key}:${typed}`, spelling);
        }
      });
    }

    it('keys are case-insensitive and accept - for _', () => {
      assert.deepStrictEqual(ok('First_Name:a LAST-NAME:b eMaIl:c').params, { first_name: 'a', last_name: 'b', email: 'c' });
    });

    it('boolean values are case-insensitive', () => {
      assert.deepStrictEqual(ok('disabled:TRUE embed:False').params, { is_disabled: true, embed_user: false });
    });

    it('IS NULL / NOT NULL are normalised in any case and spacing', () => {
      assert.strictEqual(ok('email:"is null"').params.email, 'IS NULL');
      assert.strictEqual(ok('first:"  not   NULL "').params.first_name, 'NOT NULL');
      assert.strictEqual(ok('email:"is nullx"').params.email, 'is nullx');
    });

    it('id lists drop spaces and repeated ids', () => {
      assert.strictEqual(ok('id:"12, 15 ,12"').params.id, '12,15');
    });

    it('group takes a name (unresolved) or ids', () => {
      assert.strictEqual(ok('group:"Sales Team"').groupName, 'Sales Team');
      assert.strictEqual(ok('group:"Sales Team"').params.group_id, undefined);
      const byId = ok('group:12,13');
      assert.strictEqual(byId.params.group_id, '12,13');
      assert.strictEqual(byId.groupName, undefined);
      assert.strictEqual(ok('group_id:"  Ops "').groupName, 'Ops');
    });

    it('sort validates fields, accepts asc/desc and aliases, drops the default asc', () => {
      assert.strictEqual(ok('sort:"last_name desc, first_name asc"').params.sorts, 'last_name desc,first_name');
      assert.strictEqual(ok('sort:LAST,first').params.sorts, 'last_name,first_name');
      assert.strictEqual(ok('sort:"id DESC"').params.sorts, 'id desc');
      for (const f of SORTABLE_USER_FIELDS) assert.strictEqual(ok(`sort:${f}`).params.sorts, f);
    });
  });

  describe('quoting', () => {
    it('quoted values keep spaces, unicode and escaped quotes/backslashes', () => {
      assert.strictEqual(ok('last:"O\'Brien-Łukasz 李"').params.last_name, "O'Brien-Łukasz 李");
      assert.strictEqual(ok('first:"say \\"hi\\""').params.first_name, 'say "hi"');
      assert.strictEqual(ok('first:"a\\\\b"').params.first_name, 'a\\b');
      assert.strictEqual(ok('first:"a\\b"').params.first_name, 'a\\b');
    });

    it('quotes inside a bare value are literal', () => {
      assert.strictEqual(ok('first:jo"hn').params.first_name, 'jo"hn');
    });

    it('quoted free text is one pattern and may hold ":" or the word or', () => {
      assert.strictEqual(ok('"Ann Lee"').params.full_name, '%Ann Lee%');
      assert.strictEqual(ok('"a:b"').namesPattern, '%a:b%');
      const q = ok('"or"');
      assert.strictEqual(q.filterOr, false);
      assert.strictEqual(q.namesPattern, '%or%');
      assert.strictEqual(q.text, '"or"');
    });
  });

  describe('free text', () => {
    it('is wrapped in %…% without wildcards and kept as typed with one', () => {
      assert.strictEqual(ok('ann').namesPattern, '%ann%');
      assert.strictEqual(ok('ann').freeText, 'ann');
      assert.strictEqual(ok('%ann').namesPattern, '%ann');
      assert.strictEqual(ok('jo_n').namesPattern, 'jo_n');
      assert.strictEqual(namesPattern('x'), '%x%');
    });

    it('several words search the full name with search_users (search_users_names never matches "ann lee")', () => {
      for (const input of ['ann   lee', 'ann "" lee', '"ann lee"']) {
        const q = ok(input);
        assert.strictEqual(q.mode, 'search', input);
        assert.strictEqual(q.namesPattern, undefined, input);
        assert.deepStrictEqual(q.params, { full_name: '%ann lee%' }, input);
        assert.strictEqual(q.text, '"ann lee"');
        assert.deepStrictEqual(essence(ok(q.text)), essence(q), 'the normal form reads back');
      }
      assert.strictEqual(ok('ann l_e').params.full_name, 'ann l_e', 'a wildcard keeps the text as typed');
      assert.match(describeQuery(ok('ann lee')), /"ann lee" in full name/);
    });

    it('several words combine with every key (search_users), except one setting the full name again', () => {
      const q = ok('ann lee group:7 service:false sort:email');
      assert.deepStrictEqual(q.params, { full_name: '%ann lee%', group_id: '7', is_service_account: false, sorts: 'email' });
      assert.strictEqual(q.text, '"ann lee" group:7 service:false sort:email');
      const r = fails('ann lee name:x');
      assert.match(r.error, /name: cannot be combined with free text of several words/);
    });

    it('combines with the filters search_users_names supports', () => {
      const q = ok('ann disabled:false email:%@acme.com id:3 first:a last:b employee:true sort:email');
      assert.strictEqual(q.mode, 'names');
      assert.deepStrictEqual(q.params, {
        is_disabled: false,
        email: '%@acme.com',
        id: '3',
        first_name: 'a',
        last_name: 'b',
        verified_looker_employee: true,
        sorts: 'email',
      });
    });

    it('keeps unicode and hostile text as data', () => {
      assert.strictEqual(ok('Zoë').namesPattern, '%Zoë%');
      assert.strictEqual(ok('<script>alert(1)</script>').namesPattern, '%<script>alert(1)</script>%');
      assert.strictEqual(ok('😀').namesPattern, '%😀%');
    });
  });

  describe('errors name the problem and the token', () => {
    it('unknown key: lists the valid keys and suggests the closest', () => {
      const r = fails('disabled:true emial:x@y.z');
      assert.match(r.error, /Unknown key "emial:"/);
      assert.match(r.error, /Did you mean "email:"\?/);
      for (const k of Object.keys(QUERY_KEYS)) assert.ok(r.error.includes(k), `lists ${k}`);
      assert.strictEqual('disabled:true emial:x@y.z'.slice(r.start, r.end), 'emial:');
    });

    it('unknown key: suggests through aliases and prefixes, not for unrelated words', () => {
      assert.match(fails('frist_name:a').error, /Did you mean "first:"/);
      assert.match(fails('servce:true').error, /Did you mean "service:"/);
      assert.match(fails('disab:true').error, /Did you mean "disabled:"/);
      assert.doesNotMatch(fails('qqqqqqqq:1').error, /Did you mean/);
      assert.match(fails('http://x').error, /Unknown key "http:"/);
    });

    it('missing key before ":"', () => {
      const r = fails('ann :x');
      assert.match(r.error, /Missing key/);
      assert.strictEqual(r.start, 4);
    });

    it('non-boolean value for a boolean key', () => {
      const r = fails('first:a disabled:yes');
      assert.strictEqual(r.error, 'disabled: expects true or false, not "yes"');
      assert.strictEqual('first:a disabled:yes'.slice(r.start, r.end), 'yes');
      assert.match(fails('embed:1').error, /^embed: expects true or false/);
    });

    it('unterminated quote', () => {
      const input = 'first:a last:"van der';
      const r = fails(input);
      assert.match(r.error, /Unterminated quote/);
      assert.strictEqual(r.start, input.indexOf('"'));
      assert.strictEqual(r.end, input.length);
      assert.match(fails('"ann').error, /Unterminated quote/);
      assert.match(fails('first:"a\\"').error, /Unterminated quote/);
    });

    it('text glued to a closing quote', () => {
      assert.match(fails('last:"van"der').error, /space after the closing quote/);
    });

    it('empty value', () => {
      for (const input of ['first:', 'first:""', 'email:"   "', 'sort:']) {
        assert.match(fails(input).error, /needs a value, e\.g\./, input);
      }
      assert.match(fails('""').error, /Empty search text/);
    });

    it('duplicate key, also through an alias', () => {
      const input = 'first:a last:b first_name:c';
      const r = fails(input);
      assert.match(r.error, /Duplicate key first: it is already given as "first:a"/);
      assert.strictEqual(input.slice(r.start, r.end), 'first_name:c');
    });

    it('or with free text, or without two filters', () => {
      const r = fails('ann or email:x');
      assert.match(r.error, /"or" cannot be combined with free text/);
      assert.strictEqual('ann or email:x'.slice(r.start, r.end), 'or');
      assert.match(fails('or').error, /at least two filters/);
      assert.match(fails('first:a or').error, /at least two filters/);
      assert.match(fails('first:a or sort:id').error, /at least two filters/);
      assert.deepStrictEqual(ok('group:Ops or first:a').filterOr, true);
      assert.deepStrictEqual(ok('OR first:a Or last:b or').filterOr, true);
    });

    it('free text with a key search_users_names lacks', () => {
      for (const key of ['embed:true', 'service:false', 'group:Ops', 'full:x', 'api3:true', 'content:1']) {
        const input = `ann ${key}`;
        const r = fails(input);
        assert.match(r.error, /cannot be combined with free text/, input);
        assert.strictEqual(input.slice(r.start, r.end), key);
      }
    });

    it('bad ids', () => {
      assert.match(fails('id:12,abc').error, /id: "abc" is not a numeric id/);
      assert.match(fails('id:12,,15').error, /id: empty item/);
      assert.match(fails('content:x').error, /content: "x" is not a numeric id/);
      assert.match(fails('group:12,').error, /group: empty item/);
    });

    it('bad sort', () => {
      const r = fails('sort:last_nme');
      assert.match(r.error, /sort: cannot sort by "last_nme"\. Did you mean last_name\?/);
      assert.match(r.error, /Sortable fields: .*\bfirst_name\b.*\bid\b/);
      assert.match(fails('sort:created_at').error, /cannot sort by "created_at"/);
      assert.match(fails('sort:"email sideways"').error, /optionally followed by asc or desc/);
      assert.match(fails('sort:"a b c"').error, /optionally followed by asc or desc/);
      assert.match(fails('sort:email,,id').error, /sort: empty item/);
      assert.match(fails('sort:"email, email desc"').error, /email appears twice/);
    });

    it('long offending tokens are shortened in messages', () => {
      const r = fails(`disabled:${'x'.repeat(5000)}`);
      assert.ok(r.error.length < 200, `message length ${r.error.length}`);
      assert.strictEqual(r.end, 5009);
    });
  });

  describe('fuzzing', () => {
    const INTERNAL = 'The query could not be read';

    function checkResult(input: string): void {
      const r = parseQuery(input);
      if (!r.ok) {
        assert.ok(r.error.length > 0);
        assert.notStrictEqual(r.error, INTERNAL, `internal failure for ${JSON.stringify(input)}`);
        assert.ok(Number.isInteger(r.start) && Number.isInteger(r.end));
        assert.ok(r.start >= 0 && r.start <= r.end && r.end <= input.length, `range ${r.start}..${r.end} for ${JSON.stringify(input)}`);
        return;
      }
      const q = r.query;
      assert.strictEqual(q.text, formatQuery(q));
      const again = parseQuery(q.text);
      if (!again.ok) assert.fail(`normal form ${JSON.stringify(q.text)} of ${JSON.stringify(input)} fails: ${again.error}`);
      assert.deepStrictEqual(essence(again.query), essence(q), `round trip of ${JSON.stringify(input)}`);
      assert.strictEqual(again.query.text, q.text);
      assert.strictEqual(typeof describeQuery(q), 'string');
    }

    it('arbitrary strings (any code point) never throw and keep the invariants', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkResult), { numRuns: 2000 });
      fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), checkResult), { numRuns: 1000 });
    });

    it('grammar-shaped input round-trips through formatQuery', () => {
      const spellings = Object.values(QUERY_KEYS).flatMap((k) => [k.key, ...k.aliases, k.key.toUpperCase()]);
      const value = fc.oneof(
        fc.constantFrom('true', 'false', 'TRUE', '12', '12,15', '"12, 15"', 'ann%', 'jo_n', '"IS NULL"', '"not null"',
          '"last_name desc"', 'email', '"van der Berg"', '"a \\"q\\" \\\\"', 'Zoë', '', '""', 'x:y', 'or', '"or"'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
      );
      const term = fc.oneof(
        fc.tuple(fc.constantFrom(...spellings), value).map(([k, v]) => `${k}:${v}`),
        fc.constantFrom('or', 'OR', 'ann', 'ann%', '"Ann Lee"', '"x:y"', '"or"', '😀', 'a"b'),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
      );
      const space = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u3000');
      const query = fc.array(fc.tuple(term, space), { maxLength: 6 }).map((parts) => parts.map(([t, s]) => t + s).join(''));
      let oks = 0;
      fc.assert(
        fc.property(query, (input) => {
          checkResult(input);
          if (parseQuery(input).ok) oks++;
        }),
        { numRuns: 3000 },
      );
      assert.ok(oks > 300, `only ${oks} generated queries were valid: the generator is too weak`);
    });

    it('very long input is handled quickly', () => {
      const words = Array.from({ length: 40000 }, (_, i) => `w${i}`).join(' ');
      const t0 = performance.now();
      const free = parseQuery(words);
      const err = parseQuery('first:a '.repeat(20000));
      const quote = parseQuery('"' + 'x'.repeat(300000));
      const key = parseQuery('k'.repeat(300000) + ':1');
      const ms = performance.now() - t0;
      assert.ok(free.ok && free.query.params.full_name?.startsWith('%w0 w1 '));
      assert.ok(!err.ok && /Duplicate key/.test(err.error));
      assert.ok(!quote.ok && /Unterminated/.test(quote.error));
      assert.ok(!key.ok && /Unknown key/.test(key.error) && key.error.length < 400);
      assert.ok(ms < 2000, `took ${ms} ms`);
    });

    it('a non-string argument (from untyped callers) is an empty query, not an exception', () => {
      assert.strictEqual(parseQuery(undefined as unknown as string).ok, true);
    });
  });
});

describe('users/query: formatQuery, describeQuery, help', () => {
  it('formats in normal form: free text, keys in QUERY_KEYS order, or between filters, sort last', () => {
    assert.strictEqual(ok('  DISABLED:TRUE   EMAIL:%@acme.com ').text, 'email:%@acme.com disabled:true');
    assert.strictEqual(ok('sort:last or last:b first:a').text, 'first:a or last:b sort:last_name');
    assert.strictEqual(ok('disabled:true ann').text, 'ann disabled:true');
    assert.strictEqual(ok('group:"Sales Team" id:1').text, 'id:1 group:"Sales Team"');
    assert.strictEqual(ok('first:"say \\"hi\\""').text, 'first:"say \\"hi\\""');
    assert.strictEqual(ok('"x:y"').text, '"x:y"');
  });

  it('formats a hand-built query (e.g. a saved search) that parses back to the same request', () => {
    const text = formatQuery({ params: { last_name: 'van der Berg', is_disabled: false, sorts: 'id desc' }, filterOr: false });
    assert.strictEqual(text, 'last:"van der Berg" disabled:false sort:"id desc"');
    assert.deepStrictEqual(ok(text).params, { last_name: 'van der Berg', is_disabled: false, sorts: 'id desc' });
    assert.strictEqual(formatQuery({ params: {}, filterOr: false, namesPattern: '%ann%' }), '%ann%');
  });

  it('describes queries in short human text', () => {
    assert.strictEqual(describeQuery(ok('')), 'All users');
    assert.strictEqual(describeQuery(ok('ann disabled:true')), '"ann" in name/email · disabled');
    assert.strictEqual(describeQuery(ok('email:%@acme.com embed:false sort:"last_name desc"')), 'email "%@acme.com" · not embed · sorted by last_name desc');
    assert.strictEqual(describeQuery(ok('first:ann or email:"IS NULL"')), 'any of: first name "ann" or no email');
    assert.strictEqual(describeQuery(ok('id:1,2 group:Ops service:true')), 'id 1, 2 · group Ops · service accounts');
    assert.strictEqual(describeQuery(ok('employee:true api3:false')), 'Looker employees · cannot manage API keys');
    const long = describeQuery(ok(`first:${'a'.repeat(30)} last:${'b'.repeat(30)} email:${'c'.repeat(30)}`), 50);
    assert.strictEqual(long.length, 50);
    assert.ok(long.endsWith('…'));
  });

  it('QUERY_HELP is one line naming the keys, or, quoting and wildcards', () => {
    assert.ok(!QUERY_HELP.includes('\n'));
    for (const k of Object.keys(QUERY_KEYS).filter((k) => k !== 'content')) assert.ok(QUERY_HELP.includes(`${k}:`), k);
    assert.match(QUERY_HELP, /"or"/);
    assert.match(QUERY_HELP, /quote/);
    assert.match(QUERY_HELP, /% and _/);
  });

  it('QUERY_KEYS: canonical keys and aliases are unique and every example parses to its key', () => {
    const all = Object.values(QUERY_KEYS).flatMap((k) => [k.key, ...k.aliases]);
    assert.strictEqual(new Set(all).size, all.length);
    for (const [key, info] of Object.entries(QUERY_KEYS)) {
      assert.strictEqual(info.key, key);
      const q = ok(info.example);
      const set = info.kind === 'group' ? q.groupName ?? q.params.group_id : (q.params as Record<string, unknown>)[info.param];
      assert.notStrictEqual(set, undefined, info.example);
    }
  });

  it('closest() suggests only near words', () => {
    assert.strictEqual(closest('emial', ['email', 'id']), 'email');
    assert.strictEqual(closest('zzz', ['email', 'id']), undefined);
    assert.strictEqual(closest('', ['email']), undefined);
  });
});

describe('users/query: resolveGroup', () => {
  const groups = [
    { id: '1', name: 'Marketing' },
    { id: '2', name: 'Sales Team' },
    { id: '3', name: 'Dup' },
    { id: '4', name: 'dup' },
    { id: null, name: 'No id' },
  ];

  it('resolves a name case-insensitively to group_id and keeps the name for display', () => {
    const r = resolveGroup(ok('group:marketing disabled:false'), groups);
    assert.ok(r.ok);
    assert.deepStrictEqual(r.query.params, { is_disabled: false, group_id: '1' });
    assert.strictEqual(r.query.groupName, 'marketing');
  });

  it('leaves queries without a group name unchanged', () => {
    const q = ok('group:2');
    const r = resolveGroup(q, groups);
    assert.ok(r.ok);
    assert.strictEqual(r.query, q);
  });

  it('reports unknown names with a suggestion, and ambiguous ones with their ids', () => {
    const miss = resolveGroup(ok('group:Marketting'), groups);
    assert.ok(!miss.ok);
    assert.strictEqual(miss.error, 'No group named "Marketting". Did you mean "Marketing"?');
    const dup = resolveGroup(ok('group:DUP'), groups);
    assert.ok(!dup.ok);
    assert.match(dup.error, /Several groups are named "DUP" \(ids 3, 4\)/);
    const noId = resolveGroup(ok('group:"No id"'), groups);
    assert.ok(!noId.ok);
  });
});
