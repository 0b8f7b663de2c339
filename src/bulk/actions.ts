/** What one bulk action does to one user, as HTTP calls through {@link LookerClient}. No `vscode` import. */
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import type { BulkAction, BulkParams, FieldValues } from '../actions/types';
import { credentialField, hasCredential, shownValue } from './classify';
import { attributeNow } from './plan';
import type { IWriteUser } from '@looker/sdk';
import type { SingleCredentialKind } from '../looker/client';
import { applyInvite } from './invite';

/** The part of {@link LookerClient} the bulk actions use (tests may pass a recording stand-in). */
export type BulkClient = Pick<
  LookerClient,
  | 'user'
  | 'updateUser'
  | 'updateUserCredentialsEmail'
  | 'createUserCredentialsEmail'
  | 'createPasswordResetUrl'
  | 'deleteUserCredentialsEmail'
  | 'deleteUserCredentialApi3'
  | 'deleteUserCredentialEmbed'
  | 'deleteUserCredential'
  | 'sendPasswordReset'
  | 'userSessions'
  | 'deleteUserSession'
  | 'addGroupUser'
  | 'deleteGroupUser'
  | 'userRoles'
  | 'setUserRoles'
  | 'deleteUser'
  | 'allUsers'
  | 'allLoginLockouts'
  | 'deleteLoginLockout'
  | 'userAttributeValues'
  | 'setUserAttributeValue'
  | 'deleteUserAttributeValue'
  | 'searchUsers'
  | 'createUser'
  | 'createUserCredentialsEmail'
  | 'createUserCredentialApi3'
  | 'updateScheduledPlan'
  | 'createServiceAccount'
  | 'updateServiceAccount'
  | 'deleteServiceAccount'
>;

export interface ActionOutcome {
  status: 'done' | 'skipped';
  message?: string;
  before?: FieldValues;
  after?: FieldValues;
  /** A one-time secret the write returned (a reset link): handed to the caller only, never saved, logged or audited. */
  secret?: string;
}

/** How long a reset link made with `expires=true` stays valid (Looker: 60 minutes). */
const RESET_LINK_MINUTES = 60;

function need(value: string | undefined, what: string): string {
  if (!value) throw new LookerApiError({ kind: 'config', message: `The job has no ${what}.` });
  return value;
}

function is404(err: unknown): boolean {
  return err instanceof LookerApiError && err.status === 404;
}

export interface ApplyOptions {
  /**
   * The previous attempt for this user may have reached Looker (it timed out or the connection broke after sending):
   * a write that is not idempotent re-reads the state first instead of being sent again.
   */
  recheck?: boolean;
}

/** A non-idempotent write whose earlier attempt may have been done: never sent a second time. */
function uncertain(message: string): LookerApiError {
  return new LookerApiError({ kind: 'http', message });
}

async function groupIdsOf(client: BulkClient, userId: string): Promise<string[] | undefined> {
  const [u] = await client.allUsers([userId], 'id,group_ids');
  return u ? (u.group_ids ?? []).map(String) : undefined;
}

/**
 * Applies `action` to one user. Writes only; reads only where the write needs the current value (roles, sessions).
 * The HTTP requests take no abort signal on purpose: a request that was sent is allowed to finish, so a cancelled
 * job knows for sure whether each user was done.
 */
export async function applyAction(client: BulkClient, action: BulkAction, params: BulkParams, userId: string, opts: ApplyOptions = {}): Promise<ActionOutcome> {
  const recheck = !!opts.recheck;
  switch (action) {
    case 'disable':
    case 'enable': {
      const disabled = action === 'disable';
      await client.updateUser(userId, { is_disabled: disabled }, 'id,is_disabled');
      return { status: 'done', before: { is_disabled: !disabled }, after: { is_disabled: disabled } };
    }
    case 'forcePasswordReset':
    case 'clearPasswordReset': {
      const flag = action === 'forcePasswordReset';
      await client.updateUserCredentialsEmail(userId, { forced_password_reset_at_next_login: flag }, 'email,forced_password_reset_at_next_login');
      return { status: 'done', before: { forced_password_reset_at_next_login: !flag }, after: { forced_password_reset_at_next_login: flag } };
    }
    case 'sendPasswordReset':
      // Looker cannot tell whether the email went out: after an uncertain attempt it is never sent a second time.
      if (recheck) throw uncertain('The first request timed out after it was sent; Looker may have sent the email. It was not sent again.');
      // Only the fact is kept: the response holds a reset URL, which must never reach a log or the audit file.
      // The plan's `after` says which email it was (setup or reset).
      await client.sendPasswordReset(userId, 'email');
      return { status: 'done' };
    case 'endSessions': {
      const open = await client.userSessions(userId, 'id');
      const only = params.sessionIds ? new Set(params.sessionIds) : undefined;
      const sessions = only ? open.filter((s) => only.has(String(s.id))) : open;
      if (!sessions.length) return { status: 'skipped', message: only ? 'Already ended.' : 'No active sessions.' };
      for (const s of sessions) {
        try {
          await client.deleteUserSession(userId, String(s.id));
        } catch (err) {
          if (!is404(err)) throw err; // already ended
        }
      }
      return { status: 'done', before: { sessions: open.length }, after: { sessions: open.length - sessions.length } };
    }
    case 'addToGroup': {
      const groupId = need(params.groupId, 'group');
      if (recheck && (await groupIdsOf(client, userId))?.includes(groupId)) return { status: 'done', before: { group: null }, after: { group: groupId } };
      await client.addGroupUser(groupId, userId);
      return { status: 'done', before: { group: null }, after: { group: groupId } };
    }
    case 'removeFromGroup': {
      const groupId = need(params.groupId, 'group');
      if (recheck) {
        const now = await groupIdsOf(client, userId);
        if (now && !now.includes(groupId)) return { status: 'done', before: { group: groupId }, after: { group: null } };
      }
      await client.deleteGroupUser(groupId, userId);
      return { status: 'done', before: { group: groupId }, after: { group: null } };
    }
    case 'addRole':
    case 'removeRole': {
      const roleId = need(params.roleId, 'role');
      const current = (await client.userRoles(userId, 'id', true)).map((r) => String(r.id));
      const has = current.includes(roleId);
      if (action === 'addRole' && has) return { status: 'skipped', message: 'Already has the role.' };
      if (action === 'removeRole' && !has) return { status: 'skipped', message: 'Does not have the role directly.' };
      const next = action === 'addRole' ? [...current, roleId] : current.filter((r) => r !== roleId);
      await client.setUserRoles(userId, next, 'id');
      return { status: 'done', before: { role_ids: current }, after: { role_ids: next } };
    }
    case 'delete':
      // After an uncertain attempt: if the user is gone, that attempt deleted it (the dry run saw it): done, once.
      if (recheck && !(await client.allUsers([userId], 'id')).length) return { status: 'done', before: { exists: true }, after: { exists: false } };
      try {
        await client.deleteUser(userId);
      } catch (err) {
        if (is404(err)) return recheck ? { status: 'done', before: { exists: true }, after: { exists: false } } : { status: 'skipped', message: 'Already deleted.' };
        throw err;
      }
      return { status: 'done', before: { exists: true }, after: { exists: false } };
    case 'updateEmail': {
      const email = need(params.emails?.[userId], `new email for user ${userId}`);
      const cred = await client.updateUserCredentialsEmail(userId, { email }, 'email');
      return { status: 'done', after: { email: cred?.email ?? email } };
    }
    case 'setUserAttribute': {
      const attributeId = need(params.attributeId, 'attribute');
      const key = params.attributeName ?? attributeId;
      // A hidden value is kept in memory only: a job resumed from disk no longer has it.
      const value = need(params.value, 'value (a hidden value is not saved with the job: set it again)');
      const now = await attributeNow(client, userId, attributeId);
      const before = now?.source === 'user' ? shownValue(params, now.value ?? '') : null;
      // Setting a value is idempotent: sending it again after a timeout gives the same result.
      await client.setUserAttributeValue(userId, attributeId, value);
      return { status: 'done', before: { [key]: before }, after: { [key]: params.attributeHidden ? '(hidden, replaced)' : value } };
    }
    case 'clearUserAttribute': {
      const attributeId = need(params.attributeId, 'attribute');
      const key = params.attributeName ?? attributeId;
      const now = await attributeNow(client, userId, attributeId);
      if (now?.source !== 'user') return recheck ? { status: 'done', after: { [key]: null } } : { status: 'skipped', message: 'No value set for this user.' };
      await client.deleteUserAttributeValue(userId, attributeId);
      return { status: 'done', before: { [key]: shownValue(params, now.value ?? '') }, after: { [key]: null } };
    }
    case 'updateUser': {
      // The edited fields' new values (PATCH of values: the same result when sent again after a timeout).
      const body = params.fields ?? {};
      if (!Object.keys(body).length) throw new LookerApiError({ kind: 'config', message: 'The job has no fields to change.' });
      await client.updateUser(userId, body as Partial<IWriteUser>, 'id');
      return { status: 'done', after: { ...body } };
    }
    case 'createCredentialsEmail': {
      const email = need(params.emails?.[userId], `new email for user ${userId}`);
      if (recheck) {
        // The earlier attempt may have created it: an email login with this address now means it did.
        const [u] = await client.allUsers([userId], 'id,credentials_email(email)');
        if ((u?.credentials_email?.email ?? '').toLowerCase() === email.toLowerCase()) return { status: 'done', before: { email: null }, after: { email } };
      }
      const cred = await client.createUserCredentialsEmail(userId, { email }, 'email');
      return { status: 'done', before: { email: null }, after: { email: cred?.email ?? email } };
    }
    case 'createPasswordResetLink': {
      // Every call makes a new link: after an uncertain attempt none is made a second time.
      if (recheck) throw uncertain('The first request timed out after it was sent; Looker may have made a link. No second one was made: create it again.');
      const r = await client.createPasswordResetUrl(userId, true, 'password_reset_url');
      const url = r.password_reset_url ?? undefined;
      if (!url) throw new LookerApiError({ kind: 'http', message: 'Looker did not return a reset link (is the API user an admin?).' });
      const expires = new Date(Date.now() + RESET_LINK_MINUTES * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { status: 'done', after: { reset_link: 'created', expires }, secret: url };
    }
    case 'deleteCredential': {
      const kind = need(params.credentialKind, 'credential');
      const id = params.credentialId ?? '';
      const what = id ? `${kind} ${id}` : kind;
      if (recheck) {
        const [u] = await client.allUsers([userId], `id,${credentialField(kind)}`);
        if (u && !hasCredential(u, kind, id)) return { status: 'done', before: { credential: what }, after: { credential: null } };
      }
      try {
        if (kind === 'email') await client.deleteUserCredentialsEmail(userId);
        else if (kind === 'api3') await client.deleteUserCredentialApi3(userId, need(id, 'API key id'));
        else if (kind === 'embed') await client.deleteUserCredentialEmbed(userId, need(id, 'embed credential id'));
        else if (kind === 'workforce') throw new LookerApiError({ kind: 'http', message: 'A workforce credential cannot be deleted here.' });
        else await client.deleteUserCredential(userId, kind as SingleCredentialKind);
      } catch (err) {
        if (is404(err)) return { status: 'skipped', message: 'Already deleted.' };
        throw err;
      }
      return { status: 'done', before: { credential: what }, after: { credential: null } };
    }
    case 'createUser': {
      const inv = params.invites?.[userId];
      if (!inv) throw new LookerApiError({ kind: 'http', message: `The job has no invitation for ${userId}.` });
      return applyInvite(client, inv, { recheck });
    }
    case 'createApiKey': {
      // A second POST makes a second key (whose secret would be lost): after an uncertain attempt none is made again.
      if (recheck) throw uncertain('The first request timed out after it was sent; Looker may have created the key (its secret is then lost). It was not sent again: check the keys below, delete an unknown one, create another.');
      const key = await client.createUserCredentialApi3(userId, 'id,client_id,client_secret,created_at');
      // Only the client id is kept; the secret goes back to the panel once, never into the job, log or audit.
      return { status: 'done', before: { api_key: null }, after: { client_id: key.client_id ?? '' }, secret: key.client_secret ?? undefined };
    }
    case 'createServiceAccount': {
      // A second POST would make a second account: after an uncertain attempt none is made again.
      if (recheck) throw uncertain('The first request timed out after it was sent; Looker may have created the service account. It was not sent again: look in the Service accounts group.');
      const name = need(params.serviceAccountName?.trim(), 'service account name');
      const created = await client.createServiceAccount({ service_account_name: name, is_disabled: false }, 'id,service_account_name,is_disabled');
      return { status: 'done', after: { id: String(created.id ?? ''), service_account_name: created.service_account_name ?? name, is_disabled: created.is_disabled ?? false } };
    }
    case 'updateServiceAccount': {
      // Setting values: the same result when sent again after a timeout.
      const body = params.serviceAccount ?? {};
      if (!Object.keys(body).length) throw new LookerApiError({ kind: 'config', message: 'The job has no service account values to change.' });
      const now = (await client.updateServiceAccount(userId, body, 'id,service_account_name,is_disabled')) as Record<string, unknown>;
      return { status: 'done', after: Object.fromEntries(Object.keys(body).map((k) => [k, now[k] ?? null])) };
    }
    case 'deleteServiceAccount': {
      if (recheck) {
        // After an uncertain attempt, an account that is gone was deleted by it.
        const [u] = await client.allUsers([userId], 'id');
        if (!u) return { status: 'done' };
      }
      try {
        await client.deleteServiceAccount(userId);
      } catch (err) {
        if (is404(err)) return { status: 'skipped', message: 'Already deleted.' };
        throw err;
      }
      return { status: 'done' };
    }
    case 'deleteApiKey': {
      const id = need(params.credentialId, 'API key id');
      const clientId = params.clientId ?? id;
      if (recheck) {
        const [u] = await client.allUsers([userId], `id,${credentialField('api3')}`);
        if (u && !hasCredential(u, 'api3', id)) return { status: 'done', before: { client_id: clientId }, after: { client_id: null } };
      }
      try {
        await client.deleteUserCredentialApi3(userId, id);
      } catch (err) {
        if (is404(err)) return { status: 'skipped', message: 'Already deleted.' };
        throw err;
      }
      return { status: 'done', before: { client_id: clientId }, after: { client_id: null } };
    }
    case 'reassignSchedules':
    case 'reassignSchedulesBack': {
      const to = need(params.toUserId, 'new owner');
      // Only the schedules the dry run found (saved with the job), so Undo gives back exactly these. Setting the owner
      // is idempotent: a resend after a timeout gives the same result.
      const ids = params.schedules?.[userId] ?? [];
      const from = action === 'reassignSchedules' ? userId : to;
      const dest = action === 'reassignSchedules' ? to : userId;
      let moved = 0;
      for (const id of ids) {
        try {
          await client.updateScheduledPlan(id, { user_id: dest }, 'id,user_id');
          moved++;
        } catch (err) {
          if (!is404(err)) throw err; // deleted meanwhile
        }
      }
      if (!moved) return { status: 'skipped', message: 'No schedule to move (deleted meanwhile?).' };
      return { status: 'done', before: { schedule_owner: from, schedules: moved }, after: { schedule_owner: dest, schedules: moved } };
    }
    case 'unlock': {
      // The lockout's key is read now (Looker deletes by key, not by user); a lockout that expired meanwhile is gone.
      const keys = (await client.allLoginLockouts('key,user_id')).filter((l) => String(l.user_id ?? '') === userId && l.key).map((l) => String(l.key));
      if (!keys.length) {
        // After an uncertain attempt, no lockout left means that attempt removed it.
        return recheck ? { status: 'done', before: { locked_out: true }, after: { locked_out: false } } : { status: 'skipped', message: 'Not locked out.' };
      }
      for (const key of keys) {
        try {
          await client.deleteLoginLockout(key);
        } catch (err) {
          if (!is404(err)) throw err; // expired or removed meanwhile
        }
      }
      return { status: 'done', before: { locked_out: true }, after: { locked_out: false } };
    }
  }
}
