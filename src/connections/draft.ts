/** A connection draft (what the add/edit and import flows collect): its test (login, me, versions) and its save once the test passes. */
import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import type { ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import type { ConnectionManager, ConnectedInfo } from './manager';
import { personName } from '../format/names';

/** What the add/edit flow collects. The secret stays in memory only for the flow. */
export interface ConnectionDraft {
  id?: string;
  baseUrl: string;
  clientId: string;
  secret: string;
  name: string;
  verifyTls: boolean;
  timeoutSeconds: number;
  /** Kept from the profile being tested or edited ("Sign in with Looker" connections test with their refresh token). */
  auth?: 'apiKey' | 'oauth';
}

/** The steps of the add/edit flow, in order. */
export type Step = 'url' | 'clientId' | 'secret' | 'name';

export interface TestOutcome {
  ok: boolean;
  userName?: string;
  userId?: string;
  lookerVersion?: string;
  error?: unknown;
  /** The step to send the user back to, from the kind of failure. */
  fixStep?: Step;
}

function stepForError(err: unknown): Step {
  if (err instanceof LookerApiError) {
    if (err.kind === 'credentials' || (err.kind === 'config' && err.code === 'NO_SECRET')) return 'secret';
    if (err.kind === 'config' && err.code === 'NO_CLIENT_ID') return 'clientId';
    if (err.kind === 'http' && (err.status === 401 || err.status === 403)) return 'clientId';
  }
  return 'url';
}

/** The request timeout a new connection starts with (the setting `looker.requestTimeoutSeconds`, else 60). */
export function defaultTimeout(): number {
  const t = vscode.workspace.getConfiguration('looker').get<number>('requestTimeoutSeconds', 60);
  return t > 0 ? t : 60;
}

function profileOf(d: ConnectionDraft, id: string): ConnectionProfile {
  return {
    id,
    name: d.name.trim() || new URL(d.baseUrl).host,
    baseUrl: d.baseUrl,
    clientId: d.clientId.trim(),
    verifyTls: d.verifyTls,
    timeoutSeconds: d.timeoutSeconds,
    ...(d.auth === 'oauth' ? { auth: 'oauth' as const } : {}),
  };
}

/** What a passed test tells about the connection (the status bar and the switcher show it). */
export function connectedInfoOf(outcome: TestOutcome): ConnectedInfo {
  return { userName: outcome.userName ?? '', userId: outcome.userId ?? '', lookerVersion: outcome.lookerVersion ?? '' };
}

/** "Connected to … as … (Looker …)." after a passed test. */
export function showConnected(name: string, outcome: TestOutcome): void {
  void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0} as {1} (Looker {2}).', name, outcome.userName ?? '', outcome.lookerVersion ?? ''));
}

/** Tests a draft: login, me, versions. Never throws. */
export async function testDraft(manager: ConnectionManager, draft: ConnectionDraft, token?: vscode.CancellationToken): Promise<TestOutcome> {
  const profile = profileOf(draft, draft.id ?? 'draft');
  const client = manager.createClient(profile, async () => draft.secret);
  const abort = new AbortController();
  const sub = token?.onCancellationRequested(() => abort.abort());
  try {
    const { user, lookerVersion } = await client.testConnection(abort.signal);
    const userName = personName(user) || `#${user.id}`;
    return { ok: true, userName, userId: String(user.id ?? ''), lookerVersion };
  } catch (error) {
    return { ok: false, error, fixStep: stepForError(error) };
  } finally {
    sub?.dispose();
    await client.logout();
    client.dispose();
  }
}

/** Tests and, on success, saves a draft and makes it active. Returns the saved profile. */
export async function testAndSave(
  manager: ConnectionManager,
  log: Log,
  draft: ConnectionDraft,
  token?: vscode.CancellationToken,
): Promise<{ profile?: ConnectionProfile; outcome: TestOutcome }> {
  const outcome = await testDraft(manager, draft, token);
  if (!outcome.ok) return { outcome };
  const profile = profileOf(draft, draft.id ?? manager.store.newId());
  await manager.store.save(profile, draft.secret);
  await manager.store.setActive(profile.id);
  manager.setConnectedInfo(profile.id, connectedInfoOf(outcome));
  log.info(`Saved connection "${profile.name}" (${profile.baseUrl}, client ${profile.clientId}); API user ${outcome.userName}, Looker ${outcome.lookerVersion}`);
  return { profile, outcome };
}
