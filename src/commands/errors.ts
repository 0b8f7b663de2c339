import * as vscode from 'vscode';
import { LookerApiError, fieldErrorPhrases } from '../looker/errors';

/** True for errors that mean "the user cancelled": they are never reported. */
export function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof LookerApiError && err.kind === 'cancelled');
}


/**
 * One clear sentence (or two) for a Looker error: what happened and what to do. `action` names what was being
 * done ("searching users"), `where` names the connection.
 */
export function describeError(err: unknown, action?: string, where?: string): string {
  const prefix = action ? vscode.l10n.t('Failed {0}: ', action) : '';
  if (!(err instanceof LookerApiError)) {
    const msg = err instanceof Error ? err.message : String(err);
    return prefix + vscode.l10n.t('Unexpected error: {0}. See the Looker log for details.', msg);
  }
  const looker = err.lookerMessage ? ` (${err.lookerMessage})` : '';
  const at = where ?? '';
  if (err.code === 'SIGN_IN_REQUIRED') {
    return prefix + vscode.l10n.t('The Looker sign-in of {0} has ended. Sign in with Looker again.', at || vscode.l10n.t('this connection'));
  }
  switch (err.kind) {
    case 'credentials':
      return prefix + vscode.l10n.t('Looker rejected the client ID or secret of {0}. Check the API key, then edit the connection.', at || vscode.l10n.t('this connection'));
    case 'network':
      return prefix + vscode.l10n.t('Cannot reach {0}: {1}. Check the instance URL and your network or proxy.', at || vscode.l10n.t('Looker'), err.message);
    case 'tls':
      return prefix + vscode.l10n.t('The TLS certificate of {0} is not trusted: {1}. Fix the certificate, or turn off TLS verification for this connection only.', at || vscode.l10n.t('Looker'), err.message);
    case 'timeout':
      return prefix + vscode.l10n.t('Looker did not answer in time. Try again, or raise the timeout of this connection.');
    case 'config':
      return prefix + err.message;
    case 'cancelled':
      return prefix + vscode.l10n.t('Cancelled.');
    default:
      break;
  }
  switch (err.status) {
    case 401:
      return prefix + vscode.l10n.t('Looker no longer accepts this session{0}. Sign in again or check the API key.', looker);
    case 403:
      return prefix + vscode.l10n.t('The API user is not allowed to do this{0}. It needs the admin role (or the matching permission).', looker);
    case 404:
      return prefix + vscode.l10n.t('Not found{0}. It may have been deleted: refresh the view.', looker);
    case 409:
      return prefix + vscode.l10n.t('Conflict{0}: the value is already in use.', looker);
    case 422: {
      const fields = fieldErrorPhrases(err.errors);
      return prefix + vscode.l10n.t('Looker rejected the values: {0}', fields.length ? fields.join('; ') : err.lookerMessage ?? err.message);
    }
    case 429:
      return prefix + vscode.l10n.t('Looker is rate-limiting requests{0}. Wait a moment and try again.', looker);
    default:
      if (err.status && err.status >= 500) {
        return prefix + vscode.l10n.t('Looker had a server error ({0}){1}. Try again later.', err.status, looker);
      }
      return prefix + (err.lookerMessage ?? err.message);
  }
}
