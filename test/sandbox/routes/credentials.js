// @ts-check
// Routes for a user's logins: the email login (and its reset and setup links), the SSO and TOTP logins, API keys and
// embed credentials.
const crypto = require('crypto');
const Q = require('../query');
const { iso } = require('../seed');
const { api3Json, emailCredJson, embedJson, simpleCredJson } = require('../serialise');
const { HttpError, NO_CONTENT, addUserItems, boolParam, found, invalid, objectBody, ok, ownOrAdminUser, paged, pathUser,
  rejectInvalid, requireAdmin, searchRows, sortRows } = require('./shared');
const { assertEmailFree, newEmailCred, validateEmailWrite } = require('./user-writes');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('./shared').AddRoute} AddRoute
 * @typedef {import('../db').Db} Db
 */

/** The one-of-a-kind logins, read and deleted alike; `email` is the email login. */
const SINGLE_LOGINS = /** @type {const} */ (['email', 'totp', 'ldap', 'google', 'saml', 'oidc', 'looker_openid']);

/** @param {AddRoute} add @param {Db} db */
function addCredentialRoutes(add, db) {
  const emailPath = '/users/{user_id}/credentials_email';
  /** @param {SeedUser} u */
  const needEmail = (u) => found(u.credentials_email);
  /** A new password reset link (what the reset URL shows). @param {import('../seed').EmailCred} c @param {number | null} expiresAt */
  const newResetLink = (c, expiresAt) => {
    c.reset_token = db.rand.alnum(32);
    c.reset_expired = false;
    c.reset_expires_at = expiresAt;
  };

  // --- get and delete of every one-of-a-kind login
  for (const kind of SINGLE_LOGINS) {
    const key = /** @type {`credentials_${typeof kind}`} */ (`credentials_${kind}`);
    add(`user_credentials_${kind}`, 'GET', `/users/{user_id}/${key}`, (ctx) => {
      const u = ownOrAdminUser(db, ctx);
      found(u[key]);
      return ok(ctx, key === 'credentials_email' ? emailCredJson(db, u, ctx.admin) : simpleCredJson(db, u, key));
    });
    add(`delete_user_credentials_${kind}`, 'DELETE', `/users/{user_id}/${key}`, (ctx) => {
      const u = pathUser(db, ctx);
      requireAdmin(ctx);
      found(u[key]);
      u[key] = null;
      db.touch(u);
      return NO_CONTENT;
    });
  }

  // --- the email login
  add('create_user_credentials_email', 'POST', emailPath, (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    rejectInvalid(validateEmailWrite(b, true));
    if (u.credentials_email) throw new HttpError(409, 'This user already has an email credential.');
    assertEmailFree(db, /** @type {string} */ (b.email), u.id);
    u.credentials_email = newEmailCred(db, /** @type {string} */ (b.email));
    if (typeof b.forced_password_reset_at_next_login === 'boolean') u.credentials_email.forced_password_reset_at_next_login = b.forced_password_reset_at_next_login;
    db.touch(u);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('update_user_credentials_email', 'PATCH', emailPath, (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    const b = objectBody(ctx, true);
    rejectInvalid(validateEmailWrite(b, false));
    if (typeof b.email === 'string' && b.email) {
      if (db.emailTaken(b.email, u.id)) throw invalid('email', 'already_exists', 'email is already taken by another user');
      c.email = b.email;
    }
    if (typeof b.forced_password_reset_at_next_login === 'boolean') c.forced_password_reset_at_next_login = b.forced_password_reset_at_next_login;
    db.touch(u);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('create_user_credentials_email_password_reset', 'POST', `${emailPath}/password_reset`, (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    const expires = boolParam(ctx, 'expires') ?? false;
    newResetLink(c, expires ? Date.now() + 3600000 : null);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('send_user_credentials_email_password_reset', 'POST', `${emailPath}/send_password_reset`, (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    if (c.logged_in_at === null) {
      c.setup_token = db.rand.alnum(32);
      c.setup_expired = false;
      c.setup_expires_at = Date.now() + 72 * 3600000;
    } else newResetLink(c, Date.now() + 3600000);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('search_credentials_email', 'GET', '/credentials_email/search', (ctx) => {
    requireAdmin(ctx);
    const q = ctx.query;
    const rows = db.users.filter((u) => u.credentials_email !== null).map((u) => ({ u, user_id: u.id, email: /** @type {string} */ (u.credentials_email?.email) }));
    const hits = searchRows(q, rows, {
      str: ['email'],
      custom: {
        id: (r, v) => Q.idMatcher(v)(r.user_id),
        emails: (r, v) => v.split(',').map((s) => s.trim().toLowerCase()).includes(r.email.toLowerCase()),
      },
    });
    const sorted = sortRows(hits, q.sorts, (r, f) => (f === 'id' || f === 'user_id' ? Number(r.user_id) : f === 'email' ? r.email : null), (r) => Number(r.user_id));
    return paged(db, ctx, sorted, (r) => emailCredJson(db, r.u, true));
  });

  // --- API keys: creating one returns its client_secret, the only time it is returned (CreateCredentialsApi3).
  addUserItems(add, db, { ops: ['all_user_credentials_api3s', 'user_credentials_api3', 'delete_user_credentials_api3'],
    path: '/users/{user_id}/credentials_api3', param: 'credentials_api3_id', items: (u) => u.credentials_api3,
    json: (u, c) => api3Json(db, u, c) });
  add('create_user_credentials_api3', 'POST', '/users/{user_id}/credentials_api3', (ctx) => {
    const u = pathUser(db, ctx);
    requireAdmin(ctx);
    const c = { id: String(db.nextCredId++), client_id: crypto.randomBytes(15).toString('base64url'), client_secret: crypto.randomBytes(18).toString('base64url'),
      created_at: iso(Date.now()), is_disabled: false, purpose: null };
    u.credentials_api3.push(c);
    db.touch(u);
    return ok(ctx, { ...api3Json(db, u, c), client_secret: c.client_secret });
  });

  // --- embed credentials
  addUserItems(add, db, { ops: ['all_user_credentials_embeds', 'user_credentials_embed', 'delete_user_credentials_embed'],
    path: '/users/{user_id}/credentials_embed', param: 'credentials_embed_id', items: (u) => u.credentials_embed,
    json: (u, c) => embedJson(db, u, c) });
}

module.exports = { addCredentialRoutes };
