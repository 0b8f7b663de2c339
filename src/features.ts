import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type * as BulkModule from './bulk/commands';
import type * as DetailsModule from './details/controller';
import type * as LookmlModule from './lookml/feature';
import { registerCommand, wrapCommand, type Handler, type Registrar } from './commands/register';
import type { ConnectionManager } from './connections/manager';
import type { Log } from './log';
import type { AuditLog } from './audit/log';
import type { UsersTreeProvider } from './users/tree';
import type { UsersNode } from './users/nodes';
import { FEATURE_COMMANDS, type FeatureName } from './features.manifest';

export interface FeatureDeps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  tree: UsersTreeProvider;
  view: vscode.TreeView<UsersNode>;
  log: Log;
  audit: AuditLog;
}

/**
 * The user details panel, bulk jobs and the LookML helpers are built on first use, and their modules run only then
 * (esbuild keeps a module reached by `require()` dormant until that call), so activation runs only what the Users
 * view needs. Their commands are registered at activation as stubs (from features.manifest.ts) that build the
 * feature and call its handler; the details serializer and the LookML providers build their feature when VS Code
 * needs them.
 */
export class Features implements vscode.Disposable {
  private readonly handlers = new Map<string, Handler>();
  private bulkValue: BulkModule.BulkCommands | undefined;
  private detailsValue: DetailsModule.UserDetailsController | undefined;
  private lookmlValue: LookmlModule.LookmlFeature | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: FeatureDeps) {}

  /** Registers the stubs and the load triggers. */
  register(): void {
    const { context } = this.deps;
    for (const feature of Object.keys(FEATURE_COMMANDS) as FeatureName[]) {
      for (const id of FEATURE_COMMANDS[feature]) {
        context.subscriptions.push(
          vscode.commands.registerCommand(id, (...args: unknown[]) => {
            if (feature === 'bulk') void this.bulk;
            else void this.lookml;
            const h = this.handlers.get(id);
            if (!h) throw new Error(`command ${id} is not provided by the ${feature} feature`);
            const out = h(...args);
            // A bulk command may have written to the audit log or left a job to resume: update the menus' keys.
            if (feature === 'bulk') void Promise.resolve(out).finally(() => this.updateContextKeys());
            return out;
          }),
        );
      }
    }
    // Keep Open (the details tab's title bar): only a built details feature has preview panels to pin.
    registerCommand(context, this.deps.log, 'looker.keepUserOpen', () => this.detailsValue?.keepOpen());
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer('looker.userDetails', { deserializeWebviewPanel: (panel, state) => this.details.deserialize(panel, state) }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.lookmlFor(doc)),
      this,
    );
    for (const doc of vscode.workspace.textDocuments) this.lookmlFor(doc);
    this.updateContextKeys();
    // Every write is audited: the first one makes Undo applicable.
    const recorded = this.deps.audit.onDidRecord(() => this.updateContextKeys());
    this.disposables.push({ dispose: () => recorded.dispose() });
    this.watchLookml();
    // An interrupted bulk job is offered for resuming: only then is the bulk feature built at start-up.
    const jobs = path.join(context.globalStorageUri.fsPath, 'bulk-jobs');
    try {
      if (fs.existsSync(jobs) && fs.readdirSync(jobs).some((f) => f.endsWith('.json'))) void this.bulk;
    } catch {
      // not readable: nothing to resume
    }
  }

  /**
   * Context keys that hide menu entries that cannot apply: Undo with nothing in the audit log, Resume without an
   * interrupted job. Read from the files the bulk feature writes, so the feature itself need not be built.
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

  private lookmlFor(doc: vscode.TextDocument): void {
    if (!this.lookmlValue && (doc.languageId === 'lookml' || doc.uri.path.endsWith('.lkml'))) void this.lookml;
  }

  /**
   * The registrar a feature is built with: a command of the manifest is routed to by its stub; any other (an
   * internal command) is registered with VS Code. Each is wrapped by {@link wrapCommand}.
   */
  private registrar(feature: FeatureName): Registrar {
    const stubbed = new Set<string>(FEATURE_COMMANDS[feature]);
    return (handlers) => {
      // The manifest and the feature must agree: a stub without a handler would fail on every use.
      const missing = [...stubbed].filter((id) => !(id in handlers));
      const contributed = new Set<string>((this.deps.context.extension.packageJSON?.contributes?.commands ?? []).map((c: { command: string }) => c.command));
      const unlisted = Object.keys(handlers).filter((id) => contributed.has(id) && !stubbed.has(id));
      if (missing.length || unlisted.length) {
        throw new Error(`features.manifest.ts and the ${feature} feature disagree: listed, not registered: ${missing.join(', ') || '-'}; registered, not listed: ${unlisted.join(', ') || '-'}`);
      }
      for (const [id, handler] of Object.entries(handlers)) {
        const wrapped = wrapCommand(this.deps.log, id, handler);
        if (stubbed.has(id)) this.handlers.set(id, wrapped);
        else this.deps.context.subscriptions.push(vscode.commands.registerCommand(id, wrapped));
      }
    };
  }

  get details(): DetailsModule.UserDetailsController {
    if (!this.detailsValue) {
      const { UserDetailsController } = require('./details/controller') as typeof DetailsModule; // eslint-disable-line @typescript-eslint/no-require-imports
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

  get bulk(): BulkModule.BulkCommands {
    if (!this.bulkValue) {
      const { BulkCommands } = require('./bulk/commands') as typeof BulkModule; // eslint-disable-line @typescript-eslint/no-require-imports
      const { manager, tree, log, context, view, audit } = this.deps;
      const bulk = new BulkCommands({ manager, tree, log, context, audit, view });
      bulk.register(this.registrar('bulk'));
      this.bulkValue = bulk;
      this.disposables.push(bulk);
    }
    return this.bulkValue;
  }

  private get lookml(): LookmlModule.LookmlFeature {
    if (!this.lookmlValue) {
      const { LookmlFeature } = require('./lookml/feature') as typeof LookmlModule; // eslint-disable-line @typescript-eslint/no-require-imports
      const { manager, tree, log, context } = this.deps;
      const feature = new LookmlFeature({ manager, tree, log });
      feature.register(context, this.registrar('lookml'));
      this.lookmlValue = feature;
    }
    return this.lookmlValue;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
