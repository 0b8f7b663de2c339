/**
 * The details panel's writes: each page message that changes the user, as the kind of change it is (an entry of the
 * write table, `actions/table.ts`, named in `BULK_ACTIONS`) with its progress label and parameters. The panel runs
 * every one through its one write pipeline (`DetailsPanel.write`, a job of one through `BulkCommands.runOne`).
 */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { confirmModal } from '../commands/prompt';
import type { LookerClient } from '../looker/client';
import type { Log } from '../log';
import { checkAttributeValue } from '../actions/attributeValues';
import type { BulkAction, BulkParams } from '../actions/types';
import type { SingleOutcome } from '../actions/types';
import type { Lookups } from './deps';
import { findConflicts, userDiff } from '../actions/edits';
import { EDITABLE_FIELDS, type DetailsData, type EditableField, type Edits, type ErrorField, type HostMessage, type PageMessage } from './protocol';

/** One write of the panel, as planned from a page message. */
export interface PanelWrite {
  action: BulkAction;
  /** The progress label, also the subject of an error ("Disabling Ann Lee"). */
  label: string;
  params?: BulkParams;
  /** Several changes of this kind, each a job of one, one after the other (the roles or groups picked). */
  each?: BulkParams[];
  /** Where a field of Looker's 422 errors shows in the page. */
  fieldFor?: (field: string) => ErrorField | undefined;
  /** What the panel does with the outcome (a secret shown once, a status bar note). */
  done?: (o: SingleOutcome) => void;
  /** Shows a failed outcome in the page itself (true), instead of as an error (a conflict, a missing folder). */
  failed?: (o: SingleOutcome) => boolean;
}

/** What planning a write reads from its panel. */
export interface WriteContext {
  readonly connectionId: string;
  readonly userId: string;
  readonly lookups: Lookups;
  readonly log: Log;
  /** The user's name as the panel shows it. */
  name(): string;
  connectionName(): string;
  /** "Production (mycompany.cloud.looker.com)": the connection and its host. */
  where(): string;
  user(): IUser | undefined;
  data(): DetailsData | undefined;
  client(): LookerClient;
  post(m: HostMessage): void;
  /** Keeps a created reset link (a one-time secret) for the copy button. */
  keepResetLink(url: string, expiresAt: string | null): void;
  /** Keeps a created API key's client secret for the copy button, and shows it in the page. */
  keepApiKey(clientId: string, secret: string): void;
}

/** The page messages that are writes of the user. */
export type WriteType =
  | 'save'
  | 'setDisabled'
  | 'changeEmail'
  | 'addEmail'
  | 'setForcedReset'
  | 'sendReset'
  | 'createResetLink'
  | 'createApiKey'
  | 'deleteCredential'
  | 'endSession'
  | 'endAllSessions'
  | 'addRole'
  | 'removeRole'
  | 'addGroup'
  | 'removeGroup';

type Message<T extends PageMessage['type']> = Extract<PageMessage, { type: T }>;
/** Plans the write of a message; undefined when there is nothing to do (already so, cancelled, refused). */
type Planner<T extends WriteType> = (m: Message<T>, c: WriteContext) => PanelWrite | undefined | Promise<PanelWrite | undefined>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Looker's errors about a login email show next to the email box. */
const emailField = (f: string): ErrorField | undefined => (/email$/.test(f) ? 'email' : undefined);

/** The new login email of this user, or undefined (with the error shown next to the box) when it is not an address. */
function emailsOf(email: string, c: WriteContext): BulkParams | undefined {
  if (EMAIL.test(email.trim())) return { emails: { [c.userId]: email.trim() } };
  c.post({ type: 'fieldErrors', errors: [{ field: 'email', message: vscode.l10n.t('Enter an email address like name@example.com.') }] });
  return undefined;
}

/**
 * Saves inline edits as a job of one: the dry run re-reads the server values of the changed fields and, when
 * someone else changed one since the page loaded it, the page is asked to choose instead of saving; a home folder
 * that does not exist on the instance is refused next to its field.
 */
async function saveEdits(c: WriteContext, edits: Edits, base: Edits): Promise<PanelWrite | undefined> {
  const diff = userDiff(base, edits);
  const fields = Object.keys(diff) as EditableField[];
  if (!fields.length) {
    c.post({ type: 'saved', fields: [] });
    return undefined;
  }
  const editable = (f: string): EditableField | undefined => ((EDITABLE_FIELDS as readonly string[]).includes(f) ? (f as EditableField) : undefined);
  if ('last_name' in diff && !String(diff.last_name ?? '').trim()) {
    // Looker accepts it, but the user then shows by first name only (or as "—" everywhere without one).
    const first = String(('first_name' in diff ? diff.first_name : c.user()?.first_name) ?? '').trim();
    const go = vscode.l10n.t('Save Without Last Name');
    const pick = await confirmModal(
      vscode.l10n.t('Save {0} on {1} with an empty last name?', c.name(), c.connectionName()),
      first ? vscode.l10n.t('Looker will show this user as "{0}".', first) : vscode.l10n.t('With no first name either, the user has no name in Looker at all.'),
      go,
    );
    if (pick !== go) {
      c.post({ type: 'fieldErrors', errors: [{ field: 'last_name', message: vscode.l10n.t('The last name is empty: type one, or save again and confirm.') }] });
      return undefined;
    }
  }
  return {
    action: 'updateUser',
    label: vscode.l10n.t('Saving {0}', c.name()),
    params: { fields: diff, base },
    fieldFor: editable,
    done: () => c.post({ type: 'saved', fields }),
    failed: (o) => {
      if (o.error || !o.item) return false;
      const conflicts = o.item.before ? findConflicts(base, diff, o.item.before) : [];
      if (conflicts.length) {
        c.post({ type: 'conflict', fields: conflicts });
        return true;
      }
      if (o.item.field !== 'home_folder_id') return false;
      const message = vscode.l10n.t('There is no folder with id "{0}" on {1}. Enter the id of an existing folder.', String(diff.home_folder_id ?? ''), c.where());
      c.post({ type: 'fieldErrors', errors: [{ field: 'home_folder_id', message }] });
      return true;
    },
  };
}

/** The items picked in a multi-select quick pick; undefined when there is none to pick (`none` is shown) or none was picked. */
async function pickMany<T extends vscode.QuickPickItem>(items: T[], none: string, placeHolder: string): Promise<T[] | undefined> {
  if (!items.length) {
    vscode.window.showInformationMessage(none);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder });
  return picked && picked.length ? picked : undefined;
}

/** Every write of the panel, by page message. */
export const WRITES: { [T in WriteType]: Planner<T> } = {
  save: (m, c) => saveEdits(c, m.edits, m.base),
  setDisabled: (m, c) => ({
    action: m.disabled ? 'disable' : 'enable',
    label: m.disabled ? vscode.l10n.t('Disabling {0}', c.name()) : vscode.l10n.t('Enabling {0}', c.name()),
  }),
  changeEmail: (m, c) => {
    const params = emailsOf(m.email, c);
    return params && { action: 'updateEmail', label: vscode.l10n.t('Changing the login email of {0}', c.name()), params, fieldFor: emailField };
  },
  addEmail: (m, c) => {
    const params = emailsOf(m.email, c);
    return params && { action: 'createCredentialsEmail', label: vscode.l10n.t('Adding an email credential to {0}', c.name()), params, fieldFor: emailField };
  },
  setForcedReset: (m, c) => ({
    action: m.value ? 'forcePasswordReset' : 'clearPasswordReset',
    label: vscode.l10n.t('Updating the password reset flag of {0}', c.name()),
  }),
  sendReset: (_m, c) => {
    // Looker sends the account setup email instead to a user who never logged in (an invited user).
    const setup = !!c.user()?.credentials_email && !c.user()?.credentials_email?.logged_in_at;
    return {
      action: 'sendPasswordReset',
      label: vscode.l10n.t('Sending a password reset email to {0}', c.name()),
      done: () => {
        const to = c.user()?.credentials_email?.email ?? c.name();
        vscode.window.setStatusBarMessage(setup ? vscode.l10n.t('Setup email sent to {0}', to) : vscode.l10n.t('Password reset email sent to {0}', to), 5000);
      },
    };
  },
  createResetLink: (_m, c) => ({
    action: 'createPasswordResetLink',
    label: vscode.l10n.t('Creating a password reset link for {0}', c.name()),
    done: (o) => {
      // The link is a one-time secret: kept in memory for the clipboard only, masked in every log line.
      if (!o.secret) return;
      c.log.addSecret(o.secret);
      const expires = o.after?.expires;
      c.keepResetLink(o.secret, typeof expires === 'string' ? expires : null);
    },
  }),
  createApiKey: async (_m, c) => {
    // Confirmed first, naming the connection and host: anyone with the key can use the API as this user. Its client
    // secret comes back once: shown in the page, kept by the panel only for the copy button, registered with the log's
    // redaction, never logged, saved or audited (only the client id). Creating is not idempotent: after a request that
    // may have reached Looker it is not sent again (the write table says `never`).
    const yes = vscode.l10n.t('Create API Key');
    const pick = await confirmModal(
      vscode.l10n.t('Create an API key for {0} on {1}?', c.name(), c.where()),
      vscode.l10n.t('Anyone with the key can use the Looker API as this user. Its client secret is shown once, in this panel.'),
      yes,
    );
    if (pick !== yes) return undefined;
    return {
      action: 'createApiKey',
      label: vscode.l10n.t('Creating an API key for {0}', c.name()),
      done: (o) => {
        const secret = o.secret;
        const clientId = String(o.after?.client_id ?? '');
        if (!secret) return;
        c.log.addSecret(secret);
        c.keepApiKey(clientId, secret);
      },
    };
  },
  deleteCredential: (m, c) => {
    const { kind, credentialId } = m;
    const card = c.data()?.credentials.find((x) => x.kind === kind && x.credentialId === credentialId);
    if (!card || !card.deletable) return undefined;
    if (kind === 'api3') {
      // An API key is named by its client id in the confirmation and the audit log.
      const clientId = c.user()?.credentials_api3?.find((k) => String(k.id) === credentialId)?.client_id ?? credentialId ?? '';
      const credentialName = card.title.includes(clientId) ? card.title : vscode.l10n.t('{0} ({1})', card.title, clientId);
      return { action: 'deleteApiKey', label: vscode.l10n.t('Deleting the {0} of {1}', card.title, c.name()), params: { credentialKind: kind, credentialId, clientId, credentialName } };
    }
    return { action: 'deleteCredential', label: vscode.l10n.t('Deleting the {0} credential of {1}', card.title, c.name()), params: { credentialKind: kind, credentialId, credentialName: card.title } };
  },
  // Ending sessions is confirmed like any destructive change (the write table says so).
  endSession: (m, c) => ({ action: 'endSessions', label: vscode.l10n.t('Ending a session of {0}', c.name()), params: { sessionIds: [m.sessionId] } }),
  endAllSessions: (_m, c) => {
    const n = c.data()?.sessions.length ?? 0;
    if (!n) return undefined;
    return { action: 'endSessions', label: n === 1 ? vscode.l10n.t('Ending a session of {0}', c.name()) : vscode.l10n.t('Ending {0} sessions of {1}', n, c.name()), params: {} };
  },
  addRole: async (_m, c) => {
    const client = c.client();
    const all = await c.lookups.roles(c.connectionId, client);
    // The user's direct roles as Looker has them now (not `role_ids`, which may include roles from groups).
    const current = (await client.userRoles(c.userId, 'id', true)).map((r) => String(r.id ?? '')).filter((id) => id !== '');
    const items = [...all.values()]
      .filter((r) => r.id && !current.includes(String(r.id)))
      .map((r) => ({ label: r.name ?? String(r.id), description: r.permission_set?.name ?? undefined, id: String(r.id) }));
    const picked = await pickMany(items, vscode.l10n.t('{0} already has every role.', c.name()), vscode.l10n.t('Roles to give {0}', c.name()));
    return picked && { action: 'addRole', label: vscode.l10n.t('Adding roles to {0}', c.name()), each: picked.map((p) => ({ roleId: p.id, roleName: p.label })) };
  },
  removeRole: async (m, c) => {
    const all = await c.lookups.roles(c.connectionId, c.client());
    const name = all.get(m.roleId)?.name ?? m.roleId;
    return { action: 'removeRole', label: vscode.l10n.t('Removing role {0} from {1}', name, c.name()), params: { roleId: m.roleId, roleName: name } };
  },
  addGroup: async (_m, c) => {
    const all = await c.lookups.groups(c.connectionId, c.client());
    const current = (c.user()?.group_ids ?? []).map(String);
    const items = [...all.values()]
      .filter((g) => g.id && !current.includes(String(g.id)) && !g.externally_managed)
      .map((g) => ({ label: g.name ?? String(g.id), description: g.user_count !== null && g.user_count !== undefined ? vscode.l10n.t('{0} users', g.user_count) : undefined, id: String(g.id) }));
    const picked = await pickMany(items, vscode.l10n.t('There is no other group to add {0} to.', c.name()), vscode.l10n.t('Groups to add {0} to', c.name()));
    return picked && { action: 'addToGroup', label: vscode.l10n.t('Adding {0} to groups', c.name()), each: picked.map((p) => ({ groupId: p.id, groupName: p.label })) };
  },
  removeGroup: async (m, c) => {
    const current = (c.user()?.group_ids ?? []).map(String);
    if (!current.includes(m.groupId)) return undefined;
    const all = await c.lookups.groups(c.connectionId, c.client());
    const name = all.get(m.groupId)?.name ?? m.groupId;
    return { action: 'removeFromGroup', label: vscode.l10n.t('Removing {0} from group {1}', c.name(), name), params: { groupId: m.groupId, groupName: name } };
  },
};

/** The page messages run as jobs through the bulk pipeline with its preview, as the same changes from the tree are. */
export type JobType = 'unlock' | 'setAttribute' | 'clearAttribute';

/** One job of the panel: the kind of change, its parameters, and what to tell the page once it is done. */
export interface PanelJob {
  action: 'unlock' | 'setUserAttribute' | 'clearUserAttribute';
  params: BulkParams;
  saved?: HostMessage;
}

/**
 * Sets (`value`) or clears (undefined) the user's own value of an attribute, checked against the attribute's type. A
 * hidden value is never shown, logged or audited; it can be replaced.
 */
function attributeJob(c: WriteContext, attributeId: string, value: string | undefined): PanelJob | undefined {
  const row = c.data()?.attributes.find((a) => a.id === attributeId);
  if (!row || !row.editable) return undefined;
  if (value === undefined && !row.own) return undefined;
  const params: BulkParams = { attributeId, attributeName: row.name || row.label, attributeHidden: row.hidden };
  if (value !== undefined) {
    const checked = checkAttributeValue(row.type, value, vscode.l10n);
    if ('error' in checked) {
      c.post({ type: 'error', message: `${row.label}: ${checked.error}`, docs: false });
      return undefined;
    }
    params.value = checked.value;
  }
  return { action: value === undefined ? 'clearUserAttribute' : 'setUserAttribute', params, saved: { type: 'attributeSaved', attributeId } };
}

/** Every job of the panel, by page message. */
export const JOBS: { [T in JobType]: (m: Message<T>, c: WriteContext) => PanelJob | undefined } = {
  unlock: (_m, c) => (c.data()?.lockout ? { action: 'unlock', params: {} } : undefined),
  setAttribute: (m, c) => attributeJob(c, m.attributeId, m.value),
  clearAttribute: (m, c) => attributeJob(c, m.attributeId, undefined),
};

type Handlers<T extends PageMessage['type']> = { [K in T]: (m: Message<K>) => Promise<boolean> };

/** A handler for each write message: its entry in {@link WRITES} plans it, `run` runs it (false: nothing to do). */
export function writeHandlers(c: WriteContext, run: (w: PanelWrite) => Promise<boolean>): Handlers<WriteType> {
  const handle = async (m: Message<WriteType>): Promise<boolean> => {
    const w = await (WRITES[m.type] as Planner<WriteType>)(m, c);
    return w ? run(w) : false;
  };
  return Object.fromEntries(Object.keys(WRITES).map((type) => [type, handle])) as Handlers<WriteType>;
}

/**
 * A handler for each job message: its entry in {@link JOBS} plans it, `run` runs it. Nothing is planned (no error
 * shown) in a window where jobs are not available.
 */
export function jobHandlers(c: WriteContext, run: (job: PanelJob) => Promise<boolean>, available: () => boolean): Handlers<JobType> {
  const handle = async (m: Message<JobType>): Promise<boolean> => {
    if (!available()) return false;
    const job = (JOBS[m.type] as (m: Message<JobType>, c: WriteContext) => PanelJob | undefined)(m, c);
    return job ? run(job) : false;
  };
  return Object.fromEntries(Object.keys(JOBS).map((type) => [type, handle])) as Handlers<JobType>;
}
