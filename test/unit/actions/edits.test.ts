// The details panel's edit diff and conflict detection (src/details/diff.ts), checked against the spec's User schema.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { BOOLEAN_FIELDS, EDITABLE_FIELDS, describeChanges, editableValues, findConflicts, resolveConflicts, userDiff, withoutApplied, type EditableField } from '../../../src/actions/edits';
import { WRITABLE_USER_FIELDS } from '../../../src/looker/userFields';

const SPEC = path.resolve(__dirname, '../../../../test/fixtures/looker-api/Looker.4.0.oas.json');

interface SchemaProp {
  readOnly?: boolean;
  type?: string;
  $ref?: string;
}

function userSchema(): Record<string, SchemaProp> {
  const spec = JSON.parse(fs.readFileSync(SPEC, 'utf8')) as { components: { schemas: { User: { properties: Record<string, SchemaProp> } } } };
  return spec.components.schemas.User.properties;
}

/** A full user as the sandbox returns it (the fields that matter here). */
const BASE = {
  id: '42',
  first_name: 'Ann',
  last_name: 'Lee',
  display_name: 'Ann Lee',
  email: 'ann@example.com',
  locale: 'en',
  home_folder_id: '1',
  personal_folder_id: '142',
  is_disabled: false,
  models_dir_validated: null,
  can_manage_api3_creds: false,
  role_ids: ['2'],
  group_ids: ['1'],
  verified_looker_employee: false,
  is_service_account: false,
};

describe('details: edit diff', () => {
  it('the editable fields are exactly the writable scalar fields of the spec’s User schema (ui_state aside)', () => {
    const props = userSchema();
    const writableScalars = Object.entries(props)
      .filter(([, p]) => !p.readOnly && !p.$ref)
      .map(([k]) => k)
      .sort();
    assert.deepStrictEqual([...WRITABLE_USER_FIELDS].sort(), writableScalars);
    for (const f of EDITABLE_FIELDS) assert.ok(!props[f].readOnly, `${f} is writable in the spec`);
    for (const f of BOOLEAN_FIELDS) assert.strictEqual(props[f].type, 'boolean', `${f} is a boolean in the spec`);
  });

  it('sends only the changed field', () => {
    assert.deepStrictEqual(userDiff(BASE, { ...BASE, first_name: 'Anna' }), { first_name: 'Anna' });
  });

  it('sends nothing when nothing changed, even if every field is passed back', () => {
    assert.deepStrictEqual(userDiff(BASE, { ...BASE }), {});
  });

  it('never sends read-only fields, even when they were "edited"', () => {
    const props = userSchema();
    const readOnly = Object.keys(props).filter((k) => props[k].readOnly);
    const edits: Record<string, unknown> = { last_name: 'Li' };
    for (const k of readOnly) edits[k] = 'tampered';
    edits.credentials_email = { email: 'x@example.com' };
    edits.ui_state = { a: 'b' };
    const diff = userDiff(BASE, edits);
    assert.deepStrictEqual(diff, { last_name: 'Li' });
  });

  it('treats empty text as null (no change from null, a change from a value)', () => {
    assert.deepStrictEqual(userDiff({ ...BASE, locale: null }, { locale: '' }), {});
    assert.deepStrictEqual(userDiff(BASE, { locale: '' }), { locale: null });
  });

  it('drops values of the wrong type and never sends is_disabled: null', () => {
    assert.deepStrictEqual(userDiff(BASE, { first_name: 7, is_disabled: 'yes', locale: true }), {});
    assert.deepStrictEqual(userDiff(BASE, { is_disabled: null, can_manage_api3_creds: null, first_name: undefined }), {});
    assert.deepStrictEqual(userDiff({ models_dir_validated: true }, { models_dir_validated: null }), { models_dir_validated: null });
    assert.deepStrictEqual(userDiff(BASE, { is_disabled: true, models_dir_validated: true }), { is_disabled: true, models_dir_validated: true });
  });

  it('property: the diff holds only editable fields whose value differs from the base', () => {
    const value = fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.integer(), fc.constant(undefined));
    const key = fc.oneof(fc.constantFrom(...EDITABLE_FIELDS, 'id', 'email', 'role_ids', 'ui_state', 'credentials_email'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.dictionary(key, value), (base, edits) => {
        const diff = userDiff(base, edits);
        for (const [k, v] of Object.entries(diff)) {
          assert.ok((EDITABLE_FIELDS as readonly string[]).includes(k), `${k} is editable`);
          assert.ok(k in edits);
          const f = k as EditableField;
          if (BOOLEAN_FIELDS.includes(f)) assert.ok(typeof v === 'boolean' || (f === 'models_dir_validated' && v === null));
          else assert.ok(v === null || (typeof v === 'string' && v !== ''));
          // Applying the diff to the base makes it agree with the edits: a second diff is empty.
          assert.deepStrictEqual(userDiff({ ...base, ...diff }, { [k]: v }), {});
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('editableValues reads every editable field (missing ones as null)', () => {
    const v = editableValues({ first_name: 'A', is_disabled: true, locale: '' });
    assert.deepStrictEqual(Object.keys(v).sort(), [...EDITABLE_FIELDS].sort());
    assert.strictEqual(v.first_name, 'A');
    assert.strictEqual(v.is_disabled, true);
    assert.strictEqual(v.locale, null);
    assert.strictEqual(v.home_folder_id, null);
    assert.strictEqual(v.can_manage_api3_creds, false, 'a non-nullable boolean defaults to false');
    assert.strictEqual(v.models_dir_validated, null, 'a nullable boolean stays null');
  });

  it('describes changes as before → after', () => {
    assert.strictEqual(describeChanges(BASE, { first_name: 'Anna', is_disabled: true }), 'first_name: "Ann" → "Anna", is_disabled: false → true');
  });
});

describe('details: conflict detection', () => {
  it('no conflict when the server still has the loaded values', () => {
    assert.deepStrictEqual(findConflicts(BASE, { first_name: 'Anna' }, { first_name: 'Ann' }), []);
  });

  it('a field changed on the server since loading is a conflict with base, mine and theirs', () => {
    const c = findConflicts(BASE, { first_name: 'Anna', last_name: 'Li' }, { first_name: 'Annie', last_name: 'Lee' });
    assert.deepStrictEqual(c, [{ field: 'first_name', base: 'Ann', mine: 'Anna', theirs: 'Annie' }]);
  });

  it('the same change made by both sides is no conflict, and is not sent again', () => {
    assert.deepStrictEqual(findConflicts(BASE, { first_name: 'Anna' }, { first_name: 'Anna' }), []);
    assert.deepStrictEqual(withoutApplied({ first_name: 'Anna', last_name: 'Li' }, { first_name: 'Anna', last_name: 'Lee' }), { last_name: 'Li' });
  });

  it('only edited fields are checked (other fields changing on the server do not matter)', () => {
    assert.deepStrictEqual(findConflicts(BASE, { locale: 'de' }, { locale: 'en', first_name: 'Zed' }), []);
  });

  it('resolving: "theirs" drops the edit, "mine" keeps it with the server value as the new base', () => {
    const conflicts = findConflicts(BASE, { first_name: 'Anna', last_name: 'Li' }, { first_name: 'Annie', last_name: 'Lim' });
    assert.strictEqual(conflicts.length, 2);
    const r = resolveConflicts({ first_name: 'Anna', last_name: 'Li' }, { first_name: 'Ann', last_name: 'Lee' }, conflicts, { first_name: 'theirs', last_name: 'mine' });
    assert.deepStrictEqual(r.edits, { last_name: 'Li' });
    assert.deepStrictEqual(r.base, { last_name: 'Lim' });
    // Saving again with the resolved base against the same server state: no conflict any more.
    assert.deepStrictEqual(findConflicts(r.base, userDiff(r.base, r.edits), { last_name: 'Lim' }), []);
  });

  it('property: a conflict is reported exactly when the server moved away from the base to a value other than mine', () => {
    const v = fc.constantFrom('a', 'b', 'c', null);
    fc.assert(
      fc.property(v, v, v, (base, mine, theirs) => {
        const diff = userDiff({ first_name: base }, { first_name: mine });
        const c = findConflicts({ first_name: base }, diff, { first_name: theirs });
        const expected = mine !== base && theirs !== base && theirs !== mine;
        assert.strictEqual(c.length, expected ? 1 : 0);
      }),
    );
  });
});
