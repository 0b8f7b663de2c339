import * as vscode from 'vscode';

/** Composition root: builds the pieces and registers them; nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const usersView = vscode.window.createTreeView('looker.users', {
    treeDataProvider: { getTreeItem: (e: vscode.TreeItem) => e, getChildren: () => [] },
  });
  context.subscriptions.push(usersView);
  void vscode.commands.executeCommand('setContext', 'looker.hasConnection', false);
}

export function deactivate(): void {
  // nothing to release yet
}
