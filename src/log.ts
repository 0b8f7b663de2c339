import * as vscode from 'vscode';

/** Replaced by esbuild (see testMode.ts): false in the production bundle, where the guarded code is removed. */
declare const __TEST_HOOKS__: boolean;

/**
 * The extension's log channel. Every line passes through a redactor that removes known secrets, so a
 * secret that slipped into an error message from elsewhere still never reaches the Output panel.
 */
export class Log implements vscode.Disposable {
  private readonly secrets = new Set<string>();
  /** Test builds only: the last lines written (already redacted), for the in-host tests' "what happened" checks. */
  private readonly recent: string[] = [];

  constructor(private readonly channel: vscode.LogOutputChannel) {}

  /** Registers a value that must never be written (a client secret, a token). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('••••');
    return out;
  }

  info(message: string): void {
    this.channel.info(this.keep(this.redact(message)));
  }
  warn(message: string): void {
    this.channel.warn(this.keep(this.redact(message)));
  }
  /** `extra` is appended as is (e.g. a stack trace on the following lines). */
  error(message: string, err?: unknown, extra = ''): void {
    const detail = err instanceof Error ? ` — ${err.name}: ${err.message}` : err !== undefined ? ` — ${String(err)}` : '';
    this.channel.error(this.keep(this.redact(message + detail + extra)));
  }

  private keep(line: string): string {
    if (typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__) {
      this.recent.push(line);
      if (this.recent.length > 2000) this.recent.splice(0, this.recent.length - 2000);
    }
    return line;
  }

  /** The most recent log lines, oldest first; always empty in the production bundle. */
  recentLines(): readonly string[] {
    return this.recent;
  }
  trace(message: string): void {
    this.channel.trace(this.keep(this.redact(message)));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
