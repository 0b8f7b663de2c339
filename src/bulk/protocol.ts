/** Messages between the bulk preview webview (media/bulk.ts) and the extension (src/bulk/preview.ts). */

export interface PreviewRow {
  userId: string;
  label: string;
  kind: 'change' | 'skip' | 'impossible';
  /** "is_disabled: false → true", or the reason of a skip / impossible. */
  detail: string;
}

export interface PreviewData {
  title: string;
  /** e.g. "Disable" — the confirm button's label. */
  confirmLabel: string;
  counts: { change: number; skip: number; impossible: number };
  rows: PreviewRow[];
  /** Localised strings of the page. */
  strings: {
    change: string;
    skip: string;
    impossible: string;
    cancel: string;
    filter: string;
    nothing: string;
    user: string;
    what: string;
  };
  /** Lines shown under the counts: the API calls the job will cost, cheaper routes. */
  notes?: string[];
  /** A warning shown above the list, e.g. for a group managed outside Looker. */
  warning?: string;
  /** Typed confirmation (Delete): the exact text the user must type, else undefined. */
  typeToConfirm?: string;
  typePrompt?: string;
  /** A second way on (Delete: "Reassign Schedules First…"): its button's label, else undefined. */
  extraLabel?: string;
}

export type HostToPage = { type: 'show'; data: PreviewData };

export type PageToHost = { type: 'ready' } | { type: 'confirm'; typed?: string } | { type: 'cancel' } | { type: 'extra' };

/** Validates a message from the page (it is untrusted input). */
export function parsePageMessage(m: unknown): PageToHost | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'ready' || o.type === 'cancel' || o.type === 'extra') return { type: o.type };
  if (o.type === 'confirm') {
    if (o.typed !== undefined && typeof o.typed !== 'string') return undefined;
    return o.typed === undefined ? { type: 'confirm' } : { type: 'confirm', typed: o.typed.slice(0, 200) };
  }
  return undefined;
}
