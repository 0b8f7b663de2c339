/** Hosts whose pages "Open Documentation" may open: Looker's and Google's documentation sites. */
const DOC_HOSTS = ['looker.com', 'google.com', 'cloud.google.com'];

/**
 * A documentation URL from a server's error, if it is safe to hand to the OS: https only, on a Looker or Google host.
 * Anything else (file:, vscode:, other protocols, other hosts, user:pass@) gives undefined.
 */
export function safeDocumentationUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return undefined;
  const host = u.hostname.toLowerCase();
  if (!DOC_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) return undefined;
  return u.toString();
}

/** True for an http(s) URL (e.g. a connection's own base URL, for "Open in Looker"). */
export function isWebUrl(url: string): boolean {
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
}

/** The host (with port) of a URL, lower-case; the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

/** True when a change planned against `plannedUrl` may be applied through a connection now at `currentUrl`. */
export function sameInstance(plannedUrl: string, currentUrl: string): boolean {
  return hostOf(plannedUrl) === hostOf(currentUrl);
}
