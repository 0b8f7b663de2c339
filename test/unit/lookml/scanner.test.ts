import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { hitAt, modelNameFromPath, scanLookml } from '../../../src/lookml/scanner';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/lookml');
const read = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

describe('lookml scanner', () => {
  it('takes the model name from the file name only', () => {
    assert.strictEqual(modelNameFromPath('/ws/project/thelook.model.lkml'), 'thelook');
    assert.strictEqual(modelNameFromPath('C:\\ws\\sales_ops.model.lkml'), 'sales_ops');
    assert.strictEqual(modelNameFromPath('/ws/views/users.view.lkml'), undefined);
    assert.strictEqual(modelNameFromPath('/ws/model.lkml'), undefined);
  });

  it('reads access grants, access filters and Liquid references of a real-looking model file', () => {
    const text = read('thelook.model.lkml');
    const scan = scanLookml(text);
    assert.deepStrictEqual(
      scan.accessGrants.map((g) => [g.name, g.userAttribute, g.allowedValues]),
      [
        ['can_see_finance', 'department', ['Finance', 'Executive']],
        ['emea_only', 'region', ['EMEA']],
        ['data_team_secret', 'warehouse_password', ['never-shown']],
      ],
    );
    assert.deepStrictEqual(
      scan.accessFilters.map((f) => [f.field, f.userAttribute]),
      [
        ['users.region', 'region'],
        ['users.country', 'region'],
      ],
    );
    // Only the sql_always_where reference: the ones in # comments and in the description string are ignored.
    assert.deepStrictEqual(scan.userAttributeRefs.map((r) => [r.name, r.context]), [['department', 'sql_always_where']]);
    assert.strictEqual(scan.connection?.value, 'bigquery_prod');
    assert.strictEqual(scan.connection?.span.startPos.line, 3);
  });

  it('gives ranges that point at the text they describe', () => {
    const text = read('thelook.model.lkml');
    const scan = scanLookml(text);
    const g = scan.accessGrants[0];
    assert.strictEqual(text.slice(g.nameSpan.start, g.nameSpan.end), 'can_see_finance');
    assert.strictEqual(text.slice(g.userAttributeSpan!.start, g.userAttributeSpan!.end), 'department');
    assert.strictEqual(text.slice(g.allowedValuesSpan!.start, g.allowedValuesSpan!.end), 'allowed_values: ["Finance", "Executive"]');
    const lines = text.split('\n');
    const r = scan.userAttributeRefs[0];
    assert.strictEqual(lines[r.span.startPos.line].slice(r.span.startPos.character, r.span.endPos.character), "_user_attributes['department']");
    const f = scan.accessFilters[0];
    assert.strictEqual(lines[f.userAttributeSpan!.startPos.line].slice(f.userAttributeSpan!.startPos.character, f.userAttributeSpan!.endPos.character), 'region');
  });

  it('finds references in sql, html and link urls, in both quote styles, and skips comments', () => {
    const users = scanLookml(read('views/users.view.lkml'));
    assert.deepStrictEqual(users.userAttributeRefs.map((r) => [r.name, r.context]), [
      ['locale', 'html'],
      ['region', 'url'],
    ]);
    const items = scanLookml(read('views/order_items.view.lkml'));
    assert.deepStrictEqual(items.userAttributeRefs.map((r) => r.name), ['region', 'max_rows', 'warehouse_password']);
    const finance = scanLookml(read('finance.model.lkml'));
    assert.deepStrictEqual(finance.userAttributeRefs.map((r) => r.name), ['max_rows']);
    assert.deepStrictEqual(finance.accessFilters.map((f) => f.userAttribute), ['cost_center']);
    const inventory = scanLookml(read('explores/inventory.explore.lkml'));
    assert.deepStrictEqual(inventory.accessFilters.map((f) => [f.field, f.userAttribute]), [['inventory_items.region', 'region']]);
  });

  it('is not fooled by strings with braces, hashes and look-alike constructs', () => {
    const text = [
      'explore: x {',
      '  label: "a } b # c { d"',
      '  description: "access_grant: g { user_attribute: u allowed_values: [\\"v\\"] }"',
      '  # access_filter: { field: a.b user_attribute: commented }',
      '  access_filter: { field: x.y user_attribute: real }',
      '  sql_always_where: x = \'#\' AND y = \'{{ _user_attributes["dq"] }}\' ;;',
      '}',
      'access_grant: after { user_attribute: dept allowed_values: ["a,b", "c"] }',
    ].join('\n');
    const scan = scanLookml(text);
    assert.deepStrictEqual(scan.accessFilters.map((f) => f.userAttribute), ['real']);
    assert.deepStrictEqual(scan.accessGrants.map((g) => [g.name, g.userAttribute, g.allowedValues]), [['after', 'dept', ['a,b', 'c']]]);
    assert.deepStrictEqual(scan.userAttributeRefs.map((r) => r.name), ['dq']);
  });

  it('needs Liquid tags: a bare _user_attributes in SQL is not a reference', () => {
    const scan = scanLookml("dimension: d { sql: _user_attributes['bare'] || '{%- if _user_attributes[ 'tag' ] -%}x{% endif %}' ;; }");
    assert.deepStrictEqual(scan.userAttributeRefs.map((r) => r.name), ['tag']);
  });

  it('survives malformed input (unclosed blocks and strings)', () => {
    const scan = scanLookml('access_grant: open { user_attribute: region allowed_values: ["x"\nexplore: y { label: "never closed');
    assert.strictEqual(scan.accessGrants.length, 1);
    assert.strictEqual(scan.accessGrants[0].userAttribute, 'region');
    assert.doesNotThrow(() => scanLookml('}}}} {{{{ ;; "" # :'));
    assert.deepStrictEqual(scanLookml('').accessGrants, []);
  });

  it('hitAt finds the construct under an offset', () => {
    const text = read('thelook.model.lkml');
    const scan = scanLookml(text);
    const at = (needle: string, nth = 0) => {
      let i = -1;
      for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
      return i + 1;
    };
    const h1 = hitAt(scan, at("_user_attributes['department']"));
    assert.strictEqual(h1?.kind, 'attributeRef');
    const h2 = hitAt(scan, at('user_attribute: region', 0) + 'user_attribute: '.length);
    assert.strictEqual(h2?.kind, 'accessGrant');
    assert.strictEqual(h2?.kind === 'accessGrant' && h2.grant.name, 'emea_only');
    const h3 = hitAt(scan, at('user_attribute: region', 1) + 'user_attribute: '.length);
    assert.strictEqual(h3?.kind, 'accessFilter');
    assert.strictEqual(hitAt(scan, at('commented_out')), undefined);
    assert.strictEqual(hitAt(scan, at('in_a_description')), undefined);
  });
});
