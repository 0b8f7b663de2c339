/**
 * A small scanner for the few LookML constructs this extension reads — not a LookML parser. It finds:
 *   - `_user_attributes['name']` / `_user_attributes["name"]` inside Liquid tags (`{{ … }}`, `{% … %}`) in
 *     `;;`-terminated values (sql, html, …) and in quoted strings (labels, link urls);
 *   - `access_filter: { field: …  user_attribute: … }` blocks;
 *   - `access_grant: name { user_attribute: …  allowed_values: [ … ] }` blocks;
 *   - the model file's `connection:` line (where the model's CodeLens goes).
 * `#` comments are skipped (outside strings and `;;` values), strings may contain braces and `#`, Liquid
 * `{% comment %}` blocks are skipped. Pure: no VS Code API.
 */

/** Zero-based line and character (UTF-16 units), like `vscode.Position`. */
export interface Pos {
  line: number;
  character: number;
}

export interface Span {
  /** Offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  startPos: Pos;
  endPos: Pos;
}

export interface UserAttributeRef {
  name: string;
  /** The whole `_user_attributes['name']` expression. */
  span: Span;
  /** Where it was found: a `;;` value (sql, html, …, by parameter name) or a quoted string. */
  context: string;
}

export interface AccessFilter {
  span: Span;
  field?: string;
  fieldSpan?: Span;
  userAttribute?: string;
  userAttributeSpan?: Span;
}

export interface AccessGrant {
  name: string;
  nameSpan: Span;
  span: Span;
  userAttribute?: string;
  userAttributeSpan?: Span;
  allowedValues: string[];
  allowedValuesSpan?: Span;
}

export interface LookmlScan {
  userAttributeRefs: UserAttributeRef[];
  accessFilters: AccessFilter[];
  accessGrants: AccessGrant[];
  /** The `connection: "…"` parameter of a model file. */
  connection?: { value: string; span: Span };
  /** The first top-level parameter (the CodeLens falls back to it). */
  firstParameter?: Span;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/** The model name of a `<name>.model.lkml` file, else undefined. */
export function modelNameFromPath(path: string): string | undefined {
  const m = /^(.+)\.model\.lkml$/i.exec(baseName(path));
  return m ? m[1] : undefined;
}

/** Parameters whose value is raw text ended by `;;` (SQL, HTML, Liquid). */
function takesBlockValue(key: string): boolean {
  return /^(sql(_\w+)?|html|expression|derived_sql)$/i.test(key);
}

type TokKind = 'ident' | 'string' | 'block' | 'punct';
interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
  /** For 'block': the parameter name it belongs to. */
  key?: string;
}

const IDENT = /[A-Za-z0-9_$.\-*/]/;

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\ufeff') {
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = i++;
      let value = '';
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else {
          value += text[i++];
        }
      }
      i = Math.min(n, i + 1);
      toks.push({ kind: 'string', text: value, start, end: i });
    } else if (c === ':' || c === '{' || c === '}' || c === '[' || c === ']' || c === ',') {
      toks.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
      // `key: <raw text> ;;` — the value of sql/html parameters is taken verbatim.
      const prev = toks[toks.length - 2];
      if (c === ':' && prev?.kind === 'ident' && takesBlockValue(prev.text)) {
        let j = i;
        while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
        const close = text.indexOf(';;', j);
        const end = close < 0 ? n : close;
        toks.push({ kind: 'block', text: text.slice(j, end), start: j, end, key: prev.text });
        i = close < 0 ? n : close + 2;
      }
    } else if (IDENT.test(c)) {
      const start = i;
      while (i < n && IDENT.test(text[i])) i++;
      toks.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
    } else {
      i++; // stray character (e.g. `;`): ignored
    }
  }
  return toks;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): Pos {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

const ATTR_REF = /_user_attributes\s*\[\s*(['"])([^'"\]\r\n]*)\1\s*\]/g;

/** Liquid tags of a piece of text (offsets relative to it), minus `{% comment %}…{% endcomment %}` regions. */
function liquidTags(s: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('{', i);
    if (open < 0 || open + 1 >= s.length) break;
    const kind = s[open + 1];
    if (kind !== '{' && kind !== '%') {
      i = open + 1;
      continue;
    }
    const closer = kind === '{' ? '}}' : '%}';
    // Find the closer, skipping quoted Liquid strings.
    let j = open + 2;
    let quote: string | undefined;
    let end = -1;
    while (j < s.length) {
      const ch = s[j];
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
      } else if (s.startsWith(closer, j)) {
        end = j + 2;
        break;
      }
      j++;
    }
    if (end < 0) end = s.length;
    const body = s.slice(open + 2, end - 2).replace(/^-/, '').trim();
    if (kind === '%' && /^comment\b/.test(body)) {
      const endTag = /\{%-?\s*endcomment\s*-?%\}/g;
      endTag.lastIndex = end;
      const m = endTag.exec(s);
      i = m ? m.index + m[0].length : s.length;
      continue;
    }
    out.push({ start: open, end });
    i = end;
  }
  return out;
}

/** Scans LookML text. Never throws: malformed input yields whatever could be recognised. */
export function scanLookml(text: string): LookmlScan {
  const starts = lineStarts(text);
  const span = (start: number, end: number): Span => ({ start, end, startPos: positionAt(starts, start), endPos: positionAt(starts, end) });
  const toks = tokenize(text);
  const result: LookmlScan = { userAttributeRefs: [], accessFilters: [], accessGrants: [] };

  const refsIn = (context: string, contentStart: number, content: string) => {
    for (const tag of liquidTags(content)) {
      const piece = content.slice(tag.start, tag.end);
      ATTR_REF.lastIndex = 0;
      for (let m = ATTR_REF.exec(piece); m; m = ATTR_REF.exec(piece)) {
        const s = contentStart + tag.start + m.index;
        result.userAttributeRefs.push({ name: m[2].trim(), span: span(s, s + m[0].length), context });
      }
    }
  };

  // Block stack: one entry per open `{`, with the parameter that opened it.
  interface Frame {
    key: string;
    filter?: AccessFilter;
    grant?: AccessGrant;
  }
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];

  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'block') {
      refsIn(t.key ?? 'sql', t.start, t.text);
      continue;
    }
    if (t.kind === 'string') {
      const key = toks[k - 2]?.kind === 'ident' && toks[k - 1]?.text === ':' ? toks[k - 2].text : 'string';
      // Escapes were removed from the value, so offsets are only exact for strings without backslashes.
      const raw = text.slice(t.start + 1, Math.max(t.start + 1, t.end - 1));
      if (!raw.includes('\\')) refsIn(key, t.start + 1, raw);
      continue;
    }
    if (t.kind === 'punct' && t.text === '}') {
      const f = stack.pop();
      if (f?.filter) {
        f.filter.span = span(f.filter.span.start, t.end);
        result.accessFilters.push(f.filter);
      }
      if (f?.grant) {
        f.grant.span = span(f.grant.span.start, t.end);
        result.accessGrants.push(f.grant);
      }
      continue;
    }
    if (t.kind === 'punct' && t.text === '{') {
      stack.push({ key: '' }); // a brace with no parameter (malformed): keeps the nesting right
      continue;
    }
    if (t.kind !== 'ident' || toks[k + 1]?.text !== ':') continue;

    // `key:` — what follows decides the shape.
    const key = t.text;
    const a = toks[k + 2];
    const b = toks[k + 3];
    if (stack.length === 0 && !result.firstParameter) result.firstParameter = span(t.start, t.end);
    if (a?.text === '{' && a.kind === 'punct') {
      // key: { … }
      const frame: Frame = { key };
      if (key === 'access_filter') frame.filter = { span: span(t.start, a.end) };
      stack.push(frame);
      k += 2;
    } else if (a?.kind === 'ident' && b?.kind === 'punct' && b.text === '{') {
      // key: name { … }
      const frame: Frame = { key };
      if (key === 'access_grant') frame.grant = { name: a.text, nameSpan: span(a.start, a.end), span: span(t.start, b.end), allowedValues: [] };
      stack.push(frame);
      k += 3;
    } else if (a?.kind === 'punct' && a.text === '[') {
      // key: [ v, v, … ]
      const values: string[] = [];
      let j = k + 3;
      while (j < toks.length && !(toks[j].kind === 'punct' && (toks[j].text === ']' || toks[j].text === '{' || toks[j].text === '}'))) {
        if (toks[j].kind === 'string' || toks[j].kind === 'ident') values.push(toks[j].text);
        j++;
      }
      const close = toks[j]?.text === ']' ? toks[j] : toks[j - 1] ?? a;
      const g = top()?.grant;
      if (g && key === 'allowed_values') {
        g.allowedValues = values;
        g.allowedValuesSpan = span(t.start, close.end);
      }
      k = toks[j]?.text === ']' ? j : j - 1;
    } else if (a && (a.kind === 'ident' || a.kind === 'string')) {
      const f = top()?.filter;
      const g = top()?.grant;
      if (f && key === 'field') {
        f.field = a.text;
        f.fieldSpan = span(a.start, a.end);
      } else if (f && key === 'user_attribute') {
        f.userAttribute = a.text;
        f.userAttributeSpan = span(a.start, a.end);
      } else if (g && key === 'user_attribute') {
        g.userAttribute = a.text;
        g.userAttributeSpan = span(a.start, a.end);
      } else if (stack.length === 0 && key === 'connection' && a.kind === 'string') {
        result.connection = { value: a.text, span: span(t.start, a.end) };
      }
      k += 1; // a string value is looked at next (Liquid in labels, link urls)
    }
  }
  // Unclosed blocks at the end of the file still count.
  while (stack.length) {
    const f = stack.pop()!;
    if (f.filter) result.accessFilters.push({ ...f.filter, span: span(f.filter.span.start, text.length) });
    if (f.grant) result.accessGrants.push({ ...f.grant, span: span(f.grant.span.start, text.length) });
  }
  result.accessFilters.sort((x, y) => x.span.start - y.span.start);
  result.accessGrants.sort((x, y) => x.span.start - y.span.start);
  return result;
}

/** What is under an offset, for hovers. */
export type LookmlHit =
  | { kind: 'attributeRef'; ref: UserAttributeRef }
  | { kind: 'accessFilter'; filter: AccessFilter; attribute: string; span: Span }
  | { kind: 'accessGrant'; grant: AccessGrant; attribute: string; span: Span };

const inside = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end;

export function hitAt(scan: LookmlScan, offset: number): LookmlHit | undefined {
  for (const ref of scan.userAttributeRefs) if (inside(ref.span, offset)) return { kind: 'attributeRef', ref };
  for (const filter of scan.accessFilters) {
    if (filter.userAttribute && inside(filter.userAttributeSpan, offset)) {
      return { kind: 'accessFilter', filter, attribute: filter.userAttribute, span: filter.userAttributeSpan };
    }
  }
  for (const grant of scan.accessGrants) {
    if (!grant.userAttribute) continue;
    for (const s of [grant.userAttributeSpan, grant.nameSpan, grant.allowedValuesSpan]) {
      if (inside(s, offset)) return { kind: 'accessGrant', grant, attribute: grant.userAttribute, span: s };
    }
  }
  return undefined;
}
