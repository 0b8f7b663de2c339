// Secret hygiene after everything else has run in this extension host: the client secret and every access token
// the sandbox issued appear in none of the places the extension writes to.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, sandbox, NO_SANDBOX } from './helpers';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secret hygiene (runs last)', function () {
  const sb = sandbox();
  let secrets: string[] = [];
  before(async function () {
    if (!sb) throw new Error(NO_SANDBOX);
    const res = await fetch(`${sb.url}/__sandbox/tokens`);
    const tokens = (await res.json()) as string[];
    assert.ok(tokens.length > 0, 'the suites logged in');
    // Sign in with Looker: every authorization code and refresh token the sandbox issued.
    const oauth = await fetch(`${sb.url}/__sandbox/oauth/secrets`);
    oauthSecrets = oauth.ok ? ((await oauth.json()) as string[]) : [];
    secrets = [sb.clientSecret, ...tokens, ...oauthSecrets];
  });
  let oauthSecrets: string[] = [];

  const kind = (s: string) => (s === secrets[0] ? 'the client secret' : oauthSecrets.includes(s) ? 'an OAuth code or refresh token' : 'an access token');
  const leaks = (where: string, text: string) => secrets.filter((s) => text.includes(s)).map((s) => `${where} contains ${kind(s)}`);

  it('not in settings (in memory and settings.json on disk)', async () => {
    const a = await api();
    const found = leaks('looker.* settings', JSON.stringify(vscode.workspace.getConfiguration('looker')));
    const settingsFile = path.resolve(a.context.globalStorageUri.fsPath, '..', '..', 'settings.json');
    assert.ok(fs.existsSync(settingsFile), `settings.json at ${settingsFile}`);
    found.push(...leaks('settings.json', fs.readFileSync(settingsFile, 'utf8')));
    assert.deepStrictEqual(found, []);
  });

  it('not in global or workspace state', async () => {
    const a = await api();
    const found: string[] = [];
    for (const m of [a.context.globalState, a.context.workspaceState]) {
      for (const k of m.keys()) found.push(...leaks(`state ${k}`, JSON.stringify(m.get(k) ?? null)));
    }
    assert.deepStrictEqual(found, []);
  });

  it('not in the Looker log channel nor in any log file of the extension', async () => {
    const a = await api();
    const found = leaks('log lines', a.log.recentLines().join('\n'));
    assert.ok(a.log.recentLines().length > 10, 'the suites wrote to the log');
    const logDir = path.dirname(a.context.logUri.fsPath);
    for (const f of filesUnder(logDir)) found.push(...leaks(f, fs.readFileSync(f, 'utf8')));
    assert.deepStrictEqual(found, []);
  });

  it('not in any error message shown', async () => {
    const a = await api();
    assert.deepStrictEqual(leaks('error messages', a.dialogs.errors.join('\n')), []);
  });

  it('Sign in with Looker: codes and refresh tokens only in SecretStorage (not in messages, sessions or the log)', async function () {
    const a = await api();
    // The OAuth suite runs before this one in every full run: nothing collected means it did not sign in.
    assert.ok(oauthSecrets.length > 0, 'the OAuth suite left codes and refresh tokens to look for');
    const found = leaks('sign-in messages', a.oauth.hooks.shown.join('\n'));
    found.push(...leaks('Looker sessions', JSON.stringify(await a.oauth.getSessions())));
    found.push(...leaks('log lines', a.log.recentLines().join('\n')));
    assert.deepStrictEqual(found, []);
  });

  it('not in any webview: details panels (HTML and every message posted to the page) and the bulk preview', async () => {
    const a = await api();
    if (a.details.openPanels().length === 0) await a.details.open('15');
    const found: string[] = [];
    for (const p of a.details.openPanels()) {
      found.push(...leaks('details HTML', p.panel.webview.html));
      found.push(...leaks('details messages', JSON.stringify(p.posted)));
    }
    const preview = (a.bulk.preview as unknown as { current?: { webview?: { html: string } } }).current;
    if (preview?.webview) found.push(...leaks('bulk preview HTML', preview.webview.html));
    assert.deepStrictEqual(found, []);
  });

  it('not in the global storage (audit log, bulk job state)', async () => {
    const a = await api();
    const found: string[] = [];
    const files = filesUnder(a.context.globalStorageUri.fsPath);
    // Something to search: the earlier suites audited writes there (an empty folder would prove nothing).
    const audit = a.bulk.audit.file;
    assert.ok(files.includes(audit), `the audit log ${audit} is in the global storage (found: ${files.join(', ') || 'nothing'})`);
    assert.ok(fs.readFileSync(audit, 'utf8').trim().split('\n').length >= 3, 'the audit log holds the earlier suites\' writes');
    for (const f of files) found.push(...leaks(f, fs.readFileSync(f, 'utf8')));
    assert.deepStrictEqual(found, []);
  });
});
