import * as vscode from 'vscode';

/** The locale for dates and numbers: VS Code's display language, which Intl understands (e.g. "en", "de", "zh-cn"). */
export function displayLocale(): string {
  const lang = vscode.env.language || 'en';
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([lang]).length ? lang : 'en';
  } catch {
    return 'en';
  }
}

/** An ISO timestamp as the display language writes a date and time ("25 Aug 2024, 22:33"); '' for none. */
export function formatDateTime(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(displayLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
