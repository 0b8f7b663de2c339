import type { IUser } from '@looker/sdk';

/** A localizer (`vscode.l10n`, or a stand-in in plain Node), named so that `l10n.t('…')` calls are extracted. */
export interface L10n {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

/** A user's name as people see it: display name, else "First Last"; '' when Looker has neither. Pure. */
export function personName(u: Pick<IUser, 'display_name' | 'first_name' | 'last_name'>): string {
  return (u.display_name ?? '').trim() || [u.first_name, u.last_name].filter(Boolean).join(' ').trim();
}

/** The one display label of a user: their name, else their email, else "User <id>". Plain text. */
export function userLabel(u: IUser, l10n: L10n): string {
  return personName(u) || u.email || l10n.t('User {0}', String(u.id ?? '?'));
}
