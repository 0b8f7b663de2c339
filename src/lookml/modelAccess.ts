/** Who can access a model: the resolution cached per connection, its CodeLens and the command that pins the users. */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { PromiseCache } from '../util/promiseCache';
import { resolveModelAccess, type AccessGrantPath, type ModelAccess } from './access';
import { apiAccessSource } from './api';
import { activeClient, LOOKML_COMMANDS, type LookmlDeps } from './deps';
import { modelNameFromPath, type LookmlScan } from './scanner';

type ModelLens = vscode.CodeLens & { model?: string; uri?: vscode.Uri };

/** "role Developer" / "role User via group Data › Analytics Engineering". */
function describeGrant(g: AccessGrantPath): string {
  if (g.groups.length === 0) return vscode.l10n.t('role {0}', g.role.name);
  return vscode.l10n.t('role {0} via group {1}', g.role.name, g.groups.map((x) => x.name).join(' › '));
}

/** "N users can access this model" over model files, and "Show Model Access" (pins them in the Users view). */
export class ModelAccessLens implements vscode.CodeLensProvider<ModelLens>, vscode.Disposable {
  private readonly cache = new PromiseCache<ModelAccess<IUser>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly deps: LookmlDeps,
    private readonly scan: (doc: vscode.TextDocument) => LookmlScan,
  ) {}

  /** Who can access `model` on the active connection (cached per connection until refreshed). */
  get(model: string): Promise<ModelAccess<IUser>> {
    const { client, connectionId } = activeClient(this.deps);
    return this.cache.get(`${connectionId}\u0000${model}`, () => {
      const started = Date.now();
      return resolveModelAccess<IUser>(model, apiAccessSource(client)).then((r) => {
        this.deps.log.info(`Model access for ${model}: ${r.users.length} users via ${r.roles.length} roles (${Date.now() - started} ms)`);
        return r;
      });
    });
  }

  /** Forgets the resolutions; the CodeLenses resolve again. */
  clear(): void {
    this.cache.clear();
    this.changed.fire();
  }

  private modelFromArg(arg: unknown): string | undefined {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return modelNameFromPath(arg.path);
    const doc = vscode.window.activeTextEditor?.document;
    return doc ? modelNameFromPath(doc.uri.path) : undefined;
  }

  /** Pins "Access to model X" in the Users view. Returns the resolution (tests use it). */
  async show(arg?: unknown): Promise<ModelAccess<IUser> | undefined> {
    const model = this.modelFromArg(arg);
    if (!model) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a LookML model file (name.model.lkml) to see who can access its model.'));
      return undefined;
    }
    const access = await vscode.window.withProgress(
      { location: { viewId: 'looker.users' }, title: vscode.l10n.t('Finding who can access model {0}…', model) },
      () => this.get(model),
    );
    const reasons = new Map(access.users.map((u) => [u.id, u.grants.map(describeGrant).join('; ')]));
    const tooltip =
      access.modelSets.length === 0
        ? vscode.l10n.t('Model {0} is in no model set: no role grants access to it.', model)
        : vscode.l10n.t('Model sets: {0}. Roles: {1}.', access.modelSets.map((s) => s.name).join(', '), access.roles.map((r) => r.name).join(', ') || '—');
    this.deps.tree.showPinnedGroup({
      key: `model:${model}`,
      label: vscode.l10n.t('Access to model {0} ({1})', model, access.users.length),
      users: access.users.map((u) => u.user),
      reasons,
      tooltip,
    });
    await vscode.commands.executeCommand('looker.users.focus');
    return access;
  }

  provideCodeLenses(doc: vscode.TextDocument): ModelLens[] {
    const model = modelNameFromPath(doc.uri.path);
    if (!model) return [];
    const scan = this.scan(doc);
    const line = scan.connection?.span.startPos.line ?? scan.firstParameter?.startPos.line ?? 0;
    const lens: ModelLens = new vscode.CodeLens(new vscode.Range(line, 0, line, 0));
    lens.model = model;
    lens.uri = doc.uri;
    return [lens];
  }

  async resolveCodeLens(lens: ModelLens): Promise<ModelLens> {
    const model = lens.model ?? '';
    if (!this.deps.manager.active()) {
      lens.command = { title: vscode.l10n.t('Connect to Looker to see who can access this model'), command: 'looker.addConnection' };
      return lens;
    }
    try {
      const access = await this.get(model);
      const n = access.users.length;
      lens.command = {
        title: n === 1 ? vscode.l10n.t('1 user can access this model') : vscode.l10n.t('{0} users can access this model', n),
        tooltip: vscode.l10n.t('Show them in the Users view, each with the role and group that grants access'),
        command: LOOKML_COMMANDS.showModelAccess,
        arguments: [model],
      };
    } catch (err) {
      this.deps.log.error(`Model access for ${model} failed`, err);
      lens.command = {
        title: vscode.l10n.t('Model access unavailable — click to retry'),
        command: LOOKML_COMMANDS.refreshModelAccess,
      };
    }
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
