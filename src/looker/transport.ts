import { BrowserTransport } from '@looker/sdk-rtl';
import type { Authenticator, HttpMethod, IRequestProps, ITransportSettings } from '@looker/sdk-rtl';
import type { Dispatcher } from './tls';

/**
 * The SDK's fetch-based transport with two fixes (SDK-NOTES.md §3, §9):
 * - the timeout and the caller's abort signal are really applied (21.6.5 drops both: `initRequest` shadows its
 *   signal variable), also while the body is read;
 * - a per-connection undici dispatcher is passed to `fetch` (used for "verify TLS: off" of one connection only).
 * The SDK's own retry loop stays off (`maxTries: 1`); {@link LookerClient} retries with its own policy.
 */
export class LookerTransport extends BrowserTransport {
  private dispatcher: Dispatcher | undefined;

  constructor(settings: ITransportSettings, dispatcher?: Dispatcher) {
    super({ ...settings, maxTries: 1 });
    this.dispatcher = dispatcher;
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
    if (this.dispatcher) props.dispatcher = this.dispatcher;
    return props;
  }
}
