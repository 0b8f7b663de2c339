import { BrowserTransport } from '@looker/sdk-rtl';
import type { Authenticator, HttpMethod, IRawResponse, IRequestProps, ITransportSettings, Values } from '@looker/sdk-rtl';
import { nodeRequest, type Dispatcher } from './tls';

/**
 * The SDK's fetch-based transport (`@looker/sdk-rtl`'s BrowserTransport) with two fixes:
 * - the timeout and the caller's abort signal are really applied (21.6.5 drops both: `initRequest` shadows its
 *   signal variable), also while the body is read;
 * - a connection with "verify TLS: off" sends through Node's `https` with an agent of its own (see tls.ts); all
 *   others use `fetch`.
 * The SDK's own retry loop stays off (`maxTries: 1`); the client (`LookerHttp.send`, http.ts) retries with its own
 * policy.
 */
export class LookerTransport extends BrowserTransport {
  private dispatcher: Dispatcher | undefined;

  constructor(settings: ITransportSettings) {
    super({ ...settings, maxTries: 1 });
  }

  setDispatcher(dispatcher: Dispatcher | undefined): void {
    this.dispatcher = dispatcher;
  }

  protected override async initRequest(
    method: HttpMethod,
    path: string,
    body?: unknown,
    authenticator?: Authenticator,
    options?: Partial<ITransportSettings>,
  ): Promise<IRequestProps> {
    const opts: Partial<ITransportSettings> = { ...(options ?? {}) };
    const seconds = Number(opts.timeout ?? this.options.timeout);
    const timeoutMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 120) * 1000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const user = opts.signal as AbortSignal | undefined;
    const signal = user ? AbortSignal.any([user, timeout]) : timeout;
    // A non-empty signal also silences the SDK's per-request console.debug line.
    opts.signal = signal;
    const props = await super.initRequest(method, path, body, authenticator, opts);
    props.signal = signal;
    return props;
  }

  override async rawRequest(
    method: HttpMethod,
    path: string,
    queryParams?: Values,
    body?: unknown,
    authenticator?: Authenticator,
    options?: Partial<ITransportSettings>,
  ): Promise<IRawResponse> {
    const agent = this.dispatcher;
    if (!agent) return super.rawRequest(method, path, queryParams, body, authenticator, options);
    const opts = { ...this.options, ...(options ?? {}) };
    const url = this.makeUrl(path, opts, queryParams);
    const props = await this.initRequest(method, url, body, authenticator, opts);
    const requestStarted = Date.now();
    const res = await nodeRequest(url, { method, headers: props.headers as Record<string, string>, body: props.body, signal: props.signal as AbortSignal }, agent);
    const contentType = res.headers['content-type'] ?? '';
    const raw: IRawResponse = {
      method,
      url,
      body: res.body,
      contentType,
      statusCode: res.status,
      statusMessage: res.statusText,
      startMark: '',
      headers: res.headers,
      requestStarted,
      responseCompleted: Date.now(),
      ok: res.status >= 200 && res.status <= 226,
    };
    return this.observer ? this.observer(raw) : raw;
  }
}
