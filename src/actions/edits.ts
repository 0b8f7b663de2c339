/**
 * Field edits of a user (`updateUser`): the editable fields, the diff of a form against what it was loaded from, and
 * the conflict check against what Looker has now. Shared by the details panel, its page and the bulk plan. Pure: no
 * vscode, no I/O. The fields it may send are the editable ones (`looker/userFields.ts`, from the spec's User schema).
 */
import { USER_VALUE_FIELDS, type UserValueField } from '../looker/userFields';

/** User fields the page can edit inline: the value fields of the spec's User schema that an admin may write. */
export const EDITABLE_FIELDS = USER_VALUE_FIELDS;
export type EditableField = UserValueField;
/** Fields edited as booleans (checkboxes); the rest are text. */
export const BOOLEAN_FIELDS: readonly EditableField[] = ['is_disabled', 'models_dir_validated', 'can_manage_api3_creds'];

export type EditValue = string | boolean | null;
export type Edits = Partial<Record<EditableField, EditValue>>;

export interface ConflictField {
  field: EditableField;
  base: EditValue;
  mine: EditValue;
  theirs: EditValue;
}


export type UserLike = Record<string, unknown>;

function isWritable(field: string): field is EditableField {
  return (EDITABLE_FIELDS as readonly string[]).includes(field);
}

/** A field's value as compared and sent: text fields treat '' as null; anything of the wrong type is undefined. */
export function normalize(field: EditableField, v: unknown): EditValue | undefined {
  if (BOOLEAN_FIELDS.includes(field)) {
    if (typeof v === 'boolean') return v;
    return v === null || v === undefined ? null : undefined;
  }
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return undefined;
  return v === '' ? null : v;
}

export function sameValue(field: EditableField, a: unknown, b: unknown): boolean {
  return normalize(field, a) === normalize(field, b);
}

/** The editable fields' values of a user, normalized: missing ones are null, or false for non-nullable booleans. */
export function editableValues(user: UserLike): Record<EditableField, EditValue> {
  const out = {} as Record<EditableField, EditValue>;
  for (const f of EDITABLE_FIELDS) {
    const v = normalize(f, user[f]);
    out[f] = v === undefined || v === null ? (BOOLEAN_FIELDS.includes(f) && f !== 'models_dir_validated' ? false : null) : v;
  }
  return out;
}

/**
 * The body of `update_user`: only writable fields whose edited value differs from the base value. Read-only or
 * unknown keys in `edits` are dropped, as are values of the wrong type and null for non-nullable booleans.
 */
export function userDiff(base: UserLike, edits: UserLike): Edits {
  const out: Edits = {};
  for (const [k, v] of Object.entries(edits)) {
    if (!isWritable(k) || v === undefined) continue;
    const value = normalize(k, v);
    if (value === undefined) continue;
    // Non-nullable booleans of the schema are never sent as null.
    if (value === null && BOOLEAN_FIELDS.includes(k) && k !== 'models_dir_validated') continue;
    if (sameValue(k, base[k], value)) continue;
    out[k] = value;
  }
  return out;
}

/**
 * Fields of `diff` that someone else changed since the panel loaded: the current server value differs from the
 * base the user edited, and from the user's own new value (a change both made the same way is no conflict).
 */
export function findConflicts(base: UserLike, diff: Edits, current: UserLike): ConflictField[] {
  const out: ConflictField[] = [];
  for (const f of EDITABLE_FIELDS) {
    if (!(f in diff)) continue;
    const mine = diff[f] as EditValue;
    if (sameValue(f, base[f], current[f]) || sameValue(f, mine, current[f])) continue;
    out.push({ field: f, base: normalize(f, base[f]) ?? null, mine, theirs: normalize(f, current[f]) ?? null });
  }
  return out;
}

/** Drops fields whose new value already equals the current server value (nothing left to send for them). */
export function withoutApplied(diff: Edits, current: UserLike): Edits {
  const out: Edits = {};
  for (const f of EDITABLE_FIELDS) {
    if (f in diff && !sameValue(f, diff[f], current[f])) out[f] = diff[f];
  }
  return out;
}

export type Choice = 'mine' | 'theirs';

/**
 * Applies the user's choices to a conflict: "mine" keeps the edit (with the server value as its new base),
 * "theirs" drops the edit. Fields without a choice keep the edit. Returns the edits and base to save next.
 */
export function resolveConflicts(edits: Edits, base: Edits, conflicts: ConflictField[], choices: Partial<Record<EditableField, Choice>>): { edits: Edits; base: Edits } {
  const e: Edits = { ...edits };
  const b: Edits = { ...base };
  for (const c of conflicts) {
    if (choices[c.field] === 'theirs') {
      delete e[c.field];
      delete b[c.field];
    } else {
      b[c.field] = c.theirs;
    }
  }
  return { edits: e, base: b };
}

/** "first_name: "Ann" → "Anna"" lines for the log. */
export function describeChanges(before: UserLike, diff: Edits): string {
  return Object.entries(diff)
    .map(([k, v]) => `${k}: ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(v)}`)
    .join(', ');
}
