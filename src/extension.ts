import * as vscode from 'vscode';
import type { BulkCommands } from './bulk/commands';
import * as path from 'path';
import { AuditLog } from './audit/log';
import { ConnectionCommands } from './connections/commands';
import { ConnectionManager } from './connections/manager';
import { LookerOAuth } from './connections/oauth';
import { ConnectionStatusBar } from './connections/statusBar';
import { ConnectionStore } from './connections/store';
import type { UserDetailsController } from './details/controller';
import { dialogTestHooks } from './commands/prompt';
import { Log } from './log';
import { ApiCallMeter } from './looker/meter';
import { Features } from './features';
import { UserCommands } from './users/commands';
import { ServiceAccountCommands } from './users/serviceAccounts';
import { UsersTreeProvider } from './users/tree';
import type { UsersNode } from './users/nodes';
import { enableTestMode } from './testMode';

/** See testMode.ts: false in the production bundle, so the test handle below is compiled out. */
declare const __TEST_HOOKS__: boolean;

/**
 * The test handle: the pieces, for the tests that run inside the extension host. activate() returns it only from a
 * test build running in VS Code's test mode; the production bundle returns nothing (other extensions can read
 * `exports`, so nothing reaching secrets, clients, stores or confirmations may be there).
 */
export interface ExtensionApi {
  store: ConnectionStore;
  manager: ConnectionManager;
  tree: UsersTreeProvider;
  view: vscode.TreeView<UsersNode>;
  connections: ConnectionCommands;
  /** "Sign in with Looker": the authentication provider and its commands. */
  oauth: LookerOAuth;
  users: UserCommands;
  serviceAccounts: ServiceAccountCommands;
  /** Built on first use (see Features). */
  readonly details: UserDetailsController;
  readonly bulk: BulkCommands;
  statusBar: ConnectionStatusBar;
  log: Log;
  audit: AuditLog;
  context: vscode.ExtensionContext;
  /** Answers for modal dialogs, for in-host tests (inert in production builds). */
  dialogs: typeof dialogTestHooks;
}

let beforeDeactivate: (() => Promise<void>) | undefined;

/** Composition root: builds the pieces and registers them; nothing else. */
export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const started = performance.now();
  const testMode = enableTestMode(context.extensionMode);
  const log = new Log(vscode.window.createOutputChannel('Looker', { log: true }));
  const store = new ConnectionStore(context, log);
  const meter = new ApiCallMeter(context.globalState);
  const manager = new ConnectionManager(store, log, meter);
  const statusBar = new ConnectionStatusBar(manager, log);
  beforeDeactivate = async () => {
    await manager.logoutAll();
    await meter.dispose();
  };
  // The audit log is a core service: every write (details panel, bulk jobs, undo) is recorded through it.
  const audit = new AuditLog(path.join(context.globalStorageUri.fsPath, 'audit.jsonl'), (err) => log.error('Writing the audit log failed', err));
  const tree = new UsersTreeProvider(manager, log);
  const view = vscode.window.createTreeView('looker.users', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  tree.isVisible = () => view.visible;
  const features = new Features({ context, manager, tree, view, log, audit });
  const oauth = new LookerOAuth({ context, manager, log });
  const connections = new ConnectionCommands({ context, manager, log, signInWithLooker: (url) => oauth.addConnection(url), signOutOfLooker: (id) => oauth.removeSession(id) });
  const users = new UserCommands({ context, manager, tree, log, view, openUser: (id, connectionId, preview) => features.details.open(id, connectionId, preview) });
  context.subscriptions.push(log, store, manager, statusBar, tree, view);

  connections.register();
  oauth.register();
  users.register();
  const serviceAccounts = new ServiceAccountCommands({ context, manager, tree, log, view, runOne: (action, id, connectionId, params) => features.bulk.runOne(action, id, connectionId, params) });
  serviceAccounts.register();
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

  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms`);
  void connections.importEnvironment(true).catch((err) => log.error('Importing the LOOKERSDK_* connection failed', err));
  if (typeof __TEST_HOOKS__ === 'undefined' || !__TEST_HOOKS__ || !testMode) return undefined;
  return {
    store, manager, tree, view, connections, oauth, users, serviceAccounts, statusBar, log, context, audit, dialogs: dialogTestHooks,
    get details() {
      return features.details;
    },
    get bulk() {
      return features.bulk;
    },
  };
}

/** Logs the API sessions out before VS Code disposes the rest (context.subscriptions). */
export async function deactivate(): Promise<void> {
  await beforeDeactivate?.().catch(() => undefined);
}
