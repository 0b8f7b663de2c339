import * as vscode from 'vscode';
import { LookerApiError } from '../looker/errors';
import type { Log } from '../log';
import { describeError, isCancellation } from './errors';
import { recordShownError } from './prompt';
import { safeDocumentationUrl } from '../util/urls';

export type Handler = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Reports an error once: a short message with actions to the user, the details to the log. Cancellations are
 * silent. Returns when the message is dismissed (callers usually don't wait).
 */
export async function reportError(log: Log, err: unknown, action?: string, retry?: () => unknown, command?: string): Promise<void> {
  if (isCancellation(err)) return;
  const message = log.redact(describeError(err, action));
  const what = command ? `Command ${command}` : 'Command';
  // An unexpected error (a bug, not Looker's answer) keeps its stack in the log, for the bug report.
  const stack = !(err instanceof LookerApiError) && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  log.error(`${action ? `${action} failed` : `${what} failed`}${command && action ? ` (${command})` : ''}`, err, stack);
  const showLog = vscode.l10n.t('Show Log');
  const openDocs = vscode.l10n.t('Open Documentation');
  const again = vscode.l10n.t('Retry');
  const items = [showLog];
  // Only https pages of Looker's and Google's documentation: the URL comes from the server's answer.
  const docs = err instanceof LookerApiError ? safeDocumentationUrl(err.documentationUrl) : undefined;
  if (docs) items.unshift(openDocs);
  if (retry && err instanceof LookerApiError && err.kind !== 'credentials') items.unshift(again);
  recordShownError(message);
  const pick = await vscode.window.showErrorMessage(message, ...items);
  if (pick === showLog) log.show();
  else if (pick === openDocs && docs) void vscode.env.openExternal(vscode.Uri.parse(docs));
  else if (pick === again && retry) void retry();
}

/** Command handlers by command id: what a feature gives its {@link Registrar}. */
export type Handlers = Readonly<Record<string, Handler>>;

/** What a feature is given to register its commands: it calls it with its handler map. */
export type Registrar = (handlers: Handlers) => void;

/** A registrar that registers with VS Code directly, each handler wrapped by {@link wrapCommand}. */
export function registerCommands(context: vscode.ExtensionContext, log: Log, handlers: Handlers): void {
  for (const [id, handler] of Object.entries(handlers)) registerCommand(context, log, id, handler);
}

/**
 * Registers a command whose failures are reported by {@link reportError}; the handler's promise never rejects
 * into VS Code (no unhandled rejection), but its value is returned to `executeCommand` callers (tests use it).
 */
export function registerCommand(context: vscode.ExtensionContext, log: Log, id: string, handler: Handler): void {
  context.subscriptions.push(vscode.commands.registerCommand(id, wrapCommand(log, id, handler)));
}

/**
 * A command handler whose failures are reported by {@link reportError}: its promise never rejects into VS Code (no
 * unhandled rejection), but its value is returned to `executeCommand` callers (tests use it).
 */
export function wrapCommand(log: Log, id: string, handler: Handler): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...args);
    } catch (err) {
      void reportError(log, err, undefined, () => vscode.commands.executeCommand(id, ...args), id);
      return undefined;
    }
  };
}
