// @ts-check
// Looker query-parameter semantics: `fields` whitelists, search filters (LIKE, IS NULL, id lists, booleans) and sorts.

/**
 * @typedef {{ [field: string]: FieldTree | true }} FieldTree
 */

/**
 * Parses `id,first_name,credentials_email(email,logged_in_at)` into a tree. Spaces are tolerated.
 * @param {string | undefined | null} fields
 * @returns {FieldTree | null} null = no filtering
 */
function parseFields(fields) {
  if (fields === undefined || fields === null || fields.trim() === '') return null;
  const spec = fields;
  let i = 0;
  /** @returns {FieldTree} */
  function list() {
    /** @type {FieldTree} */
    const out = {};
    let name = '';
    const flush = (/** @type {FieldTree | true} */ v) => {
      const n = name.trim();
      if (n) out[n] = v;
      name = '';
    };
    while (i < spec.length) {
      const c = spec[i++];
      if (c === ',') flush(true);
      else if (c === '(') {
        const sub = list();
        flush(sub);
        // skip to the next separator
        while (i < spec.length && spec[i] !== ',' && spec[i] !== ')') i++;
        if (spec[i] === ',') i++;
      } else if (c === ')') {
        flush(true);
        return out;
      } else name += c;
    }
    flush(true);
    return out;
  }
  return list();
}

/**
 * Keeps only the listed fields (recursively; arrays apply the sub-tree to each element).
 * @param {unknown} value
 * @param {FieldTree | true | null} tree
 * @returns {unknown}
 */
function applyFields(value, tree) {
  if (tree === null || tree === true) return value;
  if (Array.isArray(value)) return value.map((v) => applyFields(v, tree));
  if (value === null || typeof value !== 'object') return value;
  /** @type {Record<string, unknown>} */
  const out = {};
  const src = /** @type {Record<string, unknown>} */ (value);
  for (const k of Object.keys(tree)) {
    if (Object.prototype.hasOwnProperty.call(src, k)) out[k] = applyFields(src[k], tree[k]);
  }
  return out;
}

/** An error that becomes an HTTP response. */
class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{ field: string, code: string, message: string }[]} [errors] ValidationErrorDetail-like (422)
   */
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** @param {string} s */
function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A matcher for one string filter value, run against lower-cased field values.
 * @param {string} raw the filter as sent (already URL-decoded)
 * @returns {(lower: string | null | undefined) => boolean}
 */
function stringMatcher(raw) {
  const v = raw.trim();
  if (/^is null$/i.test(v)) return (x) => x === null || x === undefined;
  if (/^not null$/i.test(v)) return (x) => x !== null && x !== undefined;
  const lower = raw.toLowerCase();
  if (!/[%_]/.test(lower)) return (x) => x === lower;
  // Fast paths for the common shapes: abc%, %abc, %abc%
  const inner = lower.replace(/^%+/, '').replace(/%+$/, '');
  if (!/[%_]/.test(inner)) {
    const lead = lower.startsWith('%');
    const trail = lower.endsWith('%');
    if (lead && trail) return (x) => typeof x === 'string' && x.includes(inner);
    if (trail) return (x) => typeof x === 'string' && x.startsWith(inner);
    if (lead) return (x) => typeof x === 'string' && x.endsWith(inner);
  }
  let src = '';
  for (const c of lower) src += c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : escapeRegex(c);
  const re = new RegExp(`^${src}$`, 'u');
  return (x) => typeof x === 'string' && re.test(x);
}

/**
 * A matcher for an id filter: one value or a comma list (OR), or IS NULL / NOT NULL.
 * @param {string} raw
 * @returns {(id: string | null | undefined) => boolean}
 */
function idMatcher(raw) {
  const v = raw.trim();
  if (/^is null$/i.test(v)) return (x) => x === null || x === undefined;
  if (/^not null$/i.test(v)) return (x) => x !== null && x !== undefined;
  const set = new Set(v.split(',').map((s) => s.trim()).filter(Boolean));
  return (x) => x !== null && x !== undefined && set.has(String(x));
}

/**
 * @param {string} name the parameter name (for the error message)
 * @param {string} raw
 * @returns {boolean}
 */
function parseBool(name, raw) {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new HttpError(400, `Invalid value for ${name}: '${raw.slice(0, 40)}'. Must be true or false.`);
}

/**
 * @param {string} name
 * @param {string | undefined} raw
 * @returns {number | undefined}
 */
function parseInt64(name, raw) {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new HttpError(400, `Invalid value for ${name}: '${raw.slice(0, 40)}'. Must be an integer.`);
  return Number(raw.trim());
}

/**
 * Paging window from limit/offset (preferred) or deprecated page/per_page.
 * @param {Record<string, string>} q
 * @returns {{ limit: number | null, offset: number, paged: boolean }}
 */
function pageWindow(q) {
  const limit = parseInt64('limit', q.limit);
  const offset = parseInt64('offset', q.offset);
  const page = parseInt64('page', q.page);
  const perPage = parseInt64('per_page', q.per_page);
  if (limit !== undefined && limit < 0) throw new HttpError(400, 'limit must not be negative');
  if (offset !== undefined && offset < 0) throw new HttpError(400, 'offset must not be negative');
  if (limit !== undefined) return { limit, offset: offset ?? 0, paged: true };
  if (perPage !== undefined) {
    if (perPage < 0) throw new HttpError(400, 'per_page must not be negative');
    return { limit: perPage, offset: offset ?? Math.max(0, ((page ?? 1) - 1) * perPage), paged: true };
  }
  return { limit: null, offset: offset ?? 0, paged: false };
}

/**
 * Parses `last_name desc, first_name` into keys.
 * @param {string | undefined} sorts
 * @returns {{ field: string, desc: boolean }[]}
 */
function parseSorts(sorts) {
  if (!sorts || !sorts.trim()) return [];
  return sorts.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\S+)(?:\s+(asc|desc))?$/i.exec(s);
    if (!m) throw new HttpError(400, `Invalid sort: '${s.slice(0, 40)}'`);
    return { field: m[1], desc: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

/**
 * Compares two sort values: null first (ascending), numbers numerically, strings case-insensitively.
 * @param {unknown} a
 * @param {unknown} b
 */
function compareValues(a, b) {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const as = String(a).toLowerCase();
  const bs = String(b).toLowerCase();
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/**
 * Builds a comparator for `sorts` over items, with `get(item, field)` reading a field. Ties break on numeric id.
 * @template T
 * @param {{ field: string, desc: boolean }[]} keys
 * @param {(item: T, field: string) => unknown} get
 * @param {(item: T) => number} idOf
 * @returns {(a: T, b: T) => number}
 */
function comparator(keys, get, idOf) {
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(get(a, k.field), get(b, k.field));
      if (c !== 0) return k.desc ? -c : c;
    }
    return idOf(a) - idOf(b);
  };
}

module.exports = {
  parseFields, applyFields, HttpError, stringMatcher, idMatcher, parseBool, parseInt64, pageWindow, parseSorts,
  compareValues, comparator,
};
