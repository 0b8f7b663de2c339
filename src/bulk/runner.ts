/**
 * The bulk job runner (plain Node, no `vscode`): runs one action over many users with bounded, adaptive
 * concurrency, retries transient failures until cancelled, records a permanent failure with Looker's message, and
 * persists the job after every user so a cancelled or interrupted job resumes without doing a user twice.
 *
 * Pacing: all workers share one gate. A 429 or 503 pauses every worker until `Retry-After` (or a backoff) has passed
 * and halves the concurrency; successes raise it again by one per `RECOVER_AFTER` × limit users.
 */
import { LookerApiError, fieldErrorPhrases, isTransient, mayHaveActed } from '../looker/errors';
import { neverRepeat } from '../actions/table';
import { SYSTEM_CLOCK, backoffMs, type Clock } from '../looker/retry';
import { applyAction, type ActionOutcome, type ApplyOptions, type BulkClient } from './actions';
import { jobCounts, type BulkJob, type JobCounts, type UserState } from './types';

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 16;
const RECOVER_AFTER = 10;

export interface RunProgress extends JobCounts {
  /** Users finished in this run (not counting earlier runs of a resumed job). */
  processed: number;
  /** Estimated milliseconds left, once a few users are done. */
  etaMs?: number;
  /** Current concurrency limit (drops on 429/503, recovers slowly). */
  concurrency: number;
  /** Transient failures retried so far. */
  retries: number;
  /** True while every worker waits for a Retry-After or backoff. */
  paused: boolean;
}

export interface RunOptions {
  client: BulkClient;
  /** Upper bound of requests in flight (default 4, at most 16). */
  concurrency?: number;
  /** Cancel: no new user starts, requests already sent finish, waiting users go back to pending. */
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /**
   * Saves the job. Called after every user (and before a user's first request, marking it "running"); calls are
   * serialised and coalesced. It must serialise `job` synchronously before its first `await`.
   */
  persist?: (job: BulkJob) => Promise<void> | void;
  /** Called once per user that ended done (for the audit log). */
  onUserDone?: (userId: string, state: UserState) => Promise<void> | void;
  /** Backoff of a transient failure without Retry-After (first step, doubles, capped by the retry helper). */
  baseDelayMs?: number;
  /** Replaces {@link applyAction} (tests). */
  apply?: (userId: string, opts: ApplyOptions) => Promise<ActionOutcome>;
  now?: () => number;
  /** The clock of the pauses (Retry-After, backoff): tests inject one and assert the waits asked for. */
  clock?: Clock;
}

export interface RunResult {
  counts: JobCounts;
  cancelled: boolean;
  /** A failure that stopped the whole job (bad credentials, TLS, configuration); the rest stays pending. */
  fatal?: LookerApiError;
  retries: number;
  ms: number;
  /** Most requests that were in flight at once (tests check the bound). */
  maxInFlight: number;
}



/** Failures that are not about one user: the job stops and can be resumed after the cause is fixed. */
function isFatal(err: unknown): boolean {
  if (!(err instanceof LookerApiError)) return false;
  return err.kind === 'credentials' || err.kind === 'tls' || err.kind === 'config' || err.kind === 'cancelled' || err.status === 401;
}

/** The message recorded for a failed user: Looker's own words when it sent some. */
function failureMessage(err: unknown): string {
  if (err instanceof LookerApiError) {
    const fields = fieldErrorPhrases(err.errors);
    const base = err.lookerMessage ?? err.message;
    const status = err.status ? `${err.status} ` : '';
    return `${status}${base}${fields.length ? ` (${fields.join('; ')})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

class Gate {
  active = 0;
  maxActive = 0;
  pausedUntil = 0;
  lastDecrease = 0;
  successes = 0;
  private waiters: (() => void)[] = [];

  constructor(
    public limit: number,
    readonly max: number,
    private readonly now: () => number,
    private readonly sleep: Clock['sleep'] = SYSTEM_CLOCK.sleep,
  ) {}

  get paused(): boolean {
    return this.now() < this.pausedUntil;
  }

  /** Waits for a free slot and the end of any pause. Rejects when `signal` aborts. */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const wait = this.pausedUntil - this.now();
      if (wait > 0) {
        await this.sleep(wait, signal);
        continue;
      }
      if (this.active < this.limit) {
        this.active++;
        this.maxActive = Math.max(this.maxActive, this.active);
        return this.now();
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  release(): void {
    this.active--;
    this.wake();
  }

  private wake(): void {
    const list = this.waiters;
    this.waiters = [];
    for (const w of list) w();
  }

  success(): void {
    if (this.limit >= this.max) return;
    if (++this.successes >= this.limit * RECOVER_AFTER) {
      this.limit++;
      this.successes = 0;
      this.wake();
    }
  }

  /** A 429/503/network failure of a request started at `startedAt`: pause everyone, lower the limit once per episode. */
  slowDown(waitMs: number, startedAt: number, throttled: boolean): void {
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    if (throttled && startedAt >= this.lastDecrease) {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      this.lastDecrease = now;
      this.successes = 0;
    }
  }
}

/** Makes a job ready to (re)start: users interrupted mid-request go back to pending, unless repeating is unsafe. */
export function prepareResume(job: BulkJob): void {
  for (const id of job.userIds) {
    const s = job.state[id];
    if (s?.status !== 'running') continue;
    if (neverRepeat(job.action)) {
      job.state[id] = { ...s, status: 'failed', message: 'Interrupted while this user was being processed; it may or may not have been done. Use "Retry failed" to do it again.' };
    } else {
      job.state[id] = { ...s, status: 'pending', recheck: true };
    }
  }
}

/** Runs (or resumes) a job; resolves when every user is finished, the job is cancelled, or a fatal error stops it. */
export async function runJob(job: BulkJob, opts: RunOptions): Promise<RunResult> {
  const now = opts.clock?.now ?? opts.now ?? Date.now;
  const started = now();
  const max = Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY)));
  const gate = new Gate(max, max, now, opts.clock?.sleep);
  const base = opts.baseDelayMs ?? 1000;
  const signal = opts.signal;
  const apply = opts.apply ?? ((id: string, o: ApplyOptions) => applyAction(opts.client, job.action, job.params, id, o));
  prepareResume(job);
  const queue = job.userIds.filter((id) => (job.state[id]?.status ?? 'pending') === 'pending');
  const seen = new Set<string>();
  let processed = 0;
  let retries = 0;
  let fatal: LookerApiError | undefined;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort(signal.reason);

  // Serialised, coalesced persistence: a caller returns once a write that includes its change has completed.
  let version = 0;
  let written = 0;
  let writing: Promise<void> | undefined;
  const persist = async (): Promise<void> => {
    if (!opts.persist) return;
    const want = ++version;
    while (written < want) {
      if (!writing) {
        writing = (async () => {
          try {
            while (written < version) {
              const v = version;
              await opts.persist!(job);
              written = v;
            }
          } finally {
            writing = undefined;
          }
        })();
      }
      await writing;
    }
  };

  const progress = () => {
    if (!opts.onProgress) return;
    const counts = jobCounts(job);
    const elapsed = now() - started;
    const etaMs = processed >= 3 && counts.pending > 0 ? Math.round((elapsed / processed) * counts.pending) : undefined;
    try {
      opts.onProgress({ ...counts, processed, etaMs, concurrency: gate.limit, retries, paused: gate.paused });
    } catch {
      // a broken progress callback must not stop the job
    }
  };

  const finish = async (id: string, state: UserState) => {
    job.state[id] = state;
    processed++;
    await persist();
    if (state.status === 'done' && opts.onUserDone) {
      try {
        await opts.onUserDone(id, state);
      } catch {
        // auditing problems are reported by the audit log itself
      }
    }
    progress();
  };

  const worker = async () => {
    while (!stop.signal.aborted) {
      let startedAt: number;
      try {
        startedAt = await gate.acquire(stop.signal);
      } catch {
        return;
      }
      const id = queue.shift();
      if (id === undefined) {
        gate.release();
        return;
      }
      if (seen.has(id)) {
        gate.release();
        continue;
      }
      seen.add(id);
      const prev = job.state[id] ?? { status: 'pending' };
      let attempts = prev.attempts ?? 0;
      // An interrupted earlier run may have sent this user's request: re-read first (see prepareResume).
      let recheck = !!prev.recheck;
      let holding = true;
      try {
        job.state[id] = { ...prev, status: 'running' };
        await persist();
        for (;;) {
          attempts++;
          try {
            const out = await apply(id, { recheck });
            gate.success();
            await finish(id, {
              ...prev,
              status: out.status,
              message: out.message,
              before: out.before ?? prev.before,
              after: out.after ?? prev.after,
              attempts,
            });
            break;
          } catch (err) {
            if (isFatal(err)) {
              fatal ??= err as LookerApiError;
              job.state[id] = { ...prev, status: 'pending', attempts };
              stop.abort();
              await persist();
              break;
            }
            if (!isTransient(err)) {
              await finish(id, { ...prev, status: 'failed', message: failureMessage(err), attempts });
              break;
            }
            retries++;
            // An invitation is several writes: after any failure the retry looks the user up and continues from there.
            if (mayHaveActed(err) || job.action === 'createUser') recheck = true;
            const e = err as LookerApiError;
            const throttled = e.status === 429 || e.status === 503;
            const wait = e.retryAfterSeconds !== undefined ? Math.ceil(e.retryAfterSeconds * 1000) : backoffMs(attempts, base);
            gate.slowDown(wait, startedAt, throttled);
            gate.release();
            holding = false;
            progress();
            try {
              startedAt = await gate.acquire(stop.signal);
              holding = true;
            } catch {
              // cancelled while waiting: nothing was done for this user
              job.state[id] = { ...prev, status: 'pending', attempts };
              await persist();
              return;
            }
          }
        }
      } catch (err) {
        // persisting failed: stop, keeping what is known in memory
        fatal ??= new LookerApiError({ kind: 'config', message: `Could not save the job state: ${err instanceof Error ? err.message : String(err)}` });
        stop.abort();
      } finally {
        if (holding) gate.release();
      }
    }
  };

  progress();
  try {
    await Promise.all(Array.from({ length: Math.min(max, Math.max(1, queue.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const counts = jobCounts(job);
  if (counts.pending === 0) job.finishedAt = new Date(now()).toISOString();
  await persist().catch(() => undefined);
  progress();
  return { counts, cancelled: !!signal?.aborted, fatal, retries, ms: now() - started, maxInFlight: gate.maxActive };
}
