// @ts-check
// Routes for service accounts (alpha; not in release 24.20, whose User has no is_service_account): create, update, delete.
const { blankUser, iso } = require('../seed');
const { api, api3Json } = require('../serialise');
const { NO_CONTENT, notFound, objectBody, ok, rejectInvalid, requireAdmin } = require('./shared');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('./shared').Ctx} Ctx
 */

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addServiceAccountRoutes(add, db) {
  const serviceAccountsHere = () => {
    if (!db.userFields.has('is_service_account')) throw notFound();
  };
  /** @param {SeedUser} u */
  const serviceAccountJson = (u) => ({ can: {}, id: u.id, service_account_name: u.service_account_name ?? '', is_service_account: true,
    is_disabled: u.is_disabled, group_ids: [...u.group_ids], role_ids: [...u.role_ids], credentials_api3: u.credentials_api3.map((c) => api3Json(db, u, c)),
    created_at: u.created_at, url: `${api(db)}/users/${u.id}` });
  /** @param {Record<string, unknown>} b @param {boolean} create */
  const serviceAccountWrite = (b, create) => {
    const errs = [];
    if ('service_account_name' in b && (typeof b.service_account_name !== 'string' || !b.service_account_name.trim())) {
      errs.push({ field: 'service_account_name', code: 'invalid', message: 'must be a non-empty string' });
    } else if (create && !('service_account_name' in b)) errs.push({ field: 'service_account_name', code: 'missing_field', message: 'is required' });
    if ('is_disabled' in b && typeof b.is_disabled !== 'boolean') errs.push({ field: 'is_disabled', code: 'invalid', message: 'must be a boolean' });
    rejectInvalid(errs);
  };
  /** @param {Ctx} ctx */
  const serviceAccountOf = (ctx) => {
    const u = db.byId.get(ctx.params.user_id);
    if (!u || !u.is_service_account) throw notFound();
    return u;
  };
  add('create_service_account', 'POST', '/users/service_accounts', (ctx) => {
    serviceAccountsHere();
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    serviceAccountWrite(b, true);
    const id = String(db.nextUserId++);
    const u = blankUser(id, iso(Date.now()), { is_disabled: b.is_disabled === true, home_folder_id: null, personal_folder_id: null,
      is_service_account: true, service_account_name: String(b.service_account_name).trim() });
    db.addUser(u);
    return ok(ctx, serviceAccountJson(u));
  });
  add('update_service_account', 'PATCH', '/users/service_accounts/{user_id}', (ctx) => {
    serviceAccountsHere();
    requireAdmin(ctx);
    const u = serviceAccountOf(ctx);
    const b = objectBody(ctx, true);
    serviceAccountWrite(b, false);
    if (typeof b.service_account_name === 'string') u.service_account_name = b.service_account_name.trim();
    if (typeof b.is_disabled === 'boolean') u.is_disabled = b.is_disabled;
    db.touch(u);
    return ok(ctx, serviceAccountJson(u));
  });
  add('delete_service_account', 'DELETE', '/users/service_accounts/{user_id}', (ctx) => {
    serviceAccountsHere();
    requireAdmin(ctx);
    db.removeUser(serviceAccountOf(ctx));
    return NO_CONTENT;
  });
}

module.exports = { addServiceAccountRoutes };
