import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BulkCommands } from './bulk/commands';
import { UserDetailsController } from './details/controller';
import { LookmlFeature } from './lookml/feature';
import { registerCommand, registerCommands, wrapCommand, type Registrar } from './commands/register';
import type { ConnectionManager } from './connections/manager';
import type { Log } from './log';
import type { AuditLog } from './audit/log';
import type { UsersNode, UsersTreeProvider } from './users/tree';

export interface FeatureDeps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  tree: UsersTreeProvider;
  view: vscode.TreeView<UsersNode>;
  log: Log;
  audit: AuditLog;
}

/**
 * The user details panel, bulk jobs and the LookML helpers: built at activation (the details controller when first
 * needed), each registering its commands with one handler map; and the context keys of their menus.
 */
export class Features implements vscode.Disposable {
  readonly bulk: BulkCommands;
  private readonly lookml: LookmlFeature;
  private detailsValue: UserDetailsController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: FeatureDeps) {
    const { manager, tree, log, context, view, audit } = deps;
    this.bulk = new BulkCommands(manager, tree, log, context, audit, view);
    this.lookml = new LookmlFeature({ manager, tree, log });
  }

  /** Registers the features' commands, the details panel's serializer, and keeps the menus' context keys current. */
  register(): void {
    const { context, log } = this.deps;
    this.bulk.register(this.bulkRegistrar());
    this.disposables.push(this.bulk);
    this.lookml.register(context, (handlers) => registerCommands(context, log, handlers));
    // Keep Open (the details tab's title bar): only an existing details controller has preview panels to pin.
    registerCommand(context, log, 'looker.keepUserOpen', () => this.detailsValue?.keepOpen());
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer('looker.userDetails', { deserializeWebviewPanel: (panel, state) => this.details.deserialize(panel, state) }),
      this,
    );
    this.updateContextKeys();
    // Every write is audited: the first one makes Undo applicable.
    const recorded = this.deps.audit.onDidRecord(() => this.updateContextKeys());
    this.disposables.push({ dispose: () => recorded.dispose() });
    this.watchLookml();
  }

  /**
   * Registers the bulk commands, each wrapped by {@link wrapCommand}: a bulk command may have written to the audit
   * log or left a job to resume, so the menus' context keys are updated once it has finished.
   */
  private bulkRegistrar(): Registrar {
    return (handlers) => {
      for (const [id, handler] of Object.entries(handlers)) {
        const wrapped = wrapCommand(this.deps.log, id, handler);
        this.deps.context.subscriptions.push(
          vscode.commands.registerCommand(id, (...args: unknown[]) => {
            const out = wrapped(...args);
            void out.finally(() => this.updateContextKeys());
            return out;
          }),
        );
      }
    };
  }

  /**
   * Context keys that hide menu entries that cannot apply: Undo with nothing in the audit log, Resume without an
   * interrupted job. Read from the files the bulk feature writes.
   */
  updateContextKeys(): void {
    const dir = this.deps.context.globalStorageUri.fsPath;
    let canUndo = false;
    let canResume = false;
    try {
      canUndo = fs.statSync(path.join(dir, 'audit.jsonl')).size > 0;
    } catch {
      // no audit log yet
    }
    try {
      canResume = fs.readdirSync(path.join(dir, 'bulk-jobs')).some((f) => f.endsWith('.json'));
    } catch {
      // no jobs directory
    }
    void vscode.commands.executeCommand('setContext', 'looker.canUndo', canUndo);
    void vscode.commands.executeCommand('setContext', 'looker.canResume', canResume);
  }

  /** `looker.hasLookml`: whether the workspace has a .lkml file (the LookML commands are offered only then). */
  private watchLookml(): void {
    const check = () =>
      vscode.workspace.findFiles('**/*.lkml', '**/node_modules/**', 1).then(
        (found) => vscode.commands.executeCommand('setContext', 'looker.hasLookml', found.length > 0),
        () => undefined,
      );
    void check();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.lkml');
    this.disposables.push(watcher, watcher.onDidCreate(() => void check()), watcher.onDidDelete(() => void check()));
  }

  /** The details panels' controller, built when first needed. */
  get details(): UserDetailsController {
    if (!this.detailsValue) {
      const { manager, log, context, tree } = this.deps;
      this.detailsValue = new UserDetailsController({
        manager,
        log,
        extensionUri: context.extensionUri,
        onUsersChanged: (ids) => void tree.updateUsers(ids),
        runJob: async (action, userIds, connectionId, params) => !!(await this.bulk.startFor(action, { userIds, connectionId, params }))?.result.counts.done,
        runOne: (action, userId, connectionId, params) => this.bulk.runOne(action, userId, connectionId, params),
      });
      this.disposables.push(this.detailsValue);
    }
    return this.detailsValue;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
