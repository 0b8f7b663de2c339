import * as vscode from 'vscode';

/**
 * What Looker's own Admin UI calls a user field, for pickers, previews and undo entries; a path we have no label for
 * is shown as is. Paths are the API's (`credentials_email.logged_in_at`).
 */
export function fieldLabel(path: string): string {
  switch (path) {
    case 'id':
      return vscode.l10n.t('ID');
    case 'first_name':
      return vscode.l10n.t('First name');
    case 'last_name':
      return vscode.l10n.t('Last name');
    case 'email':
      return vscode.l10n.t('Email');
    case 'is_disabled':
      return vscode.l10n.t('Disabled');
    case 'display_name':
      return vscode.l10n.t('Display name');
    case 'locale':
      return vscode.l10n.t('Locale');
    case 'created_at':
      return vscode.l10n.t('Created');
    case 'role_ids':
      return vscode.l10n.t('Roles');
    case 'setup_email':
      return vscode.l10n.t('Setup email');
    case 'group_ids':
      return vscode.l10n.t('Groups');
    case 'home_folder_id':
      return vscode.l10n.t('Home folder');
    case 'models_dir_validated':
      return vscode.l10n.t('Models directory validated');
    case 'ui_state':
      return vscode.l10n.t('UI state');
    case 'credentials_email.email':
    case 'credentials_email':
      return vscode.l10n.t('Login email');
    case 'credentials_email.logged_in_at':
      return vscode.l10n.t('Last login (email)');
    case 'credentials_email.forced_password_reset_at_next_login':
    case 'forced_password_reset_at_next_login':
      return vscode.l10n.t('Password reset required at next login');
    case 'credentials_saml.saml_user_id':
      return vscode.l10n.t('SAML user ID');
    case 'credentials_google.google_user_id':
      return vscode.l10n.t('Google user ID');
    case 'credentials_oidc.oidc_user_id':
      return vscode.l10n.t('OpenID Connect user ID');
    case 'embed_group_space_id':
      return vscode.l10n.t('Embed group folder');
    case 'is_service_account':
      return vscode.l10n.t('Service account');
    case 'verified_looker_employee':
      return vscode.l10n.t('Verified Looker employee');
    default:
      return path;
  }
}

/** What an audit entry's action is called in Undo and the audit views. */
export function changeLabel(action: string): string {
  switch (action) {
    case 'updateUser':
      return vscode.l10n.t('Edit user');
    case 'updateCredentialsEmail':
    case 'updateEmail':
      return vscode.l10n.t('Edit email login');
    default:
      return action;
  }
}

/** A value as a person reads it: yes/no, dates localised, empty as a dash, lists joined. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? vscode.l10n.t('yes') : vscode.l10n.t('no');
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `{"home_folder_id":"abc","is_disabled":true}` → "Home folder: abc · Disabled: yes". */
export function describeValues(values: Record<string, unknown> | undefined): string {
  if (!values) return '';
  return Object.entries(values)
    .map(([k, v]) => `${fieldLabel(k)}: ${displayValue(v)}`)
    .join(' · ');
}
