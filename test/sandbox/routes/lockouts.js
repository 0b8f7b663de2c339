// @ts-check
// Routes for login lockouts: list, search, and clearing one (admins only: the operations declare no 403, so 404 otherwise).
const { lockoutJson } = require('../serialise');
const { NO_CONTENT, notFound, ok, paged, requireAdmin, searchRows, sortRows } = require('./shared');

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addLockoutRoutes(add, db) {
  add('all_user_login_lockouts', 'GET', '/user_login_lockouts', (ctx) => {
    requireAdmin(ctx);
    return ok(ctx, db.lockouts.map((l) => lockoutJson(db, l)));
  });
  add('search_user_login_lockouts', 'GET', '/user_login_lockouts/search', (ctx) => {
    requireAdmin(ctx);
    const q = ctx.query;
    const hits = searchRows(q, db.lockouts, { str: ['auth_type', 'full_name', 'email', 'remote_id'] });
    const sorted = sortRows(hits, q.sorts, (l, f) => /** @type {Record<string, unknown>} */ (l)[f] ?? null, () => 0);
    return paged(db, ctx, sorted, (l) => lockoutJson(db, l));
  });
  add('delete_user_login_lockout', 'DELETE', '/user_login_lockout/{key}', (ctx) => {
    requireAdmin(ctx);
    const i = db.lockouts.findIndex((l) => l.key === ctx.params.key);
    if (i < 0) throw notFound();
    db.lockouts.splice(i, 1);
    return NO_CONTENT;
  });
}

module.exports = { addLockoutRoutes };
