/**
 * {@link LookerClient}: the authenticated client of one Looker instance (API 4.0), the one class the rest of the
 * extension talks to Looker through. It is assembled from one file per concern:
 *
 * - `http.ts` — `LookerHttp`, the plumbing: login and session use, retries, timeouts, the per-connection TLS
 *   setting, paging and the request log / call meter hook. Endpoints call its `json`, `list`, `page` and `none`.
 * - `endpoints/instance.ts` — the instance and the API user: connection test, browser sign-in, versions, apiSurface, me.
 * - `endpoints/users.ts` — users and service accounts.
 * - `endpoints/credentials.ts` — email credential and password resets, other credentials, API keys, web sessions,
 *   login lockouts.
 * - `endpoints/access.ts` — roles, model and permission sets, LookML models, groups, user attributes.
 * - `endpoints/content.ts` — folders, scheduled plans, inline queries.
 *
 * Each endpoint class extends the one before it (instance → users → credentials → access → content), only so that
 * LookerClient has every method as one plain class, without mixins; the order carries no meaning. A new endpoint goes
 * into the file of its group, as a method calling `this.json` / `this.list` / `this.page` / `this.none`.
 */
import { ContentEndpoints } from './endpoints/content';

export { encodeQuery, type ClientOptions, type Page } from './http';
export { idBatches, type CredentialType } from './endpoints/users';
export type { SingleCredentialKind } from './endpoints/credentials';

/** The client of one Looker instance: every endpoint the extension uses; every method rejects with LookerApiError only. */
export class LookerClient extends ContentEndpoints {}
