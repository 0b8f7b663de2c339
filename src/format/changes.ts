import * as vscode from 'vscode';
import { displayValue, fieldLabel } from './labels';

/** Names for ids shown in a change: group and role ids by id. */
export interface ValueNames {
  groups?: ReadonlyMap<string, string>;
  roles?: ReadonlyMap<string, string>;
  /** User names by id (the owner of schedules). */
  users?: ReadonlyMap<string, string>;
}

function labelOf(key: string): string {
  switch (key) {
    case 'group':
      return vscode.l10n.t('Group');
    case 'role':
      return vscode.l10n.t('Role');
    case 'sessions':
      return vscode.l10n.t('Sessions');
    case 'schedule_owner':
      return vscode.l10n.t('Owner of the schedules');
    case 'schedules':
      return vscode.l10n.t('Schedules');
    default:
      return fieldLabel(key);
  }
}

function valueOf(key: string, v: unknown, names: ValueNames): string {
  const name = (map: ReadonlyMap<string, string> | undefined, id: unknown) => (map && id !== null && id !== undefined ? map.get(String(id)) : undefined);
  if (key === 'group' || key === 'group_ids') {
    if (Array.isArray(v)) return v.map((id) => name(names.groups, id) ?? String(id)).join(', ') || '—';
    if (v === null || v === undefined) return vscode.l10n.t('not a member');
    return name(names.groups, v) ?? String(v);
  }
  if (key === 'role') {
    if (v === null || v === undefined) return vscode.l10n.t('not given directly');
    return name(names.roles, v) ?? String(v);
  }
  if (key === 'schedule_owner' && v !== null && v !== undefined) return name(names.users, v) ?? `#${String(v)}`;
  if (key === 'role_ids') {
    if (Array.isArray(v)) return v.map((id) => name(names.roles, id) ?? String(id)).join(', ') || '—';
  }
  return displayValue(v);
}

/** "Disabled: no → yes; Group: not a member → Finance" — field labels and names instead of API names and ids. */
export function describeChange(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, names: ValueNames = {}): string {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].map((k) => `${labelOf(k)}: ${valueOf(k, before?.[k], names)} → ${valueOf(k, after?.[k], names)}`).join('; ');
}
