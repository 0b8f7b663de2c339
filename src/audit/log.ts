/**
 * The audit log (plain Node, no `vscode`): one JSON line per change the extension made — time, connection, API user,
 * action, user id, before → after of the changed fields. Secrets, tokens and reset/setup URLs are never written.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { inverseOf, restoreOf } from '../actions/table';
import { hostOf } from '../util/urls';

export type AuditValues = Record<string, unknown>;

/**
 * The instance a change was made on: the connection, its base URL (host) at the time, the API user and the Looker
 * release. Undo and Resume refuse when the connection now points at another host.
 */
export interface AuditConnection {
  id: string;
  name: string;
  url: string;
  host?: string;
  /** The API user's Looker user id. */
  apiUserId?: string;
  /** The Looker release the instance reported (e.g. "24.20.12"), when known. */
  release?: string;
}

/** Who was changed, as they were named when the change was made (a deleted user can still be told). */
export interface AuditUser {
  name?: string;
  email?: string;
}

/** What callers pass to {@link AuditLog.record}. */
export interface AuditInput {
  connection: AuditConnection;
  /** The API user's name or id (never its client secret). */
  apiUser: string;
  /**
   * A bulk action name (`disable`, `addToGroup`, …) or a single edit: `updateUser` (PATCH /users/{id}),
   * `updateCredentialsEmail` (PATCH …/credentials_email), or any other verb a caller chooses.
   */
  action: string;
  userId: string;
  /** The changed user's name and email at the time. */
  user?: AuditUser;
  before?: AuditValues;
  after?: AuditValues;
  /** The bulk job this change belongs to. */
  jobId?: string;
  /** Parameters needed to reverse it (group or role id). */
  params?: {
    groupId?: string;
    roleId?: string;
    groupName?: string;
    roleName?: string;
    /** Reassigned schedules: the other owner, and this user's schedules that moved (owner id → schedule ids). */
    toUserId?: string;
    toUserName?: string;
    schedules?: Record<string, string[]>;
  };
  /** The job id or entry id this change undoes. */
  undoOf?: string;
}

export interface AuditEntry extends AuditInput {
  id: string;
  time: string;
}

const SECRET_KEY = /secret|token|passw(or)?d$|^password$|_url$|^url$|api_?key|otp|credential_?id/i;
const SECRET_VALUE = /^https?:\/\/\S*(reset|setup|token|secret)/i;

/** Copies `values` without secret-looking keys or reset/setup URLs (nested objects included). */
export function scrub(values: AuditValues | undefined): AuditValues | undefined {
  if (!values) return undefined;
  const out: AuditValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (SECRET_KEY.test(k)) continue;
    if (typeof v === 'string' && SECRET_VALUE.test(v)) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = scrub(v as AuditValues);
    else out[k] = v;
  }
  return out;
}

let counter = 0;


/** Splits a plan/report label "Name <email>" into its parts. */
export function userOfLabel(label: string | undefined): AuditUser | undefined {
  if (!label || /^#\S+$/.test(label)) return undefined;
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(label);
  if (m) return { name: m[1] || undefined, email: m[2] };
  return label.includes('@') ? { email: label } : { name: label };
}

export class AuditLog {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(entry: AuditEntry) => void>();

  constructor(
    readonly file: string,
    private readonly onError?: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends one line; resolves with the entry as written. Writes are serialised, so lines never interleave. */
  record(input: AuditInput): Promise<AuditEntry> {
    const t = this.now();
    const entry: AuditEntry = {
      id: `${t.toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      time: new Date(t).toISOString(),
      connection: { id: input.connection.id, name: input.connection.name, url: input.connection.url, host: input.connection.host ?? hostOf(input.connection.url) },
      apiUser: input.apiUser,
      action: input.action,
      userId: String(input.userId),
    };
    if (input.connection.apiUserId) entry.connection.apiUserId = input.connection.apiUserId;
    if (input.connection.release) entry.connection.release = input.connection.release;
    if (input.user && (input.user.name || input.user.email)) entry.user = { name: input.user.name || undefined, email: input.user.email || undefined };
    const before = scrub(input.before);
    const after = scrub(input.after);
    if (before) entry.before = before;
    if (after) entry.after = after;
    if (input.jobId) entry.jobId = input.jobId;
    if (input.params) entry.params = { ...input.params };
    if (input.undoOf) entry.undoOf = input.undoOf;
    const line = JSON.stringify(entry) + '\n';
    const write = this.chain.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, line, 'utf8');
    });
    this.chain = write.catch(() => undefined);
    return write.then(
      () => {
        for (const l of this.listeners) {
          try {
            l(entry);
          } catch {
            // a listener's failure is not the write's
          }
        }
        return entry;
      },
      (err) => {
        this.onError?.(err);
        throw err;
      },
    );
  }

  /** Called after each entry is written. */
  onDidRecord(listener: (entry: AuditEntry) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Waits for pending writes. */
  flush(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** All entries, oldest first; unreadable lines are skipped. */
  async read(): Promise<AuditEntry[]> {
    await this.flush();
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const v = JSON.parse(line) as AuditEntry;
        if (v && typeof v.id === 'string' && typeof v.action === 'string' && typeof v.userId === 'string') out.push(v);
      } catch {
        // a torn or edited line
      }
    }
    return out;
  }
}

/** How to reverse one entry: a bulk action on the same user, or a PATCH writing the `before` values back. */
export type UndoStep =
  | { kind: 'action'; action: string; userId: string; params?: AuditEntry['params'] }
  | { kind: 'patchUser'; userId: string; body: AuditValues }
  | { kind: 'patchCredentialsEmail'; userId: string; body: AuditValues };

function pick(values: AuditValues | undefined, keys: readonly string[]): AuditValues | undefined {
  if (!values) return undefined;
  const out: AuditValues = {};
  for (const k of keys) if (k in values) out[k] = values[k];
  return Object.keys(out).length ? out : undefined;
}

/**
 * The undo of one entry, from the write table: its inverse kind, or the `before` values written back (a field edit);
 * undefined when it cannot be reversed (delete, sent email, ended sessions…).
 */
export function undoStep(e: AuditEntry): UndoStep | undefined {
  const inverse = inverseOf(e.action);
  if (inverse) return { kind: 'action', action: inverse, userId: e.userId, params: e.params };
  const restore = restoreOf(e.action);
  const body = restore && pick(e.before, restore.fields);
  if (!restore || !body) return undefined;
  return { kind: restore.via === 'user' ? 'patchUser' : 'patchCredentialsEmail', userId: e.userId, body };
}

export interface UndoableJob {
  jobId: string;
  action: string;
  inverse: string;
  connectionId: string;
  /** The base URL the job ran against. */
  url: string;
  time: string;
  userIds: string[];
  params?: AuditEntry['params'];
}

/**
 * Bulk jobs in the log that can be undone, newest first: reversible action, and not already undone (an entry
 * whose `undoOf` names the job).
 */
export function undoableJobs(entries: AuditEntry[]): UndoableJob[] {
  const undone = new Set(entries.map((e) => e.undoOf).filter((x): x is string => !!x));
  const jobs = new Map<string, UndoableJob>();
  for (const e of entries) {
    const inverse = inverseOf(e.action);
    if (!e.jobId || undone.has(e.jobId) || !inverse) continue;
    let j = jobs.get(e.jobId);
    if (!j) {
      j = { jobId: e.jobId, action: e.action, inverse, connectionId: e.connection.id, url: e.connection.url, time: e.time, userIds: [], params: e.params };
      jobs.set(e.jobId, j);
    }
    if (!j.userIds.includes(e.userId)) j.userIds.push(e.userId);
    // Reassigned schedules: each entry names its own user's schedules; the undo job needs them all.
    if (e.params?.schedules) j.params = { ...j.params, schedules: { ...j.params?.schedules, ...e.params.schedules } };
  }
  return [...jobs.values()].sort((a, b) => b.time.localeCompare(a.time));
}

/**
 * Single entries that can be undone, newest first: those outside a job, and field edits (a job of one from the
 * details panel, a login email change) whose `before` values are written back.
 */
export function undoableEntries(entries: AuditEntry[]): AuditEntry[] {
  const undone = new Set(entries.map((e) => e.undoOf).filter((x): x is string => !!x));
  return entries
    .filter((e) => {
      if (undone.has(e.id)) return false;
      const step = undoStep(e);
      return !!step && (!e.jobId || step.kind !== 'action');
    })
    .reverse();
}
