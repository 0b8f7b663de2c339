/**
 * `LookerClient`'s content endpoints: folders, scheduled plans (what a user owns) and inline queries (System
 * Activity reads).
 */
import type { IFolder, IRequestSearchFolders, IScheduledPlan, IWriteQuery } from '@looker/sdk';
import { seg } from '../http';
import { AccessEndpoints } from './access';

/** Folder, schedule and query endpoints; see client.ts for how the endpoint classes stack. */
export abstract class ContentEndpoints extends AccessEndpoints {
  // ---------------------------------------------------------------------------------------------------------------
  // Folders

  /** GET /folders/{id}: one folder (its name for a home folder id; with `looks(id),dashboards(id)` what lies directly in it). */
  folder(id: string, fields?: string, signal?: AbortSignal): Promise<IFolder> {
    return this.json({ method: 'GET', path: `/folders/${seg(id)}`, query: { fields }, signal });
  }

  /** GET /folders/search: folders by name (`name` matches the title, `%` wildcards), for a folder picker. */
  searchFolders(req: IRequestSearchFolders, signal?: AbortSignal): Promise<IFolder[]> {
    return this.list({ method: 'GET', path: '/folders/search', query: { ...req }, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scheduled plans

  /**
   * GET /scheduled_plans: the caller's plans, one user's (`user_id`), or everyone's (`all_users`, needs
   * see_schedules) — one request for any number of owners.
   */
  scheduledPlans(p: { userId?: string; allUsers?: boolean; fields?: string }, signal?: AbortSignal): Promise<IScheduledPlan[]> {
    return this.list({ method: 'GET', path: '/scheduled_plans', query: { user_id: p.userId, all_users: p.allUsers === undefined ? undefined : String(p.allUsers), fields: p.fields }, signal });
  }

  /** PATCH /scheduled_plans/{id} (e.g. `{ user_id }` to give it another owner). */
  updateScheduledPlan(id: string, body: Partial<IScheduledPlan>, fields?: string, signal?: AbortSignal): Promise<IScheduledPlan> {
    return this.json({ method: 'PATCH', path: `/scheduled_plans/${seg(id)}`, query: { fields }, body, signal });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Queries

  /** POST /queries/run/json (run_inline_query): rows of a query given inline, as JSON objects keyed by field name. */
  runInlineQueryJson(body: Partial<IWriteQuery>, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    // Reads only: safe to repeat after a dropped connection.
    return this.list({ method: 'POST', path: '/queries/run/json', body, signal, idempotent: true });
  }
}
