import type { ApiSurface } from '../looker/apiSurface';
import type {
  IGroup,
  ILookmlModel,
  IModelSet,
  IPermissionSet,
  IRequestAllGroupUsers,
  IRequestAllGroups,
  IRequestAllLookmlModels,
  IRequestSearchUsers,
  IRequestSearchUsersNames,
  IRequestUserAttributeUserValues,
  IRole,
  IUser,
  IUserAttribute,
  IUserAttributeGroupValue,
  IUserAttributeWithValue,
} from '@looker/sdk';
import type { Page } from '../looker/client';
import type { AccessSource } from './access';

/**
 * What this feature needs of `LookerClient`. The first block exists on the client today; the optional block is
 * not there yet (see the report to the lead: same style as the client's other methods). Calls to a missing one
 * fail with {@link MissingClientMethodError}.
 */
export interface LookmlClient {
  allRoles(fields?: string, signal?: AbortSignal): Promise<IRole[]>;
  roleUsers(roleId: string, fields?: string, directAssociationOnly?: boolean, signal?: AbortSignal): Promise<IUser[]>;
  allGroups(req?: IRequestAllGroups, signal?: AbortSignal): Promise<IGroup[]>;
  groupUsers(groupId: string, req?: Omit<IRequestAllGroupUsers, 'group_id'>, signal?: AbortSignal): Promise<IUser[]>;
  allUserAttributes(fields?: string, sorts?: string, signal?: AbortSignal): Promise<IUserAttribute[]>;
  userAttributeValues(id: string, req?: Omit<IRequestUserAttributeUserValues, 'user_id'>, signal?: AbortSignal): Promise<IUserAttributeWithValue[]>;
  searchUsers(req: IRequestSearchUsers, signal?: AbortSignal): Promise<Page<IUser>>;
  searchUsersNames(pattern: string, req?: Omit<IRequestSearchUsersNames, 'pattern'>, signal?: AbortSignal): Promise<Page<IUser>>;
  user(id: string, fields?: string, signal?: AbortSignal): Promise<IUser>;
  /** What the instance accepts (search parameters, User fields); see LookerClient.apiSurface. */
  apiSurface?(): Promise<ApiSurface>;

  /** GET /model_sets */
  allModelSets?(fields?: string, signal?: AbortSignal): Promise<IModelSet[]>;
  /** GET /roles/{role_id}/groups */
  roleGroups?(roleId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]>;
  /** GET /groups/{group_id}/groups (groups included in the group) */
  groupGroups?(groupId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]>;
  /** GET /user_attributes/{user_attribute_id}/group_values */
  userAttributeGroupValues?(userAttributeId: string, fields?: string, signal?: AbortSignal): Promise<IUserAttributeGroupValue[]>;
  /** GET /lookml_models */
  allLookmlModels?(req?: IRequestAllLookmlModels, signal?: AbortSignal): Promise<ILookmlModel[]>;
  /** GET /permission_sets */
  allPermissionSets?(fields?: string, signal?: AbortSignal): Promise<IPermissionSet[]>;
}

export class MissingClientMethodError extends Error {
  constructor(readonly method: string) {
    super(`The Looker client has no ${method}() yet; model access needs it.`);
    this.name = 'MissingClientMethodError';
  }
}

function need<K extends keyof LookmlClient>(client: LookmlClient, name: K): NonNullable<LookmlClient[K]> {
  const fn = client[name];
  if (typeof fn !== 'function') throw new MissingClientMethodError(String(name));
  return (fn as (...a: unknown[]) => unknown).bind(client) as NonNullable<LookmlClient[K]>;
}

/** Fields requested for users listed in the pinned group (what the Users tree shows). */
export const ACCESS_USER_FIELDS = 'id,first_name,last_name,display_name,email,is_disabled,is_service_account,credentials_embed(id),role_ids,group_ids';

/** An {@link AccessSource} over the Looker API. */
export function apiAccessSource(client: LookmlClient, signal?: AbortSignal, userFields = ACCESS_USER_FIELDS): AccessSource {
  return {
    modelSets: () => need(client, 'allModelSets')('id,name,models,all_access', signal),
    roles: () => client.allRoles('id,name,model_set(id,name),permission_set(id,all_access,permissions)', signal),
    roleUsers: (roleId) => client.roleUsers(roleId, userFields, true, signal),
    roleGroups: (roleId) => need(client, 'roleGroups')(roleId, 'id,name', signal),
    groupUsers: (groupId) => client.groupUsers(groupId, { fields: userFields }, signal),
    groupGroups: (groupId) => need(client, 'groupGroups')(groupId, 'id,name', signal),
  };
}

/** Everything a hover needs about the preview user's attributes, loaded once per (connection, user). */
export interface PreviewData {
  definitions: IUserAttribute[];
  /** All entries of the search path per attribute name (`all_values=true`, `include_unset=true`). */
  values: Map<string, IUserAttributeWithValue[]>;
  groupNames: Map<string, string>;
}

export async function loadPreviewData(client: LookmlClient, userId: string, signal?: AbortSignal): Promise<PreviewData> {
  const [definitions, entries, groups] = await Promise.all([
    client.allUserAttributes('id,name,label,type,default_value,value_is_hidden,user_can_view,user_can_edit', undefined, signal),
    client.userAttributeValues(userId, { all_values: true, include_unset: true }, signal),
    client.allGroups({ fields: 'id,name' }, signal).catch(() => [] as IGroup[]),
  ]);
  const values = new Map<string, IUserAttributeWithValue[]>();
  for (const e of entries) {
    const key = e.name ?? '';
    if (!values.has(key)) values.set(key, []);
    values.get(key)!.push(e);
  }
  // Lowest rank first within the search path; the user's own value before any group; default last.
  const order = (s: string | null | undefined) => (/^user/i.test(s ?? '') ? 0 : /^group/i.test(s ?? '') ? 1 : /^default/i.test(s ?? '') ? 2 : 3);
  for (const list of values.values()) list.sort((a, b) => order(a.source) - order(b.source) || (a.rank ?? 0) - (b.rank ?? 0));
  const groupNames = new Map(groups.map((g) => [String(g.id ?? ''), g.name ?? String(g.id ?? '')]));
  return { definitions, values, groupNames };
}

/** Group values of one attribute (empty when the client cannot list them). */
export async function loadGroupValues(client: LookmlClient, attributeId: string, signal?: AbortSignal): Promise<IUserAttributeGroupValue[]> {
  if (typeof client.userAttributeGroupValues !== 'function') return [];
  return client.userAttributeGroupValues(attributeId, 'id,group_id,user_attribute_id,rank,value,value_is_hidden', signal);
}
