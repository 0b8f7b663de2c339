// @ts-check
// The sandbox's in-memory Looker data for one release (seeded users, roles, groups, …) and who-has-what lookups on it.
const { generate, prng } = require('./seed');
const { HttpError } = require('./query');

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

/**
 * @typedef {import('./seed').SeedUser} SeedUser
 * @typedef {{ first: string | null, last: string | null, full: string | null, email: string | null }} Lower
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
  /** The permission sets a user has through their roles (direct and through groups). @param {SeedUser} u */
  permissionSetsOf(u) {
    return effectiveRoleIds(this, u, false).map((rid) => {
      const r = this.roles.find((x) => x.id === rid);
      return r && this.permissionSets.find((p) => p.id === r.permission_set_id);
    }).filter((ps) => !!ps);
  }
  /** Whether the user has a permission through their roles (all_access counts). @param {SeedUser} u @param {string} perm */
  hasPermission(u, perm) {
    return this.permissionSetsOf(u).some((ps) => ps.all_access || ps.permissions.includes(perm));
  }
  /** @param {SeedUser} u */
  isAdmin(u) {
    return this.permissionSetsOf(u).some((ps) => ps.all_access);
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
  /** The user with that id, or 404. @param {string} id */
  user(id) {
    const u = this.byId.get(id);
    if (!u) throw new HttpError(404, 'Not found');
    return u;
  }
  /** Adds a new user (create_user, create_service_account). @param {SeedUser} u */
  addUser(u) {
    this.users.push(u);
    this.byId.set(u.id, u);
    this.touch(u);
  }
  /** Removes a user and, as Looker does when it deletes a user, their schedules. @param {SeedUser} u */
  removeUser(u) {
    this.users.splice(this.users.indexOf(u), 1);
    this.byId.delete(u.id);
    this.scheduledPlans = this.scheduledPlans.filter((p) => p.user_id !== u.id);
    this.touch(u);
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

/** Users included in a group (direct members and members of groups nested in it). @param {Db} db @param {string} gid */
function groupMembers(db, gid) {
  return db.users.filter((u) => u.group_ids.some((g) => db.groupAncestors(g).has(gid)));
}

module.exports = { Db, RELEASES, signInCreds, userEmail, allGroupIds, effectiveRoleIds, groupMembers };
