/**
 * Invite users (plain Node, no `vscode`): the invitation rows (typed in "Invite User…" or read from a CSV), the dry
 * run that looks each email up (an existing user with that email, on any credential, is "already exists") and the
 * write that creates one user: create_user (with its login email) → set_user_roles → add_group_user per group →
 * optionally send_user_credentials_email_password_reset, which emails the setup link to a user who never logged in.
 *
 * Retry safety (`reread` in the write table): after a timeout the email is looked up first; a user found then is the
 * one the earlier attempt created and only the missing steps are done. The user is never created twice, and the
 * setup email is never sent twice (its attempt is the last step; when it times out it is reported, not repeated).
 */
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError, isTransient, mayHaveActed } from '../looker/errors';
import { mapLimit } from '../util/concurrency';
import { personName } from '../format/names';
import { EMAIL, parseCsv, type BadRow } from './csv';
import type { BulkParams, FieldValues, Invite } from '../actions/types';

/** The CSV columns of "Invite Users from CSV…" (a header row is required; the order is free). */
export const INVITE_COLUMNS = ['first_name', 'last_name', 'email', 'roles', 'groups', 'send_setup_email'] as const;

/** The key of an invitation in a job (its `userIds`): the email in lower case, unique within a job. */
export function inviteKey(email: string): string {
  return email.trim().toLowerCase();
}

function inviteLabel(i: Invite): string {
  const name = `${i.firstName} ${i.lastName}`.trim();
  return name ? `${name} <${i.email}>` : i.email;
}

/** A problem with one typed value, or undefined when it is fine (messages are English keys, localised by callers). */
export function checkEmail(v: string): string | undefined {
  const t = v.trim();
  if (!t) return 'An email address is required.';
  if (t.startsWith("'")) return "The email starts with ' (a spreadsheet formula guard): remove it.";
  return EMAIL.test(t) ? undefined : 'This is not a valid email address.';
}

export function checkName(v: string): string | undefined {
  const t = v.trim();
  if (!t) return 'A name is required.';
  if (t.startsWith("'")) return "The name starts with ' (a spreadsheet formula guard): remove it.";
  return t.length > 255 ? 'At most 255 characters.' : undefined;
}

interface Named {
  id?: string | null;
  name?: string | null;
}

/** Resolves `;`-separated role or group names (or ids) against what exists; unknown ones are returned as such. */
function resolveNames(cell: string, all: Named[]): { ids: string[]; unknown: string[] } {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const part of cell.split(';').map((s) => s.trim()).filter(Boolean)) {
    const hit = all.find((x) => (x.name ?? '').toLowerCase() === part.toLowerCase()) ?? all.find((x) => String(x.id ?? '') === part);
    if (hit?.id) {
      if (!ids.includes(String(hit.id))) ids.push(String(hit.id));
    } else unknown.push(part);
  }
  return { ids, unknown };
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

/**
 * Reads "Invite Users from CSV…": a header row naming the columns first_name, last_name, email, roles, groups,
 * send_setup_email (roles and groups: names or ids separated by `;`; send_setup_email: yes/no, empty = no). Bad rows
 * are reported with their line, never guessed: a leading `'` (the formula guard of our export), an invalid email, an
 * email twice, an unknown role or group.
 */
export function parseInviteCsv(text: string, roles: Named[], groups: Named[]): { invites: Invite[]; bad: BadRow[] } {
  const invites: Invite[] = [];
  const bad: BadRow[] = [];
  const table = parseCsv(text);
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = ['first_name', 'last_name', 'email'].filter((c) => !header.includes(c));
  if (missing.length) {
    bad.push({ line: 1, message: `The header row must name the columns ${INVITE_COLUMNS.join(',')} (missing: ${missing.join(', ')}).` });
    return { invites, bad };
  }
  const unknownCols = header.filter((h) => h && !(INVITE_COLUMNS as readonly string[]).includes(h));
  if (unknownCols.length) {
    bad.push({ line: 1, message: `Unknown column(s): ${unknownCols.join(', ')}. Expected ${INVITE_COLUMNS.join(',')}.` });
    return { invites, bad };
  }
  const col = (cells: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (cells[i] ?? '').trim();
  };
  const seen = new Set<string>();
  table.slice(1).forEach((cells, idx) => {
    const line = idx + 2;
    if (cells.every((c) => !c.trim())) return;
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim())) {
      bad.push({ line, message: 'Too many columns.' });
      return;
    }
    const guarded = cells.map((c) => c.trim()).find((c) => c.startsWith("'"));
    if (guarded) {
      bad.push({ line, message: `"${guarded}" starts with ' (a spreadsheet formula guard): remove it.` });
      return;
    }
    const email = col(cells, 'email');
    const firstName = col(cells, 'first_name');
    const lastName = col(cells, 'last_name');
    const problem = checkEmail(email) ?? (checkName(firstName) ? `first_name: ${checkName(firstName)}` : undefined) ?? (checkName(lastName) ? `last_name: ${checkName(lastName)}` : undefined);
    if (problem) {
      bad.push({ line, message: email && checkEmail(email) ? `"${email}": ${problem}` : problem });
      return;
    }
    const key = inviteKey(email);
    if (seen.has(key)) {
      bad.push({ line, message: `"${email}" appears more than once.` });
      return;
    }
    const r = resolveNames(col(cells, 'roles'), roles);
    const g = resolveNames(col(cells, 'groups'), groups);
    if (r.unknown.length || g.unknown.length) {
      const parts = [r.unknown.length ? `unknown role(s): ${r.unknown.join(', ')}` : '', g.unknown.length ? `unknown group(s): ${g.unknown.join(', ')}` : ''].filter(Boolean);
      bad.push({ line, message: `${parts.join('; ')}.` });
      return;
    }
    const send = col(cells, 'send_setup_email').toLowerCase();
    if (!YES.has(send) && !NO.has(send)) {
      bad.push({ line, message: `send_setup_email must be yes or no, not "${col(cells, 'send_setup_email')}".` });
      return;
    }
    seen.add(key);
    invites.push({ firstName, lastName, email, roleIds: r.ids, groupIds: g.ids, sendSetupEmail: YES.has(send), line });
  });
  return { invites, bad };
}

/** What the email lookup reads of a user: its name, primary email and every credential's email. */
const EXISTING_FIELDS =
  'id,first_name,last_name,display_name,email,is_disabled,role_ids,group_ids,credentials_email(email),credentials_saml(email),credentials_google(email),credentials_oidc(email),credentials_ldap(email),credentials_looker_openid(email)';

/** Every email a user is known by (primary and per credential), lower case. */
function emailsOf(u: IUser): string[] {
  const out = [u.email, u.credentials_email?.email, u.credentials_saml?.email, u.credentials_google?.email, u.credentials_oidc?.email, u.credentials_ldap?.email, u.credentials_looker_openid?.email];
  return out.filter((e): e is string => typeof e === 'string' && !!e).map((e) => e.toLowerCase());
}

/**
 * The user who already has this email (on any credential), or undefined. search_users' `email` is a LIKE pattern (a
 * `_` in an address matches any character), so the hits are compared exactly here.
 */
async function findByEmail(client: Pick<LookerClient, 'searchUsers'>, email: string, signal?: AbortSignal): Promise<IUser | undefined> {
  const want = email.trim().toLowerCase();
  const page = await client.searchUsers({ email: email.trim(), fields: EXISTING_FIELDS, limit: 50 }, signal);
  return page.items.find((u) => emailsOf(u).includes(want));
}

function existingLabel(u: IUser): string {
  const name = personName(u);
  return name ? `${name} (#${u.id})` : `#${u.id}`;
}

/** What the preview and the report show for an invitation that will be created. */
function inviteAfter(i: Invite): FieldValues {
  return { first_name: i.firstName, last_name: i.lastName, email: i.email, role_ids: i.roleIds, group_ids: i.groupIds, setup_email: i.sendSetupEmail };
}

export interface InvitePlanItem {
  userId: string;
  label: string;
  kind: 'change' | 'skip' | 'impossible';
  reason?: string;
  before?: FieldValues;
  after?: FieldValues;
  /** The user who already has this email. */
  existingUserId?: string;
}

/** The dry run of an invitation job: one email lookup per invitation (read only). */
export async function planInvites(
  client: Pick<LookerClient, 'searchUsers'>,
  params: BulkParams,
  keys: string[],
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<InvitePlanItem[]> {
  const items = new Map<string, InvitePlanItem>();
  const results = await mapLimit(keys, Math.max(1, opts.concurrency ?? 4), async (key) => {
    if (opts.signal?.aborted) throw new LookerApiError({ kind: 'cancelled', message: 'Cancelled.' });
    const inv = params.invites?.[key];
    if (!inv) {
      items.set(key, { userId: key, label: key, kind: 'impossible', reason: 'No invitation for this email.' });
      return;
    }
    const label = inviteLabel(inv);
    const existing = await findByEmail(client, inv.email, opts.signal);
    if (existing) {
      items.set(key, { userId: key, label, kind: 'skip', reason: `Already exists: ${existingLabel(existing)}.`, existingUserId: String(existing.id) });
      return;
    }
    items.set(key, { userId: key, label, kind: 'change', after: inviteAfter(inv) });
  });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return keys.map((k) => items.get(k)!);
}

/** The part of {@link LookerClient} an invitation writes with. */
export type InviteClient = Pick<LookerClient, 'searchUsers' | 'createUser' | 'createUserCredentialsEmail' | 'setUserRoles' | 'addGroupUser' | 'sendPasswordReset' | 'allUsers'>;

export interface InviteOutcome {
  status: 'done' | 'skipped';
  message?: string;
  before?: FieldValues;
  after?: FieldValues;
}



function messageOf(err: unknown): string {
  if (err instanceof LookerApiError) return `${err.status ? `${err.status} ` : ''}${err.lookerMessage ?? err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates one invited user. With `recheck` (an earlier attempt may have reached Looker) the email is looked up first:
 * a user found is taken as the one that attempt created, and only what is missing is done. Once the user exists, a
 * transient failure of a later step is thrown (the runner retries it, with `recheck`); any other failure of a later
 * step is reported in the outcome, since the user was created and that is audited.
 */
export async function applyInvite(client: InviteClient, inv: Invite, opts: { recheck?: boolean } = {}): Promise<InviteOutcome> {
  let user: IUser | undefined = await findByEmail(client, inv.email);
  if (user && !opts.recheck) return { status: 'skipped', message: `Already exists: ${existingLabel(user)}.` };
  const problems: string[] = [];
  if (!user) {
    // The login email goes with the create (User.credentials_email is writable in the spec's schema), so the new user
    // can be found by email at once: a create that timed out is looked up, never sent again.
    user = await client.createUser({ first_name: inv.firstName, last_name: inv.lastName, credentials_email: { email: inv.email } }, 'id,credentials_email(email),role_ids,group_ids');
  }
  const id = String(user.id);
  const after: FieldValues = { id, first_name: inv.firstName, last_name: inv.lastName, email: inv.email };
  const later = async (step: string, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isTransient(err)) throw err;
      problems.push(`${step}: ${messageOf(err)}`);
      return false;
    }
  };
  if (!user.credentials_email?.email) {
    // An instance that ignores the nested credentials_email: add the login email now.
    await later('login email', () => client.createUserCredentialsEmail(id, { email: inv.email }, 'email'));
  }
  if (inv.roleIds.length) {
    const current = (user.role_ids ?? []).map(String);
    // set_user_roles replaces the list: sending it again is harmless.
    if (inv.roleIds.some((r) => !current.includes(r))) {
      if (await later('roles', () => client.setUserRoles(id, [...new Set([...current, ...inv.roleIds])], 'id'))) after.role_ids = inv.roleIds;
    } else after.role_ids = inv.roleIds;
  }
  if (inv.groupIds.length) {
    const member = new Set((user.group_ids ?? []).map(String));
    const added: string[] = [];
    for (const g of inv.groupIds) {
      if (member.has(g) || (await later(`group ${g}`, () => client.addGroupUser(g, id)))) added.push(g);
    }
    after.group_ids = added;
  }
  if (inv.sendSetupEmail) {
    if (problems.some((p) => p.startsWith('login email'))) after.setup_email = 'not sent (no login email)';
    else {
      try {
        // Looker sends the account setup email to a user who never logged in (a reset email otherwise).
        await client.sendPasswordReset(id, 'email');
        after.setup_email = 'sent';
      } catch (err) {
        // An email cannot be read back: never sent a second time. The user exists; the panel can re-send it.
        after.setup_email = mayHaveActed(err) ? 'unknown (the request timed out; not sent again)' : 'not sent';
        problems.push(`setup email: ${messageOf(err)}`);
      }
    }
  } else after.setup_email = 'not sent';
  return { status: 'done', before: { exists: false }, after, message: problems.length ? `Created, but: ${problems.join('; ')}` : undefined };
}
