/** Bulk jobs on disk: one JSON file per job, written atomically (temp file + rename). No `vscode` import. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { isBulkAction, jobCounts, type BulkJob } from './types';

let tmpCounter = 0;

/** Writes `text` to `file` so that a reader sees the old or the new content, never a torn one. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
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

export class JobStore {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    if (!/^[\w-]+$/.test(id)) throw new Error(`Invalid job id: ${id}`);
    return path.join(this.dir, `${id}.json`);
  }

  /** Saves the job; the JSON is taken synchronously, before the first await (the runner relies on it). */
  save(job: BulkJob): Promise<void> {
    const text = JSON.stringify(job);
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

  /** Jobs that still have pending users (cancelled or interrupted). */
  async unfinished(): Promise<BulkJob[]> {
    return (await this.list()).filter((j) => jobCounts(j).pending > 0);
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.file(id), { force: true });
  }
}
