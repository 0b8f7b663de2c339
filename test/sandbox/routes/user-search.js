// @ts-check
// Users in search and sort order: the filters of search_users / search_users_names and the `sorts` of user lists
// (used by the users and groups routes).
const Q = require('../query');
const { userJson } = require('../serialise');
const { HttpError, idSet, paged } = require('./shared');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('../db').Db} Db
 * @typedef {import('../db').Lower} Lower
 * @typedef {import('./shared').Ctx} Ctx
 */

/** @param {Db} db @param {SeedUser} u @param {string} field */
function userSortValue(db, u, field) {
  switch (field) {
    case 'id': return Number(u.id);
    case 'first_name': return db.lc(u).first;
    case 'last_name': return db.lc(u).last;
    case 'email': return db.lc(u).email;
    case 'display_name': return u.first_name !== null && u.last_name !== null ? db.lc(u).full : null;
    case 'is_disabled': return u.is_disabled;
    case 'locale': return u.locale;
    case 'is_service_account': return u.is_service_account;
    case 'home_folder_id': return u.home_folder_id === null ? null : Number(u.home_folder_id);
    case 'personal_folder_id': return u.personal_folder_id === null ? null : Number(u.personal_folder_id);
    default: {
      // Any other scalar User property: its value as an admin sees it.
      const v = /** @type {Record<string, unknown>} */ (userJson(db, u, null, true))[field];
      return v === undefined ? null : v;
    }
  }
}

/** Users in `sorts` order, cached until the next change. @param {Db} db @param {string | undefined} sorts */
function sortedUsers(db, sorts) {
  const keys = Q.parseSorts(sorts);
  for (const k of keys) if (!db.sortFields.has(k.field)) throw new HttpError(400, `Invalid sort field: '${k.field.slice(0, 40)}'`);
  if (!keys.length || (keys.length === 1 && keys[0].field === 'id' && !keys[0].desc)) return db.users;
  const cacheKey = keys.map((k) => `${k.field}:${k.desc ? 'd' : 'a'}`).join(',');
  const hit = db.sortCache.get(cacheKey);
  if (hit && hit.version === db.version) return hit.order;
  // Sort values read once per user and key (some come from the full user JSON).
  /** @type {Map<string, unknown[]>} */
  const values = new Map(db.users.map((u) => [u.id, keys.map((k) => userSortValue(db, u, k.field))]));
  const order = [...db.users].sort(Q.comparator(keys.map((k, i) => ({ ...k, field: String(i) })),
    (u, f) => /** @type {unknown[]} */ (values.get(u.id))[Number(f)], (u) => Number(u.id)));
  db.sortCache.set(cacheKey, { version: db.version, order });
  return order;
}

/**
 * Builds the predicate for search_users / search_users_names filters.
 * @param {Db} db @param {Record<string, string>} q @param {string[]} allowed
 * @returns {(u: SeedUser) => boolean}
 */
function userFilter(db, q, allowed) {
  /** @type {((u: SeedUser) => boolean)[]} */
  const preds = [];
  /** @param {string} name @param {(l: Lower) => string | null} get */
  const str = (name, get) => {
    if (q[name] === undefined || !allowed.includes(name)) return;
    const m = Q.stringMatcher(q[name]);
    preds.push((u) => m(get(db.lc(u))));
  };
  /** @param {string} name @param {(u: SeedUser) => boolean} get */
  const bool = (name, get) => {
    if (q[name] === undefined || !allowed.includes(name)) return;
    const want = Q.parseBool(name, q[name]);
    preds.push((u) => get(u) === want);
  };
  if (q.id !== undefined && allowed.includes('id')) {
    const m = Q.idMatcher(q.id);
    preds.push((u) => m(u.id));
  }
  str('first_name', (l) => l.first);
  str('last_name', (l) => l.last);
  str('full_name', (l) => l.full);
  str('email', (l) => l.email);
  bool('verified_looker_employee', (u) => u.verified_looker_employee);
  bool('embed_user', (u) => u.credentials_embed.length > 0);
  bool('is_disabled', (u) => u.is_disabled);
  bool('can_manage_api3_creds', (u) => u.can_manage_api3_creds);
  bool('is_service_account', (u) => u.is_service_account);
  if (q.content_metadata_id !== undefined && allowed.includes('content_metadata_id')) {
    // "users who have access to this content_metadata item": the owner of a personal folder, everyone for the shared
    // root, and admins for every item (not "the user whose personal folder it is").
    const ids = idSet(q.content_metadata_id);
    preds.push((u) => ids.has(SHARED_CONTENT_METADATA_ID) || ids.has(u.content_metadata_id) || db.isAdmin(u));
  }
  if (q.group_id !== undefined && allowed.includes('group_id')) {
    const v = q.group_id.trim();
    if (/^is null$/i.test(v)) preds.push((u) => u.group_ids.length === 0);
    else if (/^not null$/i.test(v)) preds.push((u) => u.group_ids.length > 0);
    else {
      const m = Q.idMatcher(v);
      preds.push((u) => u.group_ids.some((g) => m(g)));
    }
  }
  const or = q.filter_or !== undefined && allowed.includes('filter_or') ? Q.parseBool('filter_or', q.filter_or) : false;
  if (!preds.length) return () => true;
  if (preds.length === 1) return preds[0];
  return or ? (u) => preds.some((p) => p(u)) : (u) => preds.every((p) => p(u));
}

/** search_users filters the spec limits to "users with permission to view complete user details". */
const DETAIL_FILTERS = new Set(['verified_looker_employee', 'email', 'is_disabled', 'can_manage_api3_creds', 'is_service_account']);
/**
 * Filters of search_users / search_users_names the caller may use: those this release has (any other query parameter
 * is ignored, as Looker does: an unknown parameter is not refused, it is simply not applied), and without full user
 * details not the detail filters.
 * @param {Ctx} ctx @param {Db} db @param {'searchUsers' | 'searchUsersNames'} op
 */
const callerParams = (ctx, db, op) => (ctx.admin ? db.surface[op] : db.surface[op].filter((p) => !DETAIL_FILTERS.has(p)));
/** The content metadata id of the Shared folder, which every user can see. */
const SHARED_CONTENT_METADATA_ID = '1';

/** @param {Ctx} ctx @param {Db} db @param {(u: SeedUser) => boolean} pred */
function userList(ctx, db, pred) {
  const order = sortedUsers(db, ctx.query.sorts);
  const rows = order === db.users && pred === ALL ? order : order.filter(pred);
  return paged(db, ctx, rows, (u) => userJson(db, u, ctx.actor, ctx.admin));
}
/** The filter that keeps every user. */
const ALL = () => true;

module.exports = { ALL, sortedUsers, userFilter, callerParams, userList };
