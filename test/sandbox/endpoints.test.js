// @ts-check
// Walks every implemented endpoint (one table, checked against the server's route table and the spec) and validates
// every response against the schemas of the Looker API 4.0 OpenAPI spec with ajv.
const assert = require('assert');
const { startSandbox } = require('./index');
const { validateResponse, operation, declaredStatuses } = require('./spec');
const { call, login } = require('./helpers');

/**
 * One row per call. `op` is the spec's operationId; `path` is concrete (below /api/4.0); `as` picks the caller.
 * @typedef {{ op: string, method: string, path: string, status: number, as?: 'admin' | 'nonadmin' | 'none',
 *   query?: Record<string, string>, body?: unknown, form?: Record<string, string>, check?: (body: any) => void,
 *   opaque?: boolean }} Row  opaque: the spec types the 200 body as an opaque string (run_inline_query's result); not validated
 */

/** @param {import('./index').Sandbox} sb @returns {Row[]} */
function table(sb) {
  const every = sb.db.user('6');
  const api3 = every.credentials_api3[1].id;
  const embed = every.credentials_embed[0].id;
  const priya = sb.db.user('15');
  const [s1, s2] = priya.sessions.map((s) => s.id);
  const lockout = sb.db.lockouts[0].key;
  return [
    // auth & config
    { op: 'versions', method: 'GET', path: '/versions', status: 200, as: 'none', check: (b) => assert.strictEqual(b.looker_release_version, '26.12.3') },
    { op: 'login', method: 'POST', path: '/login', status: 200, as: 'none', form: { client_id: sb.clientId, client_secret: sb.clientSecret } },
    { op: 'login', method: 'POST', path: '/login', status: 404, as: 'none', form: { client_id: sb.clientId, client_secret: 'wrong' } },
    { op: 'session', method: 'GET', path: '/session', status: 200 },
    { op: 'me', method: 'GET', path: '/user', status: 200, check: (b) => assert.strictEqual(b.id, '1') },
    { op: 'me', method: 'GET', path: '/user', status: 200, query: { fields: 'id,first_name,credentials_email(email,logged_in_at)' },
      check: (b) => assert.deepStrictEqual(Object.keys(b).sort(), ['credentials_email', 'first_name', 'id']) },
    // users
    { op: 'all_users', method: 'GET', path: '/users', status: 200, query: { limit: '300' } },
    { op: 'all_users', method: 'GET', path: '/users', status: 200, query: { ids: '3,4,5' }, check: (b) => assert.strictEqual(b.length, 3) },
    { op: 'search_users', method: 'GET', path: '/users/search', status: 200, query: { email: '%@brightlane.io', limit: '50', sorts: 'last_name desc' } },
    { op: 'search_users', method: 'GET', path: '/users/search', status: 400, query: { is_disabled: 'yes' } },
    { op: 'search_users', method: 'GET', path: '/users/search', status: 200, as: 'nonadmin', query: { limit: '20' } },
    { op: 'search_users_names', method: 'GET', path: '/users/search/names/Zo%25', status: 200 },
    { op: 'user', method: 'GET', path: '/users/6', status: 200 },
    { op: 'user', method: 'GET', path: '/users/3', status: 200, as: 'nonadmin' },
    { op: 'user', method: 'GET', path: '/users/999999', status: 404 },
    ...['email/evelyn.everycred@brightlane.io', 'google/104729000000000000006', 'saml/saml-evelyn-0006', 'oidc/oidc%7Cevelyn%7C0006',
      'ldap/evelyn', `api3/${every.credentials_api3[0].client_id}`, 'embed/ext-evelyn-6', 'looker_openid/evelyn.everycred@brightlane.io']
      .map((c) => /** @type {Row} */ ({ op: 'user_for_credential', method: 'GET', path: `/users/credential/${c}`, status: 200,
        check: (b) => assert.strictEqual(b.id, '6') })),
    { op: 'user_for_credential', method: 'GET', path: '/users/credential/api/whatever', status: 404 },
    { op: 'create_user', method: 'POST', path: '/users', status: 200, body: { first_name: 'New', last_name: 'Person', locale: 'fr', is_disabled: false } },
    { op: 'create_user', method: 'POST', path: '/users', status: 422, body: { first_name: 42 } },
    // Invite: the login email goes with the create (User.credentials_email is a $ref, not read-only, in the OAS).
    { op: 'create_user', method: 'POST', path: '/users', status: 200, query: { fields: 'id,credentials_email(email)' }, body: { first_name: 'Ina', last_name: 'Vited', credentials_email: { email: 'ina.vited@example.org' } },
      check: (b) => assert.strictEqual(b.credentials_email.email, 'ina.vited@example.org') },
    { op: 'create_user', method: 'POST', path: '/users', status: 409, body: { first_name: 'Evelyn', credentials_email: { email: 'EVELYN.everycred@brightlane.io' } } },
    { op: 'create_user', method: 'POST', path: '/users', status: 404, as: 'nonadmin', body: { first_name: 'No' } },
    { op: 'update_user', method: 'PATCH', path: '/users/20', status: 200, body: { first_name: 'Patched', id: '999', email: 'ignored@x.io' },
      check: (b) => { assert.strictEqual(b.id, '20'); assert.strictEqual(b.first_name, 'Patched'); } },
    { op: 'update_user', method: 'PATCH', path: '/users/20', status: 422, body: { is_disabled: 'yes' } },
    { op: 'update_user', method: 'PATCH', path: '/users/20', status: 403, as: 'nonadmin', body: { first_name: 'x' } },
    { op: 'update_user', method: 'PATCH', path: '/users/999999', status: 404, body: { first_name: 'x' } },
    { op: 'wipeout_user_emails', method: 'POST', path: '/users/8/update_emails', status: 200, body: { email: 'wiped-8@example.invalid' } },
    { op: 'wipeout_user_emails', method: 'POST', path: '/users/9/update_emails', status: 422, body: { email: 'x@example.invalid' } },
    // email credential
    { op: 'user_credentials_email', method: 'GET', path: '/users/6/credentials_email', status: 200 },
    { op: 'user_credentials_email', method: 'GET', path: '/users/10/credentials_email', status: 404 },
    { op: 'user_credentials_email', method: 'GET', path: '/users/6/credentials_email', status: 403, as: 'nonadmin' },
    { op: 'create_user_credentials_email', method: 'POST', path: '/users/10/credentials_email', status: 422, body: { email: 'not-an-email' } },
    { op: 'create_user_credentials_email', method: 'POST', path: '/users/10/credentials_email', status: 409, body: { email: 'EVELYN.everycred@brightlane.io' } },
    { op: 'create_user_credentials_email', method: 'POST', path: '/users/10/credentials_email', status: 200, body: { email: 'embed.ten@partner.example' } },
    { op: 'create_user_credentials_email', method: 'POST', path: '/users/10/credentials_email', status: 409, body: { email: 'embed.ten2@partner.example' } },
    { op: 'update_user_credentials_email', method: 'PATCH', path: '/users/10/credentials_email', status: 200, body: { forced_password_reset_at_next_login: true } },
    { op: 'update_user_credentials_email', method: 'PATCH', path: '/users/10/credentials_email', status: 422, body: { email: 'a b@c' } },
    { op: 'create_user_credentials_email_password_reset', method: 'POST', path: '/users/10/credentials_email/password_reset', status: 200,
      query: { expires: 'true' }, check: (b) => { assert.match(b.password_reset_url, /\/password\/reset\//); assert.strictEqual(b.password_reset_url_expired, false); } },
    { op: 'send_user_credentials_email_password_reset', method: 'POST', path: '/users/9/credentials_email/send_password_reset', status: 200,
      check: (b) => assert.strictEqual(b.account_setup_url_expired, false) },
    { op: 'search_credentials_email', method: 'GET', path: '/credentials_email/search', status: 200, query: { email: 'evelyn%' },
      check: (b) => assert.deepStrictEqual(b.map((/** @type {any} */ c) => c.user_id), ['6']) },
    { op: 'delete_user_credentials_email', method: 'DELETE', path: '/users/10/credentials_email', status: 204 },
    { op: 'delete_user_credentials_email', method: 'DELETE', path: '/users/10/credentials_email', status: 404 },
    // other credentials
    ...['totp', 'ldap', 'google', 'saml', 'oidc', 'looker_openid'].flatMap((k) => /** @type {Row[]} */ ([
      { op: `user_credentials_${k}`, method: 'GET', path: `/users/6/credentials_${k}`, status: 200 },
      { op: `delete_user_credentials_${k}`, method: 'DELETE', path: `/users/6/credentials_${k}`, status: 403, as: 'nonadmin' },
      { op: `delete_user_credentials_${k}`, method: 'DELETE', path: `/users/6/credentials_${k}`, status: 204 },
      { op: `user_credentials_${k}`, method: 'GET', path: `/users/6/credentials_${k}`, status: 404 },
    ])),
    { op: 'all_user_credentials_api3s', method: 'GET', path: '/users/6/credentials_api3', status: 200, check: (b) => assert.strictEqual(b.length, 2) },
    { op: 'user_credentials_api3', method: 'GET', path: `/users/6/credentials_api3/${api3}`, status: 200 },
    { op: 'delete_user_credentials_api3', method: 'DELETE', path: `/users/6/credentials_api3/${api3}`, status: 204 },
    { op: 'create_user_credentials_api3', method: 'POST', path: '/users/6/credentials_api3', status: 200,
      check: (b) => { assert.ok(b.client_id && b.client_secret); assert.strictEqual(b.type, 'api3'); } },
    { op: 'create_user_credentials_api3', method: 'POST', path: '/users/6/credentials_api3', status: 403, as: 'nonadmin' },
    { op: 'create_user_credentials_api3', method: 'POST', path: '/users/999999/credentials_api3', status: 404 },
    // service accounts (alpha; 26.12)
    { op: 'create_service_account', method: 'POST', path: '/users/service_accounts', status: 200, body: { service_account_name: 'svc-new' },
      check: (b) => { assert.strictEqual(b.is_service_account, true); assert.strictEqual(b.service_account_name, 'svc-new'); } },
    { op: 'create_service_account', method: 'POST', path: '/users/service_accounts', status: 422, body: { service_account_name: '' } },
    { op: 'create_service_account', method: 'POST', path: '/users/service_accounts', status: 403, as: 'nonadmin', body: { service_account_name: 'x' } },
    { op: 'update_service_account', method: 'PATCH', path: '/users/service_accounts/11', status: 200, body: { service_account_name: 'svc-dbt', is_disabled: false },
      check: (b) => assert.strictEqual(b.service_account_name, 'svc-dbt') },
    { op: 'update_service_account', method: 'PATCH', path: '/users/service_accounts/11', status: 422, body: { is_disabled: 'no' } },
    { op: 'update_service_account', method: 'PATCH', path: '/users/service_accounts/6', status: 404, body: { is_disabled: true } },
    // scheduled plans and personal folders
    { op: 'all_scheduled_plans', method: 'GET', path: '/scheduled_plans', status: 200, query: { all_users: 'true' },
      check: (b) => assert.ok(b.filter((/** @type {any} */ p) => p.user_id === '14').length === 2) },
    { op: 'all_scheduled_plans', method: 'GET', path: '/scheduled_plans', status: 200, query: { user_id: '15', fields: 'id,name,user_id' },
      check: (b) => assert.deepStrictEqual(b.map((/** @type {any} */ p) => Object.keys(p).sort()), [['id', 'name', 'user_id']]) },
    { op: 'all_scheduled_plans', method: 'GET', path: '/scheduled_plans', status: 200, check: (b) => assert.ok(b.every((/** @type {any} */ p) => p.user_id === '1')) },
    { op: 'all_scheduled_plans', method: 'GET', path: '/scheduled_plans', status: 404, as: 'nonadmin', query: { all_users: 'true' } },
    { op: 'all_scheduled_plans', method: 'GET', path: '/scheduled_plans', status: 400, query: { all_users: 'yes' } },
    { op: 'scheduled_plan', method: 'GET', path: '/scheduled_plans/3', status: 200 },
    { op: 'scheduled_plan', method: 'GET', path: '/scheduled_plans/3', status: 404, as: 'nonadmin' },
    { op: 'update_scheduled_plan', method: 'PATCH', path: '/scheduled_plans/3', status: 200, body: { user_id: '14' }, check: (b) => assert.strictEqual(b.user_id, '14') },
    { op: 'update_scheduled_plan', method: 'PATCH', path: '/scheduled_plans/3', status: 422, body: { user_id: '999999' } },
    { op: 'update_scheduled_plan', method: 'PATCH', path: '/scheduled_plans/999', status: 404, body: { user_id: '14' } },
    { op: 'folder', method: 'GET', path: `/folders/${sb.db.user('14').personal_folder_id}`, status: 200,
      check: (b) => { assert.strictEqual(b.looks.length, 2); assert.strictEqual(b.dashboards.length, 1); } },
    { op: 'folder', method: 'GET', path: `/folders/${sb.db.user('14').personal_folder_id}`, status: 404, as: 'nonadmin' },
    { op: 'folder', method: 'GET', path: '/folders/999999', status: 404 },
    { op: 'user_credentials_api3', method: 'GET', path: `/users/6/credentials_api3/${api3}`, status: 404 },
    { op: 'all_user_credentials_embeds', method: 'GET', path: '/users/6/credentials_embed', status: 200 },
    { op: 'user_credentials_embed', method: 'GET', path: `/users/6/credentials_embed/${embed}`, status: 200 },
    { op: 'delete_user_credentials_embed', method: 'DELETE', path: `/users/6/credentials_embed/${embed}`, status: 204 },
    { op: 'user_credentials_embed', method: 'GET', path: `/users/6/credentials_embed/${embed}`, status: 404 },
    // sessions
    { op: 'all_user_sessions', method: 'GET', path: '/users/15/sessions', status: 200, check: (b) => assert.strictEqual(b.length, 5) },
    { op: 'all_user_sessions', method: 'GET', path: '/users/15/sessions', status: 403, as: 'nonadmin' },
    { op: 'user_session', method: 'GET', path: `/users/15/sessions/${s1}`, status: 200 },
    { op: 'delete_user_session', method: 'DELETE', path: `/users/15/sessions/${s2}`, status: 204 },
    { op: 'user_session', method: 'GET', path: `/users/15/sessions/${s2}`, status: 404 },
    // roles
    { op: 'user_roles', method: 'GET', path: '/users/6/roles', status: 200 },
    { op: 'user_roles', method: 'GET', path: '/users/6/roles', status: 200, query: { direct_association_only: 'true' },
      check: (b) => assert.deepStrictEqual(b.map((/** @type {any} */ r) => r.id), ['2']) },
    { op: 'set_user_roles', method: 'PUT', path: '/users/20/roles', status: 200, body: ['3', '4'] },
    { op: 'set_user_roles', method: 'PUT', path: '/users/20/roles', status: 422, body: ['3', '999'] },
    { op: 'set_user_roles', method: 'PUT', path: '/users/20/roles', status: 403, as: 'nonadmin', body: ['1'] },
    { op: 'all_roles', method: 'GET', path: '/roles', status: 200 },
    { op: 'role', method: 'GET', path: '/roles/1', status: 200 },
    { op: 'role', method: 'GET', path: '/roles/999', status: 404 },
    { op: 'search_roles', method: 'GET', path: '/roles/search', status: 200, query: { name: '%viewer%', sorts: 'name' } },
    { op: 'role_users', method: 'GET', path: '/roles/1/users', status: 200 },
    { op: 'role_groups', method: 'GET', path: '/roles/3/groups', status: 200 },
    { op: 'all_permission_sets', method: 'GET', path: '/permission_sets', status: 200 },
    { op: 'all_model_sets', method: 'GET', path: '/model_sets', status: 200 },
    { op: 'model_set', method: 'GET', path: '/model_sets/2', status: 200 },
    { op: 'all_lookml_models', method: 'GET', path: '/lookml_models', status: 200 },
    // groups
    { op: 'all_groups', method: 'GET', path: '/groups', status: 200 },
    { op: 'all_groups', method: 'GET', path: '/groups', status: 200, query: { limit: '3', offset: '3' } },
    { op: 'search_groups', method: 'GET', path: '/groups/search', status: 200, query: { name: 'e%' } },
    { op: 'group', method: 'GET', path: '/groups/6', status: 200 },
    // folders
    { op: 'search_folders', method: 'GET', path: '/folders/search', status: 200, query: { name: '%sales%', limit: '5' },
      check: (b) => assert.deepStrictEqual(b.map((/** @type {any} */ f) => f.name), ['Sales', 'Sales Pipeline']) },
    { op: 'folder', method: 'GET', path: '/folders/1', status: 200, check: (b) => assert.strictEqual(b.name, 'Shared') },
    { op: 'folder', method: 'GET', path: '/folders/115', status: 200, check: (b) => assert.strictEqual(b.name, 'Priya Raman') },
    { op: 'folder', method: 'GET', path: '/folders/115', status: 404, as: 'nonadmin' },
    { op: 'folder', method: 'GET', path: '/folders/99999999', status: 404 },
    { op: 'all_group_users', method: 'GET', path: '/groups/6/users', status: 200 },
    { op: 'all_group_groups', method: 'GET', path: '/groups/5/groups', status: 200 },
    { op: 'all_group_groups', method: 'GET', path: '/groups/99999/groups', status: 404 },
    { op: 'add_group_user', method: 'POST', path: '/groups/6/users', status: 200, body: { user_id: '20' } },
    { op: 'add_group_user', method: 'POST', path: '/groups/6/users', status: 404, body: { user_id: '999999' } },
    { op: 'delete_group_user', method: 'DELETE', path: '/groups/6/users/20', status: 204 },
    { op: 'delete_group_user', method: 'DELETE', path: '/groups/6/users/20', status: 404 },
    // queries (System Activity user facts)
    { op: 'run_inline_query', method: 'POST', path: '/queries/run/json', status: 200, opaque: true,
      body: { model: 'system__activity', view: 'user', fields: ['user.id', 'user_facts.last_api_login_date'], filters: { 'user.id': '1,11,20' } },
      check: (b) => {
        assert.deepStrictEqual(b.map((/** @type {any} */ r) => r['user.id']), [1, 11, 20]);
        assert.match(b[1]['user_facts.last_api_login_date'], /^\d{4}-\d{2}-\d{2}$/);
        assert.strictEqual(b[2]['user_facts.last_api_login_date'], null, 'no API keys, no API use');
      } },
    { op: 'run_inline_query', method: 'POST', path: '/queries/run/json', status: 403, as: 'nonadmin',
      body: { model: 'system__activity', view: 'user', fields: ['user.id'] } },
    { op: 'run_inline_query', method: 'POST', path: '/queries/run/json', status: 422, body: { model: 'system__activity', view: 'user', fields: ['user.nope'] } },
    // lockouts
    // folders
    { op: 'folder', method: 'GET', path: '/folders/1', status: 200, check: (b) => assert.strictEqual(b.is_shared_root, true) },
    { op: 'folder', method: 'GET', path: `/folders/${priya.personal_folder_id}`, status: 200, query: { fields: 'id,name' }, check: (b) => assert.deepStrictEqual(Object.keys(b).sort(), ['id', 'name']) },
    { op: 'folder', method: 'GET', path: '/folders/abc', status: 404 },
    { op: 'all_user_login_lockouts', method: 'GET', path: '/user_login_lockouts', status: 200 },
    { op: 'search_user_login_lockouts', method: 'GET', path: '/user_login_lockouts/search', status: 200, query: { auth_type: 'email' } },
    { op: 'delete_user_login_lockout', method: 'DELETE', path: `/user_login_lockout/${lockout}`, status: 404, as: 'nonadmin' },
    { op: 'delete_user_login_lockout', method: 'DELETE', path: `/user_login_lockout/${lockout}`, status: 204 },
    { op: 'delete_user_login_lockout', method: 'DELETE', path: `/user_login_lockout/${lockout}`, status: 404 },
    // user attributes
    { op: 'all_user_attributes', method: 'GET', path: '/user_attributes', status: 200 },
    { op: 'all_user_attribute_group_values', method: 'GET', path: '/user_attributes/6/group_values', status: 200 },
    { op: 'user_attribute_user_values', method: 'GET', path: '/users/6/attribute_values', status: 200, query: { all_values: 'true', include_unset: 'true' } },
    { op: 'set_user_attribute_user_value', method: 'PATCH', path: '/users/6/attribute_values/5', status: 200, body: { value: 'APAC' },
      check: (b) => { assert.strictEqual(b.value, 'APAC'); assert.strictEqual(b.source, 'user'); } },
    { op: 'set_user_attribute_user_value', method: 'PATCH', path: '/users/6/attribute_values/7', status: 422, body: { value: 'lots' } },
    { op: 'delete_user_attribute_user_value', method: 'DELETE', path: '/users/6/attribute_values/5', status: 204 },
    // OAuth client apps (oauth.js)
    { op: 'register_oauth_client_app', method: 'POST', path: '/oauth_client_apps/ep-app', status: 200,
      body: { redirect_uri: 'http://127.0.0.1:7779/callback', display_name: 'EP app', description: 'd', enabled: true } },
    { op: 'register_oauth_client_app', method: 'POST', path: '/oauth_client_apps/ep-app', status: 409, body: { redirect_uri: 'http://127.0.0.1/x', display_name: 'x' } },
    { op: 'register_oauth_client_app', method: 'POST', path: '/oauth_client_apps/ep-bad', status: 422, body: { redirect_uri: 'not a uri', display_name: 'x' } },
    { op: 'register_oauth_client_app', method: 'POST', path: '/oauth_client_apps/ep-other', status: 404, as: 'nonadmin', body: { redirect_uri: 'http://127.0.0.1/x', display_name: 'x' } },
    { op: 'all_oauth_client_apps', method: 'GET', path: '/oauth_client_apps', status: 200, check: (b) => assert.ok(b.some((/** @type {any} */ a) => a.client_guid === 'ep-app')) },
    { op: 'oauth_client_app', method: 'GET', path: '/oauth_client_apps/ep-app', status: 200 },
    { op: 'oauth_client_app', method: 'GET', path: '/oauth_client_apps/nope', status: 404 },
    { op: 'update_oauth_client_app', method: 'PATCH', path: '/oauth_client_apps/ep-app', status: 200, body: { display_name: 'EP app 2', group_id: null },
      check: (b) => assert.strictEqual(b.display_name, 'EP app 2') },
    { op: 'update_oauth_client_app', method: 'PATCH', path: '/oauth_client_apps/ep-app', status: 422, body: { enabled: 'yes' } },
    { op: 'activate_app_user', method: 'POST', path: '/oauth_client_apps/ep-app/users/15', status: 204 },
    { op: 'oauth_client_app', method: 'GET', path: '/oauth_client_apps/ep-app', status: 200,
      check: (b) => assert.deepStrictEqual(b.activated_users.map((/** @type {any} */ u) => u.id), ['15']) },
    { op: 'deactivate_app_user', method: 'DELETE', path: '/oauth_client_apps/ep-app/users/15', status: 204 },
    { op: 'invalidate_tokens', method: 'DELETE', path: '/oauth_client_apps/ep-app/tokens', status: 204 },
    { op: 'delete_oauth_client_app', method: 'DELETE', path: '/oauth_client_apps/ep-app', status: 204 },
    { op: 'delete_oauth_client_app', method: 'DELETE', path: '/oauth_client_apps/ep-app', status: 404 },
    // destructive last
    { op: 'login_user', method: 'POST', path: '/login/10', status: 200 },
    { op: 'login_user', method: 'POST', path: '/login/10', status: 403, as: 'nonadmin' },
    { op: 'delete_user', method: 'DELETE', path: '/users/1', status: 403 },
    { op: 'delete_user', method: 'DELETE', path: '/users/21', status: 204 },
    { op: 'delete_user', method: 'DELETE', path: '/users/21', status: 404 },
    { op: 'delete_service_account', method: 'DELETE', path: '/users/service_accounts/6', status: 404 },
    { op: 'delete_service_account', method: 'DELETE', path: '/users/service_accounts/11', status: 403, as: 'nonadmin' },
    { op: 'delete_service_account', method: 'DELETE', path: '/users/service_accounts/11', status: 204 },
    { op: 'delete_service_account', method: 'DELETE', path: '/users/service_accounts/11', status: 404 },
    { op: 'logout', method: 'DELETE', path: '/logout', status: 204 },
  ];
}

/** Does a concrete path (percent-encoded) match a spec template? @param {string} template @param {string} concrete */
function pathMatches(template, concrete) {
  const re = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
  return re.test(concrete);
}

describe('sandbox: every endpoint answers as the spec says', function () {
  /** @type {import('./index').Sandbox} */
  let sb;
  /** @type {Record<string, string>} */
  const tokens = {};
  before(async () => {
    sb = await startSandbox({ users: 300, seed: 1 });
    tokens.admin = await login(sb.url, sb.clientId, sb.clientSecret);
    tokens.nonadmin = await login(sb.url, sb.nonAdmin.clientId, sb.nonAdmin.clientSecret);
  });
  after(() => sb.close());

  it('the table covers every route of the server, and each route is the spec operation of that name', () => {
    const covered = new Set(table(sb).map((r) => r.op));
    for (const r of sb.routes) {
      assert.ok(covered.has(r.op), `route ${r.op} is not exercised by the endpoint table`);
      const o = operation(r.op);
      assert.strictEqual(r.method, o.method, `${r.op} method`);
      assert.strictEqual(r.path, o.path, `${r.op} path`);
    }
    assert.ok(sb.routes.length >= 68, `only ${sb.routes.length} routes`);
  });

  it('each call gets the expected status and a body valid against the spec (success and error bodies)', async () => {
    const problems = [];
    for (const row of table(sb)) {
      const o = operation(row.op);
      assert.strictEqual(row.method, o.method, `${row.op}: table method`);
      assert.ok(pathMatches(o.path, row.path), `${row.op}: ${row.path} does not fit ${o.path}`);
      const as = row.as ?? 'admin';
      const res = await call(sb.url, row.method, row.path, { token: as === 'none' ? null : tokens[as], query: row.query, body: row.body, form: row.form });
      const label = `${row.op} ${row.method} ${row.path} as ${as}`;
      if (res.status !== row.status) {
        problems.push(`${label}: status ${res.status} (expected ${row.status}) ${res.text.slice(0, 200)}`);
        continue;
      }
      assert.ok(declaredStatuses(row.op).includes(res.status) || res.status === 401, `${label}: status ${res.status} not declared by the spec`);
      if (res.status === 204) {
        assert.strictEqual(res.text, '', `${label}: 204 with a body`);
        assert.strictEqual(res.headers.get('content-type'), null, `${label}: 204 with a content type`);
      } else {
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${label}: content type`);
        if (!(row.opaque && res.status === 200)) for (const p of validateResponse(row.op, res.status, res.body)) problems.push(`${label}: ${p}`);
        if (res.status >= 400) {
          assert.match(res.body.documentation_url, new RegExp(`^https://cloud\\.google\\.com/looker/docs/r/err/4\\.0/${res.status}/${row.method.toLowerCase()}/`), label);
        }
      }
      if (row.check && res.status < 300) row.check(res.body);
    }
    assert.deepStrictEqual(problems, []);
  });

  it('every seeded user, as admin and in the reduced public view, validates against User', async () => {
    tokens.admin = await login(sb.url, sb.clientId, sb.clientSecret); // the walk ends with a logout
    const all = await call(sb.url, 'GET', '/users', { token: tokens.admin });
    assert.ok(all.body.length >= 290);
    assert.deepStrictEqual(validateResponse('all_users', 200, all.body), []);
    const pub = await call(sb.url, 'GET', '/users', { token: tokens.nonadmin });
    assert.deepStrictEqual(validateResponse('all_users', 200, pub.body), []);
    const other = pub.body.find((/** @type {any} */ u) => u.id === '6');
    assert.strictEqual(other.credentials_email, undefined, 'non-admins must not see credentials of others');
    assert.strictEqual(other.email, undefined);
    assert.strictEqual(other.first_name, 'Evelyn');
    const self = pub.body.find((/** @type {any} */ u) => u.id === '2');
    assert.ok(self.credentials_email, 'a user sees their own details');
  });

  it('the validator is not a rubber stamp: a wrong type and an unknown field are reported', () => {
    assert.notDeepStrictEqual(validateResponse('user', 200, { id: 5 }), []);
    assert.notDeepStrictEqual(validateResponse('user', 200, { id: '5', is_admin: true }), []);
    assert.notDeepStrictEqual(validateResponse('login', 404, { message: 'x' }), []);
    assert.deepStrictEqual(validateResponse('user', 200, { id: '5', credentials_google: null }), []);
  });
});
