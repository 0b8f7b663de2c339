/** What went wrong, at the level the UI needs to pick a message and a fix. */
export type LookerErrorKind = 'http' | 'network' | 'timeout' | 'tls' | 'credentials' | 'cancelled' | 'config';

export interface LookerFieldError {
  field?: string;
  code?: string;
  message?: string;
}

export interface LookerApiErrorInit {
  kind: LookerErrorKind;
  message: string;
  status?: number;
  lookerMessage?: string;
  errors?: LookerFieldError[];
  documentationUrl?: string;
  retryable?: boolean;
  method?: string;
  path?: string;
  /**
   * Low-level code: a network/TLS code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …) or, for kind 'config', one of
   * NO_SECRET, NO_CLIENT_ID (nothing was sent), NOT_LOOKER (the URL does not answer like a Looker API), TLS_OFF_UNSUPPORTED.
   */
  code?: string;
  /** Seconds the server asked to wait (Retry-After), when it said so. */
  retryAfterSeconds?: number;
}

/**
 * The one error type of the Looker API layer. `message` is a single English sentence that never contains a secret
 * or token; the UI layer wraps it into localized text using `kind`, `status` and `errors`.
 */
export class LookerApiError extends Error {
  override readonly name = 'LookerApiError';
  readonly kind: LookerErrorKind;
  readonly status?: number;
  readonly lookerMessage?: string;
  readonly errors: LookerFieldError[];
  readonly documentationUrl?: string;
  readonly retryable: boolean;
  readonly method?: string;
  readonly path?: string;
  readonly code?: string;
  readonly retryAfterSeconds?: number;

  constructor(init: LookerApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.lookerMessage = init.lookerMessage;
    this.errors = init.errors ?? [];
    this.documentationUrl = init.documentationUrl;
    this.retryable = init.retryable ?? false;
    this.method = init.method;
    this.path = init.path;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * The one retry policy. Statuses worth trying again later: 408, 429 and 503 mean Looker did not act on the request;
 * after a 502 or 504 (a gateway gave up) it may have. Who may resend which request: {@link mayHaveActed}.
 */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429, 502, 503, 504];

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.includes(status);
}

/** A failure worth waiting for (retryable status, dropped connection, timeout), never a reason to give up on a user. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof LookerApiError)) return false;
  if (err.kind === 'network' || err.kind === 'timeout') return true;
  return err.kind === 'http' && err.status !== undefined && isRetryableStatus(err.status);
}

/** Looker's per-field validation errors (a 422's `errors`) as "field: message" phrases; the one formatting of them. */
export function fieldErrorPhrases(errors: readonly LookerFieldError[]): string[] {
  return errors.map((e) => [e.field, e.message ?? e.code].filter(Boolean).join(': ')).filter(Boolean);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** Reads Looker's `Error` / `ValidationError` body (already parsed JSON, or text). */
export function parseErrorBody(body: unknown): { lookerMessage?: string; errors: LookerFieldError[]; documentationUrl?: string } {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { errors: [] };
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { errors: [] };
  const o = value as Record<string, unknown>;
  const errors: LookerFieldError[] = Array.isArray(o.errors)
    ? o.errors
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({ field: str(e.field), code: str(e.code), message: str(e.message) }))
    : [];
  return { lookerMessage: str(o.message), errors, documentationUrl: str(o.documentation_url) };
}

/** An HTTP error response turned into a {@link LookerApiError}. `path` is relative to `/api/4.0`. */
export function httpError(status: number, body: unknown, method: string, path: string, retryAfterSeconds?: number): LookerApiError {
  const { lookerMessage, errors, documentationUrl } = parseErrorBody(body);
  const what = `${method} ${path}`;
  let message: string;
  const detail = lookerMessage ? `: ${lookerMessage.replace(/\.$/, '')}` : '';
  if (status === 422 && errors.length) {
    const fields = fieldErrorPhrases(errors).join('; ');
    message = `Looker rejected the values (422 on ${what}): ${fields}.`;
  } else {
    message = `Looker answered ${status} ${REASONS[status] ?? 'Error'}${detail} (${what}).`;
  }
  return new LookerApiError({
    kind: 'http', message, status, lookerMessage, errors, documentationUrl, method, path,
    retryable: isRetryableStatus(status), retryAfterSeconds,
  });
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'HOSTNAME_MISMATCH',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

/** Network errors after which the request may not have reached the server, or was cut: safe to retry if idempotent. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EAI_AGAIN', 'ECONNABORTED']);

function causeChain(err: unknown): { code?: string; message?: string }[] {
  const out: { code?: string; message?: string }[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; message?: unknown; cause?: unknown };
    out.push({ code: typeof c.code === 'string' ? c.code : undefined, message: typeof c.message === 'string' ? c.message : undefined });
    cur = c.cause;
  }
  return out;
}

/**
 * A failure of `fetch` (rejected promise) turned into a {@link LookerApiError}. `timedOut`/`cancelled` say which of
 * the request's abort signals fired, when one did.
 */
export function fetchError(
  err: unknown,
  ctx: { method: string; path: string; host: string; timeoutSeconds: number; timedOut: boolean; cancelled: boolean },
): LookerApiError {
  if (err instanceof LookerApiError) return err;
  const base = { method: ctx.method, path: ctx.path };
  if (ctx.cancelled) {
    return new LookerApiError({ ...base, kind: 'cancelled', message: `Cancelled ${ctx.method} ${ctx.path}.` });
  }
  const chain = causeChain(err);
  const names = chain.map((c) => c.code).filter((c): c is string => !!c);
  const isTimeout =
    ctx.timedOut || chain.some((c) => c.code === 'UND_ERR_CONNECT_TIMEOUT' || c.code === 'UND_ERR_HEADERS_TIMEOUT' || c.code === 'UND_ERR_BODY_TIMEOUT') ||
    (err instanceof Error && err.name === 'TimeoutError');
  if (isTimeout) {
    return new LookerApiError({
      ...base, kind: 'timeout', retryable: true, code: names[0],
      message: `Looker did not answer within ${ctx.timeoutSeconds} s (${ctx.method} ${ctx.path}).`,
    });
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new LookerApiError({ ...base, kind: 'cancelled', message: `Cancelled ${ctx.method} ${ctx.path}.` });
  }
  const tls = names.find((c) => TLS_CODES.has(c) || /^ERR_TLS_|^ERR_SSL_|CERT/.test(c));
  if (tls) {
    return new LookerApiError({
      ...base, kind: 'tls', code: tls,
      message: `The TLS certificate of ${ctx.host} was not accepted (${tls}).`,
    });
  }
  const code = names.find((c) => /^E[A-Z]+$|^UND_ERR/.test(c)) ?? names[0];
  let message: string;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      message = `The host name ${ctx.host} could not be resolved (${code}).`;
      break;
    case 'ECONNREFUSED':
      message = `${ctx.host} refused the connection (ECONNREFUSED); check the port of the URL.`;
      break;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      message = `The connection to ${ctx.host} was closed before Looker answered (${code}).`;
      break;
    default:
      message = `Cannot reach ${ctx.host}${code ? ` (${code})` : ''}.`;
  }
  return new LookerApiError({ ...base, kind: 'network', code, message, retryable: !!code && TRANSIENT_CODES.has(code) });
}

/** Wraps anything thrown into a {@link LookerApiError} (for code paths that must never leak other error types). */
export function toLookerApiError(err: unknown, method?: string, path?: string): LookerApiError {
  if (err instanceof LookerApiError) return err;
  if (err instanceof Error && (err.name === 'AbortError')) {
    return new LookerApiError({ kind: 'cancelled', message: 'Cancelled.', method, path });
  }
  const what = err instanceof Error ? err.message : String(err);
  return new LookerApiError({ kind: 'network', message: `Unexpected failure${method ? ` of ${method} ${path}` : ''}: ${what}`, method, path });
}

/**
 * A transient failure after which Looker may still have done the write: a timeout or broken connection after the
 * request went out, or a gateway error (502/504). 429, 503 and 408 mean the request was not acted on.
 */
export function mayHaveActed(err: unknown): boolean {
  if (!(err instanceof LookerApiError)) return false;
  if (err.kind === 'timeout' || err.kind === 'network') return true;
  return err.kind === 'http' && (err.status === 502 || err.status === 504);
}
