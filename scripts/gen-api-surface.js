#!/usr/bin/env node
// Writes src/looker/api-surface.json from the in-repo spec (test/fixtures/looker-api/Looker.4.0.oas.json) and what
// release 24.20 accepts (written out below, from Looker's API reference of that release).
// test/unit/looker/conformance.test.ts fails when the file and the spec disagree; run `node scripts/gen-api-surface.js`
// after updating the spec.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const spec = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/looker-api/Looker.4.0.oas.json'), 'utf8'));

const params = (p) => spec.paths[p].get.parameters.filter((x) => x.in === 'query').map((x) => x.name);
const type = (p) => (['string', 'boolean', 'integer', 'number', 'array'].includes(p.type) ? p.type : 'object');
const user = {};
for (const [k, v] of Object.entries(spec.components.schemas.User.properties)) user[k] = type(v);
const current = { searchUsers: params('/users/search'), searchUsersNames: params('/users/search/names/{pattern}'), user };

// Release notes of the API reference: search_users of 24.20, and User of 24.18 (the last one recorded before 24.20).
const SEARCH_24_20 = ['fields', 'page', 'per_page', 'limit', 'offset', 'sorts', 'first_name', 'last_name',
  'verified_looker_employee', 'embed_user', 'email', 'is_disabled', 'filter_or', 'content_metadata_id', 'group_id'];
const USER_24_20 = ['can', 'avatar_url', 'avatar_url_without_sizing', 'credentials_api3', 'credentials_email',
  'credentials_embed', 'credentials_google', 'credentials_ldap', 'credentials_looker_openid', 'credentials_oidc',
  'credentials_saml', 'credentials_totp', 'display_name', 'email', 'embed_group_space_id', 'first_name', 'group_ids',
  'home_folder_id', 'id', 'is_disabled', 'last_name', 'locale', 'looker_versions', 'models_dir_validated',
  'personal_folder_id', 'presumed_looker_employee', 'role_ids', 'sessions', 'ui_state', 'verified_looker_employee',
  'roles_externally_managed', 'allow_direct_roles', 'allow_normal_group_membership', 'allow_roles_from_normal_groups',
  'embed_group_folder_id', 'url'];
const keep = (list, allowed) => list.filter((x) => allowed.includes(x));
const baseline = {
  searchUsers: keep(current.searchUsers, SEARCH_24_20),
  // Not recorded for 24.20: the 26.12 list without the parameters 24.20's search_users lacks (`id`).
  searchUsersNames: keep(current.searchUsersNames, ['pattern', ...SEARCH_24_20]),
  user: Object.fromEntries(Object.entries(user).filter(([k]) => USER_24_20.includes(k))),
};
const out = { spec: spec.info.version, releases: { '26.12': current, '24.20': baseline } };
fs.writeFileSync(path.join(root, 'src/looker/api-surface.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('wrote src/looker/api-surface.json');
