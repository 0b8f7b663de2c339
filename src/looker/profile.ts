/** A saved Looker connection, without its client secret (that lives only in the secret store). */
export interface ConnectionProfile {
  id: string;
  name: string;
  /** Bare origin of the API, e.g. `https://acme.cloud.looker.com` or `https://host:19999` (no `/api/4.0`). */
  baseUrl: string;
  clientId: string;
  /** Verify the server's TLS certificate. `false` affects only this connection's requests. */
  verifyTls: boolean;
  /** Per-request timeout. */
  timeoutSeconds: number;
  /**
   * How the connection signs in: an API key (client ID + secret, the default when absent) or "Sign in with Looker"
   * (OAuth with PKCE; `clientId` is then the registered OAuth client app's `client_guid`, and SecretStorage holds
   * the refresh token instead of a secret).
   */
  auth?: 'apiKey' | 'oauth';
}

/** Default per-request timeout of a new connection, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const API_SUFFIX = /\/api\/(?:4\.0|3\.\d+)$/i;

/**
 * Validates and normalises what a user typed as the instance URL.
 * Returns `url` (the bare base URL the SDK expects) or `error`; `warning` is set for accepted but suspicious input.
 */
export function normalizeBaseUrl(input: string): { url?: string; error?: string; warning?: string } {
  let text = (input ?? '').trim();
  if (!text) return { error: 'Enter the URL of the Looker instance, e.g. https://mycompany.cloud.looker.com.' };
  const warnings: string[] = [];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^:/]+:\d+(?:[/?#]|$)/.test(text)) {
      return { error: 'The URL must start with https://.' };
    }
    text = `https://${text}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { error: 'This is not a valid URL. Use the form https://host[:port].' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { error: `Unsupported URL scheme "${parsed.protocol.replace(/:$/, '')}". Use https://.` };
  }
  if (parsed.username || parsed.password) {
    return { error: 'The URL must not contain a user name or password; enter the client ID and secret separately.' };
  }
  if (parsed.search || text.includes('?')) return { error: 'The URL must not contain a query string (?…).' };
  if (parsed.hash || text.includes('#')) return { error: 'The URL must not contain a fragment (#…).' };
  if (!parsed.hostname) return { error: 'The URL has no host name.' };
  if (parsed.protocol === 'http:') {
    if (!LOCAL_HOSTS.has(parsed.hostname.toLowerCase())) {
      return { error: 'Use https:// — plain http is only accepted for localhost.' };
    }
    warnings.push('Plain http sends the client secret unencrypted; use it only for a local test server.');
  }
  let path = parsed.pathname.replace(/\/+$/, '');
  if (API_SUFFIX.test(path)) {
    path = path.replace(API_SUFFIX, '').replace(/\/+$/, '');
    warnings.push('Removed the API path from the URL: enter the instance URL only; /api/4.0 is added automatically.');
  }
  const url = `${parsed.protocol}//${parsed.host}${path}`;
  return warnings.length ? { url, warning: warnings.join(' ') } : { url };
}
