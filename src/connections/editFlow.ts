/** The add/edit connection flow: the multi-step input, a test before anything is saved, the offer to turn TLS verification off. */
import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { nextStep, showInputStep, validateClientId, validateUrl } from './input';
import { hostOf, sameInstance } from '../util/urls';
import type { ConnectionManager } from './manager';
import { showConnected, testAndSave, type ConnectionDraft, type Step } from './draft';

const STEPS: Step[] = ['url', 'clientId', 'secret', 'name'];

const SIGN_IN_WITH_LOOKER = Symbol('signInWithLooker');

function signInWithLookerButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('globe'), tooltip: vscode.l10n.t('Sign in with Looker (browser) instead of an API key') };
}

/** What the add/edit flow works with. */
export interface EditFlowDeps {
  readonly manager: ConnectionManager;
  readonly log: Log;
  /** Offered from the URL step when adding: "Sign in with Looker" instead of an API key. */
  readonly signInWithLooker?: (url: string) => Promise<ConnectionProfile | undefined>;
}

/**
 * The multi-step input. On a failed test the user is sent back to the step that is most likely wrong, with
 * everything typed still in place; nothing is saved until a test succeeds.
 */
export async function runConnectionFlow(
  deps: EditFlowDeps,
  draft: ConnectionDraft,
  title: string,
  editing: boolean,
  savedUrl?: string,
): Promise<ConnectionProfile | undefined> {
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
        extraButtons: !editing && deps.signInWithLooker ? [{ button: signInWithLookerButton(), result: SIGN_IN_WITH_LOOKER }] : undefined,
        prompt: vscode.l10n.t('Instance URL, e.g. https://mycompany.cloud.looker.com (without /api/4.0)'),
        validate: (v: string) => validateUrl(v, true),
      };
      value = await showInputStep(urlStep);
      if (value === SIGN_IN_WITH_LOOKER && deps.signInWithLooker) return deps.signInWithLooker(normalizeBaseUrl(urlStep.value).url ?? urlStep.value);
      if (typeof value === 'string') draft.baseUrl = normalizeBaseUrl(value).url ?? value;
    } else if (step === 'clientId') {
      value = await showInputStep({
        ...common,
        value: draft.clientId,
        prompt: vscode.l10n.t('Client ID of an API key (Admin > Users > Edit > API Keys)'),
        validate: validateClientId,
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
    if (keepable() && !draft.secret && draft.id) draft.secret = (await deps.manager.store.getSecret(draft.id)) ?? '';
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing connection to {0}…', draft.baseUrl), cancellable: true },
      (_p, token) => testAndSave(deps.manager, deps.log, draft, token),
    );
    if (result.profile) {
      showConnected(result.profile.name, result.outcome);
      return result.profile;
    }
    const err = result.outcome.error;
    if (err instanceof LookerApiError && err.kind === 'cancelled') return undefined;
    const text = describeError(err, undefined, draft.baseUrl);
    deps.log.error(`Connection test of ${draft.baseUrl} failed`, err);
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
