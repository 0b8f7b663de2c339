// @ts-check
// Routes for roles (a user's roles, lists, search, members) and what they are made of: permission sets, model sets and
// LookML models.
const Q = require('../query');
const { effectiveRoleIds } = require('../db');
const { groupJson, modelSetJson, permissionSetJson, roleJson, userJson } = require('../serialise');
const { boolParam, found, idSet, invalid, ok, ownOrAdminUser, paged, pathUser, requireAdmin, searchRows, sortById } = require('./shared');

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addRoleRoutes(add, db) {
  /** @param {string} id */
  const roleById = (id) => found(db.roles.find((x) => x.id === id));
  add('user_roles', 'GET', '/users/{user_id}/roles', (ctx) => {
    const u = ownOrAdminUser(db, ctx);
    const direct = boolParam(ctx, 'direct_association_only') ?? false;
    return ok(ctx, effectiveRoleIds(db, u, direct).map((id) => roleJson(db, roleById(id))));
  });
  add('set_user_roles', 'PUT', '/users/{user_id}/roles', (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const b = ctx.body;
    if (!Array.isArray(b) || b.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      throw invalid('role_ids', 'invalid', 'Body must be an array of role ids');
    }
    const ids = [...new Set(b.map(String))];
    const bad = ids.filter((id) => !db.roles.some((r) => r.id === id));
    if (bad.length) throw invalid('role_ids', 'invalid', `Role(s) not found: ${bad.join(', ')}`);
    u.role_ids = ids.sort((x, y) => Number(x) - Number(y));
    db.touch(u);
    return ok(ctx, effectiveRoleIds(db, u, true).map((id) => roleJson(db, roleById(id))));
  });
  add('all_roles', 'GET', '/roles', (ctx) => {
    const ids = ctx.query.ids === undefined ? null : idSet(ctx.query.ids);
    const all = boolParam(ctx, 'get_all_support_roles') ?? false;
    return ok(ctx, db.roles.filter((r) => (!ids || ids.has(r.id)) && (all || !r.internal || ids)).map((r) => roleJson(db, r)));
  });
  add('search_roles', 'GET', '/roles/search', (ctx) => {
    const q = ctx.query;
    const hits = searchRows(q, db.roles, { str: ['name'], ids: ['id'], bools: ['built_in'],
      custom: { model_set_ids: (r, v) => Q.idMatcher(v)(r.model_set_id), permission_set_ids: (r, v) => Q.idMatcher(v)(r.permission_set_id) } });
    return paged(db, ctx, sortById(hits, q.sorts), (r) => roleJson(db, r));
  });
  add('role', 'GET', '/roles/{role_id}', (ctx) => ok(ctx, roleJson(db, roleById(ctx.params.role_id))));
  add('role_users', 'GET', '/roles/{role_id}/users', (ctx) => {
    const r = roleById(ctx.params.role_id);
    const direct = boolParam(ctx, 'direct_association_only') ?? false;
    return ok(ctx, db.users.filter((u) => effectiveRoleIds(db, u, direct).includes(r.id)).map((u) => userJson(db, u, ctx.actor, ctx.admin)));
  });
  add('role_groups', 'GET', '/roles/{role_id}/groups', (ctx) => {
    const r = roleById(ctx.params.role_id);
    return ok(ctx, db.groups.filter((g) => g.role_ids.includes(r.id)).map((g) => groupJson(db, g, ctx.actor)));
  });
  add('all_permission_sets', 'GET', '/permission_sets', (ctx) => ok(ctx, db.permissionSets.map((p) => permissionSetJson(db, p.id))));
  add('all_model_sets', 'GET', '/model_sets', (ctx) => ok(ctx, db.modelSets.map((m) => modelSetJson(db, m.id))));
  add('model_set', 'GET', '/model_sets/{model_set_id}', (ctx) => ok(ctx, found(modelSetJson(db, ctx.params.model_set_id))));
  add('all_lookml_models', 'GET', '/lookml_models', (ctx) => {
    const excludeEmpty = boolParam(ctx, 'exclude_empty') ?? false;
    boolParam(ctx, 'exclude_hidden');
    boolParam(ctx, 'include_internal');
    boolParam(ctx, 'include_self_service');
    const rows = db.lookmlModels.filter((m) => !excludeEmpty || m.has_content)
      .map((m) => ({ can: { show: true, index: true }, ...m, explores: m.explores.map((e) => ({ ...e })) }));
    const w = Q.pageWindow({ limit: ctx.query.limit ?? '', offset: ctx.query.offset ?? '' });
    return ok(ctx, w.limit === null ? rows.slice(w.offset) : rows.slice(w.offset, w.offset + w.limit));
  });
}

module.exports = { addRoleRoutes };
