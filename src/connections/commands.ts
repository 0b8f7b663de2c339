import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { registerCommands, reportError } from '../commands/register';
import { nextStep, showInputStep } from './input';
import { confirmModal } from '../commands/prompt';
import { hostOf, sameInstance } from '../util/urls';
import { parseLookerIni } from './ini';
import type { ConnectionManager } from './manager';
import { personName } from '../format/names';

/** What the add/edit flow collects. The secret stays in memory only for the flow. */
export interface ConnectionDraft {
  id?: string;
  baseUrl: string;
  clientId: string;
  secret: string;
  name: string;
  verifyTls: boolean;
  timeoutSeconds: number;
  /** Kept from the profile being tested or edited ("Sign in with Looker" connections test with their refresh token). */
  auth?: 'apiKey' | 'oauth';
}

type Step = 'url' | 'clientId' | 'secret' | 'name';
const STEPS: Step[] = ['url', 'clientId', 'secret', 'name'];

export interface TestOutcome {
  ok: boolean;
  userName?: string;
  userId?: string;
  lookerVersion?: string;
  error?: unknown;
  /** The step to send the user back to, from the kind of failure. */
  fixStep?: Step;
}

function stepForError(err: unknown): Step {
  if (err instanceof LookerApiError) {
    if (err.kind === 'credentials' || (err.kind === 'config' && err.code === 'NO_SECRET')) return 'secret';
    if (err.kind === 'config' && err.code === 'NO_CLIENT_ID') return 'clientId';
    if (err.kind === 'http' && (err.status === 401 || err.status === 403)) return 'clientId';
  }
  return 'url';
}

function defaultTimeout(): number {
  const t = vscode.workspace.getConfiguration('looker').get<number>('requestTimeoutSeconds', 60);
  return t > 0 ? t : 60;
}

const SIGN_IN_WITH_LOOKER = Symbol('signInWithLooker');

function signInWithLookerButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('globe'), tooltip: vscode.l10n.t('Sign in with Looker (browser) instead of an API key') };
}

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

/** Connection-level commands: add, edit, remove, test, sign out, switch, and the two imports. */
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
  async testDraft(draft: ConnectionDraft, token?: vscode.CancellationToken): Promise<TestOutcome> {
    const profile = this.profileOf(draft, draft.id ?? 'draft');
    const client = this.deps.manager.createClient(profile, async () => draft.secret);
    const abort = new AbortController();
    const sub = token?.onCancellationRequested(() => abort.abort());
    try {
      const { user, lookerVersion } = await client.testConnection(abort.signal);
      const userName = personName(user) || `#${user.id}`;
      return { ok: true, userName, userId: String(user.id ?? ''), lookerVersion };
    } catch (error) {
      return { ok: false, error, fixStep: stepForError(error) };
    } finally {
      sub?.dispose();
      await client.logout();
      client.dispose();
    }
  }

  private profileOf(d: ConnectionDraft, id: string): ConnectionProfile {
    return {
      id,
      name: d.name.trim() || new URL(d.baseUrl).host,
      baseUrl: d.baseUrl,
      clientId: d.clientId.trim(),
      verifyTls: d.verifyTls,
      timeoutSeconds: d.timeoutSeconds,
      ...(d.auth === 'oauth' ? { auth: 'oauth' as const } : {}),
    };
  }

  /** Tests and, on success, saves a draft and makes it active. Returns the saved profile. */
  async testAndSave(draft: ConnectionDraft, token?: vscode.CancellationToken): Promise<{ profile?: ConnectionProfile; outcome: TestOutcome }> {
    const outcome = await this.testDraft(draft, token);
    if (!outcome.ok) return { outcome };
    const profile = this.profileOf(draft, draft.id ?? this.deps.manager.store.newId());
    await this.deps.manager.store.save(profile, draft.secret);
    await this.deps.manager.store.setActive(profile.id);
    this.deps.manager.setConnectedInfo(profile.id, {
      userName: outcome.userName ?? '',
      userId: outcome.userId ?? '',
      lookerVersion: outcome.lookerVersion ?? '',
    });
    this.deps.log.info(`Saved connection "${profile.name}" (${profile.baseUrl}, client ${profile.clientId}); API user ${outcome.userName}, Looker ${outcome.lookerVersion}`);
    return { profile, outcome };
  }

  async add(): Promise<ConnectionProfile | undefined> {
    const draft: ConnectionDraft = { baseUrl: 'https://', clientId: '', secret: '', name: '', verifyTls: true, timeoutSeconds: defaultTimeout() };
    return this.runFlow(draft, vscode.l10n.t('Add Looker Connection'), false);
  }

  async edit(id?: string): Promise<ConnectionProfile | undefined> {
    const profile = id ? this.deps.manager.store.get(id) : await this.pickConnection(vscode.l10n.t('Connection to edit'));
    if (!profile) return undefined;
    const draft: ConnectionDraft = { ...profile, secret: '' };
    return this.runFlow(draft, vscode.l10n.t('Edit Looker Connection: {0}', profile.name), true, profile.baseUrl);
  }

  /**
   * The multi-step input. On a failed test the user is sent back to the step that is most likely wrong, with
   * everything typed still in place; nothing is saved until a test succeeds.
   */
  private async runFlow(draft: ConnectionDraft, title: string, editing: boolean, savedUrl?: string): Promise<ConnectionProfile | undefined> {
    let index = 0;
    // The saved secret may be kept only while the host stays the same: it is never sent to another host.
    const keepable = () => editing && savedUrl !== undefined && sameInstance(savedUrl, draft.baseUrl);
    let message: vscode.InputBoxValidationMessage | undefined;
    for (;;) {
      const step = STEPS[index];
      const common = { title, step: index + 1, totalSteps: STEPS.length, canGoBack: index > 0, initialMessage: message };
      message = undefined;
      let value: string | symbol | undefined;
      if (step === 'url') {
        const urlStep = {
          ...common,
          value: draft.baseUrl,
          // Adding: the title bar offers "Sign in with Looker" (OAuth in the browser) instead of an API key.
          extraButtons: !editing && this.deps.signInWithLooker ? [{ button: signInWithLookerButton(), result: SIGN_IN_WITH_LOOKER }] : undefined,
          prompt: vscode.l10n.t('Instance URL, e.g. https://mycompany.cloud.looker.com (without /api/4.0)'),
          validate: (v: string) => {
            const n = normalizeBaseUrl(v);
            if (n.error) return { message: n.error, severity: vscode.InputBoxValidationSeverity.Error };
            if (n.warning) return { message: n.warning, severity: vscode.InputBoxValidationSeverity.Warning };
            return undefined;
          },
        };
        value = await showInputStep(urlStep);
        if (value === SIGN_IN_WITH_LOOKER && this.deps.signInWithLooker) return this.deps.signInWithLooker(normalizeBaseUrl(urlStep.value).url ?? urlStep.value);
        if (typeof value === 'string') draft.baseUrl = normalizeBaseUrl(value).url ?? value;
      } else if (step === 'clientId') {
        value = await showInputStep({
          ...common,
          value: draft.clientId,
          prompt: vscode.l10n.t('Client ID of an API key (Admin > Users > Edit > API Keys)'),
          validate: (v) => (v.trim() ? undefined : { message: vscode.l10n.t('Enter the client ID.'), severity: vscode.InputBoxValidationSeverity.Error }),
        });
        if (typeof value === 'string') draft.clientId = value.trim();
      } else if (step === 'secret') {
        value = await showInputStep({
          ...common,
          value: draft.secret,
          password: true,
          prompt: keepable()
            ? vscode.l10n.t('Client secret (leave empty to keep the saved one). It is stored only in VS Code SecretStorage.')
            : editing
              ? vscode.l10n.t('Client secret for {0}: the host changed, so the saved secret is not sent there. It is stored only in VS Code SecretStorage.', hostOf(draft.baseUrl))
              : vscode.l10n.t('Client secret. It is stored only in VS Code SecretStorage.'),
          validate: (v) =>
            keepable() || v.trim() ? undefined : { message: vscode.l10n.t('Enter the client secret.'), severity: vscode.InputBoxValidationSeverity.Error },
        });
        if (typeof value === 'string') draft.secret = value.trim();
      } else {
        value = await showInputStep({
          ...common,
          value: draft.name,
          prompt: vscode.l10n.t('Name for this connection (optional), e.g. Production'),
          placeholder: hostOf(draft.baseUrl),
        });
        if (typeof value === 'string') draft.name = value.trim();
      }
      const next = nextStep(value, index, STEPS.length);
      if (next === 'cancel') return undefined;
      if (next !== 'done') {
        index = next;
        continue;
      }
      // All steps done: test, then save.
      if (!draft.secret && !keepable()) {
        index = STEPS.indexOf('secret');
        message = { message: vscode.l10n.t('Enter the client secret.'), severity: vscode.InputBoxValidationSeverity.Error };
        continue;
      }
      if (keepable() && !draft.secret && draft.id) draft.secret = (await this.deps.manager.store.getSecret(draft.id)) ?? '';
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing connection to {0}…', draft.baseUrl), cancellable: true },
        (_p, token) => this.testAndSave(draft, token),
      );
      if (result.profile) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Connected to {0} as {1} (Looker {2}).', result.profile.name, result.outcome.userName ?? '', result.outcome.lookerVersion ?? ''),
        );
        return result.profile;
      }
      const err = result.outcome.error;
      if (err instanceof LookerApiError && err.kind === 'cancelled') return undefined;
      const text = describeError(err, undefined, draft.baseUrl);
      this.deps.log.error(`Connection test of ${draft.baseUrl} failed`, err);
      const fix = result.outcome.fixStep ?? 'url';
      const turnOffTls = vscode.l10n.t('Turn Off TLS Verification for This Connection');
      const fixIt = vscode.l10n.t('Fix {0}', stepLabel(fix));
      const actions = err instanceof LookerApiError && err.kind === 'tls' && draft.verifyTls ? [fixIt, turnOffTls] : [fixIt];
      const pick = await vscode.window.showErrorMessage(text, ...actions);
      if (pick === turnOffTls) {
        draft.verifyTls = false;
        index = STEPS.length - 1; // re-test straight away from the last step
        message = { message: vscode.l10n.t('TLS verification is now off for this connection only. Press Enter to test again.'), severity: vscode.InputBoxValidationSeverity.Warning };
        continue;
      }
      index = STEPS.indexOf(fix);
      if (fix === 'secret' && editing) draft.secret = '';
      // Shown as a warning so the unchanged value can be accepted again (e.g. after fixing the network).
      message = { message: text, severity: vscode.InputBoxValidationSeverity.Warning };
    }
  }

  private async pickConnection(placeHolder: string): Promise<ConnectionProfile | undefined> {
    const list = this.deps.manager.store.list();
    if (list.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no Looker connections yet. Add one first.'));
      return undefined;
    }
    if (list.length === 1) return list[0];
    const active = this.deps.manager.active()?.id;
    const pick = await vscode.window.showQuickPick(
      list.map((p) => ({ label: p.name, description: p.baseUrl, detail: p.id === active ? vscode.l10n.t('Active') : undefined, profile: p })),
      { placeHolder },
    );
    return pick?.profile;
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
      this.deps.manager.setConnectedInfo(profile.id, { userName: outcome.userName ?? '', userId: outcome.userId ?? '', lookerVersion: outcome.lookerVersion ?? '' });
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Connected to {0} as {1} (Looker {2}).', profile.name, outcome.userName ?? '', outcome.lookerVersion ?? ''),
      );
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
  async importIni(uri?: vscode.Uri): Promise<ConnectionProfile[]> {
    const file =
      uri ??
      (
        await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: vscode.l10n.t('Import'),
          filters: { [vscode.l10n.t('Looker SDK configuration')]: ['ini'], [vscode.l10n.t('All files')]: ['*'] },
          title: vscode.l10n.t('Import Connections from looker.ini'),
        })
      )?.[0];
    if (!file) return [];
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const sections = parseLookerIni(text);
    if (sections.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} has no section with base_url and client_id.', file.fsPath));
      return [];
    }
    const saved: ConnectionProfile[] = [];
    const problems: string[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing connections'), cancellable: true },
      async (progress, token) => {
        for (const s of sections) {
          if (token.isCancellationRequested) break;
          progress.report({ message: s.section, increment: 100 / sections.length });
          const url = normalizeBaseUrl(s.baseUrl ?? '');
          if (!url.url || !s.clientId || !s.clientSecret) {
            problems.push(vscode.l10n.t('[{0}]: needs base_url, client_id and client_secret', s.section));
            continue;
          }
          const existing = this.deps.manager.store.list().find((p) => p.baseUrl === url.url && p.clientId === s.clientId);
          if (!s.verifySsl && !(await confirmTlsOff(hostOf(url.url), `looker.ini [${s.section}]`))) {
            problems.push(vscode.l10n.t('[{0}]: not imported (TLS verification off was not confirmed)', s.section));
            continue;
          }
          const draft: ConnectionDraft = {
            id: existing?.id,
            baseUrl: url.url,
            clientId: s.clientId,
            secret: s.clientSecret,
            name: existing?.name ?? s.section,
            verifyTls: s.verifySsl,
            timeoutSeconds: s.timeoutSeconds ?? defaultTimeout(),
          };
          const r = await this.testAndSave(draft, token);
          if (r.profile) saved.push(r.profile);
          else problems.push(`[${s.section}]: ${describeError(r.outcome.error)}`);
        }
      },
    );
    if (saved.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Imported {0} connection(s): {1}', saved.length, saved.map((p) => p.name).join(', ')));
    }
    if (problems.length) {
      this.deps.log.warn(`looker.ini import: ${problems.join(' | ')}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Some sections were not imported: {0}', problems.join('; ')));
    }
    return saved;
  }

  /**
   * LOOKERSDK_BASE_URL / _CLIENT_ID / _CLIENT_SECRET in the environment. On activation this follows the setting
   * `looker.environmentConnection` ("ask", "import", "ignore"); the command imports straight away.
   */
  async importEnvironment(onActivation: boolean): Promise<ConnectionProfile | undefined> {
    const env = process.env;
    const base = env.LOOKERSDK_BASE_URL;
    const clientId = env.LOOKERSDK_CLIENT_ID;
    const secret = env.LOOKERSDK_CLIENT_SECRET;
    if (!base || !clientId || !secret) {
      if (!onActivation) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET in the environment VS Code was started from.'),
        );
      }
      return undefined;
    }
    const url = normalizeBaseUrl(base);
    if (!url.url) {
      void vscode.window.showWarningMessage(vscode.l10n.t('LOOKERSDK_BASE_URL is not a usable URL: {0}', url.error ?? base));
      return undefined;
    }
    const existing = this.deps.manager.store.list().find((p) => p.baseUrl === url.url && p.clientId === clientId);
    if (onActivation) {
      if (existing) return existing;
      const mode = vscode.workspace.getConfiguration('looker').get<string>('environmentConnection', 'ask');
      if (mode === 'ignore') return undefined;
      if (mode !== 'import') {
        const importIt = vscode.l10n.t('Import');
        const never = vscode.l10n.t('Never for This Environment');
        const pick = await vscode.window.showInformationMessage(
          vscode.l10n.t('Looker API credentials for {0} are set in the environment (LOOKERSDK_*). Import them as a connection?', url.url),
          importIt,
          never,
        );
        if (pick === never) {
          await vscode.workspace.getConfiguration('looker').update('environmentConnection', 'ignore', vscode.ConfigurationTarget.Global);
        }
        if (pick !== importIt) return undefined;
      }
    }
    const verify = env.LOOKERSDK_VERIFY_SSL;
    const tlsOff = !!verify && /^(0|false|no|off)$/i.test(verify);
    if (tlsOff && !(await confirmTlsOff(hostOf(url.url), 'LOOKERSDK_VERIFY_SSL'))) return undefined;
    const timeout = Number(env.LOOKERSDK_TIMEOUT);
    const draft: ConnectionDraft = {
      id: existing?.id,
      baseUrl: url.url,
      clientId,
      secret,
      name: existing?.name ?? hostOf(url.url),
      verifyTls: !tlsOff,
      timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : defaultTimeout(),
    };
    const r = await this.testAndSave(draft);
    if (!r.profile) {
      void reportError(this.deps.log, r.outcome.error, vscode.l10n.t('importing the LOOKERSDK_* connection'));
      return undefined;
    }
    return r.profile;
  }
}

/** An import that turns TLS certificate verification off says so and needs a yes (modal; no is the default). */
async function confirmTlsOff(host: string, source: string): Promise<boolean> {
  const yes = vscode.l10n.t('Import Without Verification');
  const pick = await confirmModal(
    vscode.l10n.t('{0} turns TLS certificate verification OFF for {1}. Import this connection without verification?', source, host),
    vscode.l10n.t('Without verification, anyone between VS Code and {0} can read the client secret and change what you see. Only for a server with a self-signed certificate you trust.', host),
    yes,
  );
  return pick === yes;
}

function stepLabel(step: Step): string {
  switch (step) {
    case 'url':
      return vscode.l10n.t('Instance URL');
    case 'clientId':
      return vscode.l10n.t('Client ID');
    case 'secret':
      return vscode.l10n.t('Client Secret');
    default:
      return vscode.l10n.t('Name');
  }
}
