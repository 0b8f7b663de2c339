/**
 * The kinds of change run through the write pipeline (a job, or a job of one) and their parameters. Their facts
 * (inverse, retry safety, destructive) are in `actions/table.ts`. No `vscode` import (plain Node).
 */

export const BULK_ACTIONS = [
  'disable',
  'enable',
  'forcePasswordReset',
  'clearPasswordReset',
  'sendPasswordReset',
  'endSessions',
  'addToGroup',
  'removeFromGroup',
  'addRole',
  'removeRole',
  'delete',
  'updateEmail',
  'unlock',
  'setUserAttribute',
  'clearUserAttribute',
  // Single edits of the details panel (jobs of one user; not offered as bulk commands).
  'updateUser',
  'createCredentialsEmail',
  'createPasswordResetLink',
  'deleteCredential',
  'createApiKey',
  'createServiceAccount',
  'updateServiceAccount',
  'deleteServiceAccount',
  'deleteApiKey',
  'createUser',
  'reassignSchedules',
  'reassignSchedulesBack',
] as const;

export type BulkAction = (typeof BULK_ACTIONS)[number];

export function isBulkAction(v: unknown): v is BulkAction {
  return typeof v === 'string' && (BULK_ACTIONS as readonly string[]).includes(v);
}

/** One user to invite (`createUser`). Role and group ids are Looker's; names are for display only. */
export interface Invite {
  firstName: string;
  lastName: string;
  email: string;
  roleIds: string[];
  groupIds: string[];
  sendSetupEmail: boolean;
  /** The CSV line it came from. */
  line?: number;
}

export interface BulkParams {
  /** addToGroup / removeFromGroup */
  groupId?: string;
  groupName?: string;
  /** addRole / removeRole */
  roleId?: string;
  roleName?: string;
  /** updateEmail: user id → new login email */
  emails?: Record<string, string>;
  /** setUserAttribute / clearUserAttribute */
  attributeId?: string;
  attributeName?: string;
  /** The attribute's value is hidden: it is never shown, logged, audited or saved with the job. */
  attributeHidden?: boolean;
  /** setUserAttribute: the value (checked against the attribute's type before the dry run). */
  value?: string;
  /** updateUser: the new values of the edited fields, and the values the person edited from (a conflict check). */
  fields?: FieldValues;
  base?: FieldValues;
  /** deleteCredential: which credential (`email`, `api3`, …) and, for api3/embed, its id. */
  credentialKind?: string;
  credentialId?: string;
  /** deleteCredential: how the panel names it ("API key abc…"), for the confirmation. */
  credentialName?: string;
  /** endSessions: only these web sessions (all when absent). */
  sessionIds?: string[];
  /** createUser: the invitations, by key (the email in lower case; the job's `userIds` are these keys). */
  invites?: Record<string, Invite>;
  /** deleteApiKey: the key's client id (audited; never the secret). */
  clientId?: string;
  /** updateServiceAccount: the new values; both: the account's name now (for the confirmation). */
  serviceAccount?: { service_account_name?: string; is_disabled?: boolean };
  serviceAccountName?: string;
  /** reassignSchedules / reassignSchedulesBack: the user who takes the schedules over (Back: who had them). */
  toUserId?: string;
  toUserName?: string;
  /** reassignSchedules / Back: owner id → the ids of their schedules the dry run found (set by the dry run). */
  schedules?: Record<string, string[]>;
}

/** A field-level change, e.g. `{ is_disabled: false }` → `{ is_disabled: true }`. Never holds a secret or a URL. */
export type FieldValues = Record<string, unknown>;

/** What the dry run said of the one user of a single change (the bulk plan's line for that user). */
export interface SingleItem {
  kind: 'change' | 'skip' | 'impossible';
  /** Why it is skipped or impossible. */
  reason?: string;
  /** The field an "impossible" is about (shown next to that field). */
  field?: string;
  /** The current values (a conflict shows them). */
  before?: FieldValues;
  after?: FieldValues;
}

/**
 * How a single change (a job of one user) ended, for the details panel and the service account commands: `error` is
 * Looker's failure (a 422 carries the field errors), `item` the dry run's line, `secret` what the write returned that
 * is never saved (a reset link, a new API key's secret).
 */
export interface SingleOutcome {
  status: 'done' | 'skipped' | 'failed' | 'cancelled';
  message?: string;
  error?: unknown;
  item?: SingleItem;
  /** What the change left (as audited). */
  after?: BulkParams['fields'];
  secret?: string;
}
