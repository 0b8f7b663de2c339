import * as vscode from 'vscode';
import type { IGroup, IRole } from '@looker/sdk';
import { checkEmail, checkName } from './invite';
import type { Invite } from '../actions/types';

/** What was typed in "Invite User…" so far: kept when a step is cancelled, offered again next time. */
export interface InviteDraft {
  firstName?: string;
  lastName?: string;
  email?: string;
  roleIds?: string[];
  groupIds?: string[];
  sendSetupEmail?: boolean;
}

/** The localised text of a check of invite.ts (its English text is the key). */
function inviteMessage(key: string): string {
  switch (key) {
    case 'An email address is required.': return vscode.l10n.t('An email address is required.');
    case "The email starts with ' (a spreadsheet formula guard): remove it.": return vscode.l10n.t("The email starts with ' (a spreadsheet formula guard): remove it.");
    case 'This is not a valid email address.': return vscode.l10n.t('This is not a valid email address.');
    case 'A name is required.': return vscode.l10n.t('A name is required.');
    case "The name starts with ' (a spreadsheet formula guard): remove it.": return vscode.l10n.t("The name starts with ' (a spreadsheet formula guard): remove it.");
    case 'At most 255 characters.': return vscode.l10n.t('At most 255 characters.');
    default: return key;
  }
}

const STEPS = 6;

async function text(step: number, title: string, prompt: string, value: string | undefined, check: (v: string) => string | undefined): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({
    title: vscode.l10n.t('Invite User ({0}/{1}): {2}', step, STEPS, title),
    prompt,
    value: value ?? '',
    ignoreFocusOut: true,
    validateInput: (x) => {
      const p = check(x);
      return p ? inviteMessage(p) : undefined;
    },
  });
  return v === undefined || check(v) ? undefined : v.trim();
}

/**
 * The steps of "Invite User…": first name, last name, email, roles, groups, send the setup email. `draft` keeps what
 * was typed (a cancelled step loses nothing: the next Invite User… starts from it). Undefined when cancelled.
 */
export async function askInvite(draft: InviteDraft, roles: IRole[], groups: IGroup[]): Promise<Invite | undefined> {
  const first = await text(1, vscode.l10n.t('First name'), vscode.l10n.t('The new user\'s first name.'), draft.firstName, checkName);
  if (first === undefined) return undefined;
  draft.firstName = first;
  const last = await text(2, vscode.l10n.t('Last name'), vscode.l10n.t('The new user\'s last name.'), draft.lastName, checkName);
  if (last === undefined) return undefined;
  draft.lastName = last;
  const email = await text(3, vscode.l10n.t('Email'), vscode.l10n.t('The login email; the setup email goes there.'), draft.email, checkEmail);
  if (email === undefined) return undefined;
  draft.email = email;
  const rolePicks = await vscode.window.showQuickPick(
    roles.map((r) => ({ label: r.name ?? String(r.id), id: String(r.id), picked: (draft.roleIds ?? []).includes(String(r.id)) })),
    { title: vscode.l10n.t('Invite User ({0}/{1}): {2}', 4, STEPS, vscode.l10n.t('Roles')), placeHolder: vscode.l10n.t('Roles of {0} (none is allowed)', email), canPickMany: true, ignoreFocusOut: true },
  );
  if (!rolePicks) return undefined;
  draft.roleIds = rolePicks.map((p) => p.id);
  const groupPicks = await vscode.window.showQuickPick(
    groups.map((g) => ({
      label: g.name ?? String(g.id),
      description: g.externally_managed ? vscode.l10n.t('externally managed') : undefined,
      id: String(g.id),
      picked: (draft.groupIds ?? []).includes(String(g.id)),
    })),
    { title: vscode.l10n.t('Invite User ({0}/{1}): {2}', 5, STEPS, vscode.l10n.t('Groups')), placeHolder: vscode.l10n.t('Groups of {0} (none is allowed)', email), canPickMany: true, ignoreFocusOut: true },
  );
  if (!groupPicks) return undefined;
  draft.groupIds = groupPicks.map((p) => p.id);
  const yes = { label: vscode.l10n.t('Yes, send the setup email'), send: true };
  const no = { label: vscode.l10n.t('No, not now'), description: vscode.l10n.t('it can be sent later from the details panel'), send: false };
  const send = await vscode.window.showQuickPick(draft.sendSetupEmail === false ? [no, yes] : [yes, no], {
    title: vscode.l10n.t('Invite User ({0}/{1}): {2}', 6, STEPS, vscode.l10n.t('Setup email')),
    placeHolder: vscode.l10n.t('Send {0} the account setup email?', email),
    ignoreFocusOut: true,
  });
  if (!send) return undefined;
  draft.sendSetupEmail = send.send;
  return { firstName: first, lastName: last, email, roleIds: draft.roleIds, groupIds: draft.groupIds, sendSetupEmail: send.send };
}
