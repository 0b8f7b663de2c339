// Shared by the in-host test files: the extension's API, the sandbox's coordinates and its control endpoints.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'looker-users-oss.looker-users';

export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'extension not installed');
  const handle = await ext.activate();
  assert.ok(handle, 'the test handle (a test build in test mode)');
  return handle;
}

export interface SandboxEnv {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** Why a suite fails when the outer runner started no sandbox: a missing dependency is a failure, never a skip. */
export const NO_SANDBOX = 'no sandbox Looker server: LOOKER_SANDBOX_URL/_CLIENT_ID/_CLIENT_SECRET are unset (run the tier through test/runner/run.js)';

/** The sandbox started by the outer runner, or undefined (then the calling suite fails with NO_SANDBOX). */
export function sandbox(): SandboxEnv | undefined {
  const url = process.env.LOOKER_SANDBOX_URL;
  const clientId = process.env.LOOKER_SANDBOX_CLIENT_ID;
  const clientSecret = process.env.LOOKER_SANDBOX_CLIENT_SECRET;
  return url && clientId && clientSecret ? { url, clientId, clientSecret } : undefined;
}

export interface LoggedRequest {
  method: string;
  path: string;
  apiPath: string;
  op: string | null;
  query: Record<string, string>;
  body: unknown;
  status: number | null;
}

async function control(sb: SandboxEnv, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `sandbox control ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The requests of a sandbox log that change something: not GET, not the session's login/logout, not a query run. */
export function writesOf(log: LoggedRequest[]): LoggedRequest[] {
  return log.filter((r) => r.method !== 'GET' && r.op !== 'run_inline_query' && !/\/log(in|out)$/.test(r.apiPath ?? r.path));
}

export const sandboxLog = {
  clear: (sb: SandboxEnv) => control(sb, 'DELETE', 'requests'),
  get: async (sb: SandboxEnv) => {
    const r = (await control(sb, 'GET', 'requests')) as LoggedRequest[] | { requests: LoggedRequest[] };
    return Array.isArray(r) ? r : r.requests;
  },
  rule: (sb: SandboxEnv, rule: Record<string, unknown>) => control(sb, 'POST', 'rules', rule),
  clearRules: (sb: SandboxEnv) => control(sb, 'DELETE', 'rules'),
  revoke: (sb: SandboxEnv) => control(sb, 'POST', 'revoke'),
};

/** Calls the sandbox's API directly (independently of the extension) as the admin API user. */
export async function sandboxApi<T>(sb: SandboxEnv, path: string): Promise<{ body: T; headers: Headers }> {
  const login = await fetch(`${sb.url}/api/4.0/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sb.clientId, client_secret: sb.clientSecret }).toString(),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${sb.url}/api/4.0${path}`, { headers: { Authorization: `token ${access_token}` } });
  assert.ok(res.ok, `${path}: ${res.status}`);
  return { body: (await res.json()) as T, headers: res.headers };
}

/** Makes sure the sandbox connection exists and is active (through the same path as the Add Connection flow). */
export async function connectSandbox(a: ExtensionApi, sb: SandboxEnv, name = 'Sandbox'): Promise<string> {
  const existing = a.store.list().find((p) => p.baseUrl === sb.url && p.clientId === sb.clientId);
  if (existing) {
    await a.store.setActive(existing.id);
    return existing.id;
  }
  const r = await a.connections.testAndSave({ baseUrl: sb.url, clientId: sb.clientId, secret: sb.clientSecret, name, verifyTls: true, timeoutSeconds: 30 });
  assert.ok(r.profile, `connecting to the sandbox failed: ${String(r.outcome.error)}`);
  return r.profile.id;
}

/**
 * A suite's start: the sandbox connected and active, the Users view without a search. Throws when the runner gave
 * no sandbox. Returns the test handle and the connection's id.
 */
export async function startConnected(sb: SandboxEnv | undefined): Promise<{ a: ExtensionApi; connectionId: string }> {
  if (!sb) throw new Error(NO_SANDBOX);
  const a = await api();
  const connectionId = await connectSandbox(a, sb);
  await a.tree.setQuery(undefined);
  return { a, connectionId };
}

export async function waitFor<T>(fn: () => T | Promise<T>, what: string, ms = 10000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
