// @ts-check
// The JSON the sandbox answers with for users, their credentials and sessions, roles, groups, lockouts and attributes
// (full objects; a route narrows them to `fields` afterwards).
const crypto = require('crypto');
const { userEmail, effectiveRoleIds, groupMembers } = require('./db');

/**
 * @typedef {import('./seed').SeedUser} SeedUser
 * @typedef {import('./db').Db} Db
 * @typedef {ReturnType<typeof import('./seed').generate>} SeedData
 */

/** The API's base URL. @param {Db} db */
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
/** @param {Db} db @param {SeedData['roles'][number]} r */
function roleJson(db, r) {
  return { can: { show: true, index: true, update: true }, id: r.id, name: r.name, permission_set: permissionSetJson(db, r.permission_set_id),
    model_set: modelSetJson(db, r.model_set_id), internal: r.internal, url: `${api(db)}/roles/${r.id}`,
    users_url: `${api(db)}/roles/${r.id}/users` };
}
/** @param {Db} db @param {SeedData['groups'][number]} g @param {SeedUser | null} viewer */
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
/** @param {SeedData['userAttributes'][number]} a */
function attributeJson(a) {
  return { can: { show: true, index: true, update: !a.is_system }, ...a };
}

module.exports = {
  api, emailCredJson, simpleCredJson, api3Json, embedJson, sessionJson, avatar, userJson, permissionSetJson,
  modelSetJson, roleJson, groupJson, lockoutJson, attributeJson,
};
