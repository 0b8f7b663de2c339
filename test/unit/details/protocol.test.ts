// Message validation of the details webview protocol (src/details/protocol.ts): the page is untrusted input.
import * as assert from 'assert';
import fc from 'fast-check';
import {
  CREDENTIAL_KINDS,
  EDITABLE_FIELDS,
  describeUnknown,
  isDetailsData,
  isHostMessage,
  isPageMessage,
  isPageState,
  type DetailsData,
  type HostMessage,
  type PageMessage,
  type PageStrings,
} from '../../../src/details/protocol';

const VALID_PAGE: PageMessage[] = [
  { type: 'ready' },
  { type: 'refresh' },
  { type: 'save', edits: { first_name: 'Anna', is_disabled: true, locale: null }, base: { first_name: 'Ann', is_disabled: false, locale: 'en' } },
  { type: 'openInLooker' },
  { type: 'copyJson' },
  { type: 'setDisabled', disabled: true },
  { type: 'changeEmail', email: 'a@b.io' },
  { type: 'addEmail', email: 'a@b.io' },
  { type: 'setForcedReset', value: false },
  { type: 'sendReset' },
  { type: 'createResetLink' },
  { type: 'copyResetLink' },
  { type: 'deleteCredential', kind: 'saml' },
  { type: 'deleteCredential', kind: 'api3', credentialId: '7' },
  { type: 'endSession', sessionId: '12' },
  { type: 'endAllSessions' },
  { type: 'addRole' },
  { type: 'removeRole', roleId: '2' },
  { type: 'addGroup' },
  { type: 'removeGroup', groupId: '3' },
  { type: 'unlock' },
  { type: 'setAttribute', attributeId: '5', value: 'EMEA' },
  { type: 'clearAttribute', attributeId: '5' },
  { type: 'showAttributes' },
  { type: 'openDocs' },
];

export function sampleData(): DetailsData {
  return {
    connectionId: 'c1',
    connectionName: 'Sandbox',
    userId: '42',
    title: '<img src=x onerror=alert(1)>',
    values: { first_name: 'A', last_name: null, locale: 'en', home_folder_id: '1', is_disabled: false, models_dir_validated: null, can_manage_api3_creds: false },
    profile: [{ label: 'ID', value: '42' }],
    credentials: [{ kind: 'api3', credentialId: '1', title: 'API key x', rows: [], deletable: true }],
    email: { email: 'a@b.io', forcedReset: false, isDisabled: false, resetOutstanding: true, setupOutstanding: false },
    sessions: [{ id: '1', browser: 'Chrome', os: 'OS X', ip: '1.2.3.4', location: 'Oslo', credentialsType: 'email', created: 'x', expires: 'y', extendedCount: '0' }],
    roles: [{ id: '1', name: 'Admin' }],
    inheritedRoles: [],
    groups: [{ id: '1', name: 'All Users' }],
    attributes: [{ id: '1', label: 'Region', name: 'region', value: 'EMEA', hidden: false, source: 'user', type: 'string', editable: true, own: true }],
    attributesLoaded: true,
    lockout: { failCount: '6', lockedAt: 'today' },
    partialErrors: [],
    loadedAt: '2026-01-01T00:00:00Z',
  };
}

describe('details protocol: page → host validation', () => {
  it('accepts every well-formed page message', () => {
    for (const m of VALID_PAGE) assert.ok(isPageMessage(m), JSON.stringify(m));
  });

  it('rejects unknown types, extra keys, wrong field types and oversize text', () => {
    const bad: unknown[] = [
      null, undefined, 1, 'ready', [], [{ type: 'ready' }], {}, { type: 'nope' }, { type: 'toString' }, { type: '__proto__' },
      { type: 'ready', extra: 1 },
      { type: 'setDisabled', disabled: 'true' },
      { type: 'setDisabled' },
      { type: 'changeEmail', email: 5 },
      { type: 'changeEmail', email: 'x'.repeat(321) },
      { type: 'save', edits: { id: '9' }, base: {} },
      { type: 'save', edits: { email: 'x@y.z' }, base: {} },
      { type: 'save', edits: { is_disabled: 'yes' }, base: {} },
      { type: 'save', edits: { first_name: true }, base: {} },
      { type: 'save', edits: { first_name: 'x'.repeat(1001) }, base: {} },
      { type: 'save', edits: { first_name: 'A' } },
      { type: 'save', edits: [], base: {} },
      { type: 'deleteCredential', kind: 'password' },
      { type: 'deleteCredential', kind: 'api3' },
      { type: 'deleteCredential', kind: 'saml', credentialId: '1' },
      { type: 'endSession', sessionId: '' },
      { type: 'endSession', sessionId: 12 },
      { type: 'removeRole', roleId: 'x'.repeat(101) },
      { type: 'showAttributes', attributeId: '5' },
    ];
    for (const m of bad) assert.strictEqual(isPageMessage(m), false, JSON.stringify(m));
  });

  it('fuzz: arbitrary values never throw and never pass unless they are valid', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true, withBigInt: true }), (x) => {
        const ok = isPageMessage(x);
        assert.strictEqual(typeof ok, 'boolean');
        if (ok) assert.ok(VALID_TYPES.has((x as { type: PageMessage['type'] }).type));
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: near-valid messages (one key dropped, added or a type swapped) are told apart from valid ones', () => {
    // Start from a valid message and change at most one thing, so that a good share of the inputs are valid and the
    // rest differ from a valid message by one step: the cases a validator gets wrong.
    const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'extra', 'Type', 'type '), fc.string({ maxLength: 8 }));
    const anyValue = fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(null), fc.integer(), fc.constant({}));
    const mutation = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('extra' as const), key: extraKey, value: anyValue }),
      fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('type' as const), type: fc.constantFrom(...VALID_TYPES) }),
    );
    const seen = { none: 0, extra: 0, drop: 0, type: 0, accepted: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...VALID_PAGE), mutation, (base, mut) => {
        const m: Record<string, unknown> = JSON.parse(JSON.stringify(base));
        let expected: boolean | undefined;
        if (mut.kind === 'none') expected = true;
        if (mut.kind === 'extra') {
          if (Object.prototype.hasOwnProperty.call(m, mut.key)) return; // not an extra key
          Object.defineProperty(m, mut.key, { value: mut.value, enumerable: true, writable: true, configurable: true });
          expected = false;
        }
        if (mut.kind === 'drop') {
          const keys = Object.keys(m).filter((k) => k !== 'type');
          if (!keys.length) return;
          delete m[keys[mut.pick % keys.length]];
          expected = false;
        }
        if (mut.kind === 'type') m.type = mut.type;
        seen[mut.kind]++;
        const ok = isPageMessage(m);
        if (ok) seen.accepted++;
        if (expected !== undefined) assert.strictEqual(ok, expected, `${mut.kind}: ${JSON.stringify(m)}`);
        // A swapped type passes only when the keys fit a valid message of that type.
        if (mut.kind === 'type' && ok) {
          const keys = Object.keys(m).sort().join();
          assert.ok(VALID_PAGE.some((v) => v.type === m.type && Object.keys(v).sort().join() === keys), JSON.stringify(m));
        }
      }),
      { numRuns: 3000 },
    );
    // The generator really produces both kinds, in numbers.
    for (const k of ['none', 'extra', 'drop', 'type'] as const) assert.ok(seen[k] > 300, `only ${seen[k]} "${k}" cases: ${JSON.stringify(seen)}`);
    assert.ok(seen.accepted > 600, `only ${seen.accepted} of the generated messages were valid: ${JSON.stringify(seen)}`);
  });

  it('fuzz: a valid message with one field replaced by a value of another type is rejected', () => {
    const withFields = VALID_PAGE.filter((m) => Object.keys(m).length > 1);
    fc.assert(
      fc.property(fc.constantFrom(...withFields), fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.double()), (m, wrong) => {
        const keys = Object.keys(m).filter((k) => k !== 'type');
        for (const k of keys) {
          const mutated = { ...m, [k]: wrong };
          // null is a legal edit value only inside edits/base maps, never as a whole field.
          assert.strictEqual(isPageMessage(mutated), false, JSON.stringify(mutated));
        }
      }),
    );
  });

  it('fuzz: save messages with random edit maps pass only with editable keys and values of the field’s type', () => {
    const key = fc.oneof(fc.constantFrom(...EDITABLE_FIELDS), fc.string({ maxLength: 12 }));
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.integer());
    fc.assert(
      fc.property(fc.dictionary(key, value), (edits) => {
        const ok = isPageMessage({ type: 'save', edits, base: {} });
        const expected = Object.entries(edits).every(([k, v]) => {
          if (!(EDITABLE_FIELDS as readonly string[]).includes(k)) return false;
          if (k === 'is_disabled' || k === 'can_manage_api3_creds') return typeof v === 'boolean';
          if (k === 'models_dir_validated') return typeof v === 'boolean' || v === null;
          return typeof v === 'string' || v === null;
        });
        assert.strictEqual(ok, expected, JSON.stringify(edits));
      }),
    );
  });

  it('every credential kind the page can show can be asked to delete', () => {
    for (const kind of CREDENTIAL_KINDS) {
      const m = kind === 'api3' || kind === 'embed' ? { type: 'deleteCredential', kind, credentialId: '1' } : { type: 'deleteCredential', kind };
      assert.ok(isPageMessage(m), kind);
    }
  });
});

const VALID_TYPES = new Set(VALID_PAGE.map((m) => m.type));

describe('details protocol: host → page validation', () => {
  const valid: HostMessage[] = [
    { type: 'init', data: sampleData(), strings: { save: 'Speichern' } as PageStrings },
    { type: 'data', data: sampleData() },
    { type: 'loadError', message: 'x' },
    { type: 'busy', label: 'Saving' },
    { type: 'busy', label: null },
    { type: 'fieldErrors', errors: [{ field: 'locale', message: 'bad' }, { field: 'email', message: 'taken' }] },
    { type: 'conflict', fields: [{ field: 'first_name', base: 'a', mine: 'b', theirs: 'c' }] },
    { type: 'saved', fields: ['first_name'] },
    { type: 'error', message: 'x', docs: true },
    { type: 'resetLink', expiresAt: null },
    { type: 'attributeSaved', attributeId: '5' },
  ];

  it('accepts every well-formed host message', () => {
    for (const m of valid) assert.ok(isHostMessage(m), m.type);
  });

  it('rejects malformed host messages', () => {
    const d = sampleData();
    const bad: unknown[] = [
      { type: 'init', data: d },
      { type: 'init', data: { ...d, values: { ...d.values, is_disabled: 'no' } }, strings: {} },
      { type: 'data', data: { ...d, sessions: [{ id: 1 }] } },
      { type: 'data', data: { ...d, email: { email: 'x' } } },
      { type: 'fieldErrors', errors: [{ field: 'id', message: 'x' }] },
      { type: 'conflict', fields: [{ field: 'is_disabled', base: 'a', mine: true, theirs: false }] },
      { type: 'saved', fields: ['email'] },
      { type: 'error', message: 'x' },
      { type: 'busy' },
    ];
    for (const m of bad) assert.strictEqual(isHostMessage(m), false, JSON.stringify(m).slice(0, 80));
  });

  it('fuzz: arbitrary values never throw and never pass as host messages', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withBigInt: true }), (x) => {
        assert.strictEqual(typeof isHostMessage(x), 'boolean');
        assert.strictEqual(typeof isDetailsData(x), 'boolean');
        assert.strictEqual(typeof isPageState(x), 'boolean');
        assert.strictEqual(typeof describeUnknown(x), 'string');
      }),
      { numRuns: 1000 },
    );
  });

  it('fuzz: dropping any key of the data makes it invalid', () => {
    const d = sampleData();
    for (const k of Object.keys(d)) {
      const copy: Record<string, unknown> = { ...d };
      delete copy[k];
      assert.strictEqual(isDetailsData(copy), false, k);
    }
  });

  it('a throwing getter is rejected, not thrown', () => {
    const evil = {
      get type(): string {
        throw new Error('boom');
      },
    };
    assert.strictEqual(isPageMessage(evil), false);
    assert.strictEqual(isHostMessage(evil), false);
  });

  it('describeUnknown never echoes content beyond a sanitized type', () => {
    assert.strictEqual(describeUnknown({ type: '<script>', secret: 'token123' }), 'type "?script?"');
    assert.strictEqual(describeUnknown([1]), 'an array');
  });

  it('page state: only well-formed state is restored', () => {
    assert.ok(isPageState({ connectionId: 'c', userId: '1', edits: { first_name: 'x' }, base: {} }));
    assert.ok(!isPageState({ connectionId: 'c', userId: '1', edits: { id: 'x' }, base: {} }));
    assert.ok(!isPageState({ connectionId: '', userId: '1', edits: {}, base: {} }));
  });
});
