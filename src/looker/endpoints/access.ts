/**
 * `LookerClient`'s access endpoints: roles (and their model sets), groups and
 * user attributes.
 */
import type {
  IGroup,
  IModelSet,
  IRequestAllGroupUsers,
  IRequestAllGroups,
  IRequestUserAttributeUserValues,
  IRole,
  IUser,
  IUserAttribute,
  IUserAttributeGroupValue,
  IUserAttributeWithValue,
} from '@looker/sdk';
import { seg } from '../http';
import { CredentialEndpoints } from './credentials';

/** Role, group and user attribute endpoints; see client.ts for how the endpoint classes stack. */
export abstract class AccessEndpoints extends CredentialEndpoints {
  // ---------------------------------------------------------------------------------------------------------------
  // Roles

  allRoles(fields?: string, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'GET', path: '/roles', query: { fields }, signal });
  }

  /** GET /users/{id}/roles; `directAssociationOnly` leaves out roles inherited through groups. */
  userRoles(id: string, fields?: string, directAssociationOnly?: boolean, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'GET', path: `/users/${seg(id)}/roles`, query: { fields, direct_association_only: directAssociationOnly }, signal });
  }

  /** PUT /users/{id}/roles: replaces the user's direct roles. */
  setUserRoles(id: string, roleIds: string[], fields?: string, signal?: AbortSignal): Promise<IRole[]> {
    return this.list({ method: 'PUT', path: `/users/${seg(id)}/roles`, query: { fields }, body: [...roleIds], signal });
  }

  roleUsers(roleId: string, fields?: string, directAssociationOnly?: boolean, signal?: AbortSignal): Promise<IUser[]> {
    return this.list({ method: 'GET', path: `/roles/${seg(roleId)}/users`, query: { fields, direct_association_only: directAssociationOnly }, signal });
  }

  /** GET /roles/{id}/groups: groups that have the role. */
  roleGroups(roleId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: `/roles/${seg(roleId)}/groups`, query: { fields }, signal });
  }

  /** GET /model_sets */
  allModelSets(fields?: string, signal?: AbortSignal): Promise<IModelSet[]> {
    return this.list({ method: 'GET', path: '/model_sets', query: { fields }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Groups

  allGroups(req: IRequestAllGroups = {}, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: '/groups', query: { ...req }, signal });
  }

  /** GET /groups/{id}/users (direct members). */
  groupUsers(groupId: string, req: Omit<IRequestAllGroupUsers, 'group_id'> = {}, signal?: AbortSignal): Promise<IUser[]> {
    const { group_id: _ignored, ...rest } = req as IRequestAllGroupUsers;
    return this.list({ method: 'GET', path: `/groups/${seg(groupId)}/users`, query: { ...rest }, signal });
  }

  /** GET /groups/{id}/groups: groups included in the group. */
  groupGroups(groupId: string, fields?: string, signal?: AbortSignal): Promise<IGroup[]> {
    return this.list({ method: 'GET', path: `/groups/${seg(groupId)}/groups`, query: { fields }, signal });
  }

  addGroupUser(groupId: string, userId: string, signal?: AbortSignal): Promise<IUser> {
    return this.json({ method: 'POST', path: `/groups/${seg(groupId)}/users`, body: { user_id: userId }, signal });
  }

  deleteGroupUser(groupId: string, userId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/groups/${seg(groupId)}/users/${seg(userId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // User attributes

  allUserAttributes(fields?: string, sorts?: string, signal?: AbortSignal): Promise<IUserAttribute[]> {
    return this.list({ method: 'GET', path: '/user_attributes', query: { fields, sorts }, signal });
  }

  userAttributeValues(
    id: string,
    req: Omit<IRequestUserAttributeUserValues, 'user_id'> = {},
    signal?: AbortSignal,
  ): Promise<IUserAttributeWithValue[]> {
    const { user_id: _ignored, ...rest } = req as IRequestUserAttributeUserValues;
    return this.list({ method: 'GET', path: `/users/${seg(id)}/attribute_values`, query: { ...rest }, signal });
  }

  setUserAttributeValue(id: string, userAttributeId: string, value: string, signal?: AbortSignal): Promise<IUserAttributeWithValue> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}/attribute_values/${seg(userAttributeId)}`, body: { value }, signal });
  }

  deleteUserAttributeValue(id: string, userAttributeId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/attribute_values/${seg(userAttributeId)}`, signal });
  }

  /** GET /user_attributes/{id}/group_values */
  userAttributeGroupValues(userAttributeId: string, fields?: string, signal?: AbortSignal): Promise<IUserAttributeGroupValue[]> {
    return this.list({ method: 'GET', path: `/user_attributes/${seg(userAttributeId)}/group_values`, query: { fields }, signal });
  }
}
