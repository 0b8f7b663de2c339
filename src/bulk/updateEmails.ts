/** Update Emails from CSV…: each row's user (by id or current login email) gets a new login email, as one job. */
import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import { parseEmailCsv, type BadRow } from './csv';
import type { BulkOutcome, JobFlow } from './jobFlow';
import { goOnWithoutBadRows, readCsv } from './pickers';

/** The CSV's rows resolved to users (bad rows listed, the rest can go on), then the dry run, the preview and the job. */
export async function updateEmailsFromCsv(flow: JobFlow, file?: vscode.Uri | string): Promise<BulkOutcome | undefined> {
  const text = await readCsv(file, vscode.l10n.t('CSV with two columns: user id or current email, new email'));
  if (text === undefined) return undefined;
  const { rows, bad } = parseEmailCsv(text);
  const profile = flow.deps.manager.requireClient().profile;
  return flow.withClient(profile, async (client) => {
    const emails: Record<string, string> = {};
    const unresolved: BadRow[] = [...bad];
    for (const row of rows) {
      let id = row.key;
      if (row.by === 'email') {
        try {
          id = String((await client.userForCredential('email', row.key, 'id')).id);
        } catch (err) {
          if (err instanceof LookerApiError && err.status === 404) {
            unresolved.push({ line: row.line, message: vscode.l10n.t('No user has the login email {0}.', row.key) });
            continue;
          }
          throw err;
        }
      }
      if (emails[id]) {
        unresolved.push({ line: row.line, message: vscode.l10n.t('User {0} appears more than once.', id) });
        continue;
      }
      emails[id] = row.newEmail;
    }
    if (unresolved.length && !(await goOnWithoutBadRows(unresolved.sort((a, b) => a.line - b.line), Object.keys(emails).length > 0))) return undefined;
    if (!Object.keys(emails).length) return undefined;
    return flow.planAndRun(profile, client, 'updateEmail', { emails }, Object.keys(emails));
  });
}
