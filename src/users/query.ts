/**
 * The one-line users search language of `Looker: Search Users…`, parsed into `search_users` /
 * `search_users_names` parameters. Pure code: no `vscode` import, never throws on any input.
 *
 * Grammar (terms are separated by white space, order does not matter):
 *   key:value       a filter; keys are case-insensitive and have aliases (see QUERY_KEYS)
 *   key:"a value"   quoted value; inside quotes \" is a quote and \\ a backslash
 *   or              combine the filters with OR (filter_or=true) instead of AND
 *   free text       one word searches first name, last name and email (search_users_names); several words
 *                   search the full name "First Last" (search_users full_name), because search_users_names
 *                   matches each field on its own and never the full name; quote text containing ':'
 *
 * String filters are case-insensitive LIKE patterns on the server: `%` matches any run of characters and `_`
 * exactly one; "IS NULL" / "NOT NULL" are passed through. Free text without `%` or `_` is wrapped in `%…%`
 * so `ann` finds "Ann" and "Joanne"; with a wildcard it is sent as typed.
 */
import type { IRequestSearchUsers } from '@looker/sdk';
import { currentSurface, shortRelease, sortableUserFields, type ApiSurface } from '../looker/apiSurface';

/** Filters of `search_users` that a query may set (paging and `fields` belong to the caller). */
export type UserSearchParams = Omit<IRequestSearchUsers, 'fields' | 'limit' | 'offset' | 'page' | 'per_page'>;

/** Canonical query keys. */
export type QueryKey =
  | 'first'
  | 'last'
  | 'name'
  | 'email'
  | 'id'
  | 'group'
  | 'disabled'
  | 'embed'
  | 'service'
  | 'employee'
  | 'api3'
  | 'content'
  | 'sort';

export type QueryKeyKind = 'pattern' | 'boolean' | 'ids' | 'group' | 'sort';

export interface QueryKeyInfo {
  /** Canonical key as typed in the query. */
  readonly key: QueryKey;
  /** Other spellings accepted for the key (compared case-insensitively, `-` counts as `_`). */
  readonly aliases: readonly string[];
  /** The `search_users` parameter the key sets. */
  readonly param: keyof UserSearchParams;
  readonly kind: QueryKeyKind;
  /** Whether the key can be combined with free text (search_users_names supports the parameter). */
  readonly withFreeText: boolean;
  /** Short meaning for completion and docs. */
  readonly meaning: string;
  /** Noun used by describeQuery. */
  readonly label: string;
  readonly example: string;
}

/** Every key of the language, in the order `formatQuery` writes them. */
export const QUERY_KEYS: Readonly<Record<QueryKey, QueryKeyInfo>> = {
  first: {
    key: 'first', label: 'first name', aliases: ['first_name', 'firstname', 'given'], param: 'first_name', kind: 'pattern', withFreeText: true,
    meaning: 'first name (LIKE pattern: % any run, _ one character)', example: 'first:jo_n',
  },
  last: {
    key: 'last', label: 'last name', aliases: ['last_name', 'lastname', 'surname'], param: 'last_name', kind: 'pattern', withFreeText: true,
    meaning: 'last name (LIKE pattern)', example: 'last:"van der Berg"',
  },
  name: {
    key: 'name', label: 'full name', aliases: ['full', 'full_name', 'fullname'], param: 'full_name', kind: 'pattern', withFreeText: false,
    meaning: 'full name "First Last" (LIKE pattern)', example: 'full:"Ann Lee"',
  },
  email: {
    key: 'email', label: 'email', aliases: ['mail', 'e_mail'], param: 'email', kind: 'pattern', withFreeText: true,
    meaning: 'email address (LIKE pattern; "IS NULL" for users without one)', example: 'email:%@acme.com',
  },
  id: {
    key: 'id', label: 'id', aliases: ['ids', 'user_id'], param: 'id', kind: 'ids', withFreeText: true,
    meaning: 'user id or comma list of ids', example: 'id:12,15,90',
  },
  group: {
    key: 'group', label: 'group', aliases: ['groups', 'group_id'], param: 'group_id', kind: 'group', withFreeText: false,
    meaning: 'direct members of a group, by name or id', example: 'group:Marketing',
  },
  disabled: {
    key: 'disabled', label: 'disabled', aliases: ['is_disabled'], param: 'is_disabled', kind: 'boolean', withFreeText: true,
    meaning: 'disabled users (true/false)', example: 'disabled:true',
  },
  embed: {
    key: 'embed', label: 'embed', aliases: ['embed_user'], param: 'embed_user', kind: 'boolean', withFreeText: false,
    meaning: 'embed users (true/false)', example: 'embed:false',
  },
  service: {
    key: 'service', label: 'service account', aliases: ['service_account', 'is_service_account', 'sa'], param: 'is_service_account', kind: 'boolean',
    withFreeText: false, meaning: 'service accounts (true/false)', example: 'service:true',
  },
  employee: {
    key: 'employee', label: 'Looker employee', aliases: ['looker_employee', 'verified_looker_employee'], param: 'verified_looker_employee',
    kind: 'boolean', withFreeText: true, meaning: 'verified Looker employees (true/false)', example: 'employee:true',
  },
  api3: {
    key: 'api3', label: 'API keys', aliases: ['api', 'can_manage_api3_creds'], param: 'can_manage_api3_creds', kind: 'boolean',
    withFreeText: false, meaning: 'may manage their own API keys (true/false)', example: 'api3:true',
  },
  content: {
    key: 'content', label: 'content', aliases: ['content_metadata_id'], param: 'content_metadata_id', kind: 'ids', withFreeText: false,
    meaning: 'users with access to a content metadata id (or comma list)', example: 'content:42',
  },
  sort: {
    key: 'sort', label: 'sort', aliases: ['sorts', 'order', 'order_by'], param: 'sorts', kind: 'sort', withFreeText: true,
    meaning: 'sort order: fields with optional asc/desc, comma separated', example: 'sort:"last_name desc"',
  },
};

/** One line for the search input box (prompt or placeholder). */
export const QUERY_HELP =
  'Free text searches names and email (ann, ann%); several words the full name · keys: first: last: name: email: id: group: disabled: embed: ' +
  'service: employee: api3: sort: · "or" matches any filter · quote values with spaces · % and _ are wildcards · ' +
  'email:"IS NULL"';

/**
 * User fields `sort:` accepts: the scalar properties of the spec's `User` (derived once, in api-surface.json, which
 * the sandbox reads too). An instance of an older release accepts fewer (see `parseQuery`'s `surface`).
 */
export const SORTABLE_USER_FIELDS: readonly string[] = sortableUserFields(currentSurface());

/** Short spellings accepted in `sort:` for the sortable fields. */
const SORT_ALIASES: Readonly<Record<string, string>> = {
  first: 'first_name',
  firstname: 'first_name',
  last: 'last_name',
  lastname: 'last_name',
  surname: 'last_name',
  mail: 'email',
  disabled: 'is_disabled',
  employee: 'verified_looker_employee',
  service: 'is_service_account',
  api3: 'can_manage_api3_creds',
};

export interface UserQuery {
  /** The query in normal form (`formatQuery`); '' for "all users". */
  readonly text: string;
  /** 'names': one-word free text → search_users_names; otherwise search_users (several words set full_name). */
  readonly mode: 'search' | 'names';
  /** Filters and sorts. In 'names' mode only parameters search_users_names supports appear here. */
  readonly params: UserSearchParams;
  /** The search_users_names pattern ('names' mode only; several words go to `params.full_name` instead). */
  readonly namesPattern?: string;
  /** The free text as typed (before wrapping in %…%), for display and formatting. */
  readonly freeText?: string;
  /** `group:` given by name: resolve it to `params.group_id` with the server's group list (`resolveGroup`). */
  readonly groupName?: string;
  /** `or` was given: send filter_or=true. */
  readonly filterOr: boolean;
  /**
   * Parameters set by several-word free text (not by keys): `full_name`, or `first_name` + `last_name` on an
   * instance without `full_name`. Formatting writes the free text instead of these keys.
   */
  readonly fromFreeText?: readonly (keyof UserSearchParams)[];
  /** The release the query was checked against (set when `parseQuery` got a surface). */
  readonly release?: string;
}

export type QueryParseResult =
  | { readonly ok: true; readonly query: UserQuery }
  | { readonly ok: false; readonly error: string; readonly start: number; readonly end: number };

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

interface Term {
  /** undefined for free text and the `or` keyword. */
  readonly key?: string;
  readonly keyStart: number;
  readonly value: string;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly quoted: boolean;
}

class QueryError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const isSpace = (ch: string): boolean => /\s/.test(ch);

/** `text` shortened for messages, quoted. */
function show(text: string, max = 40): string {
  const t = text.length > max ? text.slice(0, max - 1) + '…' : text;
  return JSON.stringify(t);
}

function readQuoted(s: string, open: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) {
      value += s[i + 1];
      i += 2;
    } else if (ch === '"') {
      const end = i + 1;
      if (end < s.length && !isSpace(s[end])) {
        throw new QueryError('Put a space after the closing quote', open, Math.min(s.length, end + 1));
      }
      return { value, end };
    } else {
      value += ch;
      i++;
    }
  }
  throw new QueryError('Unterminated quote: add the closing "', open, s.length);
}

function tokenize(s: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < s.length) {
    if (isSpace(s[i])) {
      i++;
      continue;
    }
    const start = i;
    if (s[i] === '"') {
      const q = readQuoted(s, i);
      terms.push({ keyStart: start, value: q.value, valueStart: start, valueEnd: q.end, quoted: true });
      i = q.end;
      continue;
    }
    let j = i;
    while (j < s.length && !isSpace(s[j]) && s[j] !== ':') j++;
    if (j < s.length && s[j] === ':') {
      const key = s.slice(i, j);
      const vStart = j + 1;
      if (vStart < s.length && s[vStart] === '"') {
        const q = readQuoted(s, vStart);
        terms.push({ key, keyStart: start, value: q.value, valueStart: vStart, valueEnd: q.end, quoted: true });
        i = q.end;
      } else {
        let k = vStart;
        while (k < s.length && !isSpace(s[k])) k++;
        terms.push({ key, keyStart: start, value: s.slice(vStart, k), valueStart: vStart, valueEnd: k, quoted: false });
        i = k;
      }
      continue;
    }
    terms.push({ keyStart: start, value: s.slice(i, j), valueStart: start, valueEnd: j, quoted: false });
    i = j;
  }
  return terms;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys

const KEY_LIST: readonly QueryKeyInfo[] = Object.values(QUERY_KEYS);
const KEY_BY_SPELLING: ReadonlyMap<string, QueryKeyInfo> = new Map(
  KEY_LIST.flatMap((k) => [k.key, ...k.aliases].map((spelling) => [spelling, k] as const)),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}

/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest of `candidates` to `word`, if close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (!word || word.length > 40) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(1, Math.min(3, Math.floor(word.length / 3))) ? best : undefined;
}

function unknownKeyMessage(key: string): string {
  const spellings = [...KEY_BY_SPELLING.keys()];
  const guess = closest(normaliseKey(key), spellings);
  const canonical = guess ? KEY_BY_SPELLING.get(guess)?.key : undefined;
  const hint = canonical ? ` Did you mean "${canonical}:"?` : '';
  return (
    `Unknown key ${show(key + ':')}.${hint} Valid keys: ${KEY_LIST.map((k) => k.key).join(', ')}, or "or". ` +
    'Quote free text that contains ":".'
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const NULL_LITERAL = /^\s*(is|not)\s+null\s*$/i;

function patternValue(raw: string): string {
  const m = NULL_LITERAL.exec(raw);
  if (m) return m[1].toLowerCase() === 'is' ? 'IS NULL' : 'NOT NULL';
  return raw;
}

function idsValue(info: QueryKeyInfo, t: Term): string {
  const items = t.value.split(',').map((x) => x.trim());
  const seen: string[] = [];
  for (const item of items) {
    if (!item) {
      throw new QueryError(`${info.key}: empty item in the list ${show(t.value)}`, t.valueStart, t.valueEnd);
    }
    if (!/^[0-9]+$/.test(item)) {
      throw new QueryError(
        `${info.key}: ${show(item)} is not a numeric id (use a number or a comma list like 12,15,90)`,
        t.valueStart,
        t.valueEnd,
      );
    }
    if (!seen.includes(item)) seen.push(item);
  }
  return seen.join(',');
}

function booleanValue(info: QueryKeyInfo, t: Term): boolean {
  const v = t.value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new QueryError(`${info.key}: expects true or false, not ${show(t.value)}`, t.valueStart, t.valueEnd);
}

function sortValue(t: Term, surface: ApiSurface | undefined): string {
  const items = t.value.split(',').map((x) => x.trim());
  const out: string[] = [];
  const fields: string[] = [];
  for (const item of items) {
    if (!item) throw new QueryError(`sort: empty item in ${show(t.value)}`, t.valueStart, t.valueEnd);
    const m = /^(\S+)(?:\s+(\S+))?$/.exec(item);
    const dir = m?.[2]?.toLowerCase();
    if (!m || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
      throw new QueryError(
        `sort: ${show(item)} should be a field optionally followed by asc or desc, e.g. sort:"last_name desc"`,
        t.valueStart,
        t.valueEnd,
      );
    }
    const name = m[1].toLowerCase();
    const field = SORT_ALIASES[name] ?? name;
    if (surface && SORTABLE_USER_FIELDS.includes(field) && !sortableUserFields(surface).includes(field)) {
      throw new QueryError(
        `sort: ${field} is not available on this Looker instance (release ${shortRelease(surface.release)}); ` +
          `its users have no such field`,
        t.valueStart,
        t.valueEnd,
      );
    }
    if (!SORTABLE_USER_FIELDS.includes(field)) {
      const guess = closest(name, SORTABLE_USER_FIELDS);
      throw new QueryError(
        `sort: cannot sort by ${show(m[1])}.${guess ? ` Did you mean ${guess}?` : ''} ` +
          `Sortable fields: ${SORTABLE_USER_FIELDS.join(', ')}`,
        t.valueStart,
        t.valueEnd,
      );
    }
    if (fields.includes(field)) {
      throw new QueryError(`sort: ${field} appears twice`, t.valueStart, t.valueEnd);
    }
    fields.push(field);
    out.push(dir === 'desc' ? `${field} desc` : field);
  }
  return out.join(',');
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

/** The LIKE pattern for free text: as typed when it has a wildcard, else `%text%`. */
function wrapPattern(text: string): string {
  return /[%_]/.test(text) ? text : `%${text}%`;
}

/**
 * The search_users filters for free text of several words. search_users_names matches its pattern against first
 * name, last name and email one at a time, never the full name, so "ann lee" must not go there: it becomes
 * `full_name` (%ann lee%), or on an instance without that parameter `first_name` (first word) AND `last_name` (the
 * rest). undefined for one word (search_users_names is right for that).
 */
export function freeTextFilters(freeText: string, surface?: ApiSurface): UserSearchParams | undefined {
  const words = freeText.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length < 2) return undefined;
  if (!surface || surface.searchUsers.has('full_name')) return { full_name: wrapPattern(freeText.trim()) };
  return { first_name: wrapPattern(words[0]), last_name: wrapPattern(words.slice(1).join(' ')) };
}

function buildQuery(input: string, surface: ApiSurface | undefined): UserQuery {
  const terms = tokenize(input);
  const params: Record<string, string | boolean> = {};
  const seen = new Map<QueryKey, Term>();
  const free: Term[] = [];
  let orTerm: Term | undefined;
  let groupName: string | undefined;
  let fromFree: UserSearchParams | undefined;

  for (const t of terms) {
    if (t.key === undefined) {
      if (!t.quoted && t.value.toLowerCase() === 'or') orTerm ??= t;
      else free.push(t);
      continue;
    }
    const keyEnd = t.valueStart;
    if (t.key === '') {
      throw new QueryError(
        `Missing key before ":" in ${show(input.slice(t.keyStart, t.valueEnd))}. Quote free text that contains ":".`,
        t.keyStart,
        t.valueEnd,
      );
    }
    const info = KEY_BY_SPELLING.get(normaliseKey(t.key));
    if (!info) throw new QueryError(unknownKeyMessage(t.key), t.keyStart, keyEnd);
    const prev = seen.get(info.key);
    if (prev) {
      throw new QueryError(
        `Duplicate key ${info.key}: it is already given as ${show(input.slice(prev.keyStart, prev.valueEnd))}`,
        t.keyStart,
        t.valueEnd,
      );
    }
    seen.set(info.key, t);
    if (t.value.trim() === '') {
      throw new QueryError(
        `${info.key}: needs a value, e.g. ${info.example}`,
        t.keyStart,
        t.valueEnd,
      );
    }
    switch (info.kind) {
      case 'pattern':
        params[info.param] = patternValue(t.value);
        break;
      case 'boolean':
        params[info.param] = booleanValue(info, t);
        break;
      case 'ids':
        params[info.param] = idsValue(info, t);
        break;
      case 'sort':
        params[info.param] = sortValue(t, surface);
        break;
      case 'group':
        if (/^[0-9\s,]+$/.test(t.value)) params[info.param] = idsValue(info, t);
        else groupName = t.value.trim();
        break;
    }
  }

  let freeText: string | undefined;
  if (free.length) {
    freeText =
      free.length === 1
        ? free[0].value
        : free
            .map((f) => f.value.trim())
            .filter((v) => v !== '')
            .join(' ');
    const first = free[0];
    const last = free[free.length - 1];
    if (freeText.trim() === '') throw new QueryError('Empty search text', first.valueStart, last.valueEnd);
    if (orTerm) {
      throw new QueryError(
        '"or" cannot be combined with free text: the name search already matches first name, last name or email. ' +
          'Use keys instead, e.g. first:ann or email:ann%',
        orTerm.valueStart,
        orTerm.valueEnd,
      );
    }
    fromFree = freeTextFilters(freeText, surface);
    for (const [param, value] of Object.entries(fromFree ?? {})) {
      const key = KEY_LIST.find((k) => k.param === param);
      const t = key ? seen.get(key.key) : undefined;
      if (t) {
        throw new QueryError(
          `${key?.key}: cannot be combined with free text of several words, which already searches the ` +
            `${param === 'full_name' ? 'full name' : 'first and last name'}`,
          t.keyStart,
          t.valueEnd,
        );
      }
      params[param] = value as string;
    }
    for (const [key, t] of fromFree ? [] : seen) {
      const info = QUERY_KEYS[key];
      if (!info.withFreeText) {
        throw new QueryError(
          `${key}: cannot be combined with free text (the name search has no such filter). ` +
            'Use first:, last: or email: instead of free text.',
          t.keyStart,
          t.valueEnd,
        );
      }
    }
  }

  if (orTerm) {
    const filters = Object.keys(params).filter((p) => p !== 'sorts').length + (groupName !== undefined ? 1 : 0);
    if (filters < 2) {
      throw new QueryError(
        '"or" needs at least two filters to combine, e.g. first:ann or last:ann',
        orTerm.valueStart,
        orTerm.valueEnd,
      );
    }
  }

  if (surface) {
    for (const [key, t] of seen) {
      const info = QUERY_KEYS[key];
      const endpoint = freeText !== undefined && !fromFree ? surface.searchUsersNames : surface.searchUsers;
      if (!endpoint.has(info.param)) {
        throw new QueryError(
          `${key}: not available on this Looker instance (release ${shortRelease(surface.release)}): its user search ` +
            `has no ${info.param} filter, so the results would silently ignore it`,
          t.keyStart,
          t.valueEnd,
        );
      }
    }
  }

  const names = freeText !== undefined && !fromFree;
  const partial = {
    mode: names ? ('names' as const) : ('search' as const),
    params: params as UserSearchParams,
    filterOr: orTerm !== undefined,
    ...(freeText !== undefined ? { freeText } : {}),
    ...(names && freeText !== undefined ? { namesPattern: namesPattern(freeText) } : {}),
    ...(fromFree ? { fromFreeText: Object.keys(fromFree) as (keyof UserSearchParams)[] } : {}),
    ...(groupName !== undefined ? { groupName } : {}),
    ...(surface ? { release: surface.release } : {}),
  };
  return { ...partial, text: formatQuery(partial) };
}

/** The search_users_names pattern for free text: as typed when it has a wildcard, else `%text%`. */
export function namesPattern(freeText: string): string {
  return /[%_]/.test(freeText) ? freeText : `%${freeText}%`;
}

/**
 * Parses one line of the query language. Never throws. With `surface` (what the connected instance accepts), keys
 * and sorts it lacks are refused with a message naming the release, and several-word free text uses what it has.
 */
export function parseQuery(input: string, surface?: ApiSurface): QueryParseResult {
  const s = typeof input === 'string' ? input : '';
  try {
    return { ok: true, query: buildQuery(s, surface) };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e.message, start: e.start, end: e.end };
    // Not expected (the fuzz tests check it never happens); still no exception for the caller.
    return { ok: false, error: 'The query could not be read', start: 0, end: s.length };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

function quoteIfNeeded(value: string, free: boolean): string {
  const needs =
    value === '' ||
    [...value].some(isSpace) ||
    value.startsWith('"') ||
    (free && (value.includes(':') || value.toLowerCase() === 'or'));
  return needs ? `"${value.replace(/[\\"]/g, (c) => '\\' + c)}"` : value;
}

type FormatInput = Pick<UserQuery, 'params' | 'filterOr'> &
  Partial<Pick<UserQuery, 'freeText' | 'namesPattern' | 'groupName' | 'fromFreeText'>>;

/** The query in normal form: free text first, then keys in QUERY_KEYS order; `parseQuery` reads it back. */
export function formatQuery(q: FormatInput): string {
  const params = q.params as Record<string, unknown>;
  const filters: string[] = [];
  let sort: string | undefined;
  for (const info of KEY_LIST) {
    if (info.key === 'group' && q.groupName !== undefined) {
      filters.push(`group:${quoteIfNeeded(q.groupName, false)}`);
      continue;
    }
    const v = params[info.param];
    if (v === undefined || v === null || q.fromFreeText?.includes(info.param)) continue;
    const term = `${info.key}:${quoteIfNeeded(String(v), false)}`;
    if (info.kind === 'sort') sort = term;
    else filters.push(term);
  }
  const free = q.freeText ?? q.namesPattern;
  const parts: string[] = [];
  if (free !== undefined) parts.push(quoteIfNeeded(free, true));
  parts.push(filters.join(q.filterOr ? ' or ' : ' '));
  if (sort) parts.push(sort);
  return parts.filter((p) => p !== '').join(' ');
}

const BOOLEAN_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  is_disabled: ['disabled', 'not disabled'],
  embed_user: ['embed users', 'not embed'],
  is_service_account: ['service accounts', 'not service accounts'],
  verified_looker_employee: ['Looker employees', 'not Looker employees'],
  can_manage_api3_creds: ['can manage API keys', 'cannot manage API keys'],
};

/** Short human text for the view description, e.g. `"ann" in name/email · disabled`. */
export function describeQuery(q: UserQuery, maxLength = 80): string {
  const params = q.params as Record<string, unknown>;
  const filters: string[] = [];
  let sort: string | undefined;
  for (const info of KEY_LIST) {
    if (info.key === 'group' && q.groupName !== undefined) {
      filters.push(`group ${q.groupName}`);
      continue;
    }
    const v = params[info.param];
    if (v === undefined || v === null || q.fromFreeText?.includes(info.param)) continue;
    const label = info.label;
    if (info.kind === 'boolean') filters.push(BOOLEAN_WORDS[info.param][v === true ? 0 : 1]);
    else if (info.kind === 'sort') sort = `sorted by ${String(v).replace(/,/g, ', ')}`;
    else if (v === 'IS NULL') filters.push(`no ${label}`);
    else if (v === 'NOT NULL') filters.push(`has ${label}`);
    else if (info.kind === 'pattern') filters.push(`${label} ${show(String(v))}`);
    else filters.push(`${label} ${String(v).replace(/,/g, ', ')}`);
  }
  const parts: string[] = [];
  if (q.fromFreeText?.includes('full_name')) parts.push(`${show(q.freeText ?? '')} in full name`);
  else if (q.fromFreeText) parts.push(`${show(q.freeText ?? '')} in first + last name`);
  else if (q.freeText !== undefined || q.namesPattern !== undefined) {
    parts.push(`${show(q.freeText ?? q.namesPattern ?? '')} in name/email`);
  }
  if (filters.length) parts.push(q.filterOr && filters.length > 1 ? `any of: ${filters.join(' or ')}` : filters.join(' · '));
  if (sort) parts.push(sort);
  const text = parts.join(' · ') || 'All users';
  return text.length > maxLength ? text.slice(0, Math.max(1, maxLength - 1)) + '…' : text;
}

/** A group as returned by all_groups / search_groups (only what resolution needs). */
export interface NamedGroup {
  readonly id?: string | null;
  readonly name?: string | null;
}

/**
 * Resolves `groupName` to `params.group_id` (case-insensitive exact name match). The resolved query keeps
 * `groupName` for display; a query without `groupName` comes back unchanged.
 */
export function resolveGroup(
  q: UserQuery,
  groups: readonly NamedGroup[],
): { readonly ok: true; readonly query: UserQuery } | { readonly ok: false; readonly error: string } {
  if (q.groupName === undefined) return { ok: true, query: q };
  const wanted = q.groupName.toLowerCase();
  const matches = groups.filter((g) => g.id && (g.name ?? '').toLowerCase() === wanted);
  if (matches.length === 1) {
    return { ok: true, query: { ...q, params: { ...q.params, group_id: String(matches[0].id) } } };
  }
  if (matches.length > 1) {
    return {
      ok: false,
      error: `Several groups are named ${show(q.groupName)} (ids ${matches.map((g) => g.id).join(', ')}): use group:<id>`,
    };
  }
  const names = groups.map((g) => g.name ?? '').filter((n) => n !== '');
  const guess = closest(wanted, names.map((n) => n.toLowerCase()));
  const original = guess !== undefined ? names.find((n) => n.toLowerCase() === guess) : undefined;
  return {
    ok: false,
    error: `No group named ${show(q.groupName)}.${original !== undefined ? ` Did you mean ${show(original)}?` : ''}`,
  };
}
