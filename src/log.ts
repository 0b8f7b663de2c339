import * as vscode from 'vscode';

/**
 * The extension's log channel. Every line passes through a redactor that removes known secrets, so a
 * secret that slipped into an error message from elsewhere still never reaches the Output panel.
 */
export class Log implements vscode.Disposable {
  private readonly secrets = new Set<string>();

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
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string, err?: unknown): void {
    const detail = err instanceof Error ? ` — ${err.name}: ${err.message}` : err !== undefined ? ` — ${String(err)}` : '';
    this.channel.error(this.redact(message + detail));
  }
  trace(message: string): void {
    this.channel.trace(this.redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
