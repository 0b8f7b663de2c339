/** "New Connection: Sign In with Looker": URL, OAuth client ID and name, then the browser sign-in; nothing is saved before it succeeds. */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { DEFAULT_OAUTH_CLIENT_ID } from '../looker/oauth';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';
import { personName } from '../format/names';
import { hostOf } from '../util/urls';
import { defaultTimeout } from './draft';
import { nextStep, showInputStep, validateClientId, validateUrl } from './input';
import type { ConnectionManager } from './manager';

/** What the add flow works with: the sign-in itself and the (test-answerable) messages of `LookerOAuth`. */
export interface OAuthAddDeps {
  readonly manager: ConnectionManager;
  readonly signIn: (profile: ConnectionProfile) => Promise<{ profile: ConnectionProfile; user: IUser } | undefined>;
  readonly show: (kind: 'error' | 'warning' | 'info', text: string, ...items: string[]) => Promise<string | undefined>;
}

/** URL, OAuth client ID, name; then the browser sign-in. Nothing is saved until the sign-in succeeds. */
export async function addOAuthConnection({ manager, signIn, show }: OAuthAddDeps, url?: string): Promise<ConnectionProfile | undefined> {
  const draft = { baseUrl: url && normalizeBaseUrl(url).url ? normalizeBaseUrl(url).url! : 'https://', clientId: DEFAULT_OAUTH_CLIENT_ID, name: '' };
  const title = vscode.l10n.t('Add Looker Connection: Sign in with Looker');
  const steps = ['url', 'clientId', 'name'] as const;
  let index = url && normalizeBaseUrl(url).url ? 1 : 0;
  for (;;) {
    const step = steps[index];
    const common = { title, step: index + 1, totalSteps: steps.length, canGoBack: index > 0 };
    let value: string | symbol | undefined;
    if (step === 'url') {
      value = await showInputStep({
        ...common,
        value: draft.baseUrl,
        prompt: vscode.l10n.t('Instance URL, e.g. https://mycompany.cloud.looker.com (the API address; without /api/4.0)'),
        validate: (v) => validateUrl(v, false),
      });
      if (typeof value === 'string') draft.baseUrl = normalizeBaseUrl(value).url ?? value;
    } else if (step === 'clientId') {
      value = await showInputStep({
        ...common,
        value: draft.clientId,
        prompt: vscode.l10n.t('Client ID of the OAuth app an admin registered for this extension (default {0})', DEFAULT_OAUTH_CLIENT_ID),
        validate: validateClientId,
      });
      if (typeof value === 'string') draft.clientId = value.trim();
    } else {
      value = await showInputStep({
        ...common,
        value: draft.name,
        prompt: vscode.l10n.t('Name for this connection (optional), e.g. Production. Next, your browser opens to sign in.'),
        placeholder: hostOf(draft.baseUrl),
      });
      if (typeof value === 'string') draft.name = value.trim();
    }
    const next = nextStep(value, index, steps.length);
    if (next === 'cancel') return undefined;
    if (next !== 'done') {
      index = next;
      continue;
    }
    const profile: ConnectionProfile = {
      id: manager.store.newId(),
      name: draft.name || hostOf(draft.baseUrl),
      baseUrl: draft.baseUrl,
      clientId: draft.clientId,
      verifyTls: true,
      timeoutSeconds: defaultTimeout(),
      auth: 'oauth',
    };
    const r = await signIn(profile);
    if (!r) {
      index = 0;
      const retry = vscode.l10n.t('Edit and Retry');
      if ((await show('info', vscode.l10n.t('The connection {0} was not added.', profile.name), retry)) !== retry) return undefined;
      continue;
    }
    await manager.store.setActive(profile.id);
    const name = personName(r.user) || r.user.email || '';
    manager.setConnectedInfo(profile.id, { userName: name, userId: String(r.user.id ?? ''), lookerVersion: '' });
    void show('info', vscode.l10n.t('Signed in to {0} as {1}.', profile.name, name));
    return profile;
  }
}
