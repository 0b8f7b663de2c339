/**
 * What a bulk command asks for before its dry run: a group, a role, a user attribute (and its value), who takes
 * schedules over, a CSV file, and whether to go on without a CSV's bad rows.
 */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import type { Log } from '../log';
import { personName } from '../format/names';
import { checkAttributeValue, settablePerUser } from '../actions/attributeValues';
import type { BulkAction, BulkParams } from '../actions/types';

/**
 * The parameters `action` still needs (which group, role or attribute), asked for with `reader`'s lists; undefined
 * when the person cancels.
 */
export async function askParams(reader: LookerClient, action: BulkAction, given: BulkParams): Promise<BulkParams | undefined> {
  let params = given;
  if ((action === 'addToGroup' || action === 'removeFromGroup') && !params.groupId) {
    const p = await pickGroup(reader);
    if (!p) return undefined;
    params = { ...params, ...p };
  }
  if ((action === 'setUserAttribute' || action === 'clearUserAttribute') && !params.attributeId) {
    const p = await pickAttribute(reader, action);
    if (!p) return undefined;
    params = { ...params, ...p };
  }
  if ((action === 'addRole' || action === 'removeRole') && !params.roleId) {
    const p = await pickRole(reader);
    if (!p) return undefined;
    params = { ...params, ...p };
  }
  return params;
}

async function pickGroup(client: LookerClient): Promise<BulkParams | undefined> {
  const groups = await client.allGroups({ fields: 'id,name,externally_managed' });
  const pick = await vscode.window.showQuickPick(
    groups.map((g) => ({ label: g.name ?? String(g.id), description: g.externally_managed ? vscode.l10n.t('externally managed') : undefined, id: String(g.id) })),
    { placeHolder: vscode.l10n.t('Which group?'), matchOnDescription: true },
  );
  return pick ? { groupId: pick.id, groupName: pick.label } : undefined;
}

async function pickRole(client: LookerClient): Promise<BulkParams | undefined> {
  const roles = await client.allRoles('id,name');
  const pick = await vscode.window.showQuickPick(
    roles.map((r) => ({ label: r.name ?? String(r.id), id: String(r.id) })),
    { placeHolder: vscode.l10n.t('Which role?') },
  );
  return pick ? { roleId: pick.id, roleName: pick.label } : undefined;
}

/** Which attribute (only those an admin can set per user), and for Set the value, checked against its type. */
async function pickAttribute(client: LookerClient, action: BulkAction): Promise<BulkParams | undefined> {
  const attrs = (await client.allUserAttributes('id,name,label,type,is_system,user_can_edit,value_is_hidden')).filter(settablePerUser);
  const pick = await vscode.window.showQuickPick(
    attrs.map((a) => ({
      label: a.label || a.name || String(a.id),
      description: [a.name, a.type, a.value_is_hidden ? vscode.l10n.t('hidden value') : ''].filter(Boolean).join(' · '),
      attr: a,
    })),
    { placeHolder: vscode.l10n.t('Which user attribute?'), matchOnDescription: true },
  );
  if (!pick) return undefined;
  const a = pick.attr;
  const params: BulkParams = { attributeId: String(a.id), attributeName: a.name ?? String(a.id), attributeHidden: !!a.value_is_hidden };
  if (action === 'clearUserAttribute') return params;
  const value = await askAttributeValue(pick.label, a.type ?? 'string', !!a.value_is_hidden);
  return value === undefined ? undefined : { ...params, value };
}

/**
 * Asks for a user attribute value, checked against the attribute's type as it is typed; a hidden attribute's value
 * is typed like a password and never shown again.
 */
async function askAttributeValue(label: string, type: string, hidden: boolean): Promise<string | undefined> {
  const raw = await vscode.window.showInputBox({
    title: vscode.l10n.t('Value of {0} ({1})', label, type),
    prompt: hidden ? vscode.l10n.t('The value is hidden: it replaces the current one and is never shown or logged.') : undefined,
    value: '',
    password: hidden,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = checkAttributeValue(type, v, vscode.l10n);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (raw === undefined) return undefined;
  const r = checkAttributeValue(type, raw, vscode.l10n);
  return 'value' in r ? r.value : undefined;
}

/**
 * Who takes schedules over: enabled, non-embed users found by name or email as the admin types (the first page of
 * enabled users before that), never one of `exclude` (the users about to be deleted).
 */
export async function pickNewOwner(client: LookerClient, exclude: ReadonlySet<string>, log: Log): Promise<{ id: string; name: string } | undefined> {
  type Item = vscode.QuickPickItem & { id: string };
  const fields = 'id,first_name,last_name,display_name,email,credentials_email(email)';
  const toItems = (users: IUser[]): Item[] =>
    users.filter((u) => u.id && !exclude.has(String(u.id))).map((u) => ({ label: personName(u) || `#${u.id}`, description: u.email ?? u.credentials_email?.email ?? '', id: String(u.id) }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.placeholder = vscode.l10n.t('Who takes the schedules over? Type a name or email');
  qp.matchOnDescription = true;
  qp.busy = true;
  let seq = 0;
  const load = async (text: string) => {
    const mine = ++seq;
    qp.busy = true;
    try {
      const page = text.trim()
        ? await client.searchUsersNames(`%${text.trim()}%`, { is_disabled: false, fields, limit: 50 })
        : await client.searchUsers({ is_disabled: false, embed_user: false, sorts: 'last_name,first_name', fields, limit: 50 });
      if (mine === seq) qp.items = toItems(page.items);
    } catch (err) {
      if (mine === seq) qp.items = [];
      log.error('Looking up users failed', err);
    } finally {
      if (mine === seq) qp.busy = false;
    }
  };
  try {
    return await new Promise<{ id: string; name: string } | undefined>((resolve) => {
      qp.onDidChangeValue((v) => void load(v));
      qp.onDidAccept(() => {
        const pick = qp.selectedItems[0] ?? qp.activeItems[0];
        if (pick) resolve({ id: pick.id, name: pick.label });
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
      void load('');
    });
  } finally {
    qp.dispose();
  }
}

/** The text of a CSV file: the one given (a file the person dropped or the test handle), else one picked in the open dialog. */
export async function readCsv(file: vscode.Uri | string | undefined, title: string): Promise<string | undefined> {
  let uri = typeof file === 'string' ? vscode.Uri.file(file) : file;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { CSV: ['csv', 'txt'] }, openLabel: vscode.l10n.t('Use this CSV'), title });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/** Lists a CSV's rows that cannot be used (the first 20) in a modal; true when the person goes on without them. */
export async function goOnWithoutBadRows(bad: readonly { line: number; message: string }[], canGoOn: boolean): Promise<boolean> {
  const detail = bad.slice(0, 20).map((b) => vscode.l10n.t('Line {0}: {1}', b.line, b.message)).join('\n');
  const go = vscode.l10n.t('Continue Without Them');
  const pick = await vscode.window.showWarningMessage(vscode.l10n.t('{0} row(s) of the CSV cannot be used.', bad.length), { modal: true, detail }, ...(canGoOn ? [go] : []));
  return pick === go;
}
