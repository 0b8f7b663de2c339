/**
 * Reads looker.ini files (the format of the Looker SDKs and gzr): `[Section]` headers, `key=value` or `key: value`
 * lines, `;` / `#` comments. Only what a connection needs is returned.
 */
export interface IniConnection {
  section: string;
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  verifySsl: boolean;
  timeoutSeconds?: number;
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) return t.slice(1, -1);
  return t;
}

export function parseLookerIni(text: string): IniConnection[] {
  const sections: { name: string; values: Map<string, string> }[] = [];
  let current: { name: string; values: Map<string, string> } | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = { name: header[1].trim(), values: new Map() };
      sections.push(current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (eq <= 0 || !current) continue;
    current.values.set(line.slice(0, eq).trim().toLowerCase(), unquote(line.slice(eq + 1)));
  }
  return sections
    .filter((s) => s.values.has('base_url') || s.values.has('client_id'))
    .map((s) => {
      const verify = s.values.get('verify_ssl');
      const timeout = Number(s.values.get('timeout'));
      return {
        section: s.name,
        baseUrl: s.values.get('base_url') || undefined,
        clientId: s.values.get('client_id') || undefined,
        clientSecret: s.values.get('client_secret') || undefined,
        verifySsl: verify === undefined || !FALSE.test(verify) || TRUE.test(verify),
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
      };
    });
}
