/** The bookkeeping of "Sign in with Looker": who each connection is signed in as (for the Accounts menu) and its refresh token kept or deleted. */
import type * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ConnectionProfile } from '../looker/profile';
import { personName } from '../format/names';
import type { ConnectionManager } from './manager';

const ACCOUNTS_KEY = 'looker.oauthAccounts';

/** The Looker user a "Sign in with Looker" connection is signed in as. */
export interface AccountInfo {
  userId: string;
  userName: string;
}

/** Accounts in `globalState` (no secret there); refresh tokens in SecretStorage through the connection store. */
export class OAuthAccounts {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: ConnectionManager,
  ) {}

  get(id: string): AccountInfo | undefined {
    return this.context.globalState.get<Record<string, AccountInfo>>(ACCOUNTS_KEY, {})[id];
  }

  async set(id: string, info: AccountInfo | undefined): Promise<void> {
    const all = { ...this.context.globalState.get<Record<string, AccountInfo>>(ACCOUNTS_KEY, {}) };
    if (info) all[id] = info;
    else delete all[id];
    await this.context.globalState.update(ACCOUNTS_KEY, all);
  }

  /** The "Sign in with Looker" connections that have a refresh token (`ids`: only these, when any). */
  async signedIn(ids: readonly string[] = []): Promise<ConnectionProfile[]> {
    const out: ConnectionProfile[] = [];
    for (const p of this.manager.store.list()) {
      if (p.auth !== 'oauth' || (ids.length && !ids.includes(p.id))) continue;
      if (await this.manager.store.getRefreshToken(p.id)) out.push(p);
    }
    return out;
  }

  /** After a sign-in: the refresh token, then the profile (unless `save` is false), then who signed in. */
  async keep(profile: ConnectionProfile, refreshToken: string, user: IUser, save: boolean): Promise<void> {
    // The token first: a saved OAuth profile without one would ask to sign in again.
    await this.manager.store.setRefreshToken(profile.id, refreshToken);
    if (save) await this.manager.store.save(profile);
    await this.set(profile.id, { userId: String(user.id ?? ''), userName: personName(user) || user.email || `#${user.id}` });
  }

  /** Sign-out: ends the access token at Looker and deletes the refresh token and the account. */
  async forget(id: string): Promise<void> {
    // Deleted first, so that no client created meanwhile (the view reloading) can renew with it; and again after the
    // sign-out, which waits for a renewal in flight that may have stored a rotated token.
    await this.manager.store.deleteRefreshToken(id);
    await this.manager.signOut(id);
    await this.manager.store.deleteRefreshToken(id);
    await this.set(id, undefined);
  }
}
