// @ts-check
// The sandbox's fixed reference data, the same for every seed: permission sets, model sets, LookML models, roles,
// folders, groups (one nested) and user attributes (one hidden) with their group values.

const PERMISSIONS_ALL = [
  'access_data', 'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'explore', 'create_table_calculations',
  'save_content', 'create_public_looks', 'download_with_limit', 'download_without_limit', 'schedule_look_emails',
  'schedule_external_look_emails', 'create_alerts', 'follow_alerts', 'send_to_s3', 'send_to_sftp',
  'send_outgoing_webhook', 'send_to_integration', 'see_sql', 'see_lookml', 'develop', 'deploy', 'support_access_toggle',
  'use_sql_runner', 'clear_cache_refresh', 'see_drill_overlay', 'manage_spaces', 'manage_homepage', 'manage_models',
  'create_prefetches', 'login_special_email', 'embed_browse_spaces', 'embed_save_shared_space', 'see_alerts',
  'see_queries', 'see_logs', 'see_users', 'sudo', 'see_schedules', 'see_pdts', 'see_datagroups', 'update_datagroups',
  'see_system_activity', 'mobile_app_access', 'administer',
];
const VIEWER_PERMS = ['access_data', 'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'see_drill_overlay',
  'download_with_limit', 'schedule_look_emails', 'follow_alerts', 'mobile_app_access'];
const USER_PERMS = [...VIEWER_PERMS, 'explore', 'create_table_calculations', 'save_content', 'create_alerts',
  'download_without_limit', 'send_to_integration', 'see_sql', 'manage_spaces'];
const DEVELOPER_PERMS = [...USER_PERMS, 'see_lookml', 'develop', 'deploy', 'use_sql_runner', 'clear_cache_refresh',
  'see_pdts', 'see_datagroups', 'see_queries'];

function permissionSets() {
  return [
    { id: '1', name: 'Admin', all_access: true, built_in: true, permissions: [...PERMISSIONS_ALL] },
    { id: '2', name: 'Developer', all_access: false, built_in: false, permissions: DEVELOPER_PERMS },
    { id: '3', name: 'User', all_access: false, built_in: false, permissions: USER_PERMS },
    { id: '4', name: 'Viewer', all_access: false, built_in: false, permissions: VIEWER_PERMS },
    { id: '5', name: 'Embed Viewer', all_access: false, built_in: false,
      permissions: ['access_data', 'see_lookml_dashboards', 'see_user_dashboards', 'embed_browse_spaces'] },
    { id: '6', name: 'Support Basic Editor', all_access: false, built_in: true, permissions: ['see_users', 'see_logs'] },
  ];
}

function lookmlModels() {
  /** @param {string} name @param {string} label @param {string} [group] */
  const ex = (name, label, group = label) => ({ name, description: null, label, hidden: false, group_label: group });
  return [
    { name: 'thelook', label: 'The Look', project_name: 'thelook_ecommerce', has_content: true,
      allowed_db_connection_names: ['bigquery_prod'], unlimited_db_connections: false,
      explores: [ex('order_items', 'Order Items', 'The Look'), ex('users', 'Users', 'The Look'), ex('inventory_items', 'Inventory', 'The Look')] },
    { name: 'finance', label: 'Finance', project_name: 'finance', has_content: true,
      allowed_db_connection_names: ['snowflake_finance'], unlimited_db_connections: false,
      explores: [ex('gl_entries', 'General Ledger', 'Finance'), ex('invoices', 'Invoices', 'Finance')] },
    { name: 'marketing', label: 'Marketing', project_name: 'marketing_analytics', has_content: true,
      allowed_db_connection_names: ['bigquery_prod'], unlimited_db_connections: false,
      explores: [ex('campaigns', 'Campaigns', 'Marketing'), ex('web_sessions', 'Web Sessions', 'Marketing')] },
    { name: 'sales_ops', label: 'Sales Ops', project_name: 'sales_ops', has_content: true,
      allowed_db_connection_names: [], unlimited_db_connections: true,
      explores: [ex('opportunities', 'Opportunities', 'Sales'), ex('accounts', 'Accounts', 'Sales')] },
    { name: 'scratch', label: 'Scratch', project_name: 'scratch', has_content: false,
      allowed_db_connection_names: [], unlimited_db_connections: true, explores: [] },
  ];
}

function modelSets() {
  return [
    { id: '1', name: 'All', all_access: true, built_in: true, models: ['finance', 'marketing', 'sales_ops', 'scratch', 'thelook'] },
    { id: '2', name: 'Finance', all_access: false, built_in: false, models: ['finance'] },
    { id: '3', name: 'Marketing', all_access: false, built_in: false, models: ['marketing', 'thelook'] },
    { id: '4', name: 'Sales', all_access: false, built_in: false, models: ['sales_ops', 'thelook'] },
  ];
}

function roles() {
  return [
    { id: '1', name: 'Admin', permission_set_id: '1', model_set_id: '1', built_in: true, internal: false },
    { id: '2', name: 'Developer', permission_set_id: '2', model_set_id: '1', built_in: false, internal: false },
    { id: '3', name: 'User', permission_set_id: '3', model_set_id: '1', built_in: false, internal: false },
    { id: '4', name: 'Viewer', permission_set_id: '4', model_set_id: '1', built_in: false, internal: false },
    { id: '5', name: 'Finance Analyst', permission_set_id: '3', model_set_id: '2', built_in: false, internal: false },
    { id: '6', name: 'Marketing Viewer', permission_set_id: '4', model_set_id: '3', built_in: false, internal: false },
    { id: '7', name: 'Sales Explorer', permission_set_id: '3', model_set_id: '4', built_in: false, internal: false },
    { id: '8', name: 'Embed Viewer', permission_set_id: '5', model_set_id: '3', built_in: false, internal: false },
    { id: '9', name: 'Support Basic Editor', permission_set_id: '6', model_set_id: '1', built_in: true, internal: true },
  ];
}

/**
 * Folders other than the users' personal ones (those are derived per user, id `personal_folder_id`, under "Users").
 * Every user's `home_folder_id` is "1", the Shared root.
 */
function folders() {
  const f = (id, name, parent_id, flags = {}) => ({ id, name, parent_id, is_shared_root: false, is_users_root: false, is_embed_shared_root: false, is_embed_users_root: false, ...flags });
  return [
    f('1', 'Shared', null, { is_shared_root: true }),
    f('2', 'Users', null, { is_users_root: true }),
    f('3', 'Embed Groups', null, { is_embed_shared_root: true }),
    f('4', 'Embed Users', null, { is_embed_users_root: true }),
    f('10', 'Marketing', '1'),
    f('11', 'Sales', '1'),
    f('12', 'Finance', '1'),
    f('13', 'Sales Pipeline', '11'),
    f('14', 'Executive Dashboards', '1'),
  ];
}

/** Groups. `parent_ids`: groups this group is included in (group 6 "Analytics Engineering" sits inside 5 "Data"). */
function groups() {
  return [
    { id: '1', name: 'All Users', include_by_default: true, externally_managed: false, external_group_id: null, role_ids: [], parent_ids: [] },
    { id: '2', name: 'Engineering', include_by_default: false, externally_managed: true, external_group_id: 'okta-eng', role_ids: ['3'], parent_ids: [] },
    { id: '3', name: 'Finance', include_by_default: false, externally_managed: true, external_group_id: 'okta-finance', role_ids: ['5'], parent_ids: [] },
    { id: '4', name: 'Marketing', include_by_default: false, externally_managed: false, external_group_id: null, role_ids: ['6'], parent_ids: [] },
    { id: '5', name: 'Data', include_by_default: false, externally_managed: false, external_group_id: null, role_ids: ['3'], parent_ids: [] },
    { id: '6', name: 'Analytics Engineering', include_by_default: false, externally_managed: false, external_group_id: null, role_ids: ['2'], parent_ids: ['5'] },
    { id: '7', name: 'Sales', include_by_default: false, externally_managed: true, external_group_id: 'okta-sales', role_ids: ['7'], parent_ids: [] },
    { id: '8', name: 'Embed: Partner Portal', include_by_default: false, externally_managed: false, external_group_id: 'partner-portal', role_ids: ['8'], parent_ids: [] },
    { id: '9', name: 'Contractors <External>', include_by_default: false, externally_managed: false, external_group_id: null, role_ids: ['4'], parent_ids: [] },
  ];
}

/**
 * @typedef {{ id: string, name: string, label: string, type: string, default_value: string | null, is_system: boolean,
 *   is_permanent: boolean, value_is_hidden: boolean, user_can_view: boolean, user_can_edit: boolean,
 *   hidden_value_domain_whitelist: string | null, needed_for_ci_run: boolean, value_for_ci_run: string | null }} UserAttr
 */

/** @returns {UserAttr[]} */
function userAttributes() {
  /** @param {Partial<UserAttr> & { id: string, name: string, label: string, type: string }} o @returns {UserAttr} */
  const a = (o) => ({ default_value: null, is_system: false, is_permanent: false, value_is_hidden: false, user_can_view: true,
    user_can_edit: false, hidden_value_domain_whitelist: null, needed_for_ci_run: false, value_for_ci_run: null, ...o });
  return [
    a({ id: '1', name: 'email', label: 'Email', type: 'string', is_system: true, is_permanent: true }),
    a({ id: '2', name: 'first_name', label: 'First Name', type: 'string', is_system: true, is_permanent: true }),
    a({ id: '3', name: 'last_name', label: 'Last Name', type: 'string', is_system: true, is_permanent: true }),
    a({ id: '4', name: 'locale', label: 'Locale', type: 'string', is_system: true, is_permanent: true, user_can_edit: true, default_value: 'en' }),
    a({ id: '5', name: 'region', label: 'Sales Region', type: 'string', default_value: 'Global' }),
    a({ id: '6', name: 'department', label: 'Department', type: 'string' }),
    a({ id: '7', name: 'max_rows', label: 'Max Rows', type: 'number', default_value: '5000' }),
    a({ id: '8', name: 'warehouse_password', label: 'Warehouse Password', type: 'string', value_is_hidden: true,
      user_can_view: false, hidden_value_domain_whitelist: 'https://*.brightlane.io/*' }),
    a({ id: '9', name: 'cost_center', label: 'Cost Center', type: 'number' }),
  ];
}

/** Group values of attributes: [attribute id, group id, rank, value]. */
const GROUP_ATTRIBUTE_VALUES = [
  ['5', '7', 1, 'EMEA'], ['5', '3', 2, 'NA'], ['6', '2', 1, 'Engineering'], ['6', '3', 1, 'Finance'],
  ['6', '4', 1, 'Marketing'], ['6', '5', 2, 'Data'], ['7', '5', 1, '100000'], ['8', '5', 1, 'hunter2-data-team'],
];

module.exports = { permissionSets, lookmlModels, modelSets, roles, folders, groups, userAttributes, GROUP_ATTRIBUTE_VALUES };
