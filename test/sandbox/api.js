// @ts-check
// The Looker API 4.0 endpoints of the sandbox: one route table, the serialisers and the handlers.
const crypto = require('crypto');
const { generate, iso, prng } = require('./seed');
const Q = require('./query');

const { HttpError } = Q;
/**
 * What each release accepts (search_users / search_users_names parameters, User properties): the lists the extension
 * uses too, derived once from the spec (src/looker/api-surface.json, pinned to the spec by a unit test).
 * @type {{ releases: Record<string, { searchUsers: string[], searchUsersNames: string[], user: Record<string, string> }> }}
 */
const SURFACE = require('../../src/looker/api-surface.json');
/** Releases the sandbox can act as (`--looker-version`): full release and API version per short release. */
const RELEASES = /** @type {Record<string, { release: string, api: string }>} */ ({
  '26.12': { release: '26.12.3', api: '4.0.26.12' },
  '24.20': { release: '24.20.18', api: '4.0.24.20' },
});
const DEFAULT_RELEASE = '26.12';
const LOOKER_RELEASE = RELEASES[DEFAULT_RELEASE].release;
const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** Operations whose spec entry declares no 403: a permission failure there is answered 404 (as Looker hides it). */
const NO_403 = new Set(('login logout session versions me all_users search_users search_users_names user create_user ' +
  'user_roles all_roles role search_roles role_users role_groups all_groups search_groups all_group_users ' +
  'all_user_login_lockouts search_user_login_lockouts delete_user_login_lockout all_user_attributes ' +
  'user_attribute_user_values all_user_attribute_group_values all_lookml_models all_model_sets model_set ' +
  'all_permission_sets group all_group_groups all_scheduled_plans scheduled_plan update_scheduled_plan folder').split(' '));

/**
 * @typedef {import('./seed').SeedUser} SeedUser
 * @typedef {ReturnType<typeof generate>} SeedData
 * @typedef {{ first: string | null, last: string | null, full: string | null, email: string | null }} Lower
 * @typedef {{ op: string, method: string, path: string, re: RegExp, keys: string[], public?: boolean,
 *   handler: (ctx: Ctx) => Reply | Promise<Reply> }} Route
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply
 * @typedef {{ route: Route, params: Record<string, string>, query: Record<string, string>, rawQuery: string,
 *   body: unknown, actor: SeedUser | null, apiUser: SeedUser | null, admin: boolean, token: string | null,
 *   tokenInfo: TokenInfo | null, pathname: string }} Ctx
 * @typedef {{ actorId: string, apiUserId: string, auth: 'admin' | 'nonadmin' | 'sudo', expiresAt: number, parent: string | null }} TokenInfo
 */

class Db {
  /** @param {{ users?: number, seed?: number, baseUrl: string, lookerVersion?: string }} opts */
  constructor(opts) {
    const d = generate(opts);
    this.baseUrl = opts.baseUrl;
    const short = opts.lookerVersion ?? DEFAULT_RELEASE;
    if (!RELEASES[short] || !SURFACE.releases[short]) {
      throw new Error(`unknown Looker version ${short} (known: ${Object.keys(RELEASES).join(', ')})`);
    }
    /** The release this sandbox answers as, and what it accepts. */
    this.release = { short, ...RELEASES[short] };
    this.surface = SURFACE.releases[short];
    /** User properties of this release. */
    this.userFields = new Set(Object.keys(this.surface.user));
    /** User properties `sorts` may name: the scalar ones. */
    this.sortFields = new Set(Object.entries(this.surface.user).filter(([, t]) => ['string', 'boolean', 'integer', 'number'].includes(t)).map(([k]) => k));
    this.users = d.users;
    /** @type {Map<string, SeedUser>} */
    this.byId = new Map(d.users.map((u) => [u.id, u]));
    this.lockouts = d.lockouts;
    this.scheduledPlans = d.scheduledPlans;
    this.personalContent = d.personalContent;
    this.roles = d.roles;
    this.groups = d.groups;
    this.folders = d.folders;
    this.permissionSets = d.permissionSets;
    this.modelSets = d.modelSets;
    this.lookmlModels = d.lookmlModels;
    this.userAttributes = d.userAttributes;
    this.groupAttributeValues = d.groupAttributeValues;
    this.nextUserId = d.users.reduce((m, u) => Math.max(m, Number(u.id)), 0) + 1;
    this.nextCredId = 100000;
    this.nextSessionId = 1000000;
    this.version = 0;
    /** @type {Map<string, Lower>} */
    this.lower = new Map();
    /** @type {Map<string, { version: number, order: SeedUser[] }>} */
    this.sortCache = new Map();
    this.rand = prng((opts.seed ?? 1) * 7919 + 13);
    /**
     * Last API use per user (what System Activity's user_facts records; not on the user record). Users with API keys
     * get a date spread over the 200 days before the newest login of the data set (so some are recent, some not);
     * a login with an API key sets it to now.
     * @type {Map<string, number>}
     */
    this.apiActivity = new Map();
    let newest = 0;
    for (const u of this.users) for (const c of signInCreds(u)) newest = Math.max(newest, c.logged_in_at ? Date.parse(c.logged_in_at) : 0);
    for (const u of this.users) {
      if (u.credentials_api3.length) this.apiActivity.set(u.id, newest - ((Number(u.id) * 37) % 200) * 86400000);
    }
  }
  /** Whether the user has a permission through their roles (all_access counts). @param {SeedUser} u @param {string} perm */
  hasPermission(u, perm) {
    return effectiveRoleIds(this, u, false).some((rid) => {
      const r = this.roles.find((x) => x.id === rid);
      const ps = r && this.permissionSets.find((p) => p.id === r.permission_set_id);
      return !!ps && (ps.all_access || ps.permissions.includes(perm));
    });
  }
  /** Marks a user changed (invalidates the lower-case cache and the sort cache). @param {SeedUser} [u] */
  touch(u) {
    this.version++;
    if (u) this.lower.delete(u.id);
  }
  /** @param {SeedUser} u @returns {Lower} */
  lc(u) {
    let l = this.lower.get(u.id);
    if (!l) {
      const email = userEmail(u);
      l = {
        first: u.first_name === null ? null : u.first_name.toLowerCase(),
        last: u.last_name === null ? null : u.last_name.toLowerCase(),
        full: u.first_name === null && u.last_name === null ? null : [u.first_name, u.last_name].filter((x) => x !== null).join(' ').toLowerCase(),
        email: email === null ? null : email.toLowerCase(),
      };
      this.lower.set(u.id, l);
    }
    return l;
  }
  /** @param {string} id */
  user(id) {
    const u = this.byId.get(id);
    if (!u) throw notFound();
    return u;
  }
  /** @param {SeedUser} u */
  isAdmin(u) {
    return effectiveRoleIds(this, u, false).some((rid) => {
      const r = this.roles.find((x) => x.id === rid);
      const ps = r && this.permissionSets.find((p) => p.id === r.permission_set_id);
      return !!ps && ps.all_access;
    });
  }
  /** Group ids a group is contained in, transitively (including itself). @param {string} gid */
  groupAncestors(gid) {
    const out = new Set([gid]);
    const stack = [gid];
    while (stack.length) {
      const g = this.groups.find((x) => x.id === stack.pop());
      for (const p of g?.parent_ids ?? []) if (!out.has(p)) { out.add(p); stack.push(p); }
    }
    return out;
  }
  /** @param {string} email @param {string} [exceptUserId] */
  emailTaken(email, exceptUserId) {
    const e = email.toLowerCase();
    return this.users.some((u) => u.id !== exceptUserId && u.credentials_email !== null && u.credentials_email.email.toLowerCase() === e);
  }
}

/** The user's interactive sign-in credentials (not API keys, not TOTP). @param {SeedUser} u */
function signInCreds(u) {
  return [u.credentials_email, u.credentials_saml, u.credentials_oidc, u.credentials_google, u.credentials_ldap,
    u.credentials_looker_openid, u.credentials_workforce, ...u.credentials_embed].filter((c) => c !== null);
}

/** @param {SeedUser} u @returns {string | null} */
function userEmail(u) {
  return u.credentials_email?.email ?? /** @type {string | undefined} */ (
    u.credentials_saml?.email ?? u.credentials_google?.email ?? u.credentials_oidc?.email ?? u.credentials_ldap?.email ??
    u.credentials_looker_openid?.email ?? u.credentials_workforce?.email) ?? null;
}

/** All groups a user belongs to, incl. groups that contain their groups. @param {Db} db @param {SeedUser} u */
function allGroupIds(db, u) {
  const out = new Set();
  for (const g of u.group_ids) for (const a of db.groupAncestors(g)) out.add(a);
  return out;
}

/** @param {Db} db @param {SeedUser} u @param {boolean} directOnly */
function effectiveRoleIds(db, u, directOnly) {
  const ids = new Set(u.role_ids);
  if (!directOnly) for (const gid of allGroupIds(db, u)) for (const rid of db.groups.find((g) => g.id === gid)?.role_ids ?? []) ids.add(rid);
  return [...ids].sort((a, b) => Number(a) - Number(b));
}

// ---------------------------------------------------------------------------------------------------------------------
// Errors

function notFound() {
  return new HttpError(404, 'Not found');
}
/** @param {string} field @param {string} code @param {string} message */
function invalid(field, code, message) {
  return new HttpError(422, 'Validation Failed', [{ field, code, message }]);
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
 * @param {{ field: string, code: string, message: string }[]} [errors]
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
// Serialisers (full objects; `fields` is applied afterwards)

/** @param {Db} db */
function api(db) {
  return `${db.baseUrl}/api/4.0`;
}

/** @param {Db} db @param {SeedUser} u @param {boolean} admin */
function emailCredJson(db, u, admin) {
  const c = u.credentials_email;
  if (!c) return null;
  const now = Date.now();
  const resetLive = c.reset_token !== null && !c.reset_expired && (c.reset_expires_at === null || c.reset_expires_at > now);
  const setupLive = c.setup_token !== null && !c.setup_expired && (c.setup_expires_at === null || c.setup_expires_at > now);
  return {
    can: { show_password_reset_url: admin },
    created_at: c.created_at,
    email: c.email,
    forced_password_reset_at_next_login: c.forced_password_reset_at_next_login,
    user_id: u.id,
    is_disabled: c.is_disabled,
    logged_in_at: c.logged_in_at,
    password_reset_url: c.reset_token !== null && admin ? `${db.baseUrl}/password/reset/${c.reset_token}` : null,
    account_setup_url: c.setup_token !== null && admin ? `${db.baseUrl}/account/setup/${c.setup_token}` : null,
    password_reset_url_expired: !resetLive,
    account_setup_url_expired: !setupLive,
    type: 'email',
    url: `${api(db)}/users/${u.id}/credentials_email`,
    user_url: `${api(db)}/users/${u.id}`,
  };
}

const SIMPLE_CREDS = /** @type {const} */ ({
  credentials_google: ['created_at', 'domain', 'email', 'google_user_id', 'is_disabled', 'logged_in_at', 'type'],
  credentials_ldap: ['created_at', 'email', 'is_disabled', 'ldap_dn', 'ldap_id', 'logged_in_at', 'type'],
  credentials_looker_openid: ['created_at', 'email', 'is_disabled', 'logged_in_at', 'logged_in_ip', 'type'],
  credentials_oidc: ['created_at', 'email', 'is_disabled', 'logged_in_at', 'oidc_user_id', 'type'],
  credentials_saml: ['created_at', 'email', 'is_disabled', 'logged_in_at', 'saml_user_id', 'type'],
  credentials_totp: ['created_at', 'is_disabled', 'type', 'verified'],
  credentials_workforce: ['created_at', 'email', 'is_disabled', 'logged_in_at', 'workforce_user_id', 'type'],
});

/** @param {Db} db @param {SeedUser} u @param {keyof typeof SIMPLE_CREDS} kind */
function simpleCredJson(db, u, kind) {
  const c = u[kind];
  if (!c) return null;
  /** @type {Record<string, unknown>} */
  const out = { can: {} };
  for (const k of SIMPLE_CREDS[kind]) out[k] = c[k] ?? null;
  out.url = `${api(db)}/users/${u.id}/${kind}`;
  if (kind === 'credentials_looker_openid') out.user_url = `${api(db)}/users/${u.id}`;
  return out;
}

/** @param {Db} db @param {SeedUser} u @param {import('./seed').Api3Cred} c */
function api3Json(db, u, c) {
  return { can: {}, id: c.id, client_id: c.client_id, created_at: c.created_at, is_disabled: c.is_disabled, type: 'api3',
    purpose: c.purpose, url: `${api(db)}/users/${u.id}/credentials_api3/${c.id}` };
}
/** @param {Db} db @param {SeedUser} u @param {import('./seed').EmbedCred} c */
function embedJson(db, u, c) {
  return { can: {}, created_at: c.created_at, external_group_id: c.external_group_id, external_user_id: c.external_user_id,
    id: c.id, is_disabled: c.is_disabled, logged_in_at: c.logged_in_at, type: 'embed',
    url: `${api(db)}/users/${u.id}/credentials_embed/${c.id}` };
}
/** @param {Db} db @param {SeedUser} u @param {import('./seed').WebSession} s */
function sessionJson(db, u, s) {
  return { can: {}, id: s.id, ip_address: s.ip_address, browser: s.browser, operating_system: s.operating_system, city: s.city,
    state: s.state, country: s.country, credentials_type: s.credentials_type, extended_at: s.extended_at,
    extended_count: s.extended_count, sudo_user_id: s.sudo_user_id, created_at: s.created_at, expires_at: s.expires_at,
    url: `${api(db)}/users/${u.id}/sessions/${s.id}` };
}

/** @param {SeedUser} u */
function avatar(u) {
  const e = (userEmail(u) ?? `user-${u.id}`).trim().toLowerCase();
  const h = crypto.createHash('md5').update(e).digest('hex');
  return `https://gravatar.lookercdn.com/avatar/${h}`;
}

/**
 * A user as the caller may see it: full for admins and the user themself, the reduced public view otherwise.
 * @param {Db} db @param {SeedUser} u @param {SeedUser | null} viewer @param {boolean} viewerAdmin
 */
function userJson(db, u, viewer, viewerAdmin) {
  const full = viewerAdmin || viewer?.id === u.id;
  const display = u.first_name !== null && u.last_name !== null ? `${u.first_name} ${u.last_name}` : null;
  const can = { show: true, index: true, show_details: full, index_details: full, sudo: viewerAdmin && viewer?.id !== u.id };
  const a = avatar(u);
  if (!full) {
    return { can, avatar_url: `${a}?s=156&d=blank`, avatar_url_without_sizing: `${a}?d=blank`, display_name: display,
      first_name: u.first_name, id: u.id, last_name: u.last_name, url: `${api(db)}/users/${u.id}` };
  }
  /** @type {Record<string, unknown>} */
  const out = {
    can,
    avatar_url: `${a}?s=156&d=blank`,
    avatar_url_without_sizing: `${a}?d=blank`,
    credentials_api3: u.credentials_api3.map((c) => api3Json(db, u, c)),
    credentials_email: emailCredJson(db, u, viewerAdmin),
    credentials_embed: u.credentials_embed.map((c) => embedJson(db, u, c)),
    credentials_google: simpleCredJson(db, u, 'credentials_google'),
    credentials_ldap: simpleCredJson(db, u, 'credentials_ldap'),
    credentials_looker_openid: simpleCredJson(db, u, 'credentials_looker_openid'),
    credentials_oidc: simpleCredJson(db, u, 'credentials_oidc'),
    credentials_saml: simpleCredJson(db, u, 'credentials_saml'),
    credentials_totp: simpleCredJson(db, u, 'credentials_totp'),
    credentials_workforce: simpleCredJson(db, u, 'credentials_workforce'),
    display_name: display,
    email: userEmail(u),
    embed_group_space_id: u.embed_group_space_id,
    first_name: u.first_name,
    group_ids: [...u.group_ids],
    home_folder_id: u.home_folder_id,
    id: u.id,
    is_disabled: u.is_disabled,
    last_name: u.last_name,
    locale: u.locale,
    looker_versions: [db.release.release],
    models_dir_validated: u.models_dir_validated,
    personal_folder_id: u.personal_folder_id,
    presumed_looker_employee: false,
    role_ids: effectiveRoleIds(db, u, false),
    sessions: u.sessions.map((s) => sessionJson(db, u, s)),
    ui_state: u.ui_state,
    verified_looker_employee: u.verified_looker_employee,
    roles_externally_managed: u.roles_externally_managed,
    allow_direct_roles: true,
    allow_normal_group_membership: true,
    allow_roles_from_normal_groups: true,
    embed_group_folder_id: u.embed_group_folder_id,
    is_iam_admin: false,
    can_manage_api3_creds: u.can_manage_api3_creds,
    is_service_account: u.is_service_account,
  };
  if (u.is_service_account) out.service_account_name = u.service_account_name;
  out.url = `${api(db)}/users/${u.id}`;
  // An older release has fewer User properties (e.g. 24.20: no is_service_account, can_manage_api3_creds).
  for (const k of Object.keys(out)) if (!db.userFields.has(k)) delete out[k];
  return out;
}

/** @param {Db} db @param {string} id */
function permissionSetJson(db, id) {
  const p = db.permissionSets.find((x) => x.id === id);
  if (!p) return null;
  return { can: { show: true, index: true }, all_access: p.all_access, built_in: p.built_in, id: p.id, name: p.name,
    permissions: [...p.permissions], url: `${api(db)}/permission_sets/${p.id}` };
}
/** @param {Db} db @param {string} id */
function modelSetJson(db, id) {
  const m = db.modelSets.find((x) => x.id === id);
  if (!m) return null;
  return { can: { show: true, index: true }, all_access: m.all_access, built_in: m.built_in, id: m.id, models: [...m.models],
    name: m.name, url: `${api(db)}/model_sets/${m.id}` };
}
/** @param {Db} db @param {ReturnType<typeof generate>['roles'][number]} r */
function roleJson(db, r) {
  return { can: { show: true, index: true, update: true }, id: r.id, name: r.name, permission_set: permissionSetJson(db, r.permission_set_id),
    model_set: modelSetJson(db, r.model_set_id), internal: r.internal, url: `${api(db)}/roles/${r.id}`,
    users_url: `${api(db)}/roles/${r.id}/users` };
}
/** Users included in a group (direct members and members of groups nested in it). @param {Db} db @param {string} gid */
function groupMembers(db, gid) {
  return db.users.filter((u) => u.group_ids.some((g) => db.groupAncestors(g).has(gid)));
}
/** @param {Db} db @param {ReturnType<typeof generate>['groups'][number]} g @param {SeedUser | null} viewer */
function groupJson(db, g, viewer) {
  const members = groupMembers(db, g.id);
  return { can: { show: true, index: true, add_to_content_metadata: true }, can_add_to_content_metadata: !g.external_group_id?.startsWith('partner'),
    contains_current_user: viewer !== null && members.includes(viewer), external_group_id: g.external_group_id,
    externally_managed: g.externally_managed, id: g.id, include_by_default: g.include_by_default, name: g.name,
    user_count: members.length };
}
/** @param {Db} db @param {import('./seed').Lockout} l */
function lockoutJson(db, l) {
  return { can: { show: true, index: true }, key: l.key, auth_type: l.auth_type, ip: l.ip, user_id: l.user_id, remote_id: l.remote_id,
    full_name: l.full_name, email: l.email, fail_count: l.fail_count, lockout_at: l.lockout_at };
}
/** @param {ReturnType<typeof generate>['userAttributes'][number]} a */
function attributeJson(a) {
  return { can: { show: true, index: true, update: !a.is_system }, ...a };
}

// ---------------------------------------------------------------------------------------------------------------------
// Helpers for handlers

/** @param {Ctx} ctx @param {unknown} value @returns {Reply} */
function ok(ctx, value) {
  return { status: 200, body: Q.applyFields(value, Q.parseFields(ctx.query.fields)) };
}
const NO_CONTENT = { status: 204 };

/** @param {Ctx} ctx @param {string} name */
function boolParam(ctx, name) {
  const v = ctx.query[name];
  return v === undefined ? undefined : Q.parseBool(name, v);
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

/**
 * Applies paging to a list and sets X-Total-Count / Link headers when limit (or per_page) was given.
 * @template T
 * @param {Ctx} ctx @param {T[]} rows
 * @param {(row: T) => unknown} toJson
 * @returns {Reply}
 */
function paged(ctx, rows, toJson) {
  const w = Q.pageWindow(ctx.query);
  const slice = w.limit === null ? rows.slice(w.offset) : rows.slice(w.offset, w.offset + w.limit);
  const reply = ok(ctx, slice.map(toJson));
  if (w.paged && w.limit !== null) reply.headers = pagingHeaders(ctx, rows.length, w.limit, w.offset);
  return reply;
}

/**
 * Link and X-Total-Count in the form the SDK's pager parses (SDK-NOTES §5): absolute URLs, every original parameter kept
 * (commas percent-encoded), explicit limit and offset, rel first/next/prev/last.
 * @param {Ctx} ctx @param {number} total @param {number} limit @param {number} offset
 */
function pagingHeaders(ctx, total, limit, offset) {
  const base = new URLSearchParams(ctx.rawQuery);
  /** @param {number} off */
  const link = (off) => {
    const parts = [];
    for (const [k, v] of base) if (!['limit', 'offset', 'page', 'per_page'].includes(k)) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    parts.push(`limit=${limit}`, `offset=${off}`);
    return `${apiBaseOf(ctx)}${ctx.pathname}?${parts.join('&')}`;
  };
  const links = [`<${link(0)}>; rel="first"`];
  if (limit > 0 && offset + limit < total) links.push(`<${link(offset + limit)}>; rel="next"`);
  if (offset > 0) links.push(`<${link(Math.max(0, offset - Math.max(limit, 1)))}>; rel="prev"`);
  if (limit > 0) links.push(`<${link(total > 0 ? Math.floor((total - 1) / limit) * limit : 0)}>; rel="last"`);
  return { 'X-Total-Count': String(total), Link: links.join(',') };
}
/** @type {(ctx: Ctx) => string} */
let apiBaseOf = () => '';

// ---------------------------------------------------------------------------------------------------------------------
// User search

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
    const ids = new Set(q.content_metadata_id.split(',').map((x) => x.trim()).filter(Boolean));
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

/**
 * Filters of search_users / search_users_names that this release has; any other query parameter is ignored, as Looker
 * does (an unknown parameter is not refused, it is simply not applied).
 * @param {Db} db @param {'searchUsers' | 'searchUsersNames'} op
 */
const searchParams = (db, op) => db.surface[op];
/** search_users filters the spec limits to "users with permission to view complete user details". */
const DETAIL_FILTERS = new Set(['verified_looker_employee', 'email', 'is_disabled', 'can_manage_api3_creds', 'is_service_account']);
/** What a caller's filters may use: without full user details the detail filters are not applied. @param {Ctx} ctx @param {string[]} params */
const callerParams = (ctx, params) => (ctx.admin ? params : params.filter((p) => !DETAIL_FILTERS.has(p)));
/** The content metadata id of the Shared folder, which every user can see. */
const SHARED_CONTENT_METADATA_ID = '1';

/** @param {Ctx} ctx @param {Db} db @param {(u: SeedUser) => boolean} pred */
function userList(ctx, db, pred) {
  const order = sortedUsers(db, ctx.query.sorts);
  const rows = order === db.users && pred === ALL ? order : order.filter(pred);
  return paged(ctx, rows, (u) => userJson(db, u, ctx.actor, ctx.admin));
}
const ALL = () => true;

// ---------------------------------------------------------------------------------------------------------------------
// Generic list helpers for the small collections

/**
 * @template T
 * @param {T[]} rows @param {string | undefined} sorts @param {(r: T, f: string) => unknown} get @param {(r: T) => number} idOf
 */
function sortRows(rows, sorts, get, idOf) {
  const keys = Q.parseSorts(sorts);
  return [...rows].sort(Q.comparator(keys, get, idOf));
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
// Validation of user writes

/** @param {Record<string, unknown>} b */
function validateUserWrite(b) {
  /** @type {{ field: string, code: string, message: string }[]} */
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
  /** @type {{ field: string, code: string, message: string }[]} */
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

/** @param {Db} db @param {string} email @returns {import('./seed').EmailCred} */
function newEmailCred(db, email) {
  return { email, forced_password_reset_at_next_login: false, created_at: iso(Date.now()), logged_in_at: null, is_disabled: false,
    reset_token: null, reset_expired: false, reset_expires_at: null, setup_token: db.rand.hex(32), setup_expired: false, setup_expires_at: null };
}

/** The 409 for an e-mail used by another user's email credential. @param {Db} db @param {string} email @param {string} uid */
function assertEmailFree(db, email, uid) {
  if (db.emailTaken(email, uid)) throw new HttpError(409, `An email credential with email '${email}' already exists.`);
}

// ---------------------------------------------------------------------------------------------------------------------
// User attributes

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

// ---------------------------------------------------------------------------------------------------------------------
// Route table

/**
 * @param {Db} db
 * @param {{ login: (ctx: Ctx) => Reply, loginUser: (ctx: Ctx, u: SeedUser) => Reply, logout: (ctx: Ctx) => Reply, apiBase: (ctx: Ctx) => string }} auth
 * @returns {Route[]}
 */
function buildRoutes(db, auth) {
  apiBaseOf = auth.apiBase;
  /** @type {Route[]} */
  const routes = [];
  /** @param {string} op @param {string} method @param {string} path @param {Route['handler']} handler @param {{ public?: boolean }} [o] */
  const add = (op, method, path, handler, o = {}) => {
    /** @type {string[]} */
    const keys = [];
    const src = path.replace(/\{(\w+)\}/g, (_, k) => { keys.push(k); return '([^/]+)'; });
    routes.push({ op, method, path, re: new RegExp(`^${src}$`), keys, handler, public: o.public });
  };
  /** @param {Ctx} ctx */
  const pathUser = (ctx) => db.user(ctx.params.user_id);
  /** @param {Ctx} ctx */
  const adminUser = (ctx) => {
    const u = pathUser(ctx);
    requireSelfOrAdmin(ctx, u);
    return u;
  };

  // --- auth & config
  add('login', 'POST', '/login', (ctx) => auth.login(ctx), { public: true });
  add('login_user', 'POST', '/login/{user_id}', (ctx) => {
    requireAdmin(ctx);
    return auth.loginUser(ctx, pathUser(ctx));
  });
  add('logout', 'DELETE', '/logout', (ctx) => auth.logout(ctx));
  add('session', 'GET', '/session', (ctx) => ok(ctx, { can: { view: true, update: true }, workspace_id: 'production',
    sudo_user_id: ctx.tokenInfo?.auth === 'sudo' ? ctx.tokenInfo.apiUserId : null }));
  add('versions', 'GET', '/versions', (ctx) => {
    const base = db.baseUrl;
    const el = (/** @type {string} */ v, /** @type {string} */ full, /** @type {string} */ status) => ({ version: v, full_version: full, status,
      swagger_url: `${base}/api/${v}/swagger.json` });
    const full = db.release.api;
    return ok(ctx, { looker_release_version: db.release.release, current_version: el('4.0', full, 'current'),
      supported_versions: [el('3.1', '3.1.0', 'legacy'), el('4.0', full, 'current')], api_server_url: base, web_server_url: base });
  }, { public: true });

  // --- users
  add('me', 'GET', '/user', (ctx) => ok(ctx, userJson(db, /** @type {SeedUser} */ (ctx.actor), ctx.actor, ctx.admin)));
  add('all_users', 'GET', '/users', (ctx) => {
    if (ctx.query.ids !== undefined) {
      const ids = new Set(ctx.query.ids.split(',').map((s) => s.trim()).filter(Boolean));
      return userList(ctx, db, (u) => ids.has(u.id));
    }
    return userList(ctx, db, ALL);
  });
  add('search_users', 'GET', '/users/search', (ctx) => userList(ctx, db, userFilter(db, ctx.query, callerParams(ctx, searchParams(db, 'searchUsers')))));
  add('search_users_names', 'GET', '/users/search/names/{pattern}', (ctx) => {
    const m = Q.stringMatcher(ctx.params.pattern);
    const rest = userFilter(db, ctx.query, callerParams(ctx, searchParams(db, 'searchUsersNames')));
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
    const u = db.users.find(f);
    if (!u) throw notFound();
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
  add('create_user', 'POST', '/users', (ctx) => {
    requireAdmin(ctx);
    const b = objectBody(ctx, false);
    const errs = validateUserWrite(b);
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
    const ce = /** @type {Record<string, unknown> | undefined} */ (b.credentials_email);
    if (ce && typeof ce.email === 'string' && ce.email) assertEmailFree(db, ce.email, '');
    const id = String(db.nextUserId++);
    /** @type {SeedUser} */
    const u = {
      id, first_name: null, last_name: null, locale: 'en', is_disabled: false, home_folder_id: '1', personal_folder_id: String(100 + Number(id)),
      models_dir_validated: null, ui_state: null, can_manage_api3_creds: false, is_service_account: false, service_account_name: null,
      verified_looker_employee: false, roles_externally_managed: false, content_metadata_id: String(1000 + Number(id)),
      created_at: iso(Date.now()), role_ids: [], group_ids: db.groups.filter((g) => g.include_by_default).map((g) => g.id),
      credentials_email: null, credentials_google: null, credentials_saml: null, credentials_oidc: null, credentials_ldap: null,
      credentials_totp: null, credentials_looker_openid: null, credentials_workforce: null, credentials_api3: [], credentials_embed: [],
      sessions: [], attribute_values: {}, embed_group_space_id: null, embed_group_folder_id: null,
    };
    applyUserWrite(db, u, b);
    db.users.push(u);
    db.byId.set(id, u);
    db.touch(u);
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
  add('user', 'GET', '/users/{user_id}', (ctx) => ok(ctx, userJson(db, pathUser(ctx), ctx.actor, ctx.admin)));
  add('update_user', 'PATCH', '/users/{user_id}', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    // User.credentials_email is read-only (Swagger 2.0 marks it readOnly): a nested credentials_email is ignored;
    // the email login changes only through /users/{id}/credentials_email.
    const { credentials_email: _ignored, ...writable } = objectBody(ctx, true);
    const errs = validateUserWrite(writable);
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
    applyUserWrite(db, u, writable);
    return ok(ctx, userJson(db, u, ctx.actor, ctx.admin));
  });
  add('delete_user', 'DELETE', '/users/{user_id}', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    if (ctx.actor?.id === u.id) throw new HttpError(403, 'You cannot delete yourself.');
    if (db.isAdmin(u) && db.users.filter((x) => !x.is_disabled && db.isAdmin(x)).length <= 1) throw new HttpError(403, 'The last admin cannot be deleted.');
    db.users.splice(db.users.indexOf(u), 1);
    db.byId.delete(u.id);
    db.lockouts = db.lockouts.filter((l) => l.user_id !== u.id);
    // Looker deletes the user's schedules with the user (ENDPOINTS.md, delete_user).
    db.scheduledPlans = db.scheduledPlans.filter((p) => p.user_id !== u.id);
    db.touch(u);
    return NO_CONTENT;
  });
  add('wipeout_user_emails', 'POST', '/users/{user_id}/update_emails', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    const errs = validateEmailWrite(b, true).filter((e) => e.field === 'email');
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
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

  // --- email credential
  const emailPath = '/users/{user_id}/credentials_email';
  /** @param {SeedUser} u */
  const needEmail = (u) => {
    if (!u.credentials_email) throw notFound();
    return u.credentials_email;
  };
  add('user_credentials_email', 'GET', emailPath, (ctx) => {
    const u = adminUser(ctx);
    needEmail(u);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('create_user_credentials_email', 'POST', emailPath, (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const b = objectBody(ctx, true);
    const errs = validateEmailWrite(b, true);
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
    if (u.credentials_email) throw new HttpError(409, 'This user already has an email credential.');
    assertEmailFree(db, /** @type {string} */ (b.email), u.id);
    u.credentials_email = newEmailCred(db, /** @type {string} */ (b.email));
    if (typeof b.forced_password_reset_at_next_login === 'boolean') u.credentials_email.forced_password_reset_at_next_login = b.forced_password_reset_at_next_login;
    db.touch(u);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('update_user_credentials_email', 'PATCH', emailPath, (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    const b = objectBody(ctx, true);
    const errs = validateEmailWrite(b, false);
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
    if (typeof b.email === 'string' && b.email) {
      if (db.emailTaken(b.email, u.id)) throw invalid('email', 'already_exists', 'email is already taken by another user');
      c.email = b.email;
    }
    if (typeof b.forced_password_reset_at_next_login === 'boolean') c.forced_password_reset_at_next_login = b.forced_password_reset_at_next_login;
    db.touch(u);
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('delete_user_credentials_email', 'DELETE', emailPath, (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    needEmail(u);
    u.credentials_email = null;
    db.touch(u);
    return NO_CONTENT;
  });
  add('create_user_credentials_email_password_reset', 'POST', `${emailPath}/password_reset`, (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    const expires = boolParam(ctx, 'expires') ?? false;
    c.reset_token = db.rand.alnum(32);
    c.reset_expired = false;
    c.reset_expires_at = expires ? Date.now() + 3600000 : null;
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('send_user_credentials_email_password_reset', 'POST', `${emailPath}/send_password_reset`, (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = needEmail(u);
    if (c.logged_in_at === null) {
      c.setup_token = db.rand.alnum(32);
      c.setup_expired = false;
      c.setup_expires_at = Date.now() + 72 * 3600000;
    } else {
      c.reset_token = db.rand.alnum(32);
      c.reset_expired = false;
      c.reset_expires_at = Date.now() + 3600000;
    }
    return ok(ctx, emailCredJson(db, u, ctx.admin));
  });
  add('search_credentials_email', 'GET', '/credentials_email/search', (ctx) => {
    requireAdmin(ctx);
    const q = ctx.query;
    const rows = db.users.filter((u) => u.credentials_email !== null).map((u) => ({ u, user_id: u.id, email: /** @type {string} */ (u.credentials_email?.email) }));
    const found = searchRows(q, rows, {
      str: ['email'],
      custom: {
        id: (r, v) => Q.idMatcher(v)(r.user_id),
        emails: (r, v) => v.split(',').map((s) => s.trim().toLowerCase()).includes(r.email.toLowerCase()),
      },
    });
    const sorted = sortRows(found, q.sorts, (r, f) => (f === 'id' || f === 'user_id' ? Number(r.user_id) : f === 'email' ? r.email : null), (r) => Number(r.user_id));
    return paged(ctx, sorted, (r) => emailCredJson(db, r.u, true));
  });

  // --- other credentials: get + delete
  for (const kind of /** @type {const} */ (['totp', 'ldap', 'google', 'saml', 'oidc', 'looker_openid'])) {
    const key = /** @type {keyof typeof SIMPLE_CREDS} */ (`credentials_${kind}`);
    add(`user_credentials_${kind}`, 'GET', `/users/{user_id}/${key}`, (ctx) => {
      const u = adminUser(ctx);
      if (!u[key]) throw notFound();
      return ok(ctx, simpleCredJson(db, u, key));
    });
    add(`delete_user_credentials_${kind}`, 'DELETE', `/users/{user_id}/${key}`, (ctx) => {
      const u = pathUser(ctx);
      requireAdmin(ctx);
      if (!u[key]) throw notFound();
      u[key] = null;
      db.touch(u);
      return NO_CONTENT;
    });
  }
  add('all_user_credentials_api3s', 'GET', '/users/{user_id}/credentials_api3', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, u.credentials_api3.map((c) => api3Json(db, u, c)));
  });
  /** @param {Ctx} ctx @param {SeedUser} u */
  const api3Of = (ctx, u) => {
    const c = u.credentials_api3.find((x) => x.id === ctx.params.credentials_api3_id);
    if (!c) throw notFound();
    return c;
  };
  add('user_credentials_api3', 'GET', '/users/{user_id}/credentials_api3/{credentials_api3_id}', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, api3Json(db, u, api3Of(ctx, u)));
  });
  add('delete_user_credentials_api3', 'DELETE', '/users/{user_id}/credentials_api3/{credentials_api3_id}', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = api3Of(ctx, u);
    u.credentials_api3.splice(u.credentials_api3.indexOf(c), 1);
    db.touch(u);
    return NO_CONTENT;
  });
  // --- API keys: creating one returns its client_secret, the only time it is returned (CreateCredentialsApi3).
  add('create_user_credentials_api3', 'POST', '/users/{user_id}/credentials_api3', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = { id: String(db.nextCredId++), client_id: crypto.randomBytes(15).toString('base64url'), client_secret: crypto.randomBytes(18).toString('base64url'),
      created_at: iso(Date.now()), is_disabled: false, purpose: null };
    u.credentials_api3.push(c);
    db.touch(u);
    return ok(ctx, { ...api3Json(db, u, c), client_secret: c.client_secret });
  });

  // --- service accounts (alpha; not in release 24.20, whose User has no is_service_account)
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
    if (errs.length) throw new HttpError(422, 'Validation Failed', errs);
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
    /** @type {SeedUser} */
    const u = {
      id, first_name: null, last_name: null, locale: 'en', is_disabled: b.is_disabled === true, home_folder_id: null, personal_folder_id: null,
      models_dir_validated: null, ui_state: null, can_manage_api3_creds: false, is_service_account: true, service_account_name: String(b.service_account_name).trim(),
      verified_looker_employee: false, roles_externally_managed: false, content_metadata_id: String(1000 + Number(id)),
      created_at: iso(Date.now()), role_ids: [], group_ids: [],
      credentials_email: null, credentials_google: null, credentials_saml: null, credentials_oidc: null, credentials_ldap: null,
      credentials_totp: null, credentials_looker_openid: null, credentials_workforce: null, credentials_api3: [], credentials_embed: [],
      sessions: [], attribute_values: {}, embed_group_space_id: null, embed_group_folder_id: null,
    };
    db.users.push(u);
    db.byId.set(id, u);
    db.touch(u);
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
    const u = serviceAccountOf(ctx);
    db.users.splice(db.users.indexOf(u), 1);
    db.byId.delete(u.id);
    db.scheduledPlans = db.scheduledPlans.filter((p) => p.user_id !== u.id);
    db.touch(u);
    return NO_CONTENT;
  });

  // --- scheduled plans (owner and what they deliver; enough for "what a user owns" and reassigning the owner)
  /** @param {Ctx} ctx @param {import('./seed').SeedSchedule} p */
  const planJson = (ctx, p) => {
    const owner = db.byId.get(p.user_id);
    return {
      name: p.name, user_id: p.user_id, run_as_recipient: false, enabled: p.enabled, look_id: p.look_id, dashboard_id: p.dashboard_id,
      lookml_dashboard_id: null, filters_string: null, require_results: false, require_no_results: false, require_change: false,
      send_all_results: false, crontab: p.crontab, datagroup: null, timezone: 'UTC', scheduled_plan_destination: [], run_once: false,
      include_links: true, include_dashboard_summary: false, custom_url_base: null, custom_url_params: null, custom_url_label: null,
      show_custom_url: false, pdf_paper_size: null, pdf_landscape: false, embed: false, color_theme: null, long_tables: false,
      pdf_page_breaks: false, inline_table_width: null, query_id: null, id: p.id, created_at: p.created_at, updated_at: p.created_at,
      title: p.name,
      user: owner ? { can: {}, id: owner.id, first_name: owner.first_name ?? '', last_name: owner.last_name ?? '', display_name: null,
        avatar_url: `${avatar(owner)}?s=156&d=blank`, url: `${api(db)}/users/${owner.id}` } : null,
      next_run_at: null, last_run_at: null, can: { show: true, update: ctx.admin, destroy: ctx.admin },
    };
  };
  /** @param {Ctx} ctx */
  const planOf = (ctx) => {
    const p = db.scheduledPlans.find((x) => x.id === ctx.params.scheduled_plan_id);
    // A plan of someone else is visible only with see_schedules (admins); hidden as 404 (no 403 declared).
    if (!p || (!ctx.admin && p.user_id !== ctx.actor?.id)) throw notFound();
    return p;
  };
  add('all_scheduled_plans', 'GET', '/scheduled_plans', (ctx) => {
    const all = boolParam(ctx, 'all_users');
    const userId = ctx.query.user_id;
    // Spec: without user_id, the caller's own plans; all_users needs see_schedules (admins here).
    if ((all || (userId !== undefined && userId !== ctx.actor?.id)) && !ctx.admin) throw notFound();
    const rows = all ? db.scheduledPlans : db.scheduledPlans.filter((p) => p.user_id === (userId ?? ctx.actor?.id));
    return ok(ctx, rows.map((p) => planJson(ctx, p)));
  });
  add('scheduled_plan', 'GET', '/scheduled_plans/{scheduled_plan_id}', (ctx) => ok(ctx, planJson(ctx, planOf(ctx))));
  add('update_scheduled_plan', 'PATCH', '/scheduled_plans/{scheduled_plan_id}', (ctx) => {
    const p = planOf(ctx);
    const b = objectBody(ctx, true);
    if ('user_id' in b) {
      if (!ctx.admin) throw notFound();
      const to = typeof b.user_id === 'string' ? db.byId.get(b.user_id) : undefined;
      if (!to) throw new HttpError(422, 'Validation Failed', [{ field: 'user_id', code: 'invalid', message: 'must be the id of an existing user' }]);
      if (to.is_disabled) throw new HttpError(422, 'Validation Failed', [{ field: 'user_id', code: 'invalid', message: 'the new owner is disabled' }]);
      p.user_id = to.id;
    }
    if ('name' in b) {
      if (typeof b.name !== 'string') throw new HttpError(422, 'Validation Failed', [{ field: 'name', code: 'invalid', message: 'must be a string' }]);
      p.name = b.name;
    }
    if ('enabled' in b) {
      if (typeof b.enabled !== 'boolean') throw new HttpError(422, 'Validation Failed', [{ field: 'enabled', code: 'invalid', message: 'must be a boolean' }]);
      p.enabled = b.enabled;
    }
    return ok(ctx, planJson(ctx, p));
  });

  add('all_user_credentials_embeds', 'GET', '/users/{user_id}/credentials_embed', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, u.credentials_embed.map((c) => embedJson(db, u, c)));
  });
  /** @param {Ctx} ctx @param {SeedUser} u */
  const embedOf = (ctx, u) => {
    const c = u.credentials_embed.find((x) => x.id === ctx.params.credentials_embed_id);
    if (!c) throw notFound();
    return c;
  };
  add('user_credentials_embed', 'GET', '/users/{user_id}/credentials_embed/{credentials_embed_id}', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, embedJson(db, u, embedOf(ctx, u)));
  });
  add('delete_user_credentials_embed', 'DELETE', '/users/{user_id}/credentials_embed/{credentials_embed_id}', (ctx) => {
    const u = pathUser(ctx);
    requireAdmin(ctx);
    const c = embedOf(ctx, u);
    u.credentials_embed.splice(u.credentials_embed.indexOf(c), 1);
    db.touch(u);
    return NO_CONTENT;
  });

  // --- web sessions
  add('all_user_sessions', 'GET', '/users/{user_id}/sessions', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, u.sessions.map((s) => sessionJson(db, u, s)));
  });
  /** @param {Ctx} ctx @param {SeedUser} u */
  const sessionOf = (ctx, u) => {
    const s = u.sessions.find((x) => x.id === ctx.params.session_id);
    if (!s) throw notFound();
    return s;
  };
  add('user_session', 'GET', '/users/{user_id}/sessions/{session_id}', (ctx) => {
    const u = adminUser(ctx);
    return ok(ctx, sessionJson(db, u, sessionOf(ctx, u)));
  });
  add('delete_user_session', 'DELETE', '/users/{user_id}/sessions/{session_id}', (ctx) => {
    const u = adminUser(ctx);
    const s = sessionOf(ctx, u);
    u.sessions.splice(u.sessions.indexOf(s), 1);
    db.touch(u);
    return NO_CONTENT;
  });

  // --- roles
  /** @param {string} id */
  const roleById = (id) => {
    const r = db.roles.find((x) => x.id === id);
    if (!r) throw notFound();
    return r;
  };
  add('user_roles', 'GET', '/users/{user_id}/roles', (ctx) => {
    const u = adminUser(ctx);
    const direct = boolParam(ctx, 'direct_association_only') ?? false;
    return ok(ctx, effectiveRoleIds(db, u, direct).map((id) => roleJson(db, roleById(id))));
  });
  add('set_user_roles', 'PUT', '/users/{user_id}/roles', (ctx) => {
    const u = pathUser(ctx);
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
    const ids = ctx.query.ids === undefined ? null : new Set(ctx.query.ids.split(',').map((s) => s.trim()));
    const all = boolParam(ctx, 'get_all_support_roles') ?? false;
    return ok(ctx, db.roles.filter((r) => (!ids || ids.has(r.id)) && (all || !r.internal || ids)).map((r) => roleJson(db, r)));
  });
  add('search_roles', 'GET', '/roles/search', (ctx) => {
    const q = ctx.query;
    const found = searchRows(q, db.roles, { str: ['name'], ids: ['id'], bools: ['built_in'],
      custom: { model_set_ids: (r, v) => Q.idMatcher(v)(r.model_set_id), permission_set_ids: (r, v) => Q.idMatcher(v)(r.permission_set_id) } });
    const sorted = sortRows(found, q.sorts, (r, f) => (f === 'id' ? Number(r.id) : /** @type {Record<string, unknown>} */ (r)[f] ?? null), (r) => Number(r.id));
    return paged(ctx, sorted, (r) => roleJson(db, r));
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
  add('model_set', 'GET', '/model_sets/{model_set_id}', (ctx) => {
    const m = modelSetJson(db, ctx.params.model_set_id);
    if (!m) throw notFound();
    return ok(ctx, m);
  });
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

  // --- groups
  /** @param {string} id */
  const groupById = (id) => {
    const g = db.groups.find((x) => x.id === id);
    if (!g) throw notFound();
    return g;
  };
  add('all_groups', 'GET', '/groups', (ctx) => {
    const q = ctx.query;
    const ids = q.ids === undefined ? null : new Set(q.ids.split(',').map((s) => s.trim()));
    const canAdd = boolParam(ctx, 'can_add_to_content_metadata');
    let rows = db.groups.map((g) => groupJson(db, g, ctx.actor)).filter((g) => (!ids || ids.has(g.id)) && (canAdd === undefined || g.can_add_to_content_metadata === canAdd));
    if (q.content_metadata_id !== undefined) rows = rows.filter((g) => !g.external_group_id?.startsWith('partner'));
    const sorted = sortRows(rows, q.sorts, (g, f) => (f === 'id' ? Number(g.id) : /** @type {Record<string, unknown>} */ (g)[f] ?? null), (g) => Number(g.id));
    return paged(ctx, sorted, (g) => g);
  });
  add('search_groups', 'GET', '/groups/search', (ctx) => {
    const q = ctx.query;
    const rows = db.groups.map((g) => ({ ...groupJson(db, g, ctx.actor), externally_orphaned: false }));
    const found = searchRows(q, rows, { str: ['name', 'external_group_id'], ids: ['id'], bools: ['externally_managed', 'externally_orphaned'] });
    const sorted = sortRows(found, q.sorts, (g, f) => (f === 'id' ? Number(g.id) : /** @type {Record<string, unknown>} */ (g)[f] ?? null), (g) => Number(g.id));
    return paged(ctx, sorted, ({ externally_orphaned: _x, ...g }) => g);
  });
  add('group', 'GET', '/groups/{group_id}', (ctx) => ok(ctx, groupJson(db, groupById(ctx.params.group_id), ctx.actor)));
  // --- folders: the seeded shared ones, and each user's personal folder (named after the user, under "Users").
  /** @param {ReturnType<typeof generate>['folders'][number]} f */
  const sharedFolderJson = (f) => ({
    name: f.name, parent_id: f.parent_id, id: f.id, content_metadata_id: f.id, created_at: '2019-03-01T09:00:00Z', creator_id: '1',
    child_count: db.folders.filter((x) => x.parent_id === f.id).length + (f.is_users_root ? db.users.filter((u) => u.personal_folder_id).length : 0),
    external_id: null, is_embed: f.is_embed_shared_root || f.is_embed_users_root, is_embed_shared_root: f.is_embed_shared_root,
    is_embed_users_root: f.is_embed_users_root, is_personal: false, is_personal_descendant: false, is_shared_root: f.is_shared_root,
    is_users_root: f.is_users_root, can: { show: true, index: true },
  });
  /** @param {SeedUser} u */
  const personalFolderJson = (u) => ({
    name: [u.first_name, u.last_name].filter(Boolean).join(' ') || `User ${u.id}`, parent_id: '2', id: String(u.personal_folder_id),
    content_metadata_id: u.content_metadata_id ?? null, created_at: u.created_at, creator_id: u.id, child_count: 0, external_id: null,
    is_embed: false, is_embed_shared_root: false, is_embed_users_root: false, is_personal: true, is_personal_descendant: false,
    is_shared_root: false, is_users_root: false, can: { show: true, index: true },
    // The looks and dashboards directly in it (what a delete of the user sends to Trash).
    looks: (db.personalContent[String(u.personal_folder_id)]?.looks ?? []).map((l) => ({ can: {}, id: l.id, title: l.title, user_id: u.id,
      folder_id: String(u.personal_folder_id), deleted: false, is_run_on_load: false, public: false, is_owner_disabled: u.is_disabled })),
    dashboards: (db.personalContent[String(u.personal_folder_id)]?.dashboards ?? []).map((d) => ({ can: {}, id: d.id, title: d.title, user_id: u.id,
      hidden: false, readonly: false })),
  });
  /** Folders the caller may see: every folder for an admin, else the shared ones and their own personal folder. @param {Ctx} ctx */
  const visibleFolders = (ctx) => [
    ...db.folders.map(sharedFolderJson),
    ...db.users.filter((u) => u.personal_folder_id && (ctx.admin || ctx.actor?.id === u.id)).map(personalFolderJson),
  ];
  add('search_folders', 'GET', '/folders/search', (ctx) => {
    const q = ctx.query;
    const found = searchRows(q, visibleFolders(ctx), { str: ['name'], ids: ['id', 'parent_id', 'creator_id'], bools: ['is_shared_root', 'is_users_root'] });
    const sorted = sortRows(found, q.sorts, (f, k) => (k === 'id' ? Number(f.id) : /** @type {Record<string, unknown>} */ (f)[k] ?? null), (f) => Number(f.id));
    return paged(ctx, sorted, (f) => f);
  });
  add('folder', 'GET', '/folders/{folder_id}', (ctx) => {
    const id = ctx.params.folder_id;
    const shared = db.folders.find((f) => f.id === id);
    if (shared) return ok(ctx, sharedFolderJson(shared));
    const owner = db.users.find((u) => u.personal_folder_id === id);
    if (!owner || !(ctx.admin || ctx.actor?.id === owner.id)) throw notFound();
    return ok(ctx, personalFolderJson(owner));
  });
  add('all_group_users', 'GET', '/groups/{group_id}/users', (ctx) => {
    const g = groupById(ctx.params.group_id);
    const order = sortedUsers(db, ctx.query.sorts);
    return paged(ctx, order.filter((u) => u.group_ids.includes(g.id)), (u) => userJson(db, u, ctx.actor, ctx.admin));
  });
  add('all_group_groups', 'GET', '/groups/{group_id}/groups', (ctx) => {
    const g = groupById(ctx.params.group_id);
    const rows = db.groups.filter((c) => (c.parent_ids ?? []).includes(g.id)).map((c) => groupJson(db, c, ctx.actor));
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
    const u = pathUser(ctx);
    requireAdmin(ctx);
    if (!u.group_ids.includes(g.id)) throw notFound();
    u.group_ids = u.group_ids.filter((x) => x !== g.id);
    db.touch(u);
    return NO_CONTENT;
  });

  // --- queries: run_inline_query, for the System Activity fields the extension reads (user facts)
  add('run_inline_query', 'POST', '/queries/run/{result_format}', (ctx) => {
    const b = objectBody(ctx, true);
    if (b.model === 'system__activity' && !(ctx.actor && db.hasPermission(ctx.actor, 'see_system_activity'))) {
      throw new HttpError(403, 'You do not have permission to see System Activity (see_system_activity).');
    }
    if (ctx.params.result_format !== 'json') throw new HttpError(400, `The sandbox runs inline queries as json only, not '${ctx.params.result_format.slice(0, 20)}'.`);
    if (b.model !== 'system__activity' || b.view !== 'user') {
      throw invalid('model', 'invalid', `The sandbox has no explore ${String(b.model).slice(0, 40)}::${String(b.view).slice(0, 40)}`);
    }
    const fields = Array.isArray(b.fields) ? b.fields.map(String) : [];
    /** @type {Record<string, (u: SeedUser) => unknown>} */
    const dims = {
      'user.id': (u) => Number(u.id),
      'user.name': (u) => [u.first_name, u.last_name].filter((x) => x !== null).join(' '),
      'user.email': (u) => userEmail(u),
      'user_facts.last_ui_login_date': (u) => {
        const t = Math.max(0, ...signInCreds(u).map((c) => (c.logged_in_at ? Date.parse(c.logged_in_at) : 0)));
        return t > 0 ? iso(t).slice(0, 10) : null;
      },
      'user_facts.last_api_login_date': (u) => {
        const t = db.apiActivity.get(u.id);
        return t === undefined ? null : iso(t).slice(0, 10);
      },
    };
    const unknown = fields.filter((f) => !dims[f]);
    if (!fields.length || unknown.length) throw invalid('fields', 'invalid', `Unknown field(s): ${unknown.join(', ').slice(0, 200) || '(none given)'}`);
    const filters = b.filters && typeof b.filters === 'object' ? /** @type {Record<string, unknown>} */ (b.filters) : {};
    let rows = db.users;
    const idFilter = filters['user.id'];
    if (idFilter !== undefined) {
      const ids = new Set(String(idFilter).split(',').map((x) => x.trim()).filter(Boolean));
      rows = rows.filter((u) => ids.has(u.id));
    }
    const limit = Number(b.limit ?? 500);
    const out = rows.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 500)
      .map((u) => Object.fromEntries(fields.map((f) => [f, dims[f](u)])));
    return { status: 200, body: out };
  });

  // --- lockouts
  // Lockouts need the manage-users permission (admins here); the operations declare no 403, so a caller without it gets 404.
  add('all_user_login_lockouts', 'GET', '/user_login_lockouts', (ctx) => {
    requireAdmin(ctx);
    return ok(ctx, db.lockouts.map((l) => lockoutJson(db, l)));
  });
  add('search_user_login_lockouts', 'GET', '/user_login_lockouts/search', (ctx) => {
    requireAdmin(ctx);
    const q = ctx.query;
    const rows = db.lockouts;
    const found = searchRows(q, rows, { str: ['auth_type', 'full_name', 'email', 'remote_id'] });
    const sorted = sortRows(found, q.sorts, (l, f) => /** @type {Record<string, unknown>} */ (l)[f] ?? null, () => 0);
    return paged(ctx, sorted, (l) => lockoutJson(db, l));
  });
  add('delete_user_login_lockout', 'DELETE', '/user_login_lockout/{key}', (ctx) => {
    requireAdmin(ctx);
    const i = db.lockouts.findIndex((l) => l.key === ctx.params.key);
    if (i < 0) throw notFound();
    db.lockouts.splice(i, 1);
    return NO_CONTENT;
  });

  // --- user attributes
  add('all_user_attributes', 'GET', '/user_attributes', (ctx) => {
    const sorted = sortRows(db.userAttributes, ctx.query.sorts, (a, f) => (f === 'id' ? Number(a.id) : /** @type {Record<string, unknown>} */ (a)[f] ?? null), (a) => Number(a.id));
    return ok(ctx, sorted.map(attributeJson));
  });
  add('all_user_attribute_group_values', 'GET', '/user_attributes/{user_attribute_id}/group_values', (ctx) => {
    const a = db.userAttributes.find((x) => x.id === ctx.params.user_attribute_id);
    if (!a) throw notFound();
    requireAdmin(ctx);
    return ok(ctx, db.groupAttributeValues.filter((g) => g.user_attribute_id === a.id).map((g) => ({
      can: { show: true, index: true }, id: g.id, group_id: g.group_id, user_attribute_id: g.user_attribute_id,
      value_is_hidden: a.value_is_hidden, rank: g.rank, value: a.value_is_hidden ? null : g.value })));
  });
  add('user_attribute_user_values', 'GET', '/users/{user_id}/attribute_values', (ctx) => {
    const u = adminUser(ctx);
    const ids = ctx.query.user_attribute_ids === undefined ? null : new Set(ctx.query.user_attribute_ids.split(',').map((s) => s.trim()));
    return ok(ctx, attributeValues(db, u, { ids, allValues: boolParam(ctx, 'all_values') ?? false,
      includeUnset: boolParam(ctx, 'include_unset') ?? false, viewerAdmin: ctx.admin }));
  });
  /** @param {Ctx} ctx */
  const attrOf = (ctx) => {
    const a = db.userAttributes.find((x) => x.id === ctx.params.user_attribute_id);
    if (!a) throw notFound();
    return a;
  };
  add('set_user_attribute_user_value', 'PATCH', '/users/{user_id}/attribute_values/{user_attribute_id}', (ctx) => {
    const u = pathUser(ctx);
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
    const u = pathUser(ctx);
    const a = attrOf(ctx);
    requireAdmin(ctx);
    delete u.attribute_values[a.id];
    db.touch(u);
    return NO_CONTENT;
  });
  return routes;
}

module.exports = { Db, buildRoutes, errorBody, userJson, userEmail, effectiveRoleIds, HttpError, docUrl, LOOKER_RELEASE, RELEASES };
