/**
 * Per-connection TLS settings for the global `fetch` (undici) without bundling undici and without touching
 * `NODE_TLS_REJECT_UNAUTHORIZED`: Node's built-in undici `Agent` class is the constructor of the global dispatcher,
 * which exists once `fetch` has been used once (SDK-NOTES.md §9). A `data:` fetch initialises it without any I/O.
 */

/** The part of an undici dispatcher we use. */
export interface Dispatcher {
  dispatch(...args: unknown[]): unknown;
  close?(): Promise<void>;
  destroy?(): Promise<void>;
}

type DispatcherCtor = new (options: { connect: { rejectUnauthorized: boolean } }) => Dispatcher;

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

async function agentClass(): Promise<DispatcherCtor | undefined> {
  const g = globalThis as unknown as Record<symbol, unknown>;
  if (!g[GLOBAL_DISPATCHER]) {
    try {
      await (await fetch('data:,')).text();
    } catch {
      // ignored: checked below
    }
  }
  const current = g[GLOBAL_DISPATCHER] as { constructor?: unknown } | undefined;
  const ctor = current?.constructor;
  return typeof ctor === 'function' ? (ctor as DispatcherCtor) : undefined;
}

/**
 * A dispatcher that skips certificate verification, for one connection only. Throws when the runtime offers no
 * way to do that (the caller reports it as a configuration problem).
 */
export async function createInsecureDispatcher(): Promise<Dispatcher> {
  const Ctor = await agentClass();
  if (!Ctor) throw new Error('This runtime offers no per-connection TLS setting for fetch.');
  const d = new Ctor({ connect: { rejectUnauthorized: false } });
  if (typeof d.dispatch !== 'function') throw new Error('The global fetch dispatcher is not an undici Agent.');
  return d;
}

/** Closes a dispatcher in the background; never throws. */
export function closeDispatcher(d: Dispatcher | undefined): void {
  if (!d) return;
  try {
    const p = d.close?.() ?? d.destroy?.();
    if (p && typeof (p as Promise<void>).catch === 'function') (p as Promise<void>).catch(() => undefined);
  } catch {
    // ignored
  }
}
