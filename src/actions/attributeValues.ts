/**
 * User attribute values typed by an admin (plain Node, no `vscode`): checked against the attribute's type before
 * any dry run, and shown without ever revealing a hidden value. The caller passes its localizer (`vscode.l10n`).
 */
import type { IUserAttribute } from '@looker/sdk';
import type { L10n } from '../format/names';

/** Longest value accepted (Looker stores attribute values as text; a megabyte is a mistake). */
const MAX_ATTRIBUTE_VALUE = 4000;

/** The attribute can be set per user: not a system attribute (email, names), unless users may edit it (locale). */
export function settablePerUser(a: Pick<IUserAttribute, 'is_system' | 'user_can_edit'>): boolean {
  return !a.is_system || !!a.user_can_edit;
}

/**
 * The value to send for this attribute type (yes/no spelled as Looker does), or an error message saying what is
 * expected. Advanced filter types take Looker filter expressions as typed.
 */
export function checkAttributeValue(type: string | null | undefined, raw: string, l10n: L10n): { value: string } | { error: string } {
  const v = raw.trim();
  if (!v) return { error: l10n.t('Enter a value (use Clear to remove the user\'s value).') };
  if (v.length > MAX_ATTRIBUTE_VALUE) return { error: l10n.t('At most {0} characters.', MAX_ATTRIBUTE_VALUE) };
  switch (type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(v) ? { value: v } : { error: l10n.t('Enter a number, e.g. 5000 or -2.5.') };
    case 'yesno':
      if (/^(yes|true)$/i.test(v)) return { value: 'Yes' };
      if (/^(no|false)$/i.test(v)) return { value: 'No' };
      return { error: l10n.t('Enter Yes or No.') };
    case 'zipcode':
      return /^\d{5}(-\d{4})?$/.test(v) ? { value: v } : { error: l10n.t('Enter a ZIP code: 5 digits, optionally -4 more (12345 or 12345-6789).') };
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')))
        ? { value: v }
        : { error: l10n.t('Enter a date and time as YYYY-MM-DD or YYYY-MM-DD HH:MM.') };
    case 'relative_url':
      return v.startsWith('/') && !v.startsWith('//') ? { value: v } : { error: l10n.t('Enter a path that starts with a single /.') };
    default:
      // string and the advanced filter types (advanced_filter_string / _number / _datetime): any text.
      return { value: v };
  }
}
