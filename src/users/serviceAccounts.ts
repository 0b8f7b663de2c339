/**
 * Service accounts (Looker's alpha `/users/service_accounts` endpoints): create, rename / enable / disable, delete.
 * Offered only where the instance's API has them: the same test as the "Service accounts" status group (the user
 * search can tell them apart, `is_service_account`, which came with the endpoints; release 24.20 has neither). The
 * tree sets the `looker.serviceAccounts` context key from it; the commands check it again (they are a public API).
 * Every write runs as a job of one through the write pipeline (dry run, a Delete confirmed in the preview's words
 * naming the connection and host, the saved and locked job, the runner, one audit entry). Create is confirmed here
 * first (naming the connection and host); its job's key stands for the account until it exists, and it is never sent
 * twice (the write table says `never`).
 */
import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { LookerClient } from '../looker/client';
import { LookerApiError } from '../looker/errors';
import { shortRelease } from '../looker/apiSurface';
import type { ConnectionProfile } from '../looker/profile';
import type { BulkAction, BulkParams } from '../actions/types';
import { confirmModal } from '../commands/prompt';
import { registerCommands } from '../commands/register';
import { hostOf } from '../util/urls';
import { groupSupported } from './status';
import { targetUsers, type UsersViewDeps } from './commands';

const FIELDS = 'id,is_service_account,service_account_name,is_disabled';
const NAME_MAX = 255;

/** What a service account name must be; undefined when fine. */
export function checkServiceAccountName(value: string): string | undefined {
  const v = value.trim();
  if (!v) return vscode.l10n.t('Type a name, e.g. svc-dbt-runner.');
  if (v.length > NAME_MAX) return vscode.l10n.t('At most {0} characters.', NAME_MAX);
  return undefined;
}

/** Runs one change as a job of one (the bulk feature's `runOne`). */
export type RunOne = (action: BulkAction, userId: string, connectionId: string, params: BulkParams) => Promise<{ status: string; message?: string; error?: unknown; after?: Record<string, unknown> }>;

export interface ServiceAccountCommandsDeps extends UsersViewDeps {
  readonly runOne: RunOne;
}

export class ServiceAccountCommands {
  constructor(private readonly deps: ServiceAccountCommandsDeps) {}

  register(): void {
    // Arguments only say which tree item was clicked: the name is always asked, every write confirmed.
    registerCommands(this.deps.context, this.deps.log, {
      'looker.createServiceAccount': () => this.create(),
      'looker.editServiceAccount': (c?: unknown, s?: unknown) => this.edit(this.target(c, s)),
      'looker.deleteServiceAccount': (c?: unknown, s?: unknown) => this.remove(this.target(c, s)),
    });
  }

  private target(clicked: unknown, selected: unknown): string | undefined {
    const nodes = targetUsers(clicked, selected, this.deps.view);
    if (nodes.length !== 1) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select one service account first.'));
      return undefined;
    }
    return nodes[0].id;
  }

  /** The active connection and its client, once the instance is known to have service accounts. */
  private async connection(): Promise<{ profile: ConnectionProfile; client: LookerClient }> {
    const { profile, client } = this.deps.manager.requireClient();
    const surface = await client.apiSurface();
    if (!groupSupported('service', surface)) {
      throw new LookerApiError({
        kind: 'config',
        message: vscode.l10n.t('Service accounts are not available on {0} ({1}, release {2}). Nothing was sent.', profile.name, hostOf(profile.baseUrl), shortRelease(surface.release)),
      });
    }
    return { profile, client };
  }

  private where(p: ConnectionProfile): string {
    return `${p.name} (${hostOf(p.baseUrl)})`;
  }

  /** The service account now (re-read; a user that is not one is refused). */
  private async current(client: LookerClient, id: string): Promise<IUser> {
    const u = await client.user(id, FIELDS);
    if (!u.is_service_account) throw new LookerApiError({ kind: 'config', message: vscode.l10n.t('User {0} is not a service account. Nothing was sent.', id) });
    return u;
  }

  /**
   * New service account. `given` (the test handle only; the command passes nothing) stands for what was typed in the
   * input box: it is checked the same way, and the confirmation is still asked.
   */
  async create(given?: string): Promise<IUser | undefined> {
    const { profile } = await this.connection();
    if (given !== undefined && checkServiceAccountName(given)) throw new LookerApiError({ kind: 'config', message: checkServiceAccountName(given) as string });
    const name = given ?? await vscode.window.showInputBox({
      title: vscode.l10n.t('New service account on {0}', this.where(profile)),
      prompt: vscode.l10n.t('Name of the service account'),
      placeHolder: vscode.l10n.t('e.g. svc-dbt-runner'),
      validateInput: (v) => checkServiceAccountName(v),
      ignoreFocusOut: true,
    });
    if (name === undefined) return undefined;
    const clean = name.trim();
    const yes = vscode.l10n.t('Create');
    if ((await confirmModal(vscode.l10n.t('Create the service account "{0}" on {1}?', clean, this.where(profile)), undefined, yes)) !== yes) return undefined;
    // A job of one whose key stands for the account to make (no user id exists yet); never sent twice.
    const o = await this.deps.runOne('createServiceAccount', `new-service-account:${clean}`, profile.id, { serviceAccountName: clean });
    if (!this.finished(o)) return undefined;
    const created = o.after ?? {};
    this.deps.tree.refresh();
    vscode.window.setStatusBarMessage(vscode.l10n.t('Service account "{0}" created', clean), 5000);
    return { id: String(created.id ?? ''), service_account_name: clean, is_disabled: false, is_service_account: true } as IUser;
  }

  /**
   * Rename, enable or disable. `given` (the test handle only) stands for the picks and the typed name; the
   * confirmation is still asked.
   */
  async edit(id: string | undefined, given?: { name?: string; disabled?: boolean }): Promise<IUser | undefined> {
    if (!id) return undefined;
    const { profile, client } = await this.connection();
    const now = await this.current(client, id);
    const oldName = now.service_account_name ?? '';
    type Item = vscode.QuickPickItem & { change: 'rename' | 'disable' | 'enable' };
    const items: Item[] = [
      { label: vscode.l10n.t('Rename…'), change: 'rename' },
      now.is_disabled ? { label: vscode.l10n.t('Enable'), change: 'enable' } : { label: vscode.l10n.t('Disable'), change: 'disable' },
    ];
    const pick = given
      ? { change: given.name !== undefined ? 'rename' : given.disabled ? 'disable' : 'enable' }
      : await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Change the service account "{0}" on {1}', oldName, this.where(profile)) });
    if (!pick) return undefined;
    let body: { service_account_name?: string; is_disabled?: boolean };
    if (pick.change === 'rename') {
      if (given?.name !== undefined && checkServiceAccountName(given.name)) throw new LookerApiError({ kind: 'config', message: checkServiceAccountName(given.name) as string });
      const name = given?.name ?? await vscode.window.showInputBox({
        title: vscode.l10n.t('Rename the service account "{0}" on {1}', oldName, this.where(profile)),
        value: oldName,
        validateInput: (v) => checkServiceAccountName(v),
        ignoreFocusOut: true,
      });
      if (name === undefined || name.trim() === oldName) return undefined;
      body = { service_account_name: name.trim() };
    } else {
      body = { is_disabled: pick.change === 'disable' };
    }
    const before = Object.fromEntries(Object.keys(body).map((k) => [k, (now as Record<string, unknown>)[k] ?? null]));
    const yes = vscode.l10n.t('Save');
    const detail = Object.keys(body).map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify((body as Record<string, unknown>)[k])}`).join('\n');
    if ((await confirmModal(vscode.l10n.t('Change the service account "{0}" on {1}?', oldName, this.where(profile)), detail, yes)) !== yes) return undefined;
    const o = await this.deps.runOne('updateServiceAccount', id, profile.id, { serviceAccount: body, serviceAccountName: oldName });
    if (!this.finished(o)) return undefined;
    void this.deps.tree.updateUsers([id]).catch(() => this.deps.tree.refresh());
    if (body.is_disabled !== undefined) this.deps.tree.refresh();
    return await this.current(client, id);
  }

  /** True when the job of one was done; a refusal or failure is thrown with Looker's or the dry run's words. */
  private finished(o: { status: string; message?: string; error?: unknown }): boolean {
    if (o.status === 'done') return true;
    if (o.status === 'failed') throw o.error ?? new LookerApiError({ kind: 'config', message: o.message ?? vscode.l10n.t('The change failed.') });
    if (o.status === 'skipped' && o.message) void vscode.window.showInformationMessage(o.message);
    return false;
  }

  /** Delete: a job of one, confirmed in the preview's words (destructive), re-read after an uncertain attempt. */
  async remove(id: string | undefined): Promise<boolean> {
    if (!id) return false;
    const { profile, client } = await this.connection();
    const now = await this.current(client, id);
    const name = now.service_account_name ?? `#${id}`;
    const o = await this.deps.runOne('deleteServiceAccount', id, profile.id, { serviceAccountName: name });
    if (!this.finished(o)) return false;
    this.deps.tree.removeUsers([id]);
    return true;
  }
}
