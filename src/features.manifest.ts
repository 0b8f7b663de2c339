/** Which feature provides which commands: stubs at activation; the feature's code runs when one is first used. */
import { LOOKML_COMMANDS } from './lookml/deps';

export const FEATURE_COMMANDS = {
  bulk: [
    'looker.disableUsers',
    'looker.enableUsers',
    'looker.bulk.forcePasswordReset',
    'looker.bulk.sendPasswordReset',
    'looker.bulk.endSessions',
    'looker.bulk.unlock',
    'looker.bulk.setUserAttribute',
    'looker.bulk.clearUserAttribute',
    'looker.bulk.addToGroup',
    'looker.bulk.removeFromGroup',
    'looker.bulk.addRole',
    'looker.bulk.removeRole',
    'looker.bulk.delete',
    'looker.bulk.updateEmailsFromCsv',
    'looker.bulk.inviteUser',
    'looker.bulk.inviteUsersFromCsv',
    'looker.bulk.resume',
    'looker.exportUsers',
    'looker.openAuditLog',
    'looker.undo',
  ],
  lookml: Object.values(LOOKML_COMMANDS),
} as const satisfies Record<string, readonly string[]>;

export type FeatureName = keyof typeof FEATURE_COMMANDS;
