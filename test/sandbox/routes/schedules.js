// @ts-check
// Routes for scheduled plans: who owns them and what they deliver, enough for "what a user owns" and reassigning the owner.
const { api, avatar } = require('../serialise');
const { boolParam, invalid, notFound, objectBody, ok } = require('./shared');

/** @typedef {import('./shared').Ctx} Ctx */

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addScheduleRoutes(add, db) {
  /** @param {Ctx} ctx @param {import('../seed').SeedSchedule} p */
  const planJson = (ctx, p) => {
    const owner = db.byId.get(p.user_id);
    return {
      name: p.name, user_id: p.user_id, run_as_recipient: false, enabled: p.enabled, look_id: p.look_id, dashboard_id: p.dashboard_id,
      lookml_dashboard_id: null, filters_string: null, require_results: false, require_no_results: false, require_change: false,
      send_all_results: false, crontab: p.crontab, datagroup: null, timezone: 'UTC', scheduled_plan_destination: [], run_once: false,
      include_links: true, include_dashboard_summary: false, custom_url_base: null, custom_url_params: null, custom_url_label: null,
      show_custom_url: false, pdf_paper_size: null, pdf_landscape: false, embed: false, color_theme: null, long_tables: false,
      pdf_page_breaks: false, inline_table_width: null, query_id: null, id: p.id, created_at: p.created_at, updated_at: p.created_at,
      title: p.name,
      user: owner ? { can: {}, id: owner.id, first_name: owner.first_name ?? '', last_name: owner.last_name ?? '', display_name: null,
        avatar_url: `${avatar(owner)}?s=156&d=blank`, url: `${api(db)}/users/${owner.id}` } : null,
      next_run_at: null, last_run_at: null, can: { show: true, update: ctx.admin, destroy: ctx.admin },
    };
  };
  /** @param {Ctx} ctx */
  const planOf = (ctx) => {
    const p = db.scheduledPlans.find((x) => x.id === ctx.params.scheduled_plan_id);
    // A plan of someone else is visible only with see_schedules (admins); hidden as 404 (no 403 declared).
    if (!p || (!ctx.admin && p.user_id !== ctx.actor?.id)) throw notFound();
    return p;
  };
  add('all_scheduled_plans', 'GET', '/scheduled_plans', (ctx) => {
    const all = boolParam(ctx, 'all_users');
    const userId = ctx.query.user_id;
    // Spec: without user_id, the caller's own plans; all_users needs see_schedules (admins here).
    if ((all || (userId !== undefined && userId !== ctx.actor?.id)) && !ctx.admin) throw notFound();
    const rows = all ? db.scheduledPlans : db.scheduledPlans.filter((p) => p.user_id === (userId ?? ctx.actor?.id));
    return ok(ctx, rows.map((p) => planJson(ctx, p)));
  });
  add('scheduled_plan', 'GET', '/scheduled_plans/{scheduled_plan_id}', (ctx) => ok(ctx, planJson(ctx, planOf(ctx))));
  add('update_scheduled_plan', 'PATCH', '/scheduled_plans/{scheduled_plan_id}', (ctx) => {
    const p = planOf(ctx);
    const b = objectBody(ctx, true);
    if ('user_id' in b) {
      if (!ctx.admin) throw notFound();
      const to = typeof b.user_id === 'string' ? db.byId.get(b.user_id) : undefined;
      if (!to) throw invalid('user_id', 'invalid', 'must be the id of an existing user');
      if (to.is_disabled) throw invalid('user_id', 'invalid', 'the new owner is disabled');
      p.user_id = to.id;
    }
    if ('name' in b) {
      if (typeof b.name !== 'string') throw invalid('name', 'invalid', 'must be a string');
      p.name = b.name;
    }
    if ('enabled' in b) {
      if (typeof b.enabled !== 'boolean') throw invalid('enabled', 'invalid', 'must be a boolean');
      p.enabled = b.enabled;
    }
    return ok(ctx, planJson(ctx, p));
  });
}

module.exports = { addScheduleRoutes };
