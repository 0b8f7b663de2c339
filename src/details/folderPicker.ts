/** The home folder picker of the details panel: a quick pick that searches folders by name as you type. */
import * as vscode from 'vscode';
import { describeError } from '../commands/errors';
import type { LookerClient } from '../looker/client';

export interface PickedFolder {
  id: string;
  name: string;
}

/**
 * Shows the picker (search_folders, 50 at most, sorted by name; an empty box lists the first ones) and resolves with
 * the accepted folder, or undefined when it was dismissed. A failed search shows as an item, naming the connection.
 */
export async function pickFolder(client: LookerClient, userName: string, connectionName: string): Promise<PickedFolder | undefined> {
  type Item = vscode.QuickPickItem & { id: string };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = vscode.l10n.t('Home folder of {0}', userName);
  qp.placeholder = vscode.l10n.t('Type part of a folder name');
  qp.matchOnDescription = true;
  let seq = 0;
  const search = async (text: string) => {
    const mine = ++seq;
    qp.busy = true;
    try {
      const pattern = text.trim() ? `%${text.trim()}%` : undefined;
      const found = await client.searchFolders({ name: pattern, fields: 'id,name,parent_id,is_personal,is_shared_root', sorts: 'name', limit: 50 });
      if (mine !== seq) return;
      qp.items = found
        .filter((f) => f.id)
        .map((f) => ({
          label: f.name ?? String(f.id),
          description: f.is_personal ? vscode.l10n.t('personal folder · ID {0}', String(f.id)) : vscode.l10n.t('ID {0}', String(f.id)),
          id: String(f.id),
          alwaysShow: true,
        }));
    } catch (err) {
      if (mine === seq) qp.items = [{ label: `$(error) ${describeError(err, undefined, connectionName)}`, id: '', alwaysShow: true }];
    } finally {
      if (mine === seq) qp.busy = false;
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const picked = await new Promise<Item | undefined>((resolve) => {
    qp.onDidChangeValue((v) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void search(v), 250);
    });
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (item?.id) {
        resolve(item);
        qp.hide();
      }
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
    void search('');
  });
  if (timer) clearTimeout(timer);
  qp.dispose();
  return picked ? { id: picked.id, name: picked.label } : undefined;
}
