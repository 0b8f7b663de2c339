/**
 * Per-connection TLS settings without touching `NODE_TLS_REJECT_UNAUTHORIZED`: a connection whose certificate
 * checks are off sends its requests through Node's `https` module with an agent of its own
 * (`rejectUnauthorized: false`), and every other request keeps using the verifying global `fetch`.
 *
 * Why not an undici dispatcher passed to `fetch`? It works in plain Node, but VS Code's extension
 * host replaces `fetch` (for proxy support) and ignores the `dispatcher` option; an explicit `https` agent is
 * honoured there (verified by test/vscode/tls.test.ts in the real extension host).
 */
import * as http from 'http';
import * as https from 'https';

/** The agent of one connection whose certificate checks are off. */
export type Dispatcher = https.Agent;

/** An agent that skips certificate verification, for one connection only. */
export async function createInsecureDispatcher(): Promise<Dispatcher> {
  return new https.Agent({ rejectUnauthorized: false, keepAlive: true });
}

/** Releases an agent's sockets; never throws. */
export function closeDispatcher(d: Dispatcher | undefined): void {
  try {
    d?.destroy();
  } catch {
    // ignored
  }
}

export interface NodeResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP exchange through `https.request` (or `http.request` for an http URL) with the given agent. Rejects with
 * the signal's reason when it aborts (a `TimeoutError` for a timeout, as `fetch` does), else with the socket error.
 */
export function nodeRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal },
  agent: Dispatcher,
): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) return reject(init.signal.reason);
    const isHttps = url.startsWith('https:');
    const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : String(init.body);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const onAbort = () => req.destroy(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
    const req = (isHttps ? https : http).request(url, { method: init.method, headers, agent: isHttps ? agent : undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(init.signal?.aborted ? init.signal.reason : e));
      res.on('end', () => {
        init.signal?.removeEventListener('abort', onAbort);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: out, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    init.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => {
      init.signal?.removeEventListener('abort', onAbort);
      reject(init.signal?.aborted ? init.signal.reason : e);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}
