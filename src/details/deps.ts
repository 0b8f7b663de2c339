/** What a details panel is given: the extension's services (connections, log, the write pipeline) and the controller's lookups. */
import type * as vscode from 'vscode';
import type { IGroup, IRole, IUserAttribute } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import type { LookerClient } from '../looker/client';
import type { Log } from '../log';
import type { BulkAction, BulkParams } from '../actions/types';
import type { SingleOutcome } from '../actions/types';

export interface DetailsDeps {
  manager: ConnectionManager;
  log: Log;
  extensionUri: vscode.Uri;
  /** Called after a change to users, so the tree refreshes only them. */
  onUsersChanged: (userIds: string[]) => void;
  /**
   * Runs a change through the bulk pipeline for these users of that connection (dry run, preview naming the
   * connection and host, audit); resolves true when something changed. Used by actions the panel shares with the tree.
   */
  runJob?: (action: 'unlock' | 'setUserAttribute' | 'clearUserAttribute', userIds: string[], connectionId: string, params: BulkParams) => Promise<boolean>;
  /**
   * Runs one change of one user as a job of one through the write pipeline (dry run, confirmation naming the
   * connection and host when destructive, runner, audit): every other write of the panel.
   */
  runOne?: (action: BulkAction, userId: string, connectionId: string, params: BulkParams) => Promise<SingleOutcome>;
}

/** Shared per-connection lookups (role and group lists, attribute definitions, folder names), owned by the controller. */
export interface Lookups {
  roles(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IRole>>;
  groups(connectionId: string, client: LookerClient, force?: boolean): Promise<Map<string, IGroup>>;
  attributeDefs(connectionId: string, client: LookerClient, force?: boolean): Promise<IUserAttribute[]>;
  folderName(connectionId: string, client: LookerClient, folderId: string): Promise<string | undefined>;
  knowFolder(connectionId: string, folderId: string, name: string): void;
}
