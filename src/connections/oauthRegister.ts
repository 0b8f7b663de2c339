/** The admin side of "Sign in with Looker": registering the extension's OAuth client app on an instance, and how to. */
import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import { DEFAULT_OAUTH_CLIENT_ID } from '../looker/oauth';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { reportError } from '../commands/register';
import { confirmModal } from '../commands/prompt';
import { hostOf } from '../util/urls';
import { pickProfile } from './input';
import type { ConnectionManager } from './manager';
import { currentRedirectUri } from './oauthSignIn';

/** Says (modal) how a Looker admin registers the extension, after a sign-in Looker refused for an unknown client. */
export function showRegistrationHelp(profile: ConnectionProfile): void {
  const text = vscode.l10n.t(
    'A Looker admin of {0} registers this extension once: in VS Code, with an API-key connection of an admin, run "Looker: Register This Extension with the Instance…" (client ID "{1}", redirect URI {2}).',
    hostOf(profile.baseUrl),
    profile.clientId,
    currentRedirectUri(),
  );
  void vscode.window.showInformationMessage(text, { modal: true });
}

/** Registers (or updates) the OAuth client app on the instance of an admin's API-key connection. */
export async function registerApp(manager: ConnectionManager, log: Log, id?: string): Promise<boolean> {
  const candidates = manager.store.list().filter((p) => p.auth !== 'oauth');
  let profile = id ? manager.store.get(id) : undefined;
  if (!profile) {
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Registering needs a connection with an admin API key. Add one first.'));
      return false;
    }
    profile = await pickProfile(candidates, vscode.l10n.t('Admin connection of the instance to register the extension on'));
  }
  if (!profile) return false;
  const client = manager.client(profile.id);
  if (!client) return false;
  const guid = DEFAULT_OAUTH_CLIENT_ID;
  const redirectUri = currentRedirectUri();
  const host = hostOf(profile.baseUrl);
  try {
    let existing: { redirect_uri?: string; enabled?: boolean } | undefined;
    try {
      existing = await client.oauthClientApp(guid);
    } catch (e) {
      if (!(e instanceof LookerApiError && e.status === 404)) throw e;
    }
    if (existing && existing.redirect_uri === redirectUri && existing.enabled !== false) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This extension is already registered on {0} ({1}) with redirect URI {2}.', profile.name, host, redirectUri));
      showInstructions(profile, guid, redirectUri);
      return true;
    }
    const go = existing ? vscode.l10n.t('Update') : vscode.l10n.t('Register');
    const message = existing
      ? vscode.l10n.t('Update the OAuth app "{0}" on {1} ({2}): redirect URI {3}, enabled?', guid, profile.name, host, redirectUri)
      : vscode.l10n.t('Register this extension as OAuth app "{0}" on {1} ({2}) with redirect URI {3}?', guid, profile.name, host, redirectUri);
    const detail = vscode.l10n.t('Every Looker user of this instance can then sign in from VS Code with their own account; calls are made as them, with their permissions.');
    if ((await confirmModal(message, detail, go)) !== go) return false;
    const body = {
      redirect_uri: redirectUri,
      display_name: 'Looker Users for VS Code',
      description: 'User administration from Visual Studio Code (Sign in with Looker).',
      enabled: true,
    };
    if (existing) await client.updateOauthClientApp(guid, body);
    else await client.registerOauthClientApp(guid, body);
    log.info(`${existing ? 'Updated' : 'Registered'} OAuth client app ${guid} on ${profile.name} (${host}), redirect URI ${redirectUri}`);
    showInstructions(profile, guid, redirectUri);
    return true;
  } catch (err) {
    void reportError(log, err, vscode.l10n.t('registering the extension on {0}', profile.name));
    return false;
  }
}

function showInstructions(profile: ConnectionProfile, guid: string, redirectUri: string): void {
  const copy = vscode.l10n.t('Copy Instructions');
  const text = vscode.l10n.t(
    'Users of {0} can now run "Looker: Add Connection" and press "Sign in with Looker" (or run "Looker: New Connection: Sign In with Looker…"), enter {1}, keep the client ID "{2}" and sign in in the browser. Their VS Code must receive the answer on {3} (setting looker.oauth.redirectPort).',
    profile.name,
    profile.baseUrl,
    guid,
    redirectUri,
  );
  void vscode.window.showInformationMessage(text, copy).then((pick) => {
    if (pick === copy) void vscode.env.clipboard.writeText(text);
  });
}
