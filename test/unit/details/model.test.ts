// The details page's display data (src/details/model.ts): names for ids, hidden values, credential cards, no tokens.
import * as assert from 'assert';
import type { IGroup, IRole, IUser } from '@looker/sdk';
import { attributeRows, buildDetails, formatDate, localDateTime, userJsonForCopy } from '../../../src/details/model';
import { isDetailsData } from '../../../src/details/protocol';

const l10n = { t: (m: string, ...a: (string | number | boolean)[]) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };
const NOW = new Date('2026-07-15T09:00:00Z');

const USER = {
  id: '6',
  first_name: '<img src=x onerror=alert(1)>',
  last_name: 'Payload',
  display_name: '<img src=x onerror=alert(1)> Payload',
  email: 'p@brightlane.io',
  locale: 'en',
  home_folder_id: '1',
  is_disabled: false,
  role_ids: ['1', '99'],
  group_ids: ['3'],
  credentials_email: {
    email: 'p@brightlane.io',
    created_at: '2026-07-01T09:00:00Z',
    forced_password_reset_at_next_login: true,
    is_disabled: false,
    password_reset_url: 'https://x/password/reset/SECRETTOKEN',
    password_reset_url_expired: false,
    account_setup_url: null,
    account_setup_url_expired: true,
  },
  credentials_saml: { saml_user_id: 's-6', created_at: null, is_disabled: false },
  credentials_api3: [{ id: '10', client_id: 'abc', created_at: '2026-07-14T09:00:00Z', is_disabled: false }],
  credentials_embed: [],
  sessions: [],
} as unknown as IUser;

describe('details: display model', () => {
  const roles = new Map<string, IRole>([['1', { id: '1', name: 'Admin' } as IRole]]);
  const groups = new Map<string, IGroup>([['3', { id: '3', name: 'Finance' } as IGroup]]);
  const data = buildDetails(
    {
      connectionId: 'c',
      connectionName: 'Sandbox',
      user: USER,
      sessions: [{ id: 's1', browser: 'Chrome', operating_system: 'OS X', ip_address: '10.0.0.1', city: 'Oslo', country: 'NO', created_at: '2026-07-15T08:00:00Z', expires_at: null, extended_count: 2 }],
      roles,
      effectiveRoles: [{ id: '1', name: 'Admin' } as IRole, { id: '5', name: 'Viewer' } as IRole],
      groups,
      attributes: [],
      partialErrors: [],
      now: NOW,
    },
    l10n,
  );

  it('is valid protocol data, with the hostile name kept as plain text in the title', () => {
    assert.ok(isDetailsData(data));
    assert.strictEqual(data.title, '<img src=x onerror=alert(1)> Payload');
    assert.strictEqual(data.values.first_name, '<img src=x onerror=alert(1)>');
  });

  it('attributes not read (the page has not asked for them) are marked so, apart from an empty list', () => {
    assert.strictEqual(data.attributesLoaded, true);
    const notRead = buildDetails({ connectionId: 'c', connectionName: 'S', user: USER, sessions: [], roles, effectiveRoles: [], groups, attributes: undefined, partialErrors: [], now: NOW }, l10n);
    assert.strictEqual(notRead.attributesLoaded, false);
    assert.deepStrictEqual(notRead.attributes, []);
    assert.ok(isDetailsData(notRead));
  });

  it('shows roles and groups by name; an unknown id says so', () => {
    assert.deepStrictEqual(data.roles.map((r) => r.name), ['Admin', '(unknown, id 99)']);
    assert.deepStrictEqual(data.groups, [{ id: '3', name: 'Finance' }]);
    assert.deepStrictEqual(data.inheritedRoles, [{ id: '5', name: 'Viewer' }]);
  });

  it('one card per credential the user has; reset tokens never reach the page', () => {
    assert.deepStrictEqual(data.credentials.map((c) => [c.kind, c.credentialId]), [['email', undefined], ['saml', undefined], ['api3', '10']]);
    assert.ok(!JSON.stringify(data).includes('SECRETTOKEN'));
    // Never logged in: the setup state is shown (the reset link Looker sent stands in for the setup link).
    assert.deepStrictEqual(data.email, {
      email: 'p@brightlane.io', forcedReset: true, isDisabled: false, resetOutstanding: true, setupOutstanding: false,
      setup: { created: formatDate('2026-07-01T09:00:00Z', NOW), link: 'outstanding' },
    });
  });

  it('an invited user: login created, never used, setup link expired or none; a used login shows no setup state', () => {
    const build = (ce: Record<string, unknown>) =>
      buildDetails({ connectionId: 'c', connectionName: 'S', user: { id: '9', credentials_email: { email: 'n@x.io', created_at: '2026-07-10T09:00:00Z', ...ce } } as unknown as IUser, sessions: [], roles: undefined, effectiveRoles: undefined, groups: undefined, attributes: [], partialErrors: [], now: NOW }, l10n);
    const expired = build({ logged_in_at: null, account_setup_url: 'https://x/account/setup/TOKEN', account_setup_url_expired: true, password_reset_url: null, password_reset_url_expired: true });
    assert.deepStrictEqual(expired.email?.setup, { created: formatDate('2026-07-10T09:00:00Z', NOW), link: 'expired' });
    assert.ok(isDetailsData(expired) && !JSON.stringify(expired).includes('TOKEN'));
    assert.strictEqual(build({ logged_in_at: null, account_setup_url: null, password_reset_url: null }).email?.setup?.link, 'none');
    assert.strictEqual(build({ logged_in_at: '2026-07-12T09:00:00Z', account_setup_url: null }).email?.setup, undefined);
  });

  it('sessions as text with location and relative dates', () => {
    assert.strictEqual(data.sessions[0].location, 'Oslo, NO');
    assert.strictEqual(data.sessions[0].created, `${localDateTime(Date.parse('2026-07-15T08:00:00Z'))} (1 hour ago)`);
    assert.strictEqual(data.sessions[0].expired, false);
    assert.strictEqual(data.sessions[0].extendedCount, '2');
  });

  it('hidden attribute values are never passed on', () => {
    const rows = attributeRows(
      [
        { user_attribute_id: '8', name: 'api_token', label: 'API token', value: 'hunter2', value_is_hidden: true, source: 'user' },
        { user_attribute_id: '5', name: 'region', label: 'Region', value: 'EMEA', value_is_hidden: false, source: 'group: Sales' },
        { user_attribute_id: '6', name: 'locale', label: 'Locale', value: null, value_is_hidden: false, source: null },
      ],
      l10n,
    );
    assert.ok(!JSON.stringify(rows).includes('hunter2'));
    assert.strictEqual(rows[0].hidden, true);
    assert.deepStrictEqual(rows.map((r) => r.source), ['user', 'group: Sales', 'not set']);
    assert.strictEqual(rows[1].value, 'EMEA');
  });

  it('one row per attribute: the value that applies, its source, and the sources it overrides', () => {
    const rows = attributeRows(
      [
        { user_attribute_id: '5', name: 'region', label: 'Region', value: 'APAC', value_is_hidden: false, source: 'user' },
        { user_attribute_id: '5', name: 'region', label: 'Region', value: 'EMEA', value_is_hidden: false, source: 'group: Sales' },
        { user_attribute_id: '5', name: 'region', label: 'Region', value: 'US', value_is_hidden: false, source: 'default' },
        { user_attribute_id: '8', name: 'api_token', label: 'API token', value: null, value_is_hidden: true, source: null },
      ],
      l10n,
    );
    assert.deepStrictEqual(
      rows.map((r) => [r.name, r.value, r.source]),
      [
        ['region', 'APAC', 'user (overrides group: Sales, default)'],
        ['api_token', '—', 'not set'],
      ],
    );
  });

  it('folders by name where read (personal folder, home folder for the form), "Folder <id>" where not', () => {
    const build = (folderNames?: Map<string, string>) =>
      buildDetails({ connectionId: 'c', connectionName: 'S', user: { ...USER, personal_folder_id: '106' } as IUser, sessions: [], roles, effectiveRoles: [], groups, attributes: [], partialErrors: [], now: NOW, folderNames }, l10n);
    const named = build(new Map([['1', 'Shared'], ['106', 'Evelyn Everycred']]));
    assert.ok(isDetailsData(named));
    assert.strictEqual(named.profile.find((r) => r.label === 'Personal folder')?.value, 'Evelyn Everycred');
    assert.deepStrictEqual(named.folderNames, { 1: 'Shared', 106: 'Evelyn Everycred' });
    assert.strictEqual(build().profile.find((r) => r.label === 'Personal folder')?.value, 'Folder 106');
    assert.strictEqual(isDetailsData({ ...named, folderNames: { 1: 7 } }), false);
  });

  it('Copy as JSON hides reset link tokens', () => {
    const json = userJsonForCopy(USER);
    assert.ok(!json.includes('SECRETTOKEN'));
    assert.strictEqual(JSON.parse(json).credentials_email.password_reset_url, '(hidden)');
    assert.strictEqual(JSON.parse(json).first_name, USER.first_name);
  });

  it('formatDate: localised date and time + relative; empty for none; raw text when unparsable', () => {
    const ms = Date.parse('2026-07-18T09:00:00Z');
    assert.strictEqual(formatDate('2026-07-18T09:00:00Z', NOW), `${localDateTime(ms)} (in 3 days)`);
    assert.ok(!/2026-07-18T/.test(formatDate('2026-07-18T09:00:00Z', NOW)), 'no ISO timestamp');
    assert.match(localDateTime(ms, 'de'), /2026/);
    assert.notStrictEqual(localDateTime(ms, 'de'), localDateTime(ms, 'en'), 'the display language decides the format');
    assert.match(formatDate('2026-07-18T09:00:00Z', NOW, 'de'), /in 3 Tagen/);
    assert.strictEqual(formatDate(null, NOW), '');
    assert.strictEqual(formatDate('soon', NOW), 'soon');
  });
});
