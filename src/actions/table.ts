/**
 * The write table (plain Node, no `vscode`): every kind of change the extension makes to a Looker user, described
 * once — its audit label, the kind that reverses it, what a retry after a timeout may do, and whether it is
 * destructive (a single one is confirmed in a modal naming the connection and host; every bulk job in the preview, a
 * delete with the typed count). Bulk jobs (src/bulk), the details panel, CSV email
 * migration, Undo and the audit log take these facts from here; adding a kind of change starts with adding one entry.
 * Each kind run as a job (all but the two legacy labels below) is planned by its `case` in `classify`
 * (src/bulk/classify.ts) and applied by its `case` in `applyAction` (src/bulk/actions.ts); the panel runs it as a job
 * of one (src/bulk/runOne.ts).
 *
 * Retry safety after a timeout or a broken connection (the request may have been done):
 *  - `idempotent`: sending it again gives the same result (PATCH/PUT of values, DELETE of a session);
 *  - `reread`: read the state first, and write only if it is not done yet (delete user, group membership);
 *  - `never`: the effect cannot be read back (an email): never sent a second time, reported instead.
 */
import { USER_VALUE_FIELDS } from '../looker/userFields';
export type RetrySafety = 'idempotent' | 'reread' | 'never';

export interface ActionSpec {
  /** The kind of change that reverses this one, when there is one. */
  inverse?: ActionName;
  /** Without an inverse: undone by writing the `before` values of these fields back (a field edit). */
  restore?: Restore;
  retry: RetrySafety;
  destructive: boolean;
  /** The Looker API write (spec operation id). */
  operation: string;
}

/** A field edit's undo: a PATCH of the user (`update_user`) or of its email login, with the fields it may write back. */
export interface Restore {
  via: 'user' | 'credentialsEmail';
  fields: readonly string[];
}

/** Fields of PATCH /users/{id} an undo may write back. */
const RESTORE_USER: Restore = { via: 'user', fields: USER_VALUE_FIELDS };
/** Fields of PATCH /users/{id}/credentials_email an undo may write back. */
const RESTORE_EMAIL: Restore = { via: 'credentialsEmail', fields: ['email', 'forced_password_reset_at_next_login'] };

/** The name of each kind of change; it is also its label in the audit log. */
export type ActionName =
  | 'updateUser'
  | 'disable'
  | 'enable'
  | 'updateCredentialsEmail'
  | 'updateEmail'
  | 'createCredentialsEmail'
  | 'forcePasswordReset'
  | 'clearPasswordReset'
  | 'sendPasswordReset'
  | 'createPasswordResetLink'
  | 'deleteCredential'
  | 'endSessions'
  | 'addRole'
  | 'removeRole'
  | 'setRoles'
  | 'addToGroup'
  | 'removeFromGroup'
  | 'unlock'
  | 'delete'
  | 'setUserAttribute'
  | 'clearUserAttribute'
  | 'createUser'
  | 'createApiKey'
  | 'deleteApiKey'
  | 'createServiceAccount'
  | 'updateServiceAccount'
  | 'deleteServiceAccount'
  | 'reassignSchedules'
  | 'reassignSchedulesBack';

export const ACTIONS: Readonly<Record<ActionName, ActionSpec>> = {
  // Field edits of the details panel: undone by writing the `before` values back (after checking `after` still holds).
  updateUser: { restore: RESTORE_USER, retry: 'idempotent', destructive: false, operation: 'update_user' },
  disable: { inverse: 'enable', retry: 'idempotent', destructive: true, operation: 'update_user' },
  enable: { inverse: 'disable', retry: 'idempotent', destructive: false, operation: 'update_user' },
  // Legacy audit labels of panel writes made before they became jobs (the panel now uses updateEmail, force/clear
  // reset, add/remove role); kept so those entries still read and undo.
  updateCredentialsEmail: { restore: RESTORE_EMAIL, retry: 'idempotent', destructive: false, operation: 'update_user_credentials_email' },
  updateEmail: { restore: RESTORE_EMAIL, retry: 'idempotent', destructive: false, operation: 'update_user_credentials_email' },
  createCredentialsEmail: { retry: 'reread', destructive: false, operation: 'create_user_credentials_email' },
  forcePasswordReset: { inverse: 'clearPasswordReset', retry: 'idempotent', destructive: false, operation: 'update_user_credentials_email' },
  clearPasswordReset: { inverse: 'forcePasswordReset', retry: 'idempotent', destructive: false, operation: 'update_user_credentials_email' },
  sendPasswordReset: { retry: 'never', destructive: false, operation: 'send_user_credentials_email_password_reset' },
  createPasswordResetLink: { retry: 'never', destructive: false, operation: 'create_user_credentials_email_password_reset' },
  deleteCredential: { retry: 'reread', destructive: true, operation: 'delete_user_credentials_*' },
  endSessions: { retry: 'idempotent', destructive: true, operation: 'delete_user_session' },
  addRole: { inverse: 'removeRole', retry: 'idempotent', destructive: false, operation: 'set_user_roles' },
  removeRole: { inverse: 'addRole', retry: 'idempotent', destructive: false, operation: 'set_user_roles' },
  setRoles: { retry: 'idempotent', destructive: false, operation: 'set_user_roles' }, // legacy label, as above
  addToGroup: { inverse: 'removeFromGroup', retry: 'reread', destructive: false, operation: 'add_group_user' },
  removeFromGroup: { inverse: 'addToGroup', retry: 'reread', destructive: false, operation: 'delete_group_user' },
  unlock: { retry: 'idempotent', destructive: false, operation: 'delete_user_login_lockout' },
  delete: { retry: 'reread', destructive: true, operation: 'delete_user' },
  setUserAttribute: { retry: 'idempotent', destructive: false, operation: 'set_user_attribute_user_value' },
  clearUserAttribute: { retry: 'idempotent', destructive: false, operation: 'delete_user_attribute_user_value' },
  // Invite: create_user (with the login email) → set_user_roles → add_group_user → the setup email. After a timeout the
  // email is looked up first (never created twice); the setup email is never sent twice. Undone by Delete, previewed.
  createUser: { inverse: 'delete', retry: 'reread', destructive: false, operation: 'create_user' },
  // API keys: a second POST makes a second key (and its secret is shown once): never resent, the keys are read again.
  // Only the client id is audited, never the secret.
  createApiKey: { retry: 'never', destructive: false, operation: 'create_user_credentials_api3' },
  deleteApiKey: { retry: 'reread', destructive: true, operation: 'delete_user_credentials_api3' },
  // Service accounts (alpha in Looker; offered only where the instance's API has them).
  createServiceAccount: { retry: 'never', destructive: false, operation: 'create_service_account' },
  updateServiceAccount: { retry: 'idempotent', destructive: false, operation: 'update_service_account' },
  deleteServiceAccount: { retry: 'reread', destructive: true, operation: 'delete_service_account' },
  // The hand-over before a delete: the planned schedules of each owner get another owner (user_id), and back.
  reassignSchedules: { inverse: 'reassignSchedulesBack', retry: 'idempotent', destructive: false, operation: 'update_scheduled_plan' },
  reassignSchedulesBack: { inverse: 'reassignSchedules', retry: 'idempotent', destructive: false, operation: 'update_scheduled_plan' },
};

export function isActionName(v: unknown): v is ActionName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ACTIONS, v);
}

/** The kind that reverses `name`, if any. */
export function inverseOf(name: string): ActionName | undefined {
  return isActionName(name) ? ACTIONS[name].inverse : undefined;
}

/** How a field edit of kind `name` is undone (the fields written back), if it is one. */
export function restoreOf(name: string): Restore | undefined {
  return isActionName(name) ? ACTIONS[name].restore : undefined;
}

/** True when a write of this kind must not be sent again after an attempt that may have reached Looker. */
export function neverRepeat(name: string): boolean {
  return isActionName(name) && ACTIONS[name].retry === 'never';
}
