/**
 * API call meter: how many requests each connection sent today and this month (UTC calendar days and months), kept
 * in a small key-value store (VS Code's global state in the extension) so the counts survive a reload. Looker
 * editions come with a monthly allowance of administrative API calls; the meter lets a dry run say what a job will
 * cost against it. No vscode import: the store is any object with get/update.
 */

/** The stored counts of one connection. */
export interface MeterEntry {
  /** UTC day `YYYY-MM-DD` that `today` counts. */
  day: string;
  today: number;
  /** UTC month `YYYY-MM` that `month` counts. */
  monthKey: string;
  month: number;
}

export interface MeterStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const METER_STATE_KEY = 'looker.apiCallMeter';

const dayOf = (d: Date): string => d.toISOString().slice(0, 10);
const monthOf = (d: Date): string => d.toISOString().slice(0, 7);

/** An entry rolled forward to `now`: a past day or month counts from zero. */
function current(entry: MeterEntry | undefined, now: Date): MeterEntry {
  const day = dayOf(now);
  const monthKey = monthOf(now);
  if (!entry) return { day, today: 0, monthKey, month: 0 };
  return {
    day,
    today: entry.day === day ? entry.today : 0,
    monthKey,
    month: entry.monthKey === monthKey ? entry.month : 0,
  };
}

function isEntry(v: unknown): v is MeterEntry {
  const e = v as MeterEntry;
  return !!e && typeof e === 'object' && typeof e.day === 'string' && typeof e.monthKey === 'string'
    && Number.isFinite(e.today) && Number.isFinite(e.month);
}

export class ApiCallMeter {
  /** Calls recorded here and not yet written, per connection (merged into what the store holds at each flush). */
  private readonly pending = new Map<string, { at: Date; n: number }[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(connectionId: string) => void>();

  constructor(
    private readonly store: MeterStore,
    private readonly now: () => Date = () => new Date(),
    /** Delay before pending counts are written; several calls in a burst are written once. */
    private readonly flushDelayMs = 2000,
  ) {}

  private stored(): Record<string, MeterEntry> {
    const raw = this.store.get<Record<string, unknown>>(METER_STATE_KEY);
    const out: Record<string, MeterEntry> = {};
    if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) if (isEntry(v)) out[k] = v;
    return out;
  }

  /** Counts one request (or `n`) of a connection. */
  record(connectionId: string, n = 1): void {
    const list = this.pending.get(connectionId) ?? [];
    list.push({ at: this.now(), n });
    this.pending.set(connectionId, list);
    for (const l of this.listeners) l(connectionId);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushDelayMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Today's and this month's calls of a connection, pending ones included. */
  counts(connectionId: string): { today: number; month: number } {
    const now = this.now();
    let entry = current(this.stored()[connectionId], now);
    for (const p of this.pending.get(connectionId) ?? []) entry = add(entry, p.at, p.n, now);
    return { today: entry.today, month: entry.month };
  }

  /** Fires with the connection id whenever a call is recorded. */
  onDidRecord(listener: (connectionId: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Writes pending counts, adding them to what the store holds now (another window may have written since). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.pending.size) return;
      const taken = new Map(this.pending);
      this.pending.clear();
      const now = this.now();
      const all = this.stored();
      for (const [id, list] of taken) {
        let entry = current(all[id], now);
        for (const p of list) entry = add(entry, p.at, p.n, now);
        all[id] = entry;
      }
      try {
        await this.store.update(METER_STATE_KEY, all);
      } catch {
        // keep them for the next flush
        for (const [id, list] of taken) this.pending.set(id, [...list, ...(this.pending.get(id) ?? [])]);
      }
    });
    return this.flushing;
  }

  /** Forgets a removed connection's counts. */
  async forget(connectionId: string): Promise<void> {
    await this.flush();
    const all = this.stored();
    if (!(connectionId in all)) return;
    delete all[connectionId];
    await this.store.update(METER_STATE_KEY, all);
  }

  async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    await this.flush();
  }
}

/** Adds `n` calls made at `at` to an entry already rolled forward to `now` (calls of an earlier day or month only count there). */
function add(entry: MeterEntry, at: Date, n: number, now: Date): MeterEntry {
  const sameMonth = monthOf(at) === monthOf(now);
  const sameDay = dayOf(at) === dayOf(now);
  return { ...entry, today: entry.today + (sameDay ? n : 0), month: entry.month + (sameMonth ? n : 0) };
}

/** What a job of `calls` requests costs against a monthly allowance. */
export interface BudgetCheck {
  calls: number;
  /** Calls already made this month. */
  used: number;
  allowance?: number;
  /** Calls left this month before this job (never below 0); undefined without an allowance. */
  left?: number;
  /** Share of what is left that the job uses (0..∞); undefined without an allowance. */
  shareOfLeft?: number;
  /** True when the job goes over the allowance or uses more than the threshold share of what is left. */
  needsConfirmation: boolean;
}

/**
 * @param allowance monthly allowance of the instance (0 or undefined: not set — nothing to ask)
 * @param thresholdPercent ask when the job uses more than this share (in %) of the calls left this month
 */
export function checkBudget(calls: number, used: number, allowance: number | undefined, thresholdPercent: number): BudgetCheck {
  if (!allowance || !(allowance > 0)) return { calls, used, needsConfirmation: false };
  const left = Math.max(0, allowance - used);
  const shareOfLeft = left > 0 ? calls / left : calls > 0 ? Infinity : 0;
  const over = used + calls > allowance;
  const needsConfirmation = calls > 0 && (over || shareOfLeft * 100 > Math.max(0, thresholdPercent));
  return { calls, used, allowance, left, shareOfLeft, needsConfirmation };
}
