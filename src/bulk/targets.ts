/**
 * Which users a bulk command acts on: the tree's (multi-)selection, or a whole group or search result read page by
 * page. Command arguments only say which tree items were clicked.
 */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ConnectionManager } from '../connections/manager';
import { LookerApiError } from '../looker/errors';
import { GroupNode } from '../users/nodes';
import { targetUsers } from '../users/commands';
import { BATCH_LIMIT } from './export';
import { PLAN_USER_FIELDS } from './plan';
import type { BulkParams } from '../actions/types';

/**
 * How a bulk job is started from code (the test handle, Undo): explicit users and parameters. Never reachable from a
 * command's arguments, and it always goes through the dry run and the preview.
 */
export interface BulkRequest {
  userIds: string[];
  params?: BulkParams;
  /** The users already read with PLAN_USER_FIELDS (a whole group): the dry run reads them no second time. */
  users?: IUser[];
  /** The connection the users belong to (a details panel's); the active connection when absent. */
  connectionId?: string;
}

/** A group node of the Users tree. */
export function asGroup(v: unknown): GroupNode | undefined {
  return v instanceof GroupNode ? v : undefined;
}

/** The ids of the users a command acts on (see `targetUsers`: multi-selection, else clicked item, else the view's). */
export function selectedUserIds(clicked: unknown, selected: unknown, view?: vscode.TreeView<unknown>): string[] {
  return targetUsers(clicked, selected, view).map((n) => n.id);
}

/**
 * A command's target: a whole group (all pages, read with the dry run's fields in pages of 1,000 where the group is
 * a server-side search, so planning costs ⌈N / 1000⌉ calls), or the tree's (multi-)selection.
 */
export async function resolveTargets(manager: ConnectionManager, view: vscode.TreeView<unknown> | undefined, clicked: unknown, selected: unknown): Promise<BulkRequest> {
  const group = asGroup(clicked);
  if (!group) return { userIds: selectedUserIds(clicked, selected, view) };
  if (!group.narrowable) return { userIds: (await allOfGroup(manager, group)).map((u) => String(u.id)) };
  const users = await allOfGroup(manager, group, PLAN_USER_FIELDS);
  return { userIds: users.map((u) => String(u.id)), users };
}

/**
 * Every user of a group or search result, all pages, with cancellable progress. With `fields`, a narrowable group
 * is read with them directly; another is read with the tree's fields, then again by id with `fields`.
 */
export async function allOfGroup(manager: ConnectionManager, group: GroupNode, fields?: string): Promise<IUser[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0}', group.label), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const out: IUser[] = [];
      // A read nobody pages through by hand: Looker's largest page.
      const limit = BATCH_LIMIT;
      const direct = fields !== undefined && group.narrowable;
      for (let offset = 0; ; ) {
        if (abort.signal.aborted) throw new LookerApiError({ kind: 'cancelled', message: 'Cancelled.' });
        const page = await group.fetcher(offset, limit, abort.signal, direct ? fields : undefined);
        out.push(...page.items);
        offset += page.items.length;
        progress.report({ message: page.total !== undefined ? vscode.l10n.t('{0} of {1}', out.length, page.total) : String(out.length) });
        if (page.items.length < limit || (page.total !== undefined && offset >= page.total)) break;
      }
      if (!fields || direct) return out;
      const client = manager.client();
      return client ? client.allUsers(out.map((u) => String(u.id)), fields, abort.signal) : out;
    },
  );
}
