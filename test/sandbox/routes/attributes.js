// @ts-check
// Routes for user attributes: the attribute list, group values, and a user's values (read, set, clear).
const { allGroupIds, userEmail } = require('../db');
const { attributeJson } = require('../serialise');
const { NO_CONTENT, boolParam, forbidden, found, idSet, invalid, objectBody, ok, ownOrAdminUser, pathUser, requireAdmin,
  sortById } = require('./shared');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('../db').Db} Db
 * @typedef {import('./shared').Ctx} Ctx
 */

/**
 * Rows of user_attribute_user_values for one user.
 * @param {Db} db @param {SeedUser} u @param {{ ids: Set<string> | null, allValues: boolean, includeUnset: boolean, viewerAdmin: boolean }} o
 */
function attributeValues(db, u, o) {
  const out = [];
  const groups = allGroupIds(db, u);
  for (const a of db.userAttributes) {
    if (o.ids && !o.ids.has(a.id)) continue;
    /** @type {{ value: string | null, source: string, rank: number | null }[]} */
    const cands = [];
    /** @type {Record<string, string | null>} */
    const system = { email: userEmail(u), first_name: u.first_name, last_name: u.last_name, locale: u.locale };
    const sys = system[a.name];
    if (a.is_system && sys !== undefined) {
      if (sys !== null) cands.push({ value: sys, source: 'system', rank: null });
    } else {
      if (u.attribute_values[a.id] !== undefined) cands.push({ value: u.attribute_values[a.id], source: 'user', rank: null });
      const gv = db.groupAttributeValues.filter((g) => g.user_attribute_id === a.id && groups.has(g.group_id)).sort((x, y) => x.rank - y.rank);
      for (const g of gv) cands.push({ value: g.value, source: `group`, rank: g.rank });
      if (a.default_value !== null) cands.push({ value: a.default_value, source: 'default', rank: null });
    }
    const row = (/** @type {{ value: string | null, source: string | null, rank: number | null }} */ c) => ({
      can: { show: true, index: true, update: !a.is_system || a.user_can_edit },
      name: a.name, label: a.label, rank: c.rank, value: a.value_is_hidden ? null : c.value,
      user_id: u.id, user_can_edit: a.user_can_edit, value_is_hidden: a.value_is_hidden, user_attribute_id: a.id,
      source: c.source, hidden_value_domain_whitelist: a.hidden_value_domain_whitelist,
    });
    if (!cands.length) {
      if (o.includeUnset) out.push(row({ value: null, source: null, rank: null }));
      continue;
    }
    if (o.allValues) for (const c of cands) out.push(row(c));
    else out.push(row(cands[0]));
  }
  return out;
}

/** @param {import('./shared').AddRoute} add @param {Db} db */
function addAttributeRoutes(add, db) {
  /** @param {Ctx} ctx */
  const attrOf = (ctx) => found(db.userAttributes.find((x) => x.id === ctx.params.user_attribute_id));
  add('all_user_attributes', 'GET', '/user_attributes', (ctx) => ok(ctx, sortById(db.userAttributes, ctx.query.sorts).map(attributeJson)));
  add('all_user_attribute_group_values', 'GET', '/user_attributes/{user_attribute_id}/group_values', (ctx) => {
    const a = attrOf(ctx);
    requireAdmin(ctx);
    return ok(ctx, db.groupAttributeValues.filter((g) => g.user_attribute_id === a.id).map((g) => ({
      can: { show: true, index: true }, id: g.id, group_id: g.group_id, user_attribute_id: g.user_attribute_id,
      value_is_hidden: a.value_is_hidden, rank: g.rank, value: a.value_is_hidden ? null : g.value })));
  });
  add('user_attribute_user_values', 'GET', '/users/{user_id}/attribute_values', (ctx) => {
    const u = ownOrAdminUser(db, ctx);
    const ids = ctx.query.user_attribute_ids === undefined ? null : idSet(ctx.query.user_attribute_ids);
    return ok(ctx, attributeValues(db, u, { ids, allValues: boolParam(ctx, 'all_values') ?? false,
      includeUnset: boolParam(ctx, 'include_unset') ?? false, viewerAdmin: ctx.admin }));
  });
  add('set_user_attribute_user_value', 'PATCH', '/users/{user_id}/attribute_values/{user_attribute_id}', (ctx) => {
    const u = pathUser(db, ctx);
    const a = attrOf(ctx);
    if (!ctx.admin && !(ctx.actor?.id === u.id && a.user_can_edit)) throw forbidden(ctx);
    const b = objectBody(ctx, true);
    if (a.is_system && a.name !== 'locale') throw invalid('value', 'invalid', `The system attribute '${a.name}' cannot be set per user`);
    if (typeof b.value !== 'string') throw invalid('value', 'missing_field', 'value must be a string');
    if (a.type === 'number' && !/^-?\d+(\.\d+)?$/.test(b.value)) throw invalid('value', 'invalid', 'value must be a number');
    if (a.name === 'locale') u.locale = b.value;
    else u.attribute_values[a.id] = b.value;
    db.touch(u);
    const row = attributeValues(db, u, { ids: new Set([a.id]), allValues: false, includeUnset: true, viewerAdmin: ctx.admin })[0];
    return { status: 200, body: row };
  });
  add('delete_user_attribute_user_value', 'DELETE', '/users/{user_id}/attribute_values/{user_attribute_id}', (ctx) => {
    const u = pathUser(db, ctx);
    const a = attrOf(ctx);
    requireAdmin(ctx);
    delete u.attribute_values[a.id];
    db.touch(u);
    return NO_CONTENT;
  });
}

module.exports = { addAttributeRoutes };
