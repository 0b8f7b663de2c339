/** What a details panel reads to show a user (one open = three calls, attribute values once asked) and the model built from it. */
import * as vscode from 'vscode';
import type { IGroup, IRole, IUser, IUserAttribute, IUserAttributeWithValue } from '@looker/sdk';
import type { Lookups } from './deps';
import { describeError } from '../commands/errors';
import type { LookerClient } from '../looker/client';
import type { ModelInput } from './model';
import { attributeValues, openReads } from './reads';

/** Whose details are read, with what, and where a part that could not be read is logged. */
export interface LoadContext {
  connectionId: string;
  userId: string;
  connectionName: string;
  lookups: Lookups;
  warn(line: string): void;
}

type Settled<T> = PromiseSettledResult<T>;
export type AttributeReads = [Settled<IUserAttributeWithValue[]>, Settled<IUserAttribute[]>];

/** Everything one load read, each part settled on its own. */
export interface UserReads {
  user: Settled<IUser>;
  direct: Settled<IRole[]>;
  lockouts: Awaited<ReturnType<typeof openReads>>[2];
  roles: Settled<Map<string, IRole>>;
  groups: Settled<Map<string, IGroup>>;
  attributes: AttributeReads | undefined;
}

/**
 * Reads the user (one call, all fields, its web sessions included) and, in parallel, its direct roles and the lockout
 * list; its attribute values too when `withAttributes`. Role and group names are read once per connection.
 */
export async function readUser(ctx: LoadContext, client: LookerClient, force: boolean, withAttributes: boolean): Promise<UserReads> {
  const [[user, direct, lockouts], [roles, groups], attributes] = await Promise.all([
    openReads(client, ctx.userId),
    Promise.allSettled([ctx.lookups.roles(ctx.connectionId, client, force), ctx.lookups.groups(ctx.connectionId, client, force)]),
    withAttributes ? readAttributes(ctx, client, force) : undefined,
  ]);
  return { user, direct, lockouts, roles, groups, attributes };
}

/** The user's attribute values (all of them, with their sources) and the attributes' definitions (cached). */
export function readAttributes(ctx: LoadContext, client: LookerClient, force: boolean): Promise<AttributeReads> {
  return Promise.allSettled([attributeValues(client, ctx.userId), ctx.lookups.attributeDefs(ctx.connectionId, client, force)]);
}

/** The value of a settled read, or undefined with its error added to `partial` and logged. */
export function part<T>(ctx: LoadContext, r: Settled<T>, what: string, partial: string[]): T | undefined {
  if (r.status === 'fulfilled') return r.value;
  partial.push(`${what}: ${describeError(r.reason)}`);
  ctx.warn(`User details ${ctx.userId}: ${what} could not be read — ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  return undefined;
}

/** The model of a read user (its folders named first); parts that could not be read are listed in `partialErrors`. */
export async function modelOf(ctx: LoadContext, client: LookerClient, reads: UserReads, user: IUser): Promise<ModelInput> {
  const partial: string[] = [];
  const take = <T>(r: Settled<T>, what: string): T | undefined => part(ctx, r, what, partial);
  const { roles, attributes } = reads;
  const folderNames = await namesOfFolders(ctx, client, user);
  return {
    connectionId: ctx.connectionId,
    connectionName: ctx.connectionName,
    user,
    sessions: user.sessions ?? undefined,
    roles: take(roles, vscode.l10n.t('Role names')),
    effectiveRoles: rolesOf(user.role_ids, roles.status === 'fulfilled' ? roles.value : undefined),
    directRoles: take(reads.direct, vscode.l10n.t('Roles')),
    groups: take(reads.groups, vscode.l10n.t('Group names')),
    attributes: attributes ? take(attributes[0], vscode.l10n.t('User attributes')) : undefined,
    lockouts: take(reads.lockouts, vscode.l10n.t('Login lockouts')),
    attributeMeta: attributes ? take(attributes[1], vscode.l10n.t('User attribute definitions')) : undefined,
    folderNames,
    partialErrors: partial,
    now: new Date(),
    locale: vscode.env.language,
  };
}

/** `model` with the attribute values read on request; an earlier failed try's errors are replaced by this one's. */
export function withAttributes(ctx: LoadContext, model: ModelInput, [values, defs]: AttributeReads): ModelInput {
  const earlier = [vscode.l10n.t('User attributes'), vscode.l10n.t('User attribute definitions')].map((w) => `${w}: `);
  const partial = model.partialErrors.filter((e) => !earlier.some((w) => e.startsWith(w)));
  return {
    ...model,
    attributes: part(ctx, values, vscode.l10n.t('User attributes'), partial),
    attributeMeta: part(ctx, defs, vscode.l10n.t('User attribute definitions'), partial),
    partialErrors: partial,
  };
}

/**
 * Names of the user's folders (home, personal, embed group). A personal folder is named after its user in Looker,
 * so it costs no read (an open stays at three calls); the others are read once per connection (shared home folders
 * are few). Unreadable ones are left out.
 */
async function namesOfFolders(ctx: LoadContext, client: LookerClient, user: IUser): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const personal = user.personal_folder_id ? String(user.personal_folder_id) : undefined;
  const owner = user.display_name || [user.first_name, user.last_name].filter(Boolean).join(' ');
  if (personal && owner) names.set(personal, owner);
  const ids = [...new Set([user.home_folder_id, user.embed_group_folder_id].filter((x): x is string => !!x).map(String))].filter((fid) => !names.has(fid));
  await Promise.all(
    ids.map(async (fid) => {
      const name = await ctx.lookups.folderName(ctx.connectionId, client, fid).catch((err: unknown) => {
        ctx.warn(`User details ${ctx.userId}: the name of folder ${fid} could not be read — ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      if (name) names.set(fid, name);
    }),
  );
  return names;
}

/** The roles of `ids`, named from the connection's role list where it was read (else by id). */
function rolesOf(ids: readonly (string | number)[] | null | undefined, names: Map<string, IRole> | undefined): IRole[] {
  return (ids ?? []).map((id) => names?.get(String(id)) ?? ({ id: String(id) } as IRole));
}
