/** Importing connections: the sections of a looker.ini and the LOOKERSDK_* environment connection, each tested before it is saved. */
import * as vscode from 'vscode';
import { normalizeBaseUrl, type ConnectionProfile } from '../looker/profile';
import type { Log } from '../log';
import { describeError } from '../commands/errors';
import { reportError } from '../commands/register';
import { confirmModal } from '../commands/prompt';
import { hostOf } from '../util/urls';
import { parseLookerIni } from './ini';
import type { ConnectionManager } from './manager';
import { defaultTimeout, testAndSave, type ConnectionDraft } from './draft';

/** What the imports work with. */
export interface ImportDeps {
  readonly manager: ConnectionManager;
  readonly log: Log;
}

/** The saved connection to the same instance with the same client ID, which an import updates instead of adding one. */
function existingFor(manager: ConnectionManager, baseUrl: string, clientId: string): ConnectionProfile | undefined {
  return manager.store.list().find((p) => p.baseUrl === baseUrl && p.clientId === clientId);
}

/** Imports every section of a looker.ini; each is tested first and saved only when it works. */
export async function importIni({ manager, log }: ImportDeps, uri?: vscode.Uri): Promise<ConnectionProfile[]> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: vscode.l10n.t('Import'),
        filters: { [vscode.l10n.t('Looker SDK configuration')]: ['ini'], [vscode.l10n.t('All files')]: ['*'] },
        title: vscode.l10n.t('Import Connections from looker.ini'),
      })
    )?.[0];
  if (!file) return [];
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const sections = parseLookerIni(text);
  if (sections.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} has no section with base_url and client_id.', file.fsPath));
    return [];
  }
  const saved: ConnectionProfile[] = [];
  const problems: string[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing connections'), cancellable: true },
    async (progress, token) => {
      for (const s of sections) {
        if (token.isCancellationRequested) break;
        progress.report({ message: s.section, increment: 100 / sections.length });
        const url = normalizeBaseUrl(s.baseUrl ?? '');
        if (!url.url || !s.clientId || !s.clientSecret) {
          problems.push(vscode.l10n.t('[{0}]: needs base_url, client_id and client_secret', s.section));
          continue;
        }
        const existing = existingFor(manager, url.url, s.clientId);
        if (!s.verifySsl && !(await confirmTlsOff(hostOf(url.url), `looker.ini [${s.section}]`))) {
          problems.push(vscode.l10n.t('[{0}]: not imported (TLS verification off was not confirmed)', s.section));
          continue;
        }
        const draft: ConnectionDraft = {
          id: existing?.id,
          baseUrl: url.url,
          clientId: s.clientId,
          secret: s.clientSecret,
          name: existing?.name ?? s.section,
          verifyTls: s.verifySsl,
          timeoutSeconds: s.timeoutSeconds ?? defaultTimeout(),
        };
        const r = await testAndSave(manager, log, draft, token);
        if (r.profile) saved.push(r.profile);
        else problems.push(`[${s.section}]: ${describeError(r.outcome.error)}`);
      }
    },
  );
  if (saved.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Imported {0} connection(s): {1}', saved.length, saved.map((p) => p.name).join(', ')));
  }
  if (problems.length) {
    log.warn(`looker.ini import: ${problems.join(' | ')}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Some sections were not imported: {0}', problems.join('; ')));
  }
  return saved;
}

/**
 * LOOKERSDK_BASE_URL / _CLIENT_ID / _CLIENT_SECRET in the environment. On activation this follows the setting
 * `looker.environmentConnection` ("ask", "import", "ignore"); the command imports straight away.
 */
export async function importEnvironment({ manager, log }: ImportDeps, onActivation: boolean): Promise<ConnectionProfile | undefined> {
  const env = process.env;
  const base = env.LOOKERSDK_BASE_URL;
  const clientId = env.LOOKERSDK_CLIENT_ID;
  const secret = env.LOOKERSDK_CLIENT_SECRET;
  if (!base || !clientId || !secret) {
    if (!onActivation) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET in the environment VS Code was started from.'),
      );
    }
    return undefined;
  }
  const url = normalizeBaseUrl(base);
  if (!url.url) {
    void vscode.window.showWarningMessage(vscode.l10n.t('LOOKERSDK_BASE_URL is not a usable URL: {0}', url.error ?? base));
    return undefined;
  }
  const existing = existingFor(manager, url.url, clientId);
  if (onActivation) {
    if (existing) return existing;
    const mode = vscode.workspace.getConfiguration('looker').get<string>('environmentConnection', 'ask');
    if (mode === 'ignore') return undefined;
    if (mode !== 'import') {
      const importIt = vscode.l10n.t('Import');
      const never = vscode.l10n.t('Never for This Environment');
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('Looker API credentials for {0} are set in the environment (LOOKERSDK_*). Import them as a connection?', url.url),
        importIt,
        never,
      );
      if (pick === never) {
        await vscode.workspace.getConfiguration('looker').update('environmentConnection', 'ignore', vscode.ConfigurationTarget.Global);
      }
      if (pick !== importIt) return undefined;
    }
  }
  const verify = env.LOOKERSDK_VERIFY_SSL;
  const tlsOff = !!verify && /^(0|false|no|off)$/i.test(verify);
  if (tlsOff && !(await confirmTlsOff(hostOf(url.url), 'LOOKERSDK_VERIFY_SSL'))) return undefined;
  const timeout = Number(env.LOOKERSDK_TIMEOUT);
  const draft: ConnectionDraft = {
    id: existing?.id,
    baseUrl: url.url,
    clientId,
    secret,
    name: existing?.name ?? hostOf(url.url),
    verifyTls: !tlsOff,
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : defaultTimeout(),
  };
  const r = await testAndSave(manager, log, draft);
  if (!r.profile) {
    void reportError(log, r.outcome.error, vscode.l10n.t('importing the LOOKERSDK_* connection'));
    return undefined;
  }
  return r.profile;
}

/** An import that turns TLS certificate verification off says so and needs a yes (modal; no is the default). */
async function confirmTlsOff(host: string, source: string): Promise<boolean> {
  const yes = vscode.l10n.t('Import Without Verification');
  const pick = await confirmModal(
    vscode.l10n.t('{0} turns TLS certificate verification OFF for {1}. Import this connection without verification?', source, host),
    vscode.l10n.t('Without verification, anyone between VS Code and {0} can read the client secret and change what you see. Only for a server with a self-signed certificate you trust.', host),
    yes,
  );
  return pick === yes;
}
