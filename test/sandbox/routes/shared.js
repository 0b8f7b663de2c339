// @ts-check
// What every sandbox route handler shares: the route and context types, errors and their JSON bodies, request body and
// query parsing, `fields` filtering, paging headers, and the generic search and sort of small collections.
const Q = require('../query');

const { HttpError } = Q;

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('../db').Db} Db
 * @typedef {{ op: string, method: string, path: string, re: RegExp, keys: string[], public?: boolean,
 *   handler: (ctx: Ctx) => Reply | Promise<Reply> }} Route
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply
 * @typedef {{ route: Route, params: Record<string, string>, query: Record<string, string>, rawQuery: string,
 *   body: unknown, actor: SeedUser | null, apiUser: SeedUser | null, admin: boolean, token: string | null,
 *   tokenInfo: TokenInfo | null, pathname: string }} Ctx
 * @typedef {{ actorId: string, apiUserId: string, auth: 'admin' | 'nonadmin' | 'sudo', expiresAt: number, parent: string | null }} TokenInfo
 * @typedef {(op: string, method: string, path: string, handler: Route['handler'], o?: { public?: boolean }) => void} AddRoute
 * @typedef {{ field: string, code: string, message: string }} FieldError
 */

/** A route table: `add` appends a route (path in the spec's form, `{name}` for a parameter); first match wins. */
function routeTable() {
  /** @type {Route[]} */
  const routes = [];
  /** @type {AddRoute} */
  const add = (op, method, path, handler, o = {}) => {
    /** @type {string[]} */
    const keys = [];
    const src = path.replace(/\{(\w+)\}/g, (_, k) => { keys.push(k); return '([^/]+)'; });
    routes.push({ op, method, path, re: new RegExp(`^${src}$`), keys, handler, public: o.public });
  };
  return { routes, add };
}

// ---------------------------------------------------------------------------------------------------------------------
// Errors

/** Operations whose spec entry declares no 403: a permission failure there is answered 404 (as Looker hides it). */
const NO_403 = new Set(('login logout session versions me all_users search_users search_users_names user create_user ' +
  'user_roles all_roles role search_roles role_users role_groups all_groups search_groups all_group_users ' +
  'all_user_login_lockouts search_user_login_lockouts delete_user_login_lockout all_user_attributes ' +
  'user_attribute_user_values all_user_attribute_group_values all_lookml_models all_model_sets model_set ' +
  'all_permission_sets group all_group_groups all_scheduled_plans scheduled_plan update_scheduled_plan folder').split(' '));

function notFound() {
  return new HttpError(404, 'Not found');
}
/** The value, or a 404 when there is none. @template T @param {T | null | undefined} value @returns {T} */
function found(value) {
  if (value === null || value === undefined) throw notFound();
  return value;
}
/** A 422 for one field. @param {string} field @param {string} code @param {string} message */
function invalid(field, code, message) {
  return new HttpError(422, 'Validation Failed', [{ field, code, message }]);
}
/** Throws a 422 listing the field errors, if there are any. @param {FieldError[]} errs */
function rejectInvalid(errs) {
  if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
}
/** @param {Ctx} ctx */
function forbidden(ctx) {
  return NO_403.has(ctx.route.op) ? notFound() : new HttpError(403, 'You do not have permission to perform this action.');
}
/** @param {Ctx} ctx */
function requireAdmin(ctx) {
  if (!ctx.admin) throw forbidden(ctx);
}
/** Admin, or the user themself. @param {Ctx} ctx @param {SeedUser} u */
function requireSelfOrAdmin(ctx, u) {
  if (!ctx.admin && ctx.actor?.id !== u.id) throw forbidden(ctx);
}
/** The user of the path's `{user_id}`, or 404. @param {Db} db @param {Ctx} ctx */
function pathUser(db, ctx) {
  return db.user(ctx.params.user_id);
}
/** The user of the path's `{user_id}`, when the caller is an admin or that user. @param {Db} db @param {Ctx} ctx */
function ownOrAdminUser(db, ctx) {
  const u = pathUser(db, ctx);
  requireSelfOrAdmin(ctx, u);
  return u;
}

/**
 * `documentation_url` in Looker's pattern.
 * @param {number} status @param {string} method @param {string} specPath e.g. /users/{user_id}
 */
function docUrl(status, method, specPath) {
  return `https://cloud.google.com/looker/docs/r/err/4.0/${status}/${method.toLowerCase()}${specPath.replace(/\{(\w+)\}/g, ':$1')}`;
}

/** @param {number} status */
function defaultMessage(status) {
  return ({ 400: 'Bad Request', 401: 'Requires authentication.', 403: 'Forbidden', 404: 'Not found', 409: 'Already exists',
    422: 'Validation Failed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' })[status] ?? 'Error';
}

/**
 * The JSON error body for a status.
 * @param {number} status @param {string} method @param {string} specPath @param {string} [message]
 * @param {FieldError[]} [errors]
 */
function errorBody(status, method, specPath, message, errors) {
  const documentation_url = docUrl(status, method, specPath);
  if (status === 422) {
    return { message: message ?? 'Validation Failed',
      errors: (errors ?? []).map((e) => ({ field: e.field, code: e.code, message: e.message, documentation_url })), documentation_url };
  }
  return { message: message ?? defaultMessage(status), documentation_url };
}

// ---------------------------------------------------------------------------------------------------------------------
// Replies, request bodies and query parameters

/** A 200 with the value, narrowed to the query's `fields`. @param {Ctx} ctx @param {unknown} value @returns {Reply} */
function ok(ctx, value) {
  return { status: 200, body: Q.applyFields(value, Q.parseFields(ctx.query.fields)) };
}
const NO_CONTENT = { status: 204 };

/** @param {Ctx} ctx @param {string} name */
function boolParam(ctx, name) {
  const v = ctx.query[name];
  return v === undefined ? undefined : Q.parseBool(name, v);
}

/** The ids of a comma list (`ids`, `user_attribute_ids`, an id filter), blanks dropped. @param {unknown} list */
function idSet(list) {
  return new Set(String(list).split(',').map((s) => s.trim()).filter(Boolean));
}

/** The request body as an object, or 400. @param {Ctx} ctx @param {boolean} required */
function objectBody(ctx, required) {
  const b = ctx.body;
  if (b === null || b === undefined) {
    if (required) throw new HttpError(400, 'Request body is required.');
    return {};
  }
  if (typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'Request body must be a JSON object.');
  return /** @type {Record<string, unknown>} */ (b);
}

// ---------------------------------------------------------------------------------------------------------------------
// Paging

/**
 * Applies paging to a list and sets X-Total-Count / Link headers when limit (or per_page) was given.
 * @template T
 * @param {Db} db @param {Ctx} ctx @param {T[]} rows
 * @param {(row: T) => unknown} toJson
 * @returns {Reply}
 */
function paged(db, ctx, rows, toJson) {
  const w = Q.pageWindow(ctx.query);
  const slice = w.limit === null ? rows.slice(w.offset) : rows.slice(w.offset, w.offset + w.limit);
  const reply = ok(ctx, slice.map(toJson));
  if (w.paged && w.limit !== null) reply.headers = pagingHeaders(db, ctx, rows.length, w.limit, w.offset);
  return reply;
}

/**
 * Link and X-Total-Count in the form the official SDK's pager parses (sdk.test.js drives it): absolute URLs, every
 * original parameter kept (commas percent-encoded), explicit limit and offset, rel first/next/prev/last.
 * @param {Db} db @param {Ctx} ctx @param {number} total @param {number} limit @param {number} offset
 */
function pagingHeaders(db, ctx, total, limit, offset) {
  const base = new URLSearchParams(ctx.rawQuery);
  /** @param {number} off */
  const link = (off) => {
    const parts = [];
    for (const [k, v] of base) if (!['limit', 'offset', 'page', 'per_page'].includes(k)) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    parts.push(`limit=${limit}`, `offset=${off}`);
    return `${db.baseUrl}${ctx.pathname}?${parts.join('&')}`;
  };
  const links = [`<${link(0)}>; rel="first"`];
  if (limit > 0 && offset + limit < total) links.push(`<${link(offset + limit)}>; rel="next"`);
  if (offset > 0) links.push(`<${link(Math.max(0, offset - Math.max(limit, 1)))}>; rel="prev"`);
  if (limit > 0) links.push(`<${link(total > 0 ? Math.floor((total - 1) / limit) * limit : 0)}>; rel="last"`);
  return { 'X-Total-Count': String(total), Link: links.join(',') };
}

// ---------------------------------------------------------------------------------------------------------------------
// Search and sort of the small collections (roles, groups, folders, lockouts, attributes, email credentials)

/**
 * @template T
 * @param {T[]} rows @param {string | undefined} sorts @param {(r: T, f: string) => unknown} get @param {(r: T) => number} idOf
 */
function sortRows(rows, sorts, get, idOf) {
  const keys = Q.parseSorts(sorts);
  return [...rows].sort(Q.comparator(keys, get, idOf));
}
/**
 * `sortRows` for rows with a numeric string `id`: `id` sorts as a number, any other field by its value.
 * @template {{ id: string }} T @param {T[]} rows @param {string | undefined} sorts
 */
function sortById(rows, sorts) {
  return sortRows(rows, sorts, (r, f) => (f === 'id' ? Number(r.id) : /** @type {Record<string, unknown>} */ (r)[f] ?? null), (r) => Number(r.id));
}
/**
 * Generic search filter over plain rows: string fields LIKE, id fields lists, boolean fields true/false.
 * @template {Record<string, unknown>} T
 * @param {Record<string, string>} q @param {T[]} rows
 * @param {{ str?: string[], ids?: string[], bools?: string[], custom?: Record<string, (r: T, v: string) => boolean> }} spec
 */
function searchRows(q, rows, spec) {
  /** @type {((r: T) => boolean)[]} */
  const preds = [];
  for (const f of spec.str ?? []) if (q[f] !== undefined) {
    const m = Q.stringMatcher(q[f]);
    preds.push((r) => m(r[f] === null || r[f] === undefined ? null : String(r[f]).toLowerCase()));
  }
  for (const f of spec.ids ?? []) if (q[f] !== undefined) {
    const m = Q.idMatcher(q[f]);
    preds.push((r) => m(/** @type {string | null} */ (r[f])));
  }
  for (const f of spec.bools ?? []) if (q[f] !== undefined) {
    const want = Q.parseBool(f, q[f]);
    preds.push((r) => Boolean(r[f]) === want);
  }
  for (const [f, fn] of Object.entries(spec.custom ?? {})) if (q[f] !== undefined) preds.push((r) => fn(r, q[f]));
  const or = q.filter_or !== undefined ? Q.parseBool('filter_or', q.filter_or) : false;
  if (!preds.length) return rows;
  return rows.filter(or ? (r) => preds.some((p) => p(r)) : (r) => preds.every((p) => p(r)));
}

// ---------------------------------------------------------------------------------------------------------------------
// A user's keyed sub-resources

/**
 * The list, get and delete routes of a user's keyed sub-resource (API keys, embed credentials, web sessions): reading
 * needs an admin or the user themself, deleting an admin (or, with `ownMayDelete`, the user themself).
 * @template {{ id: string }} T
 * @param {AddRoute} add @param {Db} db
 * @param {{ ops: [list: string, get: string, del: string], path: string, param: string, items: (u: SeedUser) => T[],
 *   json: (u: SeedUser, item: T) => unknown, ownMayDelete?: boolean }} o
 */
function addUserItems(add, db, o) {
  /** @param {Ctx} ctx @param {SeedUser} u */
  const itemOf = (ctx, u) => found(o.items(u).find((x) => x.id === ctx.params[o.param]));
  const one = `${o.path}/{${o.param}}`;
  add(o.ops[0], 'GET', o.path, (ctx) => {
    const u = ownOrAdminUser(db, ctx);
    return ok(ctx, o.items(u).map((item) => o.json(u, item)));
  });
  add(o.ops[1], 'GET', one, (ctx) => {
    const u = ownOrAdminUser(db, ctx);
    return ok(ctx, o.json(u, itemOf(ctx, u)));
  });
  add(o.ops[2], 'DELETE', one, (ctx) => {
    let u;
    if (o.ownMayDelete) u = ownOrAdminUser(db, ctx);
    else {
      u = pathUser(db, ctx);
      requireAdmin(ctx);
    }
    const items = o.items(u);
    items.splice(items.indexOf(itemOf(ctx, u)), 1);
    db.touch(u);
    return NO_CONTENT;
  });
}

module.exports = {
  HttpError, routeTable, notFound, found, invalid, rejectInvalid, forbidden, requireAdmin, pathUser, ownOrAdminUser,
  errorBody, ok, NO_CONTENT, boolParam, idSet, objectBody, paged, sortRows, sortById, searchRows, addUserItems,
};
