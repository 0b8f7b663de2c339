/** A bulk job's persisted state: who is pending, done, skipped or failed, and the counts. No `vscode` import. */
import type { BulkAction, BulkParams, FieldValues } from '../actions/types';

export type UserStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface UserState {
  status: UserStatus;
  /** Why it was skipped or failed (the Looker message for failures). */
  message?: string;
  before?: FieldValues;
  after?: FieldValues;
  /** A display label (name <email>) for previews and reports. */
  label?: string;
  /** Attempts made (transient failures included). */
  attempts?: number;
  /** An earlier attempt may have reached Looker: the next one re-reads state before writing again. */
  recheck?: boolean;
}

export interface BulkJob {
  id: string;
  connectionId: string;
  action: BulkAction;
  params: BulkParams;
  /** Every user of the job, in order. */
  userIds: string[];
  createdAt: string;
  /** Per-user state; a missing entry means pending. */
  state: Record<string, UserState>;
  /** Set when the job was created to undo another job. */
  undoOf?: string;
  /** The instance the job was planned on (connection, base URL and host, API user, release): resume refuses another. */
  instance?: { id: string; name: string; url: string; host?: string; apiUserId?: string; release?: string };
  finishedAt?: string;
}

export interface JobCounts {
  total: number;
  pending: number;
  done: number;
  skipped: number;
  failed: number;
}

export function jobCounts(job: BulkJob): JobCounts {
  const c: JobCounts = { total: job.userIds.length, pending: 0, done: 0, skipped: 0, failed: 0 };
  for (const id of job.userIds) {
    const s = job.state[id]?.status ?? 'pending';
    if (s === 'pending' || s === 'running') c.pending++;
    else c[s]++;
  }
  return c;
}

/** A new job id: time-ordered and unique enough for one machine. */
export function newJobId(now = Date.now()): string {
  return `${new Date(now).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;
}
