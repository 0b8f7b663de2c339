import * as http from 'http';
import { OAuthFlowError, REDIRECT_PATH } from './oauth';

/** Texts of the pages the browser shows after the redirect (localized by the caller). */
export interface LoopbackPages {
  title: string;
  success: string;
  failure: (reason: string) => string;
}

export interface LoopbackReceiver {
  /** `http://127.0.0.1:PORT/callback` */
  redirectUri: string;
  /** Resolves with the code of the first redirect that carries the expected state; rejects with {@link OAuthFlowError}. */
  code: Promise<string>;
  close(): void;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Listens on 127.0.0.1:port for the OAuth redirect. The first request to `/callback` decides the outcome: a code with
 * the expected `state`, or an error (`access_denied`, a wrong state, Looker's own error); the listener then closes.
 * `timeoutMs` and `signal` end the wait (the browser tab may have been closed: there is no way to notice that).
 */
export async function startLoopback(opts: {
  port: number;
  state: string;
  timeoutMs: number;
  signal?: AbortSignal;
  pages: LoopbackPages;
}): Promise<LoopbackReceiver> {
  let settle!: { resolve: (code: string) => void; reject: (e: OAuthFlowError) => void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  code.catch(() => undefined);
  let done = false;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== REDIRECT_PATH || req.method !== 'GET' || done) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    const q = url.searchParams;
    const page = (status: number, text: string) => {
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(opts.pages.title)}</title></head>` +
        `<body style="font:15px system-ui,sans-serif;margin:3rem auto;max-width:30rem"><p>${esc(text)}</p></body></html>`;
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end(html);
    };
    let outcome: { code: string } | OAuthFlowError;
    if (q.get('state') !== opts.state) {
      outcome = new OAuthFlowError('STATE_MISMATCH', 'The sign-in answer does not belong to this sign-in (state mismatch).');
    } else if (q.get('error')) {
      const error = q.get('error') ?? '';
      const detail = q.get('error_description') ?? undefined;
      outcome = error === 'access_denied'
        ? new OAuthFlowError('DENIED', 'Access was denied in the browser.', detail)
        : new OAuthFlowError('AUTH_ERROR', `Looker refused the sign-in request (${error}).`, detail ?? error);
    } else if (q.get('code')) {
      outcome = { code: q.get('code') ?? '' };
    } else {
      outcome = new OAuthFlowError('AUTH_ERROR', 'The sign-in answer carries neither a code nor an error.');
    }
    done = true;
    // Stop listening once the page reached the browser.
    res.once('finish', () => stop());
    if (outcome instanceof OAuthFlowError) {
      page(400, opts.pages.failure(outcome.detail ?? outcome.message));
      finish(outcome, undefined, true);
    } else {
      page(200, opts.pages.success);
      finish(undefined, outcome.code, true);
    }
  });
  const timer = setTimeout(() => finish(new OAuthFlowError('TIMEOUT', 'The sign-in in the browser did not complete in time.')), opts.timeoutMs);
  const onAbort = () => finish(new OAuthFlowError('CANCELLED', 'The sign-in was cancelled.'));
  let stopped = false;
  function stop(): void {
    if (stopped) return;
    stopped = true;
    server.close();
    server.closeAllConnections?.();
  }
  function finish(err?: OAuthFlowError, value?: string, answering = false): void {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    done = true;
    if (!answering) stop();
    if (err) settle.reject(err);
    else settle.resolve(value ?? '');
  }
  try {
    // A listener of a sign-in that just ended may still be closing: try again for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(opts.port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (e) {
    clearTimeout(timer);
    const inUse = (e as { code?: string }).code === 'EADDRINUSE';
    throw new OAuthFlowError(inUse ? 'PORT_IN_USE' : 'BROWSER', inUse ? `Port ${opts.port} on 127.0.0.1 is in use.` : `Cannot listen on 127.0.0.1:${opts.port}.`);
  }
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort);
  const port = (server.address() as { port: number }).port;
  return {
    redirectUri: `http://127.0.0.1:${port}${REDIRECT_PATH}`,
    code,
    close: () => {
      if (!done) finish(new OAuthFlowError('CANCELLED', 'The sign-in was cancelled.'));
    },
  };
}
