// @ts-check
// Routes for users: the caller, lists and searches, lookup by credential, create, read, update, delete, email wipe-out.
const Q = require('../query');
const { blankUser, iso } = require('../seed');
const { userJson } = require('../serialise');
const { HttpError, found, idSet, invalid, objectBody, ok, pathUser, rejectInvalid, requireAdmin, NO_CONTENT } = require('./shared');
const { ALL, callerParams, userFilter, userList } = require('./user-search');
const { applyUserWrite, assertEmailFree, validateEmailWrite, validateUserWrite } = require('./user-writes');

/** @typedef {import('../seed').SeedUser} SeedUser */

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addUserRoutes(add, db) {
  add('me', 'GET', '/user', (ctx) => ok(ctx, userJson(db, /** @type {SeedUser} */ (ctx.actor), ctx.actor, ctx.admin)));
  add('all_users', 'GET', '/users', (ctx) => {
    if (ctx.query.ids !== undefined) {
      const ids = idSet(ctx.query.ids);
      return userList(ctx, db, (u) => ids.has(u.id));
    }
    return userList(ctx, db, ALL);
  });
  add('search_users', 'GET', '/users/search', (ctx) => userList(ctx, db, userFilter(db, ctx.query, callerParams(ctx, db, 'searchUsers'))));
  add('search_users_names', 'GET', '/users/search/names/{pattern}', (ctx) => {
    const m = Q.stringMatcher(ctx.params.pattern);
    const rest = userFilter(db, ctx.query, callerParams(ctx, db, 'searchUsersNames'));
    return userList(ctx, db, (u) => {
      const l = db.lc(u);
      return (m(l.first) || m(l.last) || m(l.email)) && rest(u);
    });
  });
  add('user_for_credential', 'GET', '/users/credential/{credential_type}/{credential_id}', (ctx) => {
    requireAdmin(ctx);
    const id = ctx.params.credential_id;
    const lower = id.toLowerCase();
    /** @type {Record<string, (u: SeedUser) => boolean>} */
    const by = {
      email: (u) => u.credentials_email?.email.toLowerCase() === lower,
      google: (u) => u.credentials_google?.google_user_id === id,
      saml: (u) => u.credentials_saml?.saml_user_id === id,
      oidc: (u) => u.credentials_oidc?.oidc_user_id === id,
      ldap: (u) => u.credentials_ldap?.ldap_id === id,
      api: () => false,
      api3: (u) => u.credentials_api3.some((c) => c.client_id === id),
      embed: (u) => u.credentials_embed.some((c) => c.external_user_id === id),
      looker_openid: (u) => String(u.credentials_looker_openid?.email ?? '').toLowerCase() === lower,
    };
    const f = by[ctx.params.credential_type];
    if (!f) throw new HttpError(400, `Unknown credential type '${ctx.params.credential_type.slice(0, 40)}'.`);
    return ok(ctx, userJson(db, found(db.users.find(f)), ctx.actor, ctx.admin));
  });
  add('create_user', 'POST', '/users', (ctx) => {
    requireAdmin(ctx);
    const b = objectBody(ctx, false);
    rejectInvalid(validateUserWrite(b));
    const ce = /** @type {Record<string, unknown> | undefined} */ (b.credentials_email);
    if (ce && typeof ce.email === 'string' && ce.email) assertEmailFree(db, ce.email, '');
    const id = String(db.nextUserId++);
    const u = blankUser(id, iso(Date.now()), { group_ids: db.groups.filter((g) => g.include_by_default).map((g) => g.id) });
    applyUserWrite(db, u, b);
    db.addUser(u);
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
  add('user', 'GET', '/users/{user_id}', (ctx) => ok(ctx, userJson(db, pathUser(db, ctx), ctx.actor, ctx.admin)));
  add('update_user', 'PATCH', '/users/{user_id}', (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    // User.credentials_email is read-only (Swagger 2.0 marks it readOnly): a nested credentials_email is ignored;
    // the email login changes only through /users/{id}/credentials_email.
    const { credentials_email: _ignored, ...writable } = objectBody(ctx, true);
    rejectInvalid(validateUserWrite(writable));
    applyUserWrite(db, u, writable);
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
  add('delete_user', 'DELETE', '/users/{user_id}', (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    if (ctx.actor?.id === u.id) throw new HttpError(403, 'You cannot delete yourself.');
    if (db.isAdmin(u) && db.users.filter((x) => !x.is_disabled && db.isAdmin(x)).length <= 1) throw new HttpError(403, 'The last admin cannot be deleted.');
    db.lockouts = db.lockouts.filter((l) => l.user_id !== u.id);
    db.removeUser(u);
    return NO_CONTENT;
  });
  add('wipeout_user_emails', 'POST', '/users/{user_id}/update_emails', (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    rejectInvalid(validateEmailWrite(b, true).filter((e) => e.field === 'email'));
    if (!u.is_disabled) throw invalid('user_id', 'invalid', 'Emails can only be overwritten for disabled users');
    const email = /** @type {string} */ (b.email);
    assertEmailFree(db, email, u.id);
    if (u.credentials_email) u.credentials_email.email = email;
    for (const k of /** @type {const} */ (['credentials_google', 'credentials_saml', 'credentials_oidc', 'credentials_ldap', 'credentials_looker_openid', 'credentials_workforce'])) {
      const c = u[k];
      if (c && 'email' in c) c.email = email;
    }
    db.touch(u);
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
}

module.exports = { addUserRoutes };
