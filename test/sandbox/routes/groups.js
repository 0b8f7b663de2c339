// @ts-check
// Routes for groups: lists, search, one group, its member users and groups, adding and removing a member.
const { groupJson, userJson } = require('../serialise');
const { HttpError, NO_CONTENT, boolParam, found, idSet, notFound, objectBody, ok, paged, pathUser, requireAdmin, searchRows,
  sortById } = require('./shared');
const { sortedUsers } = require('./user-search');

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addGroupRoutes(add, db) {
  /** @param {string} id */
  const groupById = (id) => found(db.groups.find((x) => x.id === id));
  add('all_groups', 'GET', '/groups', (ctx) => {
    const q = ctx.query;
    const ids = q.ids === undefined ? null : idSet(q.ids);
    const canAdd = boolParam(ctx, 'can_add_to_content_metadata');
    let rows = db.groups.map((g) => groupJson(db, g, ctx.actor)).filter((g) => (!ids || ids.has(g.id)) && (canAdd === undefined || g.can_add_to_content_metadata === canAdd));
    if (q.content_metadata_id !== undefined) rows = rows.filter((g) => !g.external_group_id?.startsWith('partner'));
    return paged(db, ctx, sortById(rows, q.sorts), (g) => g);
  });
  add('search_groups', 'GET', '/groups/search', (ctx) => {
    const q = ctx.query;
    const rows = db.groups.map((g) => ({ ...groupJson(db, g, ctx.actor), externally_orphaned: false }));
    const hits = searchRows(q, rows, { str: ['name', 'external_group_id'], ids: ['id'], bools: ['externally_managed', 'externally_orphaned'] });
    return paged(db, ctx, sortById(hits, q.sorts), ({ externally_orphaned: _x, ...g }) => g);
  });
  add('group', 'GET', '/groups/{group_id}', (ctx) => ok(ctx, groupJson(db, groupById(ctx.params.group_id), ctx.actor)));
  add('all_group_users', 'GET', '/groups/{group_id}/users', (ctx) => {
    const g = groupById(ctx.params.group_id);
    const order = sortedUsers(db, ctx.query.sorts);
    return paged(db, ctx, order.filter((u) => u.group_ids.includes(g.id)), (u) => userJson(db, u, ctx.actor, ctx.admin));
  });
  add('all_group_groups', 'GET', '/groups/{group_id}/groups', (ctx) => {
    const g = groupById(ctx.params.group_id);
    const rows = db.groups.filter((c) => /** @type {string[]} */ (c.parent_ids ?? []).includes(g.id)).map((c) => groupJson(db, c, ctx.actor));
    return ok(ctx, rows);
  });
  add('add_group_user', 'POST', '/groups/{group_id}/users', (ctx) => {
    const g = groupById(ctx.params.group_id);
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    if (typeof b.user_id !== 'string' && typeof b.user_id !== 'number') throw new HttpError(400, 'user_id is required.');
    const u = db.user(String(b.user_id));
    if (!u.group_ids.includes(g.id)) u.group_ids.push(g.id);
    u.group_ids.sort((x, y) => Number(x) - Number(y));
    db.touch(u);
    return { status: 200, body: userJson(db, u, ctx.actor, ctx.admin) };
  });
  add('delete_group_user', 'DELETE', '/groups/{group_id}/users/{user_id}', (ctx) => {
    const g = groupById(ctx.params.group_id);
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    if (!u.group_ids.includes(g.id)) throw notFound();
    u.group_ids = u.group_ids.filter((x) => x !== g.id);
    db.touch(u);
    return NO_CONTENT;
  });
}

module.exports = { addGroupRoutes };
