// @ts-check
// Routes for API sessions (login, sudo, logout, session), the release (/versions) and System Activity queries.
const { iso } = require('../seed');
const { signInCreds, userEmail } = require('../db');
const { HttpError, idSet, invalid, objectBody, ok, pathUser, requireAdmin } = require('./shared');

/**
 * @typedef {import('./shared').Ctx} Ctx
 * @typedef {import('./shared').Reply} Reply
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {{ login: (ctx: Ctx) => Reply, loginUser: (ctx: Ctx, u: SeedUser) => Reply, logout: (ctx: Ctx) => Reply }} Auth
 */

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db @param {Auth} auth */
function addSystemRoutes(add, db, auth) {
  add('login', 'POST', '/login', (ctx) => auth.login(ctx), { public: true });
  add('login_user', 'POST', '/login/{user_id}', (ctx) => {
    requireAdmin(ctx);
    return auth.loginUser(ctx, pathUser(db, ctx));
  });
  add('logout', 'DELETE', '/logout', (ctx) => auth.logout(ctx));
  add('session', 'GET', '/session', (ctx) => ok(ctx, { can: { view: true, update: true }, workspace_id: 'production',
    sudo_user_id: ctx.tokenInfo?.auth === 'sudo' ? ctx.tokenInfo.apiUserId : null }));
  add('versions', 'GET', '/versions', (ctx) => {
    const base = db.baseUrl;
    const el = (/** @type {string} */ v, /** @type {string} */ full, /** @type {string} */ status) => ({ version: v, full_version: full, status,
      swagger_url: `${base}/api/${v}/swagger.json` });
    const full = db.release.api;
    return ok(ctx, { looker_release_version: db.release.release, current_version: el('4.0', full, 'current'),
      supported_versions: [el('3.1', '3.1.0', 'legacy'), el('4.0', full, 'current')], api_server_url: base, web_server_url: base });
  }, { public: true });
}

/**
 * run_inline_query, for the System Activity fields the extension reads (user facts).
 * @param {import('./shared').AddRoute} add @param {import('../db').Db} db
 */
function addQueryRoutes(add, db) {
  add('run_inline_query', 'POST', '/queries/run/{result_format}', (ctx) => {
    const b = objectBody(ctx, true);
    if (b.model === 'system__activity' && !(ctx.actor && db.hasPermission(ctx.actor, 'see_system_activity'))) {
      throw new HttpError(403, 'You do not have permission to see System Activity (see_system_activity).');
    }
    if (ctx.params.result_format !== 'json') throw new HttpError(400, `The sandbox runs inline queries as json only, not '${ctx.params.result_format.slice(0, 20)}'.`);
    if (b.model !== 'system__activity' || b.view !== 'user') {
      throw invalid('model', 'invalid', `The sandbox has no explore ${String(b.model).slice(0, 40)}::${String(b.view).slice(0, 40)}`);
    }
    const fields = Array.isArray(b.fields) ? b.fields.map(String) : [];
    /** @type {Record<string, (u: SeedUser) => unknown>} */
    const dims = {
      'user.id': (u) => Number(u.id),
      'user.name': (u) => [u.first_name, u.last_name].filter((x) => x !== null).join(' '),
      'user.email': (u) => userEmail(u),
      'user_facts.last_ui_login_date': (u) => {
        const t = Math.max(0, ...signInCreds(u).map((c) => (c.logged_in_at ? Date.parse(c.logged_in_at) : 0)));
        return t > 0 ? iso(t).slice(0, 10) : null;
      },
      'user_facts.last_api_login_date': (u) => {
        const t = db.apiActivity.get(u.id);
        return t === undefined ? null : iso(t).slice(0, 10);
      },
    };
    const unknown = fields.filter((f) => !dims[f]);
    if (!fields.length || unknown.length) throw invalid('fields', 'invalid', `Unknown field(s): ${unknown.join(', ').slice(0, 200) || '(none given)'}`);
    const filters = b.filters && typeof b.filters === 'object' ? /** @type {Record<string, unknown>} */ (b.filters) : {};
    let rows = db.users;
    const idFilter = filters['user.id'];
    if (idFilter !== undefined) {
      const ids = idSet(idFilter);
      rows = rows.filter((u) => ids.has(u.id));
    }
    const limit = Number(b.limit ?? 500);
    const out = rows.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 500)
      .map((u) => Object.fromEntries(fields.map((f) => [f, dims[f](u)])));
    return { status: 200, body: out };
  });
}

module.exports = { addSystemRoutes, addQueryRoutes };
