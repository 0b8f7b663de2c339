/**
 * A preview user's user-attribute values as LookML sees them, from plain Looker data (no VS Code, no HTTP).
 * Hidden values are never carried: a hidden attribute resolves to `hidden: true` and no value at all.
 */

export interface AttributeDefinition {
  id?: string | null;
  name?: string | null;
  label?: string | null;
  type?: string | null;
  default_value?: string | null;
  value_is_hidden?: boolean;
  user_can_view?: boolean;
  user_can_edit?: boolean;
}

/** One entry of `user_attribute_user_values` (with `all_values=true` there is one per place in the search path). */
export interface AttributeValueEntry {
  name?: string | null;
  user_attribute_id?: string | null;
  value?: string | null;
  value_is_hidden?: boolean;
  source?: string | null;
  rank?: number | null;
}

/** One entry of `all_user_attribute_group_values`. */
export interface GroupValueEntry {
  group_id?: string | null;
  rank?: number | null;
  value?: string | null;
  value_is_hidden?: boolean;
}

export type ValueSource = 'user' | 'system' | 'group' | 'default' | 'none' | 'unknown';

export interface ResolvedValue {
  source: ValueSource;
  /** Absent when hidden or unset. */
  value?: string;
  hidden: boolean;
  group?: { id: string; name: string; rank?: number };
}

export interface PreviewAttribute {
  definition?: AttributeDefinition;
  /** The value that applies (first of the search path). */
  effective: ResolvedValue;
  /** The rest of the search path, when the server sent it (`all_values=true`). */
  overridden: ResolvedValue[];
}

export function isHidden(def: AttributeDefinition | undefined, entry?: { value_is_hidden?: boolean }): boolean {
  return !!def?.value_is_hidden || !!entry?.value_is_hidden;
}

/** `source` as Looker words it ("user", "group", "default", possibly with detail after a colon) → a kind. */
export function classifySource(source: string | null | undefined): ValueSource {
  const s = (source ?? '').trim().toLowerCase();
  if (!s) return 'unknown';
  if (s.startsWith('user')) return 'user';
  if (s.startsWith('system')) return 'system';
  if (s.startsWith('group')) return 'group';
  if (s.startsWith('default')) return 'default';
  if (s === 'none' || s === 'unset') return 'none';
  return 'unknown';
}

function resolveEntry(
  def: AttributeDefinition | undefined,
  entry: AttributeValueEntry,
  groupValues: GroupValueEntry[],
  groupNames: Map<string, string>,
): ResolvedValue {
  const hidden = isHidden(def, entry);
  let source = classifySource(entry.source);
  const raw = entry.value ?? undefined;
  if (source === 'unknown' && raw === undefined && !hidden) source = 'none';
  const out: ResolvedValue = { source, hidden };
  if (!hidden && raw !== undefined && raw !== null && raw !== '') out.value = raw;
  else if (!hidden && raw === '' && source !== 'none') out.value = '';
  if (source === 'group') {
    // The entry's rank is the group value's rank; pick that group (and, when visible, the one with the same value).
    const sameRank = groupValues.filter((g) => entry.rank !== undefined && entry.rank !== null && g.rank === entry.rank);
    const match = sameRank.find((g) => !hidden && raw !== undefined && g.value === raw) ?? (sameRank.length === 1 ? sameRank[0] : undefined);
    if (match?.group_id) {
      const id = String(match.group_id);
      out.group = { id, name: groupNames.get(id) ?? id, rank: match.rank ?? undefined };
    } else {
      const named = /^group\s*[:(]\s*(.+?)\)?$/i.exec(entry.source ?? '');
      if (named) out.group = { id: '', name: named[1], rank: entry.rank ?? undefined };
    }
  }
  return out;
}

/**
 * The preview user's value of one attribute. `entries` are that attribute's entries of `user_attribute_user_values`
 * (first = the applying one); an empty list means no user, group or default value.
 */
export function resolvePreviewAttribute(
  def: AttributeDefinition | undefined,
  entries: AttributeValueEntry[],
  groupValues: GroupValueEntry[] = [],
  groupNames: Map<string, string> = new Map(),
): PreviewAttribute {
  const resolved = entries.map((e) => resolveEntry(def, e, groupValues, groupNames));
  const applying = resolved.filter((r) => r.source !== 'none');
  if (applying.length === 0) {
    return { definition: def, effective: { source: 'none', hidden: isHidden(def) }, overridden: [] };
  }
  return { definition: def, effective: applying[0], overridden: applying.slice(1) };
}

/** Looker attribute values may hold a comma-separated list (`^,` is a literal comma); its items, trimmed. */
export function splitAttributeValue(value: string): string[] {
  const items: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '^' && i + 1 < value.length) {
      cur += value[++i];
    } else if (value[i] === ',') {
      items.push(cur.trim());
      cur = '';
    } else {
      cur += value[i];
    }
  }
  items.push(cur.trim());
  return items.filter((s) => s.length > 0);
}

export interface GrantEvaluation {
  /** undefined when it cannot be told (hidden value). */
  passes: boolean | undefined;
  /** The allowed value that matched. */
  matched?: string;
  reason: 'match' | 'noMatch' | 'noValue' | 'hidden';
}

/**
 * Whether a user with this attribute value passes an access grant: the value (or one item of a comma list)
 * equals one of `allowed_values` exactly. A hidden value cannot be evaluated here (Looker never sends it).
 */
export function evaluateAccessGrant(allowedValues: string[], attr: PreviewAttribute): GrantEvaluation {
  if (attr.effective.hidden) return { passes: undefined, reason: 'hidden' };
  const value = attr.effective.value;
  if (value === undefined || value === '') return { passes: false, reason: 'noValue' };
  const candidates = [value, ...splitAttributeValue(value)];
  const matched = allowedValues.find((a) => candidates.includes(a));
  return matched !== undefined ? { passes: true, matched, reason: 'match' } : { passes: false, reason: 'noMatch' };
}
