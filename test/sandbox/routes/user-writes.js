// @ts-check
// Checking and applying User and email-login bodies (create_user, update_user, the credentials_email routes).
const { iso } = require('../seed');
const { HttpError } = require('./shared');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('../db').Db} Db
 * @typedef {import('./shared').FieldError} FieldError
 */

const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** @param {Record<string, unknown>} b */
function validateUserWrite(b) {
  /** @type {FieldError[]} */
  const errs = [];
  /** @param {string} f @param {string} type @param {boolean} nullable */
  const check = (f, type, nullable) => {
    if (!(f in b)) return;
    const v = b[f];
    if (v === null ? !nullable : typeof v !== type) errs.push({ field: f, code: 'invalid', message: `${f} must be a ${type}${nullable ? ' or null' : ''}` });
  };
  check('first_name', 'string', true);
  check('last_name', 'string', true);
  check('locale', 'string', true);
  check('home_folder_id', 'string', true);
  check('is_disabled', 'boolean', false);
  check('models_dir_validated', 'boolean', true);
  check('can_manage_api3_creds', 'boolean', false);
  if ('ui_state' in b && b.ui_state !== null && (typeof b.ui_state !== 'object' || Array.isArray(b.ui_state) ||
    Object.values(/** @type {object} */ (b.ui_state)).some((v) => typeof v !== 'string'))) {
    errs.push({ field: 'ui_state', code: 'invalid', message: 'ui_state must be a map of strings' });
  }
  for (const f of ['first_name', 'last_name']) {
    const v = b[f];
    if (typeof v === 'string' && v.length > 255) errs.push({ field: f, code: 'invalid', message: `${f} is too long (maximum is 255 characters)` });
  }
  if (typeof b.locale === 'string' && b.locale !== '' && !/^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$/.test(b.locale)) {
    errs.push({ field: 'locale', code: 'invalid', message: 'locale is not a valid locale' });
  }
  if ('credentials_email' in b && b.credentials_email !== null) {
    const ce = b.credentials_email;
    if (typeof ce !== 'object' || Array.isArray(ce)) errs.push({ field: 'credentials_email', code: 'invalid', message: 'credentials_email must be an object' });
    else errs.push(...validateEmailWrite(/** @type {Record<string, unknown>} */ (ce), false).map((e) => ({ ...e, field: `credentials_email.${e.field}` })));
  }
  return errs;
}

/** @param {Record<string, unknown>} b @param {boolean} requireEmail */
function validateEmailWrite(b, requireEmail) {
  /** @type {FieldError[]} */
  const errs = [];
  if (!('email' in b) || b.email === null || b.email === '') {
    if (requireEmail) errs.push({ field: 'email', code: 'missing_field', message: 'email is required' });
  } else if (typeof b.email !== 'string' || !EMAIL_RE.test(b.email) || b.email.length > 255) {
    errs.push({ field: 'email', code: 'invalid', message: 'email is not a valid email address' });
  }
  if ('forced_password_reset_at_next_login' in b && typeof b.forced_password_reset_at_next_login !== 'boolean') {
    errs.push({ field: 'forced_password_reset_at_next_login', code: 'invalid', message: 'forced_password_reset_at_next_login must be a boolean' });
  }
  return errs;
}

/** Applies the writable fields of a User body (read-only ones are ignored). @param {Db} db @param {SeedUser} u @param {Record<string, unknown>} b */
function applyUserWrite(db, u, b) {
  if ('first_name' in b) u.first_name = /** @type {string | null} */ (b.first_name);
  if ('last_name' in b) u.last_name = /** @type {string | null} */ (b.last_name);
  if ('locale' in b) u.locale = /** @type {string | null} */ (b.locale);
  if ('home_folder_id' in b) u.home_folder_id = /** @type {string | null} */ (b.home_folder_id);
  if ('is_disabled' in b) u.is_disabled = /** @type {boolean} */ (b.is_disabled);
  if ('models_dir_validated' in b) u.models_dir_validated = /** @type {boolean | null} */ (b.models_dir_validated);
  if ('can_manage_api3_creds' in b) u.can_manage_api3_creds = /** @type {boolean} */ (b.can_manage_api3_creds);
  if ('ui_state' in b) u.ui_state = /** @type {Record<string, string> | null} */ (b.ui_state);
  const ce = /** @type {Record<string, unknown> | null | undefined} */ (b.credentials_email);
  if (ce && typeof ce === 'object') {
    if (typeof ce.email === 'string' && ce.email) {
      if (u.credentials_email) u.credentials_email.email = ce.email;
      else u.credentials_email = newEmailCred(db, ce.email);
    }
    if (u.credentials_email && typeof ce.forced_password_reset_at_next_login === 'boolean') {
      u.credentials_email.forced_password_reset_at_next_login = ce.forced_password_reset_at_next_login;
    }
  }
  db.touch(u);
}

/** @param {Db} db @param {string} email @returns {import('../seed').EmailCred} */
function newEmailCred(db, email) {
  return { email, forced_password_reset_at_next_login: false, created_at: iso(Date.now()), logged_in_at: null, is_disabled: false,
    reset_token: null, reset_expired: false, reset_expires_at: null, setup_token: db.rand.hex(32), setup_expired: false, setup_expires_at: null };
}

/** The 409 for an e-mail used by another user's email credential. @param {Db} db @param {string} email @param {string} uid */
function assertEmailFree(db, email, uid) {
  if (db.emailTaken(email, uid)) throw new HttpError(409, `An email credential with email '${email}' already exists.`);
}

module.exports = { validateUserWrite, validateEmailWrite, applyUserWrite, newEmailCred, assertEmailFree };
