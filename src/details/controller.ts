import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/manager';
import type { Log } from '../log';

export interface DetailsDeps {
  manager: ConnectionManager;
  log: Log;
  extensionUri: vscode.Uri;
  /** Called after a change to users, so the tree refreshes only them. */
  onUsersChanged: (userIds: string[]) => void;
}

/** Placeholder until the details webview lands: shows the user's JSON in a read-only document. */
export class UserDetailsController implements vscode.Disposable {
  constructor(private readonly deps: DetailsDeps) {}

  register(_context: vscode.ExtensionContext): void {}

  async open(userId: string, connectionId?: string): Promise<unknown> {
    const client = this.deps.manager.client(connectionId);
    if (!client) return undefined;
    const user = await client.user(userId);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(user, null, 2) });
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {}
}
