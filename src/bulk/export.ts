/**
 * Streamed export: users are read a page at a time (`limit` up to 1,000, Looker's cap for one search page) and each
 * page is written to the file before the next is read, so an export of 100,000 users holds one page in memory, not
 * the whole instance. No `vscode` import (the benchmark and the unit tests use it directly).
 */
import * as fs from 'fs';
import type { IUser } from '@looker/sdk';
import type { Page } from '../looker/client';
import { csvCell, pickPaths, valueAt } from './csv';

/** Users per request for reads nobody waits to see page by page (Looker's maximum `limit`). */
export const BATCH_LIMIT = 1000;

export type ExportFormat = 'csv' | 'json';

/**
 * Every page of a paged search, in order, until a short page or the reported total. `fetch` gets offset and limit;
 * the search must be sorted on a stable key (e.g. `id`) so that pages neither skip nor repeat users.
 */
export async function* pages(
  fetch: (offset: number, limit: number) => Promise<Page<IUser>>,
  limit = BATCH_LIMIT,
  signal?: AbortSignal,
): AsyncGenerator<IUser[]> {
  for (let offset = 0; ; offset += limit) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const page = await fetch(offset, limit);
    if (page.items.length) yield page.items;
    const seen = offset + page.items.length;
    if (page.items.length < limit || (page.total !== undefined && seen >= page.total)) return;
  }
}

/** Explicit id lists, `perRequest` ids at a time (each chunk one `all_users?ids=` call, or a few for long ids). */
export async function* idChunks(ids: string[], read: (ids: string[]) => Promise<IUser[]>, perRequest = BATCH_LIMIT): AsyncGenerator<IUser[]> {
  for (let i = 0; i < ids.length; i += perRequest) yield await read(ids.slice(i, i + perRequest));
}

function csvRow(user: IUser, paths: string[]): string {
  return paths.map((p) => csvCell(valueAt(user, p))).join(',');
}

/**
 * Writes users page by page to `file` (created or replaced) as CSV (header row, CRLF) or a JSON array, waiting for
 * the disk when the stream's buffer is full. Returns the number of users written. On an error the partial file is
 * removed, so a failed export never looks like a complete one.
 */
export async function writeUsers(file: string, source: AsyncIterable<IUser[]>, paths: string[], format: ExportFormat, signal?: AbortSignal): Promise<number> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let failed: Error | undefined;
  out.on('error', (e) => (failed = e));
  const write = async (text: string): Promise<void> => {
    if (failed) throw failed;
    if (!out.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => { out.off('error', onError); resolve(); };
        const onError = (e: Error) => { out.off('drain', onDrain); reject(e); };
        out.once('drain', onDrain);
        out.once('error', onError);
      });
    }
  };
  let n = 0;
  try {
    await write(format === 'csv' ? paths.map(csvCell).join(',') + '\r\n' : '[');
    for await (const users of source) {
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      let chunk = '';
      for (const u of users) {
        chunk += format === 'csv' ? csvRow(u, paths) + '\r\n' : `${n ? ',' : ''}\n  ${JSON.stringify(pickPaths(u, paths))}`;
        n++;
      }
      await write(chunk);
    }
    if (format === 'json') await write(n ? '\n]\n' : ']\n');
    await new Promise<void>((resolve, reject) => {
      if (failed) return reject(failed);
      out.end(() => (failed ? reject(failed) : resolve()));
    });
    return n;
  } catch (e) {
    out.destroy();
    await fs.promises.rm(file, { force: true }).catch(() => undefined);
    throw e;
  }
}
