/**
 * True last activity of users from System Activity: one `run_inline_query` on the `system__activity` model (explore
 * `user`) per page of users, with each user's last UI and last API use. API use is nowhere on the user record
 * (CredentialsApi3 has no `logged_in_at`), so without System Activity an API-only user looks "never seen".
 * Reading it needs the `see_system_activity` permission; without it (403, or 404 where Looker hides the model) the
 * caller falls back to the credentials' `logged_in_at` and says so. Pure code: no `vscode` import.
 */
import type { IWriteQuery } from '@looker/sdk';
import { LookerApiError } from '../looker/errors';
import type { ActivitySource, UserActivity } from './signIns';

export const ACTIVITY_MODEL = 'system__activity';
export const ACTIVITY_VIEW = 'user';
export const ACTIVITY_FIELDS = {
  id: 'user.id',
  lastUi: 'user_facts.last_ui_login_date',
  lastApi: 'user_facts.last_api_login_date',
} as const;

/** The part of the client this needs. */
export interface ActivityClient {
  runInlineQueryJson(body: Partial<IWriteQuery>, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
}

export interface ActivityResult {
  readonly source: ActivitySource;
  /** Per user id (only with source 'systemActivity'). */
  readonly byId: ReadonlyMap<string, UserActivity>;
  /** Why System Activity was not used (source 'credentials'). */
  readonly reason?: string;
}

/** The inline query for these user ids (Looker filter syntax: a comma list matches any of the values). */
export function activityQuery(ids: readonly string[]): Partial<IWriteQuery> {
  return {
    model: ACTIVITY_MODEL,
    view: ACTIVITY_VIEW,
    fields: [ACTIVITY_FIELDS.id, ACTIVITY_FIELDS.lastUi, ACTIVITY_FIELDS.lastApi],
    filters: { [ACTIVITY_FIELDS.id]: ids.join(',') },
    limit: String(Math.max(1, ids.length)),
  };
}

function toDate(v: unknown): Date | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  // Looker's json format: "YYYY-MM-DD" for dates, "YYYY-MM-DD HH:MM:SS" for times (query time zone; UTC assumed).
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** Rows of the activity query → activity per user id. Rows without a usable id are ignored. */
export function parseActivityRows(rows: readonly Record<string, unknown>[]): Map<string, UserActivity> {
  const out = new Map<string, UserActivity>();
  for (const row of Array.isArray(rows) ? rows : []) {
    const id = row?.[ACTIVITY_FIELDS.id];
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') continue;
    const lastUi = toDate(row[ACTIVITY_FIELDS.lastUi]);
    const lastApi = toDate(row[ACTIVITY_FIELDS.lastApi]);
    out.set(String(id), { ...(lastUi ? { lastUi } : {}), ...(lastApi ? { lastApi } : {}) });
  }
  return out;
}

/**
 * Reads activity for `ids` (one request). Not permitted (403/404) → source 'credentials' with the reason; any other
 * failure is thrown. `remember` keeps "not permitted" per connection so later pages do not ask again.
 */
export async function readActivity(
  client: ActivityClient,
  ids: readonly string[],
  signal?: AbortSignal,
  remember?: { denied?: string },
): Promise<ActivityResult> {
  if (remember?.denied !== undefined) return { source: 'credentials', byId: new Map(), reason: remember.denied };
  if (!ids.length) return { source: 'systemActivity', byId: new Map() };
  try {
    const rows = await client.runInlineQueryJson(activityQuery(ids), signal);
    return { source: 'systemActivity', byId: parseActivityRows(rows) };
  } catch (e) {
    if (e instanceof LookerApiError && (e.status === 403 || e.status === 404)) {
      const reason = 'the API user may not see System Activity (see_system_activity)';
      if (remember) remember.denied = reason;
      return { source: 'credentials', byId: new Map(), reason };
    }
    throw e;
  }
}
