/** What the LookML feature needs from the rest of the extension, and its command ids. */
import type * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import type { LookmlClient } from './api';

/** Command ids of this feature (package.json contributes them). */
export const LOOKML_COMMANDS = {
  showModelAccess: 'looker.lookml.showModelAccess',
  previewAsUser: 'looker.lookml.previewAsUser',
  clearPreviewUser: 'looker.lookml.clearPreviewUser',
  refreshModelAccess: 'looker.lookml.refreshModelAccess',
  clearModelAccess: 'looker.lookml.clearModelAccess',
} as const;

export interface LookmlDeps {
  manager: {
    requireClient(): { profile: ConnectionProfile; client: LookmlClient };
    active(): ConnectionProfile | undefined;
    onDidChangeActive: vscode.Event<ConnectionProfile | undefined>;
  };
  tree: {
    showPinnedGroup(group: { key: string; label: string; users: IUser[]; reasons?: Map<string, string>; tooltip?: string } | undefined): void;
  };
  log: Log;
}

/** The active connection's client and id (or the one "no active connection" error). */
export function activeClient(deps: LookmlDeps): { client: LookmlClient; connectionId: string } {
  const { profile, client } = deps.manager.requireClient();
  return { client, connectionId: profile.id };
}
