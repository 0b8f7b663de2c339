/** The browser sign-in of "Sign in with Looker" (loopback redirect on 127.0.0.1, PKCE, code exchange) and what its failures say. */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import { startLoopback } from '../looker/loopback';
import { DEFAULT_REDIRECT_PORT, OAuthFlowError, authorizeUrl, challengeOf, createState, createVerifier, redirectUriFor } from '../looker/oauth';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { hostOf } from '../util/urls';
import type { ConnectionManager } from './manager';

/** The settings `looker.oauth.redirectPort` and `looker.oauth.signInTimeoutSeconds`, with their defaults when unusable. */
export function oauthSettings(): { port: number; timeoutSeconds: number } {
  const c = vscode.workspace.getConfiguration('looker.oauth');
  const port = c.get<number>('redirectPort', DEFAULT_REDIRECT_PORT);
  const t = c.get<number>('signInTimeoutSeconds', 300);
  return { port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_REDIRECT_PORT, timeoutSeconds: t > 0 ? t : 300 };
}

/** The redirect URI this VS Code uses (and an admin registers): `http://127.0.0.1:PORT/callback`. */
export function currentRedirectUri(): string {
  return redirectUriFor(oauthSettings().port);
}

/**
 * Signs `profile` in through the browser (opened by `openBrowser`): checks that Looker knows the OAuth client, waits
 * for the answer on the loopback redirect, exchanges the code (PKCE) and reads the user. Returns the user and the
 * refresh token Looker gave, which nothing has stored yet. Throws on failure or cancellation.
 */
export async function browserSignIn(
  manager: ConnectionManager,
  log: Log,
  profile: ConnectionProfile,
  openBrowser: (url: string) => Promise<boolean>,
  { port, timeoutSeconds }: { port: number; timeoutSeconds: number },
): Promise<{ user: IUser; refreshToken: string }> {
  // The refresh token of the code exchange is caught here, in memory only, until the caller stores it.
  let pending: string | undefined;
  const client = manager.createClient(profile, async () => undefined, {
    get: async () => pending,
    set: async (t) => {
      log.addSecret(t);
      pending = t;
    },
    clear: async () => {
      pending = undefined;
    },
  });
  const redirectUri = redirectUriFor(port);
  try {
    const user = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Sign in to {0} in your browser…', profile.name),
        cancellable: true,
      },
      async (_p, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const known = await client.probeOAuthClient(profile.clientId, redirectUri, abort.signal);
          if (known === 'unknown') throw new OAuthFlowError('INVALID_CLIENT', 'Looker does not know this OAuth client.');
          const web = await client.webServerUrl(abort.signal);
          const state = createState();
          const verifier = createVerifier();
          const rx = await startLoopback({
            port,
            state,
            timeoutMs: timeoutSeconds * 1000,
            signal: abort.signal,
            pages: {
              title: vscode.l10n.t('Looker sign-in'),
              success: vscode.l10n.t('You are signed in to Looker. You can close this tab and return to VS Code.'),
              failure: (reason) => vscode.l10n.t('The sign-in did not complete: {0} Return to VS Code for details.', reason),
            },
          });
          const url = authorizeUrl(web, { clientId: profile.clientId, redirectUri, state, challenge: await challengeOf(verifier) });
          if (!(await openBrowser(url))) {
            rx.close();
            throw new OAuthFlowError('BROWSER', 'The browser could not be opened.');
          }
          const code = await rx.code;
          log.addSecret(code);
          await client.signInWithCode({ code, verifier, redirectUri });
          return await client.me('id,first_name,last_name,display_name,email', abort.signal);
        } finally {
          sub.dispose();
        }
      },
    );
    if (!pending) throw new OAuthFlowError('INVALID_GRANT', 'Looker gave no refresh token.');
    return { user, refreshToken: pending };
  } finally {
    pending = undefined;
    client.dispose();
  }
}

/** What a failed sign-in says to the user. */
export function describeSignInError(err: unknown, profile: ConnectionProfile, port: number, timeoutSeconds: number): string {
  const host = hostOf(profile.baseUrl);
  if (err instanceof OAuthFlowError) {
    const detail = err.detail ? ` (${err.detail})` : '';
    switch (err.code) {
      case 'TIMEOUT':
        return vscode.l10n.t(
          'The sign-in to {0} was not completed within {1} minutes. If the browser tab was closed, or Looker showed an error there, start again.',
          host,
          Math.round(timeoutSeconds / 60),
        );
      case 'STATE_MISMATCH':
        return vscode.l10n.t('The browser returned an answer that does not belong to this sign-in (wrong state); it was refused. Start the sign-in again.');
      case 'DENIED':
        return vscode.l10n.t('Access was denied on the Looker page of {0}; the connection is not signed in.', host);
      case 'AUTH_ERROR':
        return vscode.l10n.t('Looker ({0}) refused the sign-in request{1}.', host, detail);
      case 'PORT_IN_USE':
        return vscode.l10n.t(
          'Port {0} on 127.0.0.1 is in use, so VS Code cannot receive the answer from Looker. Close the program that uses it, or change the setting looker.oauth.redirectPort (the redirect URI registered on the instance must use the same port).',
          port,
        );
      case 'INVALID_CLIENT':
        return vscode.l10n.t(
          '{0} has no OAuth app registered for this extension (client ID "{1}"), or it is disabled. A Looker admin can register it with "Looker: Register This Extension with the Instance…".',
          host,
          profile.clientId,
        );
      case 'INVALID_GRANT':
        return vscode.l10n.t('Looker refused the sign-in code{0}. Start the sign-in again.', detail);
      case 'BROWSER':
        return vscode.l10n.t('VS Code could not open the browser for the sign-in: {0}', err.message);
      default:
        break;
    }
  }
  return describeError(err, vscode.l10n.t('signing in to {0}', profile.name), profile.baseUrl);
}
