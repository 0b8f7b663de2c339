/**
 * The one promise cache: callers asking for the same key while it loads share one load; a load that fails is
 * forgotten (the next call tries again); an entry older than `ttlMs` is loaded again.
 */
export class PromiseCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value of `key`, else `load()`'s (kept unless it rejects). `force` loads again. */
  get(key: string, load: () => Promise<V>, force = false): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && !force && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.set(key, value);
    return value;
  }

  /** Keeps `value` for `key` (a value known without loading, or a load started elsewhere). */
  set(key: string, value: Promise<V>): void {
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
