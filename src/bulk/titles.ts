/**
 * The bulk commands (command id → action) and each action's words: its title, and the title and button of a job's
 * confirmation. A new action gets its command and its name here.
 */
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../looker/profile';
import { hostOf } from '../util/urls';
import { userCount } from '../util/plural';
import type { BulkAction, BulkParams } from '../actions/types';

/** The commands that start a bulk job on the tree's selection or a group (each also in package.json, with its menus). */
export const ACTION_COMMANDS: readonly (readonly [string, BulkAction])[] = [
  ['looker.disableUsers', 'disable'],
  ['looker.enableUsers', 'enable'],
  ['looker.bulk.forcePasswordReset', 'forcePasswordReset'],
  ['looker.bulk.sendPasswordReset', 'sendPasswordReset'],
  ['looker.bulk.endSessions', 'endSessions'],
  ['looker.bulk.addToGroup', 'addToGroup'],
  ['looker.bulk.removeFromGroup', 'removeFromGroup'],
  ['looker.bulk.addRole', 'addRole'],
  ['looker.bulk.removeRole', 'removeRole'],
  ['looker.bulk.delete', 'delete'],
  ['looker.bulk.unlock', 'unlock'],
  ['looker.bulk.setUserAttribute', 'setUserAttribute'],
  ['looker.bulk.clearUserAttribute', 'clearUserAttribute'],
];

/** The name of an action in menus, progress, reports and confirmations. */
export function actionTitle(a: BulkAction): string {
  switch (a) {
    case 'disable': return vscode.l10n.t('Disable');
    case 'enable': return vscode.l10n.t('Enable');
    case 'forcePasswordReset': return vscode.l10n.t('Force Password Reset at Next Login');
    case 'clearPasswordReset': return vscode.l10n.t('Clear Forced Password Reset');
    case 'sendPasswordReset': return vscode.l10n.t('Send Password Reset Email');
    case 'endSessions': return vscode.l10n.t('End All Sessions');
    case 'addToGroup': return vscode.l10n.t('Add to Group');
    case 'removeFromGroup': return vscode.l10n.t('Remove from Group');
    case 'addRole': return vscode.l10n.t('Add Role');
    case 'removeRole': return vscode.l10n.t('Remove Role');
    case 'delete': return vscode.l10n.t('Delete');
    case 'updateEmail': return vscode.l10n.t('Update Emails');
    case 'unlock': return vscode.l10n.t('Unlock');
    case 'setUserAttribute': return vscode.l10n.t('Set User Attribute');
    case 'clearUserAttribute': return vscode.l10n.t('Clear User Attribute');
    case 'updateUser': return vscode.l10n.t('Save Changes');
    case 'createCredentialsEmail': return vscode.l10n.t('Add Email Login');
    case 'createPasswordResetLink': return vscode.l10n.t('Create Password Reset Link');
    case 'deleteCredential': return vscode.l10n.t('Delete Credential');
    case 'createApiKey': return vscode.l10n.t('Create API Key');
    case 'deleteApiKey': return vscode.l10n.t('Delete API Key');
    case 'createServiceAccount': return vscode.l10n.t('New Service Account');
    case 'updateServiceAccount': return vscode.l10n.t('Edit Service Account');
    case 'deleteServiceAccount': return vscode.l10n.t('Delete Service Account');
    case 'createUser': return vscode.l10n.t('Invite User');
    case 'reassignSchedules': return vscode.l10n.t('Reassign Schedules');
    case 'reassignSchedulesBack': return vscode.l10n.t('Give Schedules Back');
  }
}

/**
 * The words of a job's confirmation, the same for a bulk preview and a single change from the details panel: the
 * action (and its group, role, attribute or credential), how many users, the connection and its host.
 */
export function confirmWords(action: BulkAction, params: BulkParams, users: number, changing: number, profile: ConnectionProfile): { title: string; confirmLabel: string } {
  const target = params.groupName ?? params.roleName ?? params.attributeName ?? params.toUserName ?? params.serviceAccountName ?? params.credentialName ?? params.credentialKind;
  // Ending chosen sessions (a row of the details panel) is not "End All Sessions".
  const verb = action === 'endSessions' && params.sessionIds ? vscode.l10n.t('End Web Session') : actionTitle(action);
  const what = verb + (target ? ` — ${target}` : '');
  return {
    title: vscode.l10n.t('{0}: {1} on {2} ({3})', what, userCount(users), profile.name, hostOf(profile.baseUrl)),
    confirmLabel: vscode.l10n.t('{0} {1}', verb, userCount(changing)),
  };
}
