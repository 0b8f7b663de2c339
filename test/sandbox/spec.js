// @ts-check
// Response validation against the Looker API 4.0 OpenAPI 3.0 spec with ajv (+ ajv-formats). For tests.
//
// - The spec is test/fixtures/looker-api/Looker.4.0.oas.json (a verbatim copy of ../shared/looker-api/).
// - OpenAPI 3.0 `nullable` is honoured by ajv natively; `$ref: '#/components/schemas/X'` resolves inside one schema
//   document registered under the id "looker".
// - A `$ref` property cannot carry `nullable` in OAS 3.0; which of them may be null comes from the Swagger 2.0 file's
//   `x-looker-nullable` (extracted into test/fixtures/looker-api/ref-nullable.json).
// - Strict about unknown fields: every object schema with `properties` gets `additionalProperties: false`, so a field
//   the spec does not know fails validation.
// - One compiled validator per schema/operation, cached.
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats').default;

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'looker-api');

/** @returns {any} */
function loadSpec() {
  const local = path.join(FIXTURES, 'Looker.4.0.oas.json');
  const shared = path.resolve(__dirname, '..', '..', '..', 'shared', 'looker-api', 'Looker.4.0.oas.json');
  return JSON.parse(fs.readFileSync(fs.existsSync(local) ? local : shared, 'utf8'));
}

/** @type {{ ajv: import('ajv').default, spec: any, ops: Map<string, { method: string, path: string, op: any }> } | null} */
let state = null;

function init() {
  if (state) return state;
  const spec = loadSpec();
  /** @type {Record<string, string[]>} */
  const refNullable = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ref-nullable.json'), 'utf8')).properties;
  /** @type {Record<string, any>} */
  const schemas = JSON.parse(JSON.stringify(spec.components.schemas));
  for (const [name, s] of Object.entries(schemas)) {
    if (s && typeof s === 'object' && s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
    for (const prop of refNullable[name] ?? []) {
      const p = s.properties?.[prop];
      if (p && p.$ref) s.properties[prop] = { anyOf: [{ type: 'null' }, { $ref: p.$ref }] };
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'looker', components: { schemas } });
  /** @type {Map<string, { method: string, path: string, op: any }>} */
  const ops = new Map();
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(/** @type {Record<string, any>} */ (item))) if (op && op.operationId) ops.set(op.operationId, { method: m.toUpperCase(), path: p, op });
  }
  state = { ajv, spec, ops };
  return state;
}

/** @param {any} schema */
function rebase(schema) {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"looker#/components/schemas/'));
}

/** @type {Map<string, import('ajv').ValidateFunction>} */
const cache = new Map();

/** The spec's entry for an operation. @param {string} operationId */
function operation(operationId) {
  const o = init().ops.get(operationId);
  if (!o) throw new Error(`operation ${operationId} is not in the spec`);
  return o;
}

/** Status codes the spec declares for an operation. @param {string} operationId */
function declaredStatuses(operationId) {
  return Object.keys(operation(operationId).op.responses).map(Number);
}

/**
 * Validates a response body for an operation and status against the spec. Returns a list of problems ([] = valid).
 * 204: the body must be empty.
 * @param {string} operationId @param {number} status @param {unknown} body
 * @returns {string[]}
 */
function validateResponse(operationId, status, body) {
  const { op } = operation(operationId);
  const r = op.responses[String(status)];
  if (!r) return [`status ${status} is not declared for ${operationId}`];
  if (status === 204) return body === undefined || body === '' || body === null ? [] : [`204 with a body`];
  const content = r.content && (r.content['application/json'] ?? Object.values(r.content)[0]);
  if (!content || !content.schema) return [];
  const key = `${operationId} ${status}`;
  let v = cache.get(key);
  if (!v) {
    v = init().ajv.compile(rebase(content.schema));
    cache.set(key, v);
  }
  if (v(body)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/**
 * Validates a value against a named component schema.
 * @param {string} name @param {unknown} value @returns {string[]}
 */
function validateSchema(name, value) {
  const key = `#${name}`;
  let v = cache.get(key);
  if (!v) {
    init();
    v = /** @type {import('ajv').ValidateFunction} */ (init().ajv.getSchema(`looker#/components/schemas/${name}`));
    if (!v) throw new Error(`no schema ${name}`);
    cache.set(key, v);
  }
  if (v(value)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

module.exports = { validateResponse, validateSchema, operation, declaredStatuses };
