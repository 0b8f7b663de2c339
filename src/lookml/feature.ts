/** "Beside LookML": builds the LookML feature's parts and registers its commands and providers. */
import * as vscode from 'vscode';
import type { Handlers, Registrar } from '../commands/register';
import { LOOKML_COMMANDS, type LookmlDeps } from './deps';
import { LookmlHovers } from './hover';
import { ModelAccessLens } from './modelAccess';
import { PreviewUser } from './previewUser';
import { scanLookml, type LookmlScan } from './scanner';

const MODEL_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.model.lkml' }];
const LKML_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.lkml' }];

/**
 * A CodeLens over model files ("N users can access this model"), a command that pins those users in the Users view
 * with the reason per user, a preview user (status bar) and hovers that show what user attributes and access grants
 * make of that user.
 */
export class LookmlFeature implements vscode.Disposable {
  private readonly scans = new Map<string, { version: number; scan: LookmlScan }>();
  private readonly preview: PreviewUser;
  private readonly codeLenses: ModelAccessLens;
  private readonly hovers: LookmlHovers;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly deps: LookmlDeps) {
    const scan = (doc: vscode.TextDocument) => this.scan(doc);
    this.preview = new PreviewUser(deps);
    this.codeLenses = new ModelAccessLens(deps, scan);
    this.hovers = new LookmlHovers(deps, this.preview, scan);
    this.disposables = [
      this.preview,
      this.codeLenses,
      deps.manager.onDidChangeActive(() => {
        this.clearCaches();
        this.preview.set(undefined);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.scans.delete(d.uri.toString())),
    ];
  }

  /** Registers the commands with `registrar`, the CodeLens and hover providers with the context. */
  register(context: vscode.ExtensionContext, registrar: Registrar): void {
    registrar(this.handlers());
    context.subscriptions.push(
      this,
      vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, this.codeLenses),
      vscode.languages.registerHoverProvider(LKML_SELECTOR, this.hovers),
    );
  }

  /** The feature's commands. */
  private handlers(): Handlers {
    return {
      [LOOKML_COMMANDS.showModelAccess]: (arg?: unknown) => this.codeLenses.show(arg),
      [LOOKML_COMMANDS.previewAsUser]: (userId?: unknown) => this.preview.pick(typeof userId === 'string' ? userId : undefined),
      [LOOKML_COMMANDS.clearPreviewUser]: () => this.preview.set(undefined),
      [LOOKML_COMMANDS.refreshModelAccess]: () => this.clearCaches(),
      [LOOKML_COMMANDS.clearModelAccess]: () => this.deps.tree.showPinnedGroup(undefined),
    };
  }

  /** Forgets loaded access data and preview values (next CodeLens / hover reloads). */
  private clearCaches(): void {
    this.preview.clearCache();
    this.hovers.clearCache();
    this.codeLenses.clear();
  }

  /** The document's scan, kept while its version is unchanged. */
  private scan(doc: vscode.TextDocument): LookmlScan {
    const key = doc.uri.toString();
    const cached = this.scans.get(key);
    if (cached && cached.version === doc.version) return cached.scan;
    const scan = scanLookml(doc.getText());
    this.scans.set(key, { version: doc.version, scan });
    return scan;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
