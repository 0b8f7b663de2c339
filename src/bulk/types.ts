/** Bulk jobs: the actions, their parameters and a job's persisted state. No `vscode` import (plain Node). */

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

export type UserStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface UserState {
  status: UserStatus;
  /** Why it was skipped or failed (the Looker message for failures). */
  message?: string;
  before?: FieldValues;
  after?: FieldValues;
  /** A display label (name <email>) for previews and reports. */
  label?: string;
  /** Attempts made (transient failures included). */
  attempts?: number;
  /** An earlier attempt may have reached Looker: the next one re-reads state before writing again. */
  recheck?: boolean;
}

export interface BulkJob {
  id: string;
  connectionId: string;
  action: BulkAction;
  params: BulkParams;
  /** Every user of the job, in order. */
  userIds: string[];
  createdAt: string;
  /** Per-user state; a missing entry means pending. */
  state: Record<string, UserState>;
  /** Set when the job was created to undo another job. */
  undoOf?: string;
  /** The instance the job was planned on (connection, base URL and host, API user, release): resume refuses another. */
  instance?: { id: string; name: string; url: string; host?: string; apiUserId?: string; release?: string };
  finishedAt?: string;
}

export interface JobCounts {
  total: number;
  pending: number;
  done: number;
  skipped: number;
  failed: number;
}

export function jobCounts(job: BulkJob): JobCounts {
  const c: JobCounts = { total: job.userIds.length, pending: 0, done: 0, skipped: 0, failed: 0 };
  for (const id of job.userIds) {
    const s = job.state[id]?.status ?? 'pending';
    if (s === 'pending' || s === 'running') c.pending++;
    else c[s]++;
  }
  return c;
}

/** A new job id: time-ordered and unique enough for one machine. */
export function newJobId(now = Date.now()): string {
  return `${new Date(now).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;
}
