/**
 * `LookerClient`'s endpoints of a user's ways to sign in: the email credential (password resets), the other
 * credential kinds, API keys, embed credentials, web sessions and login lockouts.
 */
import type { ICreateCredentialsApi3, ICredentialsEmail, ISession, IUserLoginLockout, IWriteCredentialsEmail } from '@looker/sdk';
import { seg } from '../http';
import { UserEndpoints } from './users';

/** Single (non-list) credential kinds of a user: `/users/{id}/credentials_{kind}`. */
export type SingleCredentialKind = 'email' | 'totp' | 'ldap' | 'google' | 'saml' | 'oidc' | 'looker_openid';

/** Credential, session and lockout endpoints; see client.ts for how the endpoint classes stack. */
export abstract class CredentialEndpoints extends UserEndpoints {
  // ---------------------------------------------------------------------------------------------------------------
  // Email credential

  userCredentialsEmail(id: string, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'GET', path: `/users/${seg(id)}/credentials_email`, query: { fields }, signal });
  }

  createUserCredentialsEmail(id: string, body: Partial<IWriteCredentialsEmail>, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email`, query: { fields }, body, signal });
  }

  updateUserCredentialsEmail(id: string, body: Partial<IWriteCredentialsEmail>, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'PATCH', path: `/users/${seg(id)}/credentials_email`, query: { fields }, body, signal });
  }

  deleteUserCredentialsEmail(id: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_email`, signal });
  }

  /** POST …/credentials_email/password_reset: a new reset URL in `password_reset_url` (`expires`: valid 60 min). */
  createPasswordResetUrl(id: string, expires?: boolean, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email/password_reset`, query: { expires, fields }, signal });
  }

  /** POST …/credentials_email/send_password_reset: Looker emails the user a reset (or setup) link. */
  sendPasswordReset(id: string, fields?: string, signal?: AbortSignal): Promise<ICredentialsEmail> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_email/send_password_reset`, query: { fields }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Other credentials

  /** DELETE /users/{id}/credentials_{kind} */
  deleteUserCredential(id: string, kind: SingleCredentialKind, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_${kind}`, signal });
  }

  /**
   * POST /users/{id}/credentials_api3 (no body): a new API key. The answer holds `client_secret`, the only time Looker
   * returns it; not idempotent (a second request makes a second key), so never retried after a timeout.
   */
  createUserCredentialApi3(id: string, fields?: string, signal?: AbortSignal): Promise<ICreateCredentialsApi3> {
    return this.json({ method: 'POST', path: `/users/${seg(id)}/credentials_api3`, query: { fields }, signal, idempotent: false });
  }

  deleteUserCredentialApi3(id: string, credentialId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_api3/${seg(credentialId)}`, signal });
  }

  deleteUserCredentialEmbed(id: string, credentialId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/credentials_embed/${seg(credentialId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Web sessions

  userSessions(id: string, fields?: string, signal?: AbortSignal): Promise<ISession[]> {
    return this.list({ method: 'GET', path: `/users/${seg(id)}/sessions`, query: { fields }, signal });
  }

  deleteUserSession(id: string, sessionId: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/users/${seg(id)}/sessions/${seg(sessionId)}`, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Login lockouts

  allLoginLockouts(fields?: string, signal?: AbortSignal): Promise<IUserLoginLockout[]> {
    return this.list({ method: 'GET', path: '/user_login_lockouts', query: { fields }, signal });
  }

  /** DELETE /user_login_lockout/{key} (singular path segment). */
  deleteLoginLockout(key: string, signal?: AbortSignal): Promise<void> {
    return this.none({ method: 'DELETE', path: `/user_login_lockout/${seg(key)}`, signal });
  }
}
