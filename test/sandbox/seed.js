// @ts-check
/**
 * Deterministic seed data for the sandbox Looker server: a mid-size company ("Brightlane", domain brightlane.io).
 *
 * Well-known users (same ids for every seed; tests may rely on them):
 *   1  Api Admin            the admin API user (Admin role); its API3 key is the sandbox's admin client_id/secret
 *   2  Api Reader           the non-admin API user (User role); its API3 key is `nonAdmin`
 *   3  <script> name        first_name `<script>alert("x")</script>`, last_name `O'Hara "Quotes" & <b>Co</b>`
 *   4  RTL name             Arabic first name, Hebrew last name with a U+202E RTL override inside
 *   5  300-char name        first_name is exactly 300 characters, last_name 300 characters too
 *   6  every credential     email, SAML, OIDC, Google, LDAP, TOTP, Looker OpenID, workforce, 2x API3, embed
 *   7  locked out           email login locked out (see all_user_login_lockouts), auth_type "email"
 *   8  disabled             is_disabled true (email + SAML)
 *   9  never logged in      email credential, no logins, no sessions, fresh account setup link
 *   10 embed user           only credentials_embed (external_user_id "ext-10")
 *   11 service account      is_service_account true, service_account_name "svc-dbt-runner", API3 key
 *   12 <img onerror> name   first_name `<img src=x onerror=alert(1)>`
 *   13 expired reset link   email credential with an expired password_reset_url
 *   14 non-ASCII name       "Zoë Ångström-Nuñez"
 *   15 admin colleague      "Priya Raman", Admin role, 5 web sessions
 * Scheduled plans (release 24.20 has them): user 14 owns two (a dashboard and a look) and has two looks and a
 * dashboard in their personal folder; user 15 owns one; the admin API user owns one; every 40th generated user one.
 * Users 16..N are generated from the seed. Roles, groups (incl. a nested group), user attributes (incl. a hidden
 * one), permission sets, model sets and LookML models are fixed (seed-catalog.js).
 */

const crypto = require('crypto');
const { permissionSets, lookmlModels, modelSets, roles, folders, groups, userAttributes, GROUP_ATTRIBUTE_VALUES } = require('./seed-catalog');

const DOMAIN = 'brightlane.io';
/**
 * All seeded timestamps are relative to this instant: the start (UTC) of the current day, so the data looks like a
 * live instance's (recent logins, "inactive > 90 days" a minority, nothing in the future) and is the same whenever
 * it is generated that day.
 */
const SEED_NOW = Math.floor(Date.now() / 86400000) * 86400000;
const DAY = 86400000;

/** @param {number} seed */
function prng(seed) {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** @param {number} p */
    chance: (p) => next() < p,
    /** @param {number} lo @param {number} hi inclusive */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    /** @template T @param {readonly T[]} arr @returns {T} */
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** @param {number} n */
    hex: (n) => {
      let s = '';
      while (s.length < n) s += Math.floor(next() * 16).toString(16);
      return s;
    },
    /** @param {number} n */
    alnum: (n) => {
      const cs = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
      let s = '';
      for (let i = 0; i < n; i++) s += cs[Math.floor(next() * cs.length)];
      return s;
    },
  };
}

/** ISO-8601 with an explicit offset, as Looker sends it. @param {number} ms */
function iso(ms) {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

// [first name, ASCII form for the e-mail address]
const FIRST = [
  ['James', 'james'], ['Mary', 'mary'], ['Robert', 'robert'], ['Patricia', 'patricia'], ['Michael', 'michael'],
  ['Jennifer', 'jennifer'], ['David', 'david'], ['Linda', 'linda'], ['William', 'william'], ['Elizabeth', 'elizabeth'],
  ['Daniel', 'daniel'], ['Sarah', 'sarah'], ['Thomas', 'thomas'], ['Karen', 'karen'], ['Christopher', 'christopher'],
  ['Emily', 'emily'], ['Matthew', 'matthew'], ['Olivia', 'olivia'], ['Anthony', 'anthony'], ['Sophia', 'sophia'],
  ['José', 'jose'], ['María', 'maria'], ['Zoë', 'zoe'], ['Chloé', 'chloe'], ['Renée', 'renee'], ['François', 'francois'],
  ['Björn', 'bjorn'], ['Søren', 'soren'], ['Jürgen', 'jurgen'], ['Łukasz', 'lukasz'], ['Małgorzata', 'malgorzata'],
  ['Åsa', 'asa'], ['Ines', 'ines'], ['Mateus', 'mateus'], ['João', 'joao'], ['Siobhán', 'siobhan'], ['Niamh', 'niamh'],
  ['Aoife', 'aoife'], ['Priya', 'priya'], ['Arjun', 'arjun'], ['Ananya', 'ananya'], ['Rohan', 'rohan'], ['Wei', 'wei'],
  ['Mei', 'mei'], ['Hiroshi', 'hiroshi'], ['Yuki', 'yuki'], ['Min-jun', 'minjun'], ['Seo-yeon', 'seoyeon'],
  ['Oluwaseun', 'oluwaseun'], ['Chidi', 'chidi'], ['Amara', 'amara'], ['Kwame', 'kwame'], ['Fatima', 'fatima'],
  ['Omar', 'omar'], ['Leila', 'leila'], ['Dmitri', 'dmitri'], ['Анна', 'anna'], ['Ольга', 'olga'], ['Nikos', 'nikos'],
  ['Ελένη', 'eleni'], ['Thảo', 'thao'], ['Minh', 'minh'], ['Aiko', 'aiko'], ['Lars', 'lars'], ['Ingrid', 'ingrid'],
  ['Noah', 'noah'], ['Emma', 'emma'], ['Liam', 'liam'], ['Ava', 'ava'], ['Lucas', 'lucas'], ['Mia', 'mia'],
];
const LAST = [
  ['Smith', 'smith'], ['Johnson', 'johnson'], ['Williams', 'williams'], ['Brown', 'brown'], ['Jones', 'jones'],
  ['Garcia', 'garcia'], ['Miller', 'miller'], ['Davis', 'davis'], ['Rodriguez', 'rodriguez'], ['Martinez', 'martinez'],
  ['Hernández', 'hernandez'], ['López', 'lopez'], ['González', 'gonzalez'], ['Wilson', 'wilson'], ['Anderson', 'anderson'],
  ['Taylor', 'taylor'], ['Moore', 'moore'], ['Jackson', 'jackson'], ['Martin', 'martin'], ['Lee', 'lee'],
  ["O'Brien", 'obrien'], ["D'Angelo", 'dangelo'], ['Müller', 'muller'], ['Schröder', 'schroder'], ['Weiß', 'weiss'],
  ['Dvořák', 'dvorak'], ['Nowak', 'nowak'], ['Kowalczyk', 'kowalczyk'], ['Ångström', 'angstrom'], ['Øvergaard', 'overgaard'],
  ['Nguyễn', 'nguyen'], ['Trần', 'tran'], ['Kim', 'kim'], ['Park', 'park'], ['Tanaka', 'tanaka'], ['Suzuki', 'suzuki'],
  ['Wang', 'wang'], ['Zhang', 'zhang'], ['Chen', 'chen'], ['Patel', 'patel'], ['Sharma', 'sharma'], ['Iyer', 'iyer'],
  ['Okafor', 'okafor'], ['Adeyemi', 'adeyemi'], ['Mensah', 'mensah'], ['Haddad', 'haddad'], ['Khalil', 'khalil'],
  ['Ivanova', 'ivanova'], ['Петров', 'petrov'], ['Papadopoulos', 'papadopoulos'], ['Σταύρου', 'stavrou'],
  ['van der Berg', 'vanderberg'], ['de la Cruz', 'delacruz'], ['Ó Súilleabháin', 'osullivan'], ['Fitzgerald', 'fitzgerald'],
  ['Lindqvist', 'lindqvist'], ['Johansson', 'johansson'], ['Costa', 'costa'], ['Silva', 'silva'], ['Rossi', 'rossi'],
];
const CITIES = [
  ['San Francisco', 'California', 'United States'], ['New York', 'New York', 'United States'],
  ['Austin', 'Texas', 'United States'], ['London', 'England', 'United Kingdom'], ['Dublin', 'Leinster', 'Ireland'],
  ['Berlin', 'Berlin', 'Germany'], ['São Paulo', 'São Paulo', 'Brazil'], ['Bengaluru', 'Karnataka', 'India'],
  ['Tokyo', 'Tokyo', 'Japan'], ['Sydney', 'New South Wales', 'Australia'], ['Toronto', 'Ontario', 'Canada'],
];
const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge'];
const OSES = ['OS X 10.15.7', 'Windows 10', 'Windows 11', 'Linux', 'iOS 17.5', 'Chrome OS'];
const LOCALES = ['en', 'en', 'en', 'en', 'en', 'en_GB', 'de_DE', 'fr_FR', 'es_ES', 'ja_JP', 'pt_BR'];
const SERVICE_NAMES = ['svc-etl-loader', 'svc-reporting-bot', 'svc-slack-alerts', 'svc-airflow', 'svc-reverse-etl',
  'svc-data-quality', 'svc-backup-exporter', 'svc-ci-spectacles'];

// ---------------------------------------------------------------------------------------------------------------------
// Users

/**
 * @typedef {{ type: string, created_at: string, logged_in_at: string | null, is_disabled: boolean, [k: string]: unknown }} Cred
 * @typedef {{ email: string, forced_password_reset_at_next_login: boolean, created_at: string, logged_in_at: string | null,
 *   is_disabled: boolean, reset_token: string | null, reset_expired: boolean, reset_expires_at: number | null,
 *   setup_token: string | null, setup_expired: boolean, setup_expires_at: number | null }} EmailCred
 * @typedef {{ id: string, client_id: string, client_secret: string, created_at: string, is_disabled: boolean, purpose: string | null }} Api3Cred
 * @typedef {{ id: string, external_user_id: string, external_group_id: string | null, created_at: string, logged_in_at: string | null, is_disabled: boolean }} EmbedCred
 * @typedef {{ id: string, ip_address: string, browser: string, operating_system: string, city: string, state: string,
 *   country: string, credentials_type: string, extended_at: string | null, extended_count: number, sudo_user_id: string | null,
 *   created_at: string, expires_at: string }} WebSession
 * @typedef {{
 *   id: string, first_name: string | null, last_name: string | null, locale: string | null, is_disabled: boolean,
 *   home_folder_id: string | null, personal_folder_id: string | null, models_dir_validated: boolean | null,
 *   ui_state: Record<string, string> | null, can_manage_api3_creds: boolean, is_service_account: boolean,
 *   service_account_name: string | null, verified_looker_employee: boolean, roles_externally_managed: boolean,
 *   content_metadata_id: string, created_at: string, role_ids: string[], group_ids: string[],
 *   credentials_email: EmailCred | null, credentials_google: Cred | null, credentials_saml: Cred | null,
 *   credentials_oidc: Cred | null, credentials_ldap: Cred | null, credentials_totp: Cred | null,
 *   credentials_looker_openid: Cred | null, credentials_workforce: Cred | null,
 *   credentials_api3: Api3Cred[], credentials_embed: EmbedCred[], sessions: WebSession[],
 *   attribute_values: Record<string, string>, embed_group_space_id: string | null, embed_group_folder_id: string | null
 * }} SeedUser
 * @typedef {{ key: string, auth_type: string, ip: string, user_id: string | null, remote_id: string | null,
 *   full_name: string | null, email: string | null, fail_count: number, lockout_at: string }} Lockout
 */

/**
 * A user with no name, credentials, roles or groups, enabled, in the Shared home folder, with a personal folder: the
 * start of every seeded user and of one created through the API. `over` sets other properties.
 * @param {string} id @param {string} createdAt @param {Partial<SeedUser>} [over] @returns {SeedUser}
 */
function blankUser(id, createdAt, over = {}) {
  return {
    id, first_name: null, last_name: null, locale: 'en', is_disabled: false, home_folder_id: '1',
    personal_folder_id: String(100 + Number(id)), models_dir_validated: null, ui_state: null,
    can_manage_api3_creds: false, is_service_account: false, service_account_name: null, verified_looker_employee: false,
    roles_externally_managed: false, content_metadata_id: String(1000 + Number(id)), created_at: createdAt,
    role_ids: [], group_ids: [], credentials_email: null, credentials_google: null, credentials_saml: null,
    credentials_oidc: null, credentials_ldap: null, credentials_totp: null, credentials_looker_openid: null,
    credentials_workforce: null, credentials_api3: [], credentials_embed: [], sessions: [], attribute_values: {},
    embed_group_space_id: null, embed_group_folder_id: null,
    ...over,
  };
}

/**
 * @param {{ users?: number, seed?: number }} [opts]
 */
function generate(opts = {}) {
  const total = Math.max(opts.users ?? 2000, 15);
  const seed = opts.seed ?? 1;
  const r = prng(seed);
  /** @type {SeedUser[]} */
  const users = [];
  /** @type {Lockout[]} */
  const lockouts = [];
  const usedEmails = new Set();
  let credSeq = 1;
  let sessionSeq = 1;

  /** @param {number} daysAgoMax */
  const pastTime = (daysAgoMax) => SEED_NOW - Math.floor(r.next() * daysAgoMax * DAY);

  /** @param {string} id @param {string | null} first @param {string | null} last */
  function blank(id, first, last) {
    const created = pastTime(1500);
    return blankUser(id, iso(created), { first_name: first, last_name: last, group_ids: ['1'] });
  }
  /** @param {string} local */
  function uniqueEmail(local) {
    let e = `${local}@${DOMAIN}`;
    for (let n = 2; usedEmails.has(e); n++) e = `${local}${n}@${DOMAIN}`;
    usedEmails.add(e);
    return e;
  }
  /** @param {SeedUser} u */
  function createdMs(u) {
    return Date.parse(u.created_at);
  }
  /** @param {SeedUser} u @param {boolean} loggedIn */
  function loginTime(u, loggedIn) {
    if (!loggedIn) return null;
    const c = createdMs(u);
    return iso(c + Math.floor(r.next() * (SEED_NOW - c)));
  }
  /** @param {SeedUser} u @param {string} email @param {boolean} loggedIn @param {boolean} [setup] send a setup link */
  function addEmail(u, email, loggedIn, setup = !loggedIn) {
    u.credentials_email = {
      email, forced_password_reset_at_next_login: false, created_at: u.created_at, logged_in_at: loginTime(u, loggedIn),
      is_disabled: false, reset_token: null, reset_expired: false, reset_expires_at: null,
      setup_token: setup ? r.alnum(32) : null, setup_expired: false, setup_expires_at: null,
    };
  }
  /** @param {SeedUser} u @param {string} type @param {Record<string, unknown>} extra @param {boolean} loggedIn */
  function sso(u, type, extra, loggedIn) {
    return { type, created_at: u.created_at, logged_in_at: loginTime(u, loggedIn), is_disabled: false, ...extra };
  }
  /** @param {SeedUser} u @param {string | null} purpose */
  function addApi3(u, purpose) {
    const c = { id: String(credSeq++), client_id: r.alnum(20), client_secret: r.alnum(24), created_at: u.created_at, is_disabled: false, purpose };
    u.credentials_api3.push(c);
    return c;
  }
  /** @param {SeedUser} u @param {number} n @param {string} credType */
  function addSessions(u, n, credType) {
    for (let i = 0; i < n; i++) {
      const [city, state, country] = r.pick(CITIES);
      const created = SEED_NOW - Math.floor(r.next() * 14 * DAY);
      const extended = r.chance(0.5) ? created + Math.floor(r.next() * 6 * 3600000) : null;
      u.sessions.push({
        id: String(sessionSeq++), ip_address: `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
        browser: r.pick(BROWSERS), operating_system: r.pick(OSES), city, state, country, credentials_type: credType,
        extended_at: extended === null ? null : iso(extended), extended_count: extended === null ? 0 : r.int(1, 12),
        sudo_user_id: null, created_at: iso(created), expires_at: iso(created + 30 * DAY),
      });
    }
  }
  /** @param {SeedUser} u @param {string} auth */
  function addLockout(u, auth) {
    const email = u.credentials_email?.email ?? null;
    lockouts.push({
      key: r.hex(32), auth_type: auth, ip: `203.0.113.${r.int(1, 254)}`, user_id: u.id,
      remote_id: auth === 'ldap' ? `uid=${u.id},ou=people,dc=brightlane,dc=io` : null,
      full_name: [u.first_name, u.last_name].filter(Boolean).join(' ') || null, email,
      fail_count: r.int(5, 12), lockout_at: iso(SEED_NOW - Math.floor(r.next() * 3 * DAY)),
    });
  }

  // --- the well-known users --------------------------------------------------------------------------------------
  const admin = blank('1', 'Api', 'Admin');
  addEmail(admin, uniqueEmail('api.admin'), true);
  admin.role_ids = ['1'];
  admin.can_manage_api3_creds = true;
  addApi3(admin, 'sandbox admin key');
  users.push(admin);

  const reader = blank('2', 'Api', 'Reader');
  addEmail(reader, uniqueEmail('api.reader'), true);
  reader.role_ids = ['3'];
  addApi3(reader, 'sandbox non-admin key');
  users.push(reader);

  const script = blank('3', '<script>alert("x")</script>', 'O\'Hara "Quotes" & <b>Co</b>');
  addEmail(script, uniqueEmail('script.tester'), true);
  script.role_ids = ['4'];
  addSessions(script, 1, 'email');
  users.push(script);

  const rtl = blank('4', 'مريم', 'כהן\u202Eevil\u202C');
  addEmail(rtl, uniqueEmail('maryam.cohen'), true);
  rtl.role_ids = ['4'];
  rtl.locale = 'he_IL';
  users.push(rtl);

  const long1 = 'Bartholomew-'.repeat(25);
  const long2 = 'Featherstonehaugh-'.repeat(17).slice(0, 300);
  const long = blank('5', long1, long2);
  addEmail(long, uniqueEmail(`${'very.long.address.'.repeat(6)}x`), true);
  long.role_ids = ['3'];
  users.push(long);

  const every = blank('6', 'Evelyn', 'Everycred');
  const everyMail = uniqueEmail('evelyn.everycred');
  addEmail(every, everyMail, true);
  every.credentials_saml = sso(every, 'saml', { email: everyMail, saml_user_id: 'saml-evelyn-0006' }, true);
  every.credentials_oidc = sso(every, 'oidc', { email: everyMail, oidc_user_id: 'oidc|evelyn|0006' }, true);
  every.credentials_google = sso(every, 'google', { email: everyMail, domain: DOMAIN, google_user_id: '104729000000000000006' }, true);
  every.credentials_ldap = sso(every, 'ldap', { email: everyMail, ldap_dn: 'uid=evelyn,ou=people,dc=brightlane,dc=io', ldap_id: 'evelyn' }, true);
  every.credentials_totp = { type: 'two-factor', created_at: every.created_at, logged_in_at: null, is_disabled: false, verified: true };
  every.credentials_looker_openid = sso(every, 'looker_openid', { email: everyMail, logged_in_ip: '198.51.100.6' }, true);
  every.credentials_workforce = sso(every, 'workforce', { email: everyMail, workforce_user_id: 'wf-evelyn-0006' }, true);
  every.can_manage_api3_creds = true;
  addApi3(every, 'laptop');
  addApi3(every, null);
  every.credentials_embed.push({ id: String(credSeq++), external_user_id: 'ext-evelyn-6', external_group_id: 'partner-portal',
    created_at: every.created_at, logged_in_at: loginTime(every, true), is_disabled: false });
  every.role_ids = ['2'];
  every.group_ids = ['1', '6'];
  addSessions(every, 3, 'saml');
  users.push(every);

  const locked = blank('7', 'Lockie', 'Outman');
  addEmail(locked, uniqueEmail('lockie.outman'), true);
  locked.role_ids = ['4'];
  addLockout(locked, 'email');
  users.push(locked);

  const disabled = blank('8', 'Dora', 'Disabled');
  const doraMail = uniqueEmail('dora.disabled');
  addEmail(disabled, doraMail, true);
  disabled.credentials_saml = sso(disabled, 'saml', { email: doraMail, saml_user_id: 'saml-dora-0008' }, true);
  disabled.is_disabled = true;
  disabled.role_ids = ['3'];
  users.push(disabled);

  const never = blank('9', 'Newton', 'Neverlogged');
  addEmail(never, uniqueEmail('newton.neverlogged'), false);
  never.role_ids = ['4'];
  users.push(never);

  const embed = blank('10', 'Embed', 'Partner Viewer');
  embed.credentials_embed.push({ id: String(credSeq++), external_user_id: 'ext-10', external_group_id: 'partner-portal',
    created_at: embed.created_at, logged_in_at: loginTime(embed, true), is_disabled: false });
  embed.role_ids = ['8'];
  embed.group_ids = ['8'];
  embed.embed_group_space_id = '900';
  embed.embed_group_folder_id = '900';
  embed.home_folder_id = null;
  users.push(embed);

  const svc = blank('11', null, null);
  svc.is_service_account = true;
  svc.service_account_name = 'svc-dbt-runner';
  svc.role_ids = ['2'];
  svc.can_manage_api3_creds = true;
  addApi3(svc, 'dbt cloud');
  users.push(svc);

  const img = blank('12', '<img src=x onerror=alert(1)>', 'Payload');
  addEmail(img, uniqueEmail('img.payload'), true);
  img.role_ids = ['4'];
  users.push(img);

  const expired = blank('13', 'Ezra', 'Expired-Link');
  addEmail(expired, uniqueEmail('ezra.expired'), true);
  if (expired.credentials_email) Object.assign(expired.credentials_email, { reset_token: r.alnum(32), reset_expired: true });
  expired.role_ids = ['3'];
  users.push(expired);

  const zoe = blank('14', 'Zoë', 'Ångström-Nuñez');
  const zoeMail = uniqueEmail('zoe.angstrom-nunez');
  addEmail(zoe, zoeMail, true);
  zoe.credentials_google = sso(zoe, 'google', { email: zoeMail, domain: DOMAIN, google_user_id: '104729000000000000014' }, true);
  zoe.role_ids = ['3'];
  zoe.locale = 'sv_SE';
  addSessions(zoe, 2, 'google');
  users.push(zoe);

  const priya = blank('15', 'Priya', 'Raman');
  const priyaMail = uniqueEmail('priya.raman');
  addEmail(priya, priyaMail, true);
  priya.credentials_saml = sso(priya, 'saml', { email: priyaMail, saml_user_id: 'saml-priya-0015' }, true);
  priya.credentials_totp = { type: 'two-factor', created_at: priya.created_at, logged_in_at: null, is_disabled: false, verified: true };
  priya.role_ids = ['1'];
  priya.group_ids = ['1', '2'];
  addSessions(priya, 5, 'saml');
  users.push(priya);

  // --- generated users -----------------------------------------------------------------------------------------------
  const deptGroups = ['2', '3', '4', '5', '6', '7', '9'];
  for (let n = 16; n <= total; n++) {
    const id = String(n);
    const roll = r.next();
    if (roll < 0.1) {
      // embed user (~10 %)
      const [f] = r.pick(FIRST);
      const [l] = r.pick(LAST);
      const u = blank(id, f, l);
      u.credentials_embed.push({ id: String(credSeq++), external_user_id: `ext-${r.hex(10)}`,
        external_group_id: r.chance(0.7) ? 'partner-portal' : null, created_at: u.created_at,
        logged_in_at: loginTime(u, r.chance(0.85)), is_disabled: false });
      u.role_ids = ['8'];
      u.group_ids = r.chance(0.7) ? ['8'] : [];
      u.home_folder_id = null;
      u.embed_group_space_id = u.group_ids.length ? '900' : null;
      u.embed_group_folder_id = u.embed_group_space_id;
      u.is_disabled = r.chance(0.05);
      users.push(u);
      continue;
    }
    if (roll < 0.115) {
      // service account (~1.5 %)
      const u = blank(id, null, null);
      u.is_service_account = true;
      u.service_account_name = `${r.pick(SERVICE_NAMES)}-${n}`;
      u.role_ids = [r.pick(['2', '3', '4'])];
      u.can_manage_api3_creds = true;
      addApi3(u, r.pick(['airflow', 'github actions', 'cron', null]));
      u.is_disabled = r.chance(0.1);
      users.push(u);
      continue;
    }
    const [f, fa] = r.pick(FIRST);
    const [l, la] = r.pick(LAST);
    const u = blank(id, f, l);
    const email = uniqueEmail(`${fa}.${la}`);
    u.locale = r.pick(LOCALES);
    const never = r.chance(0.07);
    const loggedIn = !never;
    const kind = r.next();
    let sessionType = 'email';
    if (kind < 0.45) {
      u.credentials_saml = sso(u, 'saml', { email, saml_user_id: `saml-${r.hex(12)}` }, loggedIn);
      sessionType = 'saml';
      if (r.chance(0.3)) addEmail(u, email, false, never);
    } else if (kind < 0.65) {
      addEmail(u, email, loggedIn);
    } else if (kind < 0.8) {
      u.credentials_google = sso(u, 'google', { email, domain: DOMAIN, google_user_id: `1047${r.int(10, 99)}${r.hex(15).replace(/[a-f]/g, '7')}` }, loggedIn);
      sessionType = 'google';
    } else if (kind < 0.88) {
      u.credentials_oidc = sso(u, 'oidc', { email, oidc_user_id: `00u${r.alnum(17)}` }, loggedIn);
      sessionType = 'oidc';
    } else if (kind < 0.96) {
      u.credentials_ldap = sso(u, 'ldap', { email, ldap_dn: `uid=${fa}.${la},ou=people,dc=brightlane,dc=io`, ldap_id: `${fa}.${la}` }, loggedIn);
      sessionType = 'ldap';
    } else if (kind < 0.97) {
      u.credentials_looker_openid = sso(u, 'looker_openid', { email, logged_in_ip: `198.51.100.${r.int(1, 254)}` }, loggedIn);
      sessionType = 'looker_openid';
    } else {
      addEmail(u, email, loggedIn);
      u.credentials_saml = sso(u, 'saml', { email, saml_user_id: `saml-${r.hex(12)}` }, loggedIn);
    }
    if (u.credentials_email && never) u.credentials_email.setup_expired = r.chance(0.4);
    if (u.credentials_email && loggedIn && r.chance(0.06)) {
      u.credentials_email.reset_token = r.alnum(32);
      u.credentials_email.reset_expired = r.chance(0.5);
    }
    if (u.credentials_email && r.chance(0.03)) u.credentials_email.forced_password_reset_at_next_login = true;
    if (r.chance(0.2)) u.credentials_totp = { type: 'two-factor', created_at: u.created_at, logged_in_at: null, is_disabled: false, verified: r.chance(0.9) };
    const roleRoll = r.next();
    u.role_ids = roleRoll < 0.015 ? ['1'] : roleRoll < 0.12 ? ['2'] : roleRoll < 0.6 ? ['3'] : roleRoll < 0.9 ? ['4'] : [r.pick(['5', '6', '7'])];
    if (r.chance(0.15)) u.role_ids = [];
    const g = r.pick(deptGroups);
    u.group_ids = ['1', g];
    if (r.chance(0.1)) u.group_ids.push(r.pick(deptGroups.filter((x) => x !== g)));
    if (u.role_ids.includes('2') || u.role_ids.includes('1')) {
      u.can_manage_api3_creds = true;
      if (r.chance(0.3)) addApi3(u, r.pick(['local dev', 'spectacles', 'notebook', null]));
    }
    u.is_disabled = r.chance(0.08);
    if (loggedIn && !u.is_disabled) addSessions(u, r.int(0, 5), sessionType);
    if (r.chance(0.3)) u.attribute_values['5'] = r.pick(['EMEA', 'NA', 'APAC', 'LATAM']);
    if (r.chance(0.2)) u.attribute_values['9'] = String(r.int(1000, 9999));
    if (r.chance(0.05)) u.attribute_values['8'] = r.alnum(12);
    if (loggedIn && r.chance(0.01)) addLockout(u, u.credentials_ldap ? 'ldap' : 'email');
    users.push(u);
  }
  // Every instance has a few locked-out people to unlock (at least 4 beyond user 7), whatever the size: the first
  // enabled generated users with an email login. Drawn from their own PRNG so the rest of the data stays the same.
  const lockRand = prng(seed * 104729 + 3);
  const extraLocked = users.filter((u) => Number(u.id) >= 16 && u.credentials_email?.logged_in_at && !u.is_disabled && !lockouts.some((l) => l.user_id === u.id));
  for (const u of extraLocked.slice(0, Math.max(0, 5 - lockouts.length))) {
    lockouts.push({
      key: lockRand.hex(32), auth_type: 'email', ip: `203.0.113.${lockRand.int(1, 254)}`, user_id: u.id, remote_id: null,
      full_name: [u.first_name, u.last_name].filter(Boolean).join(' ') || null, email: u.credentials_email?.email ?? null,
      fail_count: lockRand.int(5, 12), lockout_at: iso(SEED_NOW - Math.floor(lockRand.next() * 3 * DAY)),
    });
  }
  // Clean-up cases among the last generated users (tests that pick early users are not affected): two disabled
  // people with blank names (so the Active group's first page stays the same), and an SSO login whose email is
  // another user's email login (a duplicate across credentials).
  const tail = users.filter((u) => Number(u.id) >= 16 && !u.is_disabled && !u.is_service_account && !u.credentials_embed.length).slice(-6);
  if (tail.length >= 6) {
    tail[0].first_name = null;
    tail[0].last_name = null;
    tail[1].first_name = '  ';
    tail[1].last_name = '';
    tail[0].is_disabled = true;
    tail[1].is_disabled = true;
    tail[0].sessions = [];
    tail[1].sessions = [];
    const owner = tail.slice(2).find((u) => u.credentials_email);
    const other = tail.slice(2).find((u) => u !== owner && !u.credentials_saml);
    if (owner?.credentials_email && other) {
      other.credentials_saml = sso(other, 'saml', { email: owner.credentials_email.email.toUpperCase(), saml_user_id: `saml-dup-${other.id}` }, false);
    }
  }
  const { scheduledPlans, personalContent } = content(users);
  return {
    users,
    lockouts,
    scheduledPlans,
    personalContent,
    roles: roles(),
    groups: groups(),
    folders: folders(),
    permissionSets: permissionSets(),
    modelSets: modelSets(),
    lookmlModels: lookmlModels(),
    userAttributes: userAttributes(),
    groupAttributeValues: GROUP_ATTRIBUTE_VALUES.map(([attr, group, rank, value], i) => ({
      id: String(i + 1), user_attribute_id: String(attr), group_id: String(group), rank: Number(rank), value: String(value),
    })),
  };
}

/**
 * @typedef {{ id: string, name: string, user_id: string, look_id: string | null, dashboard_id: string | null,
 *   crontab: string, enabled: boolean, created_at: string }} SeedSchedule
 * @typedef {{ looks: { id: string, title: string }[], dashboards: { id: string, title: string }[] }} SeedFolderContent
 */

/**
 * Scheduled plans and personal folder content (fixed; no PRNG so the rest of the data is unchanged).
 * @param {SeedUser[]} users
 * @returns {{ scheduledPlans: SeedSchedule[], personalContent: Record<string, SeedFolderContent> }}
 */
function content(users) {
  /** @type {SeedSchedule[]} */
  const scheduledPlans = [];
  /** @type {Record<string, SeedFolderContent>} */
  const personalContent = {};
  const plan = (/** @type {string} */ userId, /** @type {string} */ name, /** @type {{ look?: string, dashboard?: string }} */ on) => {
    scheduledPlans.push({ id: String(scheduledPlans.length + 1), name, user_id: userId, look_id: on.look ?? null, dashboard_id: on.dashboard ?? null,
      crontab: '0 7 * * 1', enabled: true, created_at: iso(SEED_NOW - (scheduledPlans.length + 3) * 7 * DAY) });
  };
  const byId = new Map(users.map((u) => [u.id, u]));
  const folder = (/** @type {string} */ userId) => byId.get(userId)?.personal_folder_id ?? null;
  plan('14', 'Weekly revenue', { dashboard: '12' });
  plan('14', 'Churn watch', { look: '31' });
  plan('15', 'Pipeline daily', { look: '40' });
  plan('1', 'Admin digest', { dashboard: '1' });
  const f14 = folder('14');
  if (f14) personalContent[f14] = { looks: [{ id: '31', title: 'Churn by cohort' }, { id: '32', title: 'Refunds' }], dashboards: [{ id: '12', title: 'Revenue' }] };
  const f15 = folder('15');
  if (f15) personalContent[f15] = { looks: [{ id: '40', title: 'Pipeline' }], dashboards: [] };
  for (const u of users) {
    if (Number(u.id) >= 16 && Number(u.id) % 40 === 0 && !u.is_service_account && !u.credentials_embed.length) plan(u.id, `Report of ${u.id}`, { look: String(1000 + Number(u.id)) });
  }
  return { scheduledPlans, personalContent };
}

/** A token string no one can guess (not seeded: tokens differ per run). @param {number} n */
function randomToken(n) {
  return crypto.randomBytes(n).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);
}

module.exports = { generate, blankUser, prng, iso, randomToken, DOMAIN, SEED_NOW };
