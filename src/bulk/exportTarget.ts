import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/manager';
import type { UsersTreeProvider } from '../users/tree';
import { GroupNode } from '../users/nodes';
import { targetUsers } from '../users/commands';
import { userCount } from '../util/plural';

/** Which users an export covers: the users of some groups (all pages), or a list of ids; `label` says which. */
export interface ExportTarget {
  label: string;
  groups?: GroupNode[];
  ids?: string[];
}

type Item = vscode.QuickPickItem & { target?: ExportTarget };

function countText(n: number | undefined): string | undefined {
  return n === undefined ? undefined : userCount(n);
}

/**
 * Asks which users to export: the selection in the view, the current search's results, one of the view's groups, or
 * everyone on the active connection. The item the command was started on (a group's context menu) comes first.
 */
export async function pickExportTarget(
  clicked: unknown,
  manager: ConnectionManager,
  tree: UsersTreeProvider,
  view: vscode.TreeView<unknown> | undefined,
): Promise<ExportTarget | undefined> {
  const profile = manager.active();
  const client = manager.client();
  if (!profile || !client) return undefined;
  const items: Item[] = [];
  const selection = view ? targetUsers(undefined, undefined, view) : [];
  const groups = tree.groups();
  const clickedGroup = clicked instanceof GroupNode ? clicked : undefined;
  const groupItem = (g: GroupNode): Item => ({
    label: `$(${g.isStatus() ? 'folder' : 'filter'}) ${g.label}`,
    description: countText(g.total),
    target: { label: vscode.l10n.t('group "{0}"', g.label), groups: [g] },
  });
  if (clickedGroup) items.push(groupItem(clickedGroup));
  if (selection.length) {
    items.push({
      label: vscode.l10n.t('$(checklist) Selected users'),
      description: userCount(selection.length),
      detail: selection.slice(0, 5).map((n) => n.user.display_name ?? n.id).join(', ') + (selection.length > 5 ? ', …' : ''),
      target: { label: vscode.l10n.t('the selected users'), ids: selection.map((n) => n.id) },
    });
  }
  const query = tree.currentQuery;
  if (query) {
    const matched = groups.filter((g) => g.type.kind === 'results' || g.isStatus());
    const total = matched.every((g) => g.total !== undefined) ? matched.reduce((n, g) => n + (g.total ?? 0), 0) : undefined;
    items.push({
      label: vscode.l10n.t('$(search) Users matching the search'),
      description: [query.text, countText(total)].filter(Boolean).join(' · '),
      target: { label: vscode.l10n.t('users matching "{0}"', query.text), groups: matched },
    });
  }
  const others = groups.filter((g) => g !== clickedGroup && !(query && (g.type.kind === 'results' || g.isStatus())));
  if (others.length) items.push({ label: vscode.l10n.t('Groups'), kind: vscode.QuickPickItemKind.Separator });
  for (const g of others) items.push(groupItem(g));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  const everyone = new GroupNode(
    { kind: 'everyone' },
    vscode.l10n.t('Everyone'),
    (offset, limit, signal) => client.searchUsers({ sorts: 'id', fields: 'id', limit, offset }, signal),
    { lazy: true },
  );
  items.push({
    label: vscode.l10n.t('$(globe) Everyone'),
    description: vscode.l10n.t('all users on {0}', profile.name),
    target: { label: vscode.l10n.t('everyone on {0}', profile.name), groups: [everyone] },
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Export Users from {0}', profile.name),
    placeHolder: vscode.l10n.t('Export which users?'),
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return pick?.target;
}
