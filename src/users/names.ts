import type { IUser } from '@looker/sdk';

/** A user's name as people see it: display name, else "First Last"; '' when Looker has neither. Pure. */
export function personName(u: Pick<IUser, 'display_name' | 'first_name' | 'last_name'>): string {
  return (u.display_name ?? '').trim() || [u.first_name, u.last_name].filter(Boolean).join(' ').trim();
}
