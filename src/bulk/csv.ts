/** CSV and JSON export of users, CSV parsing for "Update Emails from CSV". No `vscode` import. */
import type { IUser } from '@looker/sdk';

/** One CSV cell: quoted when needed; a leading = + - @ (or tab / CR) is prefixed with ' so spreadsheets don't run it. */
export function csvCell(value: unknown): string {
  let s: string;
  if (value === undefined || value === null) s = '';
  else if (Array.isArray(value)) s = value.map((v) => (v === null || v === undefined ? '' : String(v))).join(';');
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Fields offered by "Export Users…": a dotted path into the user, and whether it is picked by default. */
export const EXPORT_FIELDS: { path: string; api: string; picked: boolean }[] = [
  { path: 'id', api: 'id', picked: true },
  { path: 'first_name', api: 'first_name', picked: true },
  { path: 'last_name', api: 'last_name', picked: true },
  { path: 'email', api: 'email', picked: true },
  { path: 'is_disabled', api: 'is_disabled', picked: true },
  { path: 'display_name', api: 'display_name', picked: false },
  { path: 'locale', api: 'locale', picked: false },
  { path: 'role_ids', api: 'role_ids', picked: false },
  { path: 'group_ids', api: 'group_ids', picked: false },
  { path: 'credentials_email.email', api: 'credentials_email(email)', picked: false },
  { path: 'credentials_email.logged_in_at', api: 'credentials_email(logged_in_at)', picked: true },
  { path: 'credentials_email.forced_password_reset_at_next_login', api: 'credentials_email(forced_password_reset_at_next_login)', picked: false },
  { path: 'credentials_saml.saml_user_id', api: 'credentials_saml(saml_user_id)', picked: false },
  { path: 'credentials_google.google_user_id', api: 'credentials_google(google_user_id)', picked: false },
  { path: 'credentials_oidc.oidc_user_id', api: 'credentials_oidc(oidc_user_id)', picked: false },
  { path: 'embed_group_space_id', api: 'embed_group_space_id', picked: false },
  { path: 'is_service_account', api: 'is_service_account', picked: false },
  { path: 'verified_looker_employee', api: 'verified_looker_employee', picked: false },
];

/** The `fields=` value for these export paths (sub-fields of one object merged: `credentials_email(email,logged_in_at)`). */
export function apiFields(paths: string[]): string {
  const top: string[] = [];
  const nested = new Map<string, string[]>();
  for (const p of paths) {
    const [head, ...rest] = p.split('.');
    if (!rest.length) {
      if (!top.includes(head)) top.push(head);
      continue;
    }
    if (!nested.has(head)) {
      nested.set(head, []);
      top.push(head);
    }
    const subs = nested.get(head)!;
    if (!subs.includes(rest.join('.'))) subs.push(rest.join('.'));
  }
  return top.map((t) => (nested.has(t) ? `${t}(${nested.get(t)!.join(',')})` : t)).join(',');
}

export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function usersToCsv(users: IUser[], paths: string[]): string {
  return toCsv(paths, users.map((u) => paths.map((p) => valueAt(u, p))));
}

/** JSON export: each user reduced to the chosen paths (nested objects kept nested). */
export function usersToJson(users: IUser[], paths: string[]): string {
  return JSON.stringify(users.map((u) => pickPaths(u, paths)), null, 2) + '\n';
}

/** One user reduced to the chosen dotted paths (nested objects kept nested; missing values null). */
export function pickPaths(user: IUser, paths: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const p of paths) {
    const keys = p.split('.');
    let dst = o;
    for (const k of keys.slice(0, -1)) dst = (dst[k] ??= {}) as Record<string, unknown>;
    const v = valueAt(user, p);
    dst[keys[keys.length - 1]] = v === undefined ? null : v;
  }
  return o;
}

/** RFC 4180 parser: quoted fields with "" escapes, commas and newlines inside quotes; a BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export interface EmailRow {
  /** 1-based line of the CSV row. */
  line: number;
  /** The user id, or the current email when `by` is 'email'. */
  key: string;
  by: 'id' | 'email';
  newEmail: string;
}

export interface BadRow {
  line: number;
  message: string;
}

/** A plausible email address (what Looker accepts is checked by Looker). */
export const EMAIL = /^[^\s@",]+@[^\s@",]+\.[^\s@",]+$/;

/**
 * Reads "Update Emails from CSV": two columns, the first the user id or the current email, the second the new
 * email. A header row (e.g. `id,new_email` or `email,new_email`) is recognised and skipped. Bad rows are reported,
 * not guessed; duplicate keys or new emails are bad rows too.
 */
export function parseEmailCsv(text: string): { rows: EmailRow[]; bad: BadRow[] } {
  const rows: EmailRow[] = [];
  const bad: BadRow[] = [];
  const table = parseCsv(text);
  const keys = new Set<string>();
  const targets = new Set<string>();
  table.forEach((cells, idx) => {
    const line = idx + 1;
    const c = cells.map((x) => x.trim());
    if (c.every((x) => !x)) return;
    if (idx === 0 && !EMAIL.test(c[1] ?? '') && !/^\d+$/.test(c[0] ?? '')) return; // header
    if (c.length < 2 || !c[0] || !c[1]) {
      bad.push({ line, message: 'Expected two columns: user id or current email, then the new email.' });
      return;
    }
    if (c.slice(2).some(Boolean)) {
      bad.push({ line, message: 'Too many columns.' });
      return;
    }
    // A leading ' is the formula guard our own CSV export adds (and spreadsheets keep): never part of a login email.
    const quoted = c.slice(0, 2).find((x) => x.startsWith("'"));
    if (quoted) {
      bad.push({ line, message: `"${quoted}" starts with ' (a spreadsheet formula guard): remove it.` });
      return;
    }
    const by: 'id' | 'email' = c[0].includes('@') ? 'email' : 'id';
    if (by === 'email' && !EMAIL.test(c[0])) {
      bad.push({ line, message: `"${c[0]}" is not a valid email address.` });
      return;
    }
    if (by === 'id' && !/^\w+$/.test(c[0])) {
      bad.push({ line, message: `"${c[0]}" is neither a user id nor an email address.` });
      return;
    }
    if (!EMAIL.test(c[1])) {
      bad.push({ line, message: `"${c[1]}" is not a valid email address.` });
      return;
    }
    const key = by === 'email' ? c[0].toLowerCase() : c[0];
    if (keys.has(key)) {
      bad.push({ line, message: `"${c[0]}" appears more than once.` });
      return;
    }
    if (targets.has(c[1].toLowerCase())) {
      bad.push({ line, message: `The new email "${c[1]}" appears more than once.` });
      return;
    }
    keys.add(key);
    targets.add(c[1].toLowerCase());
    rows.push({ line, key: c[0], by, newEmail: c[1] });
  });
  return { rows, bad };
}
