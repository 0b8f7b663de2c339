// UI scenario: giving a user a role and a group from the details page, as a person does — the "Add role…" /
// "Add to group…" buttons open the workbench's multi-select picker; the choice reaches the sandbox.
const assert = require('assert');
const { frameWith, openUser, until, usePage, useSandboxConnection } = require('./workbench');

/** Filters the open multi-select picker to `name`, ticks that item and accepts. */
async function pickOne(page, name) {
  const box = page.locator('.quick-input-widget');
  const input = box.locator('input.input, .quick-input-box input').first();
  await input.waitFor({ timeout: 20000 });
  await input.fill(name);
  const row = box.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 10000 });
  // A click on the row ticks it in a multi-select picker; the count says so before OK.
  for (let i = 0; i < 3 && !(await box.locator('.quick-input-count', { hasText: /^1\b/ }).count()); i++) {
    await row.click();
    await page.waitForTimeout(300);
  }
  await box.locator('.quick-input-count', { hasText: /^1\b/ }).waitFor({ timeout: 5000 });
  await box.getByRole('button', { name: /^OK$/ }).first().click();
}

describe('roles and groups in the details page (UI)', function () {
  this.timeout(240000);
  const state = usePage(this);
  let sb;

  useSandboxConnection(state, 'Sandbox Access', (s) => { sb = s; });

  it('Add role… and Add to group… give the user the chosen role and group', async () => {
    const page = state.page;
    const user = sb.db.users.find((u) => Number(u.id) > 40 && !u.is_disabled && !u.credentials_embed.length && !u.is_service_account);
    const role = sb.db.roles.find((r) => !user.role_ids.includes(r.id) && r.name && !/admin/i.test(r.name));
    const group = sb.db.groups.find((g) => !user.group_ids.includes(g.id) && !g.externally_managed && g.name);
    assert.ok(role && group, 'a role and a group the user does not have');
    await openUser(page, user.id);
    const details = await frameWith(page, `.subtitle:has-text("ID ${user.id}")`, 30000);

    await details.locator('#add-role').click();
    await pickOne(page, role.name);
    await until(() => sb.db.user(user.id).role_ids.includes(role.id), `role ${role.name} given`);
    const put = sb.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/users/${user.id}/roles`)).at(-1);
    assert.ok(put && Array.isArray(put.body) && put.body.map(String).includes(role.id), 'one PUT with the new role list');

    const again = await frameWith(page, `.subtitle:has-text("ID ${user.id}")`, 30000);
    await again.locator('#add-group').click();
    await pickOne(page, group.name);
    await until(() => sb.db.user(user.id).group_ids.includes(group.id), `added to ${group.name}`);
    // The page shows both after its reload.
    await until(async () => {
      const f = await frameWith(page, `.subtitle:has-text("ID ${user.id}")`, 5000).catch(() => undefined);
      const text = f ? await f.locator('#access').innerText().catch(() => '') : '';
      return text.includes(role.name) && text.includes(group.name);
    }, 'the page lists the new role and group');
  });
});
