/**
 * Export Users…: which users (the selection, the search's results, a group, everyone), fields from the allow-list,
 * CSV or JSON, then the save dialog; written page by page.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { saveDialog } from '../commands/prompt';
import { fieldLabel } from '../format/labels';
import { userCount } from '../util/plural';
import { EXPORT_FIELDS, apiFields, usersToCsv, usersToJson } from './csv';
import { BATCH_LIMIT, idChunks, pages, writeUsers } from './export';
import { pickExportTarget, type ExportTarget } from './exportTarget';
import type { BulkDeps } from './jobFlow';
import { defaultDir } from './report';
import { allOfGroup, asGroup, selectedUserIds } from './targets';

/** What an internal caller (the test handle) may set: fields (from the allow-list too) and format. Never the file. */
export interface ExportRequest {
  fields?: string[];
  format?: 'csv' | 'json';
}

/**
 * Export Users…: fields picked from the allow-list, then the save dialog (always: no caller names the file). `opts`
 * comes only from internal callers (the test handle), never from the command's arguments; its fields must be on the
 * allow-list too.
 */
export async function exportUsers(deps: BulkDeps, clicked?: unknown, selected?: unknown, opts: ExportRequest = {}): Promise<vscode.Uri | undefined> {
  const { manager, tree, view, log } = deps;
  const allowed = new Set(EXPORT_FIELDS.map((f) => f.path));
  const refused = (opts.fields ?? []).filter((f) => !allowed.has(f));
  if (refused.length) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('These fields cannot be exported: {0}.', refused.join(', ')) });
  // An internal caller with fields and a group or users: export those. Otherwise (palette, title bar, a group's
  // context menu) ask which users, the clicked group first.
  let target: ExportTarget | undefined;
  const scriptedGroup = opts.fields ? asGroup(clicked) : undefined;
  const scriptedIds = opts.fields && !scriptedGroup && (clicked !== undefined || selected !== undefined) ? selectedUserIds(clicked, selected) : [];
  if (scriptedGroup) target = { label: vscode.l10n.t('group "{0}"', scriptedGroup.label), groups: [scriptedGroup] };
  else if (scriptedIds.length) target = { label: vscode.l10n.t('the selected users'), ids: scriptedIds };
  else {
    manager.requireClient();
    target = await pickExportTarget(clicked, manager, tree, view);
  }
  if (!target) return undefined;
  let paths = opts.fields;
  if (!paths) {
    const picks = await vscode.window.showQuickPick(
      EXPORT_FIELDS.map((f) => ({ label: fieldLabel(f.path), description: f.path, path: f.path, picked: f.picked })),
      { canPickMany: true, placeHolder: vscode.l10n.t('Fields to export'), matchOnDescription: true, ignoreFocusOut: true },
    );
    if (!picks?.length) return undefined;
    paths = picks.map((p) => p.path);
  }
  let format = opts.format;
  if (!format) {
    const f = await vscode.window.showQuickPick([{ label: 'CSV', format: 'csv' as const }, { label: 'JSON', format: 'json' as const }], { placeHolder: vscode.l10n.t('Format'), ignoreFocusOut: true });
    if (!f) return undefined;
    format = f.format;
  }
  const fields = apiFields(['id', ...paths]);
  const client = manager.client();
  if (!client) return undefined;
  const uri = await saveDialog({
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    defaultUri: vscode.Uri.file(path.join(defaultDir(), `looker-users.${format}`)),
  });
  if (!uri) return undefined;
  const count = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting {0}', target.label), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let written = 0;
      const source = counted(exportPages(manager, client, target, fields, abort.signal), (n) => {
        written += n;
        progress.report({ message: written.toLocaleString() });
      });
      // Written page by page (Looker's pages of 1,000): an export of 100,000 users holds one page in memory.
      if (uri.scheme === 'file') return writeUsers(uri.fsPath, source, paths, format, abort.signal);
      const all: IUser[] = [];
      for await (const page of source) all.push(...page);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(format === 'csv' ? usersToCsv(all, paths) : usersToJson(all, paths), 'utf8'));
      return all.length;
    },
  );
  log.info(`Export: ${count} user(s) of ${target.label} on ${manager.active()?.name ?? '?'} as ${format.toUpperCase()} (${paths.join(', ')}) to ${uri.fsPath}`);
  const open = vscode.l10n.t('Open');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Exported {0} ({1}) to {2}.', userCount(count), target.label, path.basename(uri.fsPath)), open)
    .then((p) => {
      if (p === open) void vscode.window.showTextDocument(uri);
    });
  return uri;
}

/**
 * The pages an export writes, each user once: a server-side group in pages of 1,000 read with the export's fields;
 * another group (smart, pinned) by its ids, up to 1,000 a request; explicit ids likewise.
 */
async function* exportPages(manager: BulkDeps['manager'], client: LookerClient, target: ExportTarget, fields: string, signal: AbortSignal): AsyncGenerator<IUser[]> {
  const seen = new Set<string>();
  const fresh = (users: IUser[]) => users.filter((u) => (seen.has(String(u.id)) ? false : (seen.add(String(u.id)), true)));
  for (const g of target.groups ?? []) {
    if (g.narrowable) {
      for await (const page of pages((offset, limit) => g.fetcher(offset, limit, signal, fields), BATCH_LIMIT, signal)) yield fresh(page);
    } else {
      const ids = fresh(await allOfGroup(manager, g)).map((u) => String(u.id));
      for (const id of ids) seen.delete(id);
      for await (const chunk of idChunks(ids, (x) => client.allUsers(x, fields, signal))) yield fresh(chunk);
    }
  }
  if (target.ids) for await (const chunk of idChunks(target.ids, (x) => client.allUsers(x, fields, signal))) yield fresh(chunk);
}

/** The pages of `source`, telling `onPage` how many users each held. */
async function* counted(source: AsyncIterable<IUser[]>, onPage: (n: number) => void): AsyncGenerator<IUser[]> {
  for await (const page of source) {
    onPage(page.length);
    yield page;
  }
}
