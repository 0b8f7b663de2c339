import * as vscode from 'vscode';
import type { LookerClient } from '../looker/client';
import type { BulkAction, BulkParams } from '../actions/types';
import type { ValueNames } from '../format/changes';

/**
 * What a bulk preview needs to show names instead of ids (group and role names) and, for a group managed outside
 * Looker (LDAP/SAML/OIDC/SCIM), a warning instead of a plain "Will change". Presentation only: a failed lookup
 * leaves the ids.
 */
export async function previewNames(
  client: Pick<LookerClient, 'allGroups' | 'allRoles'>,
  action: BulkAction,
  params: BulkParams,
): Promise<{ names?: ValueNames; warning?: string; changeLabel?: string }> {
  try {
    if (action === 'addToGroup' || action === 'removeFromGroup') {
      const groups = await client.allGroups({ fields: 'id,name,externally_managed' });
      const names = new Map(groups.filter((g) => g.id).map((g) => [String(g.id), g.name ?? String(g.id)]));
      const target = groups.find((g) => String(g.id) === String(params.groupId ?? ''));
      if (target?.externally_managed) {
        return {
          names: { groups: names },
          changeLabel: vscode.l10n.t('Requested'),
          warning: vscode.l10n.t(
            'The group "{0}" is managed outside Looker (e.g. by SAML, OIDC, LDAP or SCIM): Looker may refuse the change, and the next sync may undo it. Change the membership in the identity provider instead.',
            target.name ?? String(target.id),
          ),
        };
      }
      return { names: { groups: names } };
    }
    if (action === 'createUser') {
      const [groups, roles] = await Promise.all([client.allGroups({ fields: 'id,name' }), client.allRoles('id,name')]);
      return {
        names: { groups: new Map(groups.filter((g) => g.id).map((g) => [String(g.id), g.name ?? String(g.id)])), roles: new Map(roles.filter((r) => r.id).map((r) => [String(r.id), r.name ?? String(r.id)])) },
        changeLabel: vscode.l10n.t('Will be created'),
      };
    }
    if (action === 'reassignSchedules' || action === 'reassignSchedulesBack') {
      // The new owner's name is known from the picker; the owners' names are the rows' labels.
      return params.toUserId ? { names: { users: new Map([[params.toUserId, params.toUserName ?? `#${params.toUserId}`]]) } } : {};
    }
    if (action === 'addRole' || action === 'removeRole') {
      const roles = await client.allRoles('id,name');
      return { names: { roles: new Map(roles.filter((r) => r.id).map((r) => [String(r.id), r.name ?? String(r.id)])) } };
    }
  } catch {
    // names are a nicety: the ids are shown
  }
  return {};
}
