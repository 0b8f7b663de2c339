import { randomBytes } from 'crypto';

/** A CSP nonce for a webview: 16 random bytes from the OS's CSPRNG as 32 hex digits (never Math.random). */
export function nonce(): string {
  return randomBytes(16).toString('hex');
}
