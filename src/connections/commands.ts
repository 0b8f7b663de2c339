import * as vscode from 'vscode';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { registerCommands, reportError } from '../commands/register';
import { confirmModal } from '../commands/prompt';
import type { ConnectionManager } from './manager';
import { connectedInfoOf, defaultTimeout, showConnected, testAndSave, testDraft, type ConnectionDraft, type TestOutcome } from './draft';
import { runConnectionFlow } from './editFlow';
import { importEnvironment, importIni } from './imports';
import { pickProfile } from './input';

export type { ConnectionDraft, TestOutcome } from './draft';

/** What the connection commands work with. */
export interface ConnectionCommandsDeps {
  readonly context: vscode.ExtensionContext;
  readonly manager: ConnectionManager;
  readonly log: Log;
  /** The "Sign in with Looker" add flow (`LookerOAuth.addConnection`), offered from the URL step of "Add Connection". */
  readonly signInWithLooker?: (url: string) => Promise<ConnectionProfile | undefined>;
  /** Ends a "Sign in with Looker" session (`LookerOAuth.removeSession`). */
  readonly signOutOfLooker?: (id: string) => Promise<void>;
}

/**
 * Connection-level commands: add, edit, remove, test, sign out, switch, and the two imports. The add/edit flow is
 * `editFlow.ts`, the imports `imports.ts`, the test and save of a draft `draft.ts`.
 */
export class ConnectionCommands {
  constructor(private readonly deps: ConnectionCommandsDeps) {}

  register(): void {
    registerCommands(this.deps.context, this.deps.log, {
      'looker.addConnection': () => this.add(),
      // From the view's title bar VS Code passes the focused tree item: only a known connection (or its id) selects one.
      'looker.editConnection': (arg?: unknown) => this.edit(this.connectionIdOf(arg)),
      'looker.removeConnection': (arg?: unknown) => this.remove(this.connectionIdOf(arg)),
      'looker.testConnection': (arg?: unknown) => this.test(this.connectionIdOf(arg)),
      'looker.signOut': (arg?: unknown) => this.signOut(this.connectionIdOf(arg)),
      'looker.switchConnection': () => this.switchConnection(),
      'looker.importIni': (uri?: unknown) => this.importIni(uri instanceof vscode.Uri ? uri : typeof uri === 'string' && uri ? vscode.Uri.file(uri) : undefined),
      'looker.importEnvironment': () => this.importEnvironment(false),
    });
  }

  /** The id of a saved connection given as an id or an object with one; undefined for anything else. */
  private connectionIdOf(arg: unknown): string | undefined {
    const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg ? (arg as { id?: unknown }).id : undefined;
    return typeof id === 'string' && this.deps.manager.store.get(id) ? id : undefined;
  }

  /** Tests a draft: login, me, versions. Never throws. */
  testDraft(draft: ConnectionDraft, token?: vscode.CancellationToken): Promise<TestOutcome> {
    return testDraft(this.deps.manager, draft, token);
  }

  /** Tests and, on success, saves a draft and makes it active. Returns the saved profile. */
  testAndSave(draft: ConnectionDraft, token?: vscode.CancellationToken): Promise<{ profile?: ConnectionProfile; outcome: TestOutcome }> {
    return testAndSave(this.deps.manager, this.deps.log, draft, token);
  }

  async add(): Promise<ConnectionProfile | undefined> {
    const draft: ConnectionDraft = { baseUrl: 'https://', clientId: '', secret: '', name: '', verifyTls: true, timeoutSeconds: defaultTimeout() };
    return runConnectionFlow(this.deps, draft, vscode.l10n.t('Add Looker Connection'), false);
  }

  async edit(id?: string): Promise<ConnectionProfile | undefined> {
    const profile = id ? this.deps.manager.store.get(id) : await this.pickConnection(vscode.l10n.t('Connection to edit'));
    if (!profile) return undefined;
    const draft: ConnectionDraft = { ...profile, secret: '' };
    return runConnectionFlow(this.deps, draft, vscode.l10n.t('Edit Looker Connection: {0}', profile.name), true, profile.baseUrl);
  }

  private async pickConnection(placeHolder: string): Promise<ConnectionProfile | undefined> {
    const list = this.deps.manager.store.list();
    if (list.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no Looker connections yet. Add one first.'));
      return undefined;
    }
    return pickProfile(list, placeHolder, this.deps.manager.active()?.id);
  }

  async remove(id?: string): Promise<boolean> {
    const profile = id ? this.deps.manager.store.get(id) : await this.pickConnection(vscode.l10n.t('Connection to remove'));
    if (!profile) return false;
    const remove = vscode.l10n.t('Remove');
    const pick = await confirmModal(
      vscode.l10n.t('Remove the connection "{0}" and delete its client secret from this machine?', profile.name),
      undefined,
      remove,
    );
    if (pick !== remove) return false;
    await this.deps.manager.signOut(profile.id);
    await this.deps.manager.store.remove(profile.id);
    this.deps.log.info(`Removed connection "${profile.name}" and its secret`);
    return true;
  }

  async test(id?: string): Promise<TestOutcome | undefined> {
    const profile = id ? this.deps.manager.store.get(id) : this.deps.manager.active() ?? (await this.pickConnection(vscode.l10n.t('Connection to test')));
    if (!profile) return undefined;
    const secret = await this.deps.manager.store.getSecret(profile.id);
    if (secret === undefined && profile.auth !== 'oauth') {
      const enter = vscode.l10n.t('Enter Secret');
      const pick = await vscode.window.showWarningMessage(
        vscode.l10n.t('No client secret is stored for "{0}" on this machine.', profile.name),
        enter,
      );
      if (pick === enter) await this.edit(profile.id);
      return undefined;
    }
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing connection to {0}…', profile.name), cancellable: true },
      (_p, token) => this.testDraft({ ...profile, secret: secret ?? '' }, token),
    );
    if (outcome.ok) {
      this.deps.manager.setConnectedInfo(profile.id, connectedInfoOf(outcome));
      showConnected(profile.name, outcome);
    } else {
      void reportError(this.deps.log, outcome.error, vscode.l10n.t('testing {0}', profile.name));
    }
    return outcome;
  }

  async signOut(id?: string): Promise<void> {
    const profile = id ? this.deps.manager.store.get(id) : this.deps.manager.active();
    if (!profile) return;
    // A "Sign in with Looker" connection signs out as in the Accounts menu (its refresh token is deleted too).
    if (profile.auth === 'oauth' && this.deps.signOutOfLooker) await this.deps.signOutOfLooker(profile.id);
    else await this.deps.manager.signOut(profile.id);
    void vscode.window.showInformationMessage(vscode.l10n.t('Signed out of {0}.', profile.name));
  }

  async switchConnection(): Promise<ConnectionProfile | undefined> {
    const list = this.deps.manager.store.list();
    const active = this.deps.manager.active()?.id;
    type Item = vscode.QuickPickItem & { profile?: ConnectionProfile; action?: 'add' };
    const items: Item[] = list.map((p) => ({
      label: `${p.id === active ? '$(check) ' : ''}${p.name}`,
      description: p.baseUrl,
      detail: this.deps.manager.connectedInfo(p.id)
        ? vscode.l10n.t('API user {0} · Looker {1}', this.deps.manager.connectedInfo(p.id)!.userName, this.deps.manager.connectedInfo(p.id)!.lookerVersion)
        : undefined,
      profile: p,
    }));
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(add) ${vscode.l10n.t('Add Connection…')}`, action: 'add' });
    const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Select the active Looker connection') });
    if (!pick) return undefined;
    if (pick.action === 'add') return this.add();
    if (pick.profile) await this.deps.manager.store.setActive(pick.profile.id);
    return pick.profile;
  }

  /** Imports every section of a looker.ini; each is tested first and saved only when it works. */
  importIni(uri?: vscode.Uri): Promise<ConnectionProfile[]> {
    return importIni(this.deps, uri);
  }

  /** The LOOKERSDK_* environment connection: on activation as the setting `looker.environmentConnection` says; the command imports it. */
  importEnvironment(onActivation: boolean): Promise<ConnectionProfile | undefined> {
    return importEnvironment(this.deps, onActivation);
  }
}
