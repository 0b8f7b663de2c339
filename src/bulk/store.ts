/** Bulk jobs on disk: one JSON file per job, written atomically (temp file + rename). No `vscode` import. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { jobCounts, type BulkJob } from './types';
import { isBulkAction } from '../actions/types';

let tmpCounter = 0;

/** Writes `text` to `file` so that a reader sees the old or the new content, never a torn one. */
async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await fs.writeFile(tmp, text, 'utf8');
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

function isJob(v: unknown): v is BulkJob {
  if (!v || typeof v !== 'object') return false;
  const j = v as BulkJob;
  return (
    typeof j.id === 'string' &&
    typeof j.connectionId === 'string' &&
    isBulkAction(j.action) &&
    Array.isArray(j.userIds) &&
    j.userIds.every((u) => typeof u === 'string') &&
    !!j.state &&
    typeof j.state === 'object' &&
    !!j.params &&
    typeof j.params === 'object'
  );
}

/** A job lock whose heartbeat is older than this belongs to a window that is gone: it may be taken over. */
export const STALE_LOCK_MS = 60_000;
/** How often a running job renews its lock. */
export const HEARTBEAT_MS = 10_000;

export class JobStore {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private lockFile(id: string): string {
    return this.file(id).replace(/\.json$/, '.lock');
  }

  /**
   * Takes the job for `owner` (a window): an exclusive lock file next to the job, renewed by {@link heartbeat}. False
   * when another window holds it and its heartbeat is fresh, so two windows never run the same job.
   */
  async claim(id: string, owner: string): Promise<boolean> {
    const lock = this.lockFile(id);
    await fs.mkdir(this.dir, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(lock, owner, { encoding: 'utf8', flag: 'wx' });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = await this.holder(id);
      if (held?.owner === owner) {
        await this.heartbeat(id);
        return true;
      }
      if (held && this.now() - held.heartbeat < STALE_LOCK_MS) return false;
      await fs.rm(lock, { force: true }); // a window that stopped without releasing: take over
    }
    return false;
  }

  /** Who holds the job's lock and when it last renewed it, or undefined when nobody does. */
  async holder(id: string): Promise<{ owner: string; heartbeat: number } | undefined> {
    try {
      const lock = this.lockFile(id);
      const [owner, stat] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
      return { owner, heartbeat: stat.mtimeMs };
    } catch {
      return undefined;
    }
  }

  /** True when another window runs the job now (a fresh lock that is not `owner`'s). */
  async heldElsewhere(id: string, owner: string): Promise<boolean> {
    const h = await this.holder(id);
    return !!h && h.owner !== owner && this.now() - h.heartbeat < STALE_LOCK_MS;
  }

  async heartbeat(id: string): Promise<void> {
    const t = new Date(this.now());
    await fs.utimes(this.lockFile(id), t, t).catch(() => undefined);
  }

  /** Gives the job up (only `owner`'s own lock is removed). */
  async release(id: string, owner: string): Promise<void> {
    if ((await this.holder(id))?.owner === owner) await fs.rm(this.lockFile(id), { force: true });
  }

  private file(id: string): string {
    if (!/^[\w-]+$/.test(id)) throw new Error(`Invalid job id: ${id}`);
    return path.join(this.dir, `${id}.json`);
  }

  /** Saves the job; the JSON is taken synchronously, before the first await (the runner relies on it). */
  save(job: BulkJob): Promise<void> {
    // A hidden user attribute value never reaches the disk (resume then asks for it again).
    const text = JSON.stringify(job.params.attributeHidden && job.params.value !== undefined ? { ...job, params: { ...job.params, value: undefined } } : job);
    let file: string;
    try {
      file = this.file(job.id);
    } catch (err) {
      return Promise.reject(err);
    }
    return fs.mkdir(this.dir, { recursive: true }).then(() => writeFileAtomic(file, text));
  }

  async load(id: string): Promise<BulkJob | undefined> {
    try {
      const v: unknown = JSON.parse(await fs.readFile(this.file(id), 'utf8'));
      return isJob(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async list(): Promise<BulkJob[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const jobs: BulkJob[] = [];
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const j = await this.load(n.slice(0, -5));
      if (j) jobs.push(j);
    }
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Jobs that still have pending users (cancelled or interrupted), except those another window is running. */
  async unfinished(owner?: string): Promise<BulkJob[]> {
    const out: BulkJob[] = [];
    for (const j of await this.list()) {
      if (jobCounts(j).pending === 0) continue;
      if (owner !== undefined && (await this.heldElsewhere(j.id, owner))) continue;
      out.push(j);
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.file(id), { force: true });
  }
}
