/**
 * Invite User… and Invite Users from CSV…: invitations are jobs (`createUser`) whose keys are the invited emails in
 * lower case until the user exists; the dry run names who exists already.
 */
import * as vscode from 'vscode';
import { INVITE_COLUMNS, inviteKey, parseInviteCsv } from './invite';
import { askInvite, type InviteDraft } from './inviteInput';
import type { BulkOutcome, JobFlow } from './jobFlow';
import { goOnWithoutBadRows, readCsv } from './pickers';
import type { Invite } from '../actions/types';

export class InviteCommands {
  /** What Invite User… was given so far (a cancelled step loses nothing). */
  private draft: InviteDraft = {};

  constructor(private readonly flow: JobFlow) {}

  /**
   * Invite User…: first name, last name, email, roles, groups, setup email (each step kept if cancelled), then the
   * dry run (an existing user with that email is named, with a button to open them), the preview and the job.
   * `invite` comes only from internal callers (the test handle), never from the command's arguments.
   */
  async inviteUser(invite?: Invite): Promise<BulkOutcome | undefined> {
    const { manager } = this.flow.deps;
    const profile = manager.requireClient().profile;
    const reader = manager.client(profile.id);
    if (!reader) return undefined;
    let inv = invite;
    if (!inv) {
      const [roles, groups] = await Promise.all([reader.allRoles('id,name'), reader.allGroups({ fields: 'id,name,externally_managed' })]);
      inv = await askInvite(this.draft, roles, groups);
      if (!inv) return undefined;
    }
    const key = inviteKey(inv.email);
    const outcome = await this.flow.withClient(profile, (client) => this.flow.planAndRun(profile, client, 'createUser', { invites: { [key]: inv } }, [key]));
    if (outcome?.job.state[key]?.status === 'done') this.draft = {};
    return outcome;
  }

  /**
   * Invite Users from CSV…: columns first_name,last_name,email,roles,groups,send_setup_email. Bad rows are listed (the
   * rest can go on); the dry run tells who exists already by email and who will be created; then the preview.
   */
  async inviteUsersFromCsv(file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
    const text = await readCsv(file, vscode.l10n.t('CSV with the columns {0}', INVITE_COLUMNS.join(',')));
    if (text === undefined) return undefined;
    const { manager } = this.flow.deps;
    const profile = manager.requireClient().profile;
    const reader = manager.client(profile.id);
    if (!reader) return undefined;
    const [roles, groups] = await Promise.all([reader.allRoles('id,name'), reader.allGroups({ fields: 'id,name' })]);
    const { invites, bad } = parseInviteCsv(text, roles, groups);
    if (bad.length && !(await goOnWithoutBadRows(bad, invites.length > 0))) return undefined;
    if (!invites.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The CSV has no one to invite.'));
      return undefined;
    }
    const byKey = Object.fromEntries(invites.map((i) => [inviteKey(i.email), i]));
    return this.flow.withClient(profile, (client) => this.flow.planAndRun(profile, client, 'createUser', { invites: byKey }, Object.keys(byKey)));
  }
}
