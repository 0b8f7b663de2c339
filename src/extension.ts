import * as vscode from 'vscode';
import { BulkCommands } from './bulk/commands';
import { ConnectionCommands } from './connections/commands';
import { ConnectionManager } from './connections/manager';
import { ConnectionStatusBar } from './connections/statusBar';
import { ConnectionStore } from './connections/store';
import { UserDetailsController } from './details/controller';
import { dialogTestHooks } from './commands/prompt';
import { Log } from './log';
import { registerLookml, type LookmlFeature } from './lookml/feature';
import { UserCommands } from './users/commands';
import { UsersTreeProvider, type UsersNode } from './users/tree';

/** What activate() returns: the pieces, for the tests that run inside the extension host. */
export interface ExtensionApi {
  store: ConnectionStore;
  manager: ConnectionManager;
  tree: UsersTreeProvider;
  view: vscode.TreeView<UsersNode>;
  connections: ConnectionCommands;
  users: UserCommands;
  details: UserDetailsController;
  bulk: BulkCommands;
  lookml: LookmlFeature;
  statusBar: ConnectionStatusBar;
  log: Log;
  context: vscode.ExtensionContext;
  /** Answers for modal dialogs, for in-host tests (inert in production builds). */
  dialogs: typeof dialogTestHooks;
}

/** Composition root: builds the pieces and registers them; nothing else. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log(vscode.window.createOutputChannel('Looker', { log: true }));
  const store = new ConnectionStore(context, log);
  const manager = new ConnectionManager(store, log);
  const statusBar = new ConnectionStatusBar(manager);
  const tree = new UsersTreeProvider(manager, log);
  const view = vscode.window.createTreeView('looker.users', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const details = new UserDetailsController({ manager, log, extensionUri: context.extensionUri, onUsersChanged: (ids) => void tree.updateUsers(ids) });
  const connections = new ConnectionCommands(manager, log);
  const users = new UserCommands(manager, tree, log, context, (id, connectionId) => details.open(id, connectionId), view);
  const bulk = new BulkCommands(manager, tree, log, context, view);
  context.subscriptions.push(log, store, manager, statusBar, tree, view, details, bulk);

  connections.register(context);
  users.register();
  details.register(context);
  bulk.register();
  const lookml = registerLookml(context, { manager, tree, log });

  context.subscriptions.push(
    tree.onDidChangeCount((n) => {
      const active = manager.active();
      if (active) statusBar.setUserCount(active.id, n);
      view.badge = undefined;
    }),
    manager.onDidChangeActive(() => updateViewDescription()),
  );
  const updateViewDescription = () => {
    const q = tree.currentQuery;
    view.description = q ? q.text : manager.active()?.name;
    view.message = undefined;
  };
  context.subscriptions.push(tree.onDidChangeTreeData(() => updateViewDescription()));
  updateViewDescription();

  void connections.importEnvironment(true).catch((err) => log.error('Importing the LOOKERSDK_* connection failed', err));
  return { store, manager, tree, view, connections, users, details, bulk, lookml, statusBar, log, context, dialogs: dialogTestHooks };
}

export function deactivate(): void {
  // Clients log out through their disposables in context.subscriptions.
}
