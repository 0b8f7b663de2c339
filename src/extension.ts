import * as vscode from 'vscode';
import type { BulkCommands } from './bulk/commands';
import { ConnectionCommands } from './connections/commands';
import { ConnectionManager } from './connections/manager';
import { ConnectionStatusBar } from './connections/statusBar';
import { ConnectionStore } from './connections/store';
import type { UserDetailsController } from './details/controller';
import { dialogTestHooks } from './commands/prompt';
import { Log } from './log';
import type { LookmlFeature } from './lookml/feature';
import { Features } from './features';
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
  /** Loaded on first use (see Features). */
  readonly details: UserDetailsController;
  readonly bulk: BulkCommands;
  readonly lookml: LookmlFeature;
  statusBar: ConnectionStatusBar;
  log: Log;
  context: vscode.ExtensionContext;
  /** Answers for modal dialogs, for in-host tests (inert in production builds). */
  dialogs: typeof dialogTestHooks;
}

let beforeDeactivate: (() => Promise<void>) | undefined;

/** Composition root: builds the pieces and registers them; nothing else. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log(vscode.window.createOutputChannel('Looker', { log: true }));
  const store = new ConnectionStore(context, log);
  const manager = new ConnectionManager(store, log);
  const statusBar = new ConnectionStatusBar(manager);
  beforeDeactivate = () => manager.logoutAll();
  const tree = new UsersTreeProvider(manager, log);
  const view = vscode.window.createTreeView('looker.users', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const features = new Features({ context, manager, tree, view, log });
  const connections = new ConnectionCommands(manager, log);
  const users = new UserCommands(manager, tree, log, context, (id, connectionId, preview) => features.details.open(id, connectionId, preview), view);
  context.subscriptions.push(log, store, manager, statusBar, tree, view);

  connections.register(context);
  users.register();
  features.register();

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
  return {
    store, manager, tree, view, connections, users, statusBar, log, context, dialogs: dialogTestHooks,
    get details() {
      return features.details;
    },
    get bulk() {
      return features.bulk;
    },
    get lookml() {
      return features.lookml;
    },
  };
}

/** Logs the API sessions out before VS Code disposes the rest (context.subscriptions). */
export async function deactivate(): Promise<void> {
  await beforeDeactivate?.().catch(() => undefined);
}
