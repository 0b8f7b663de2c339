// @ts-check
// Small HTTP helpers for the sandbox tests (plain fetch, no SDK).

/**
 * @typedef {{ status: number, headers: Headers, text: string, body: any }} Res
 * @typedef {{ token?: string | null, query?: Record<string, string | number | boolean>, body?: unknown, form?: Record<string, string>,
 *   scheme?: string, headers?: Record<string, string> }} CallOpts
 */

/**
 * @param {string} baseUrl sandbox url (no /api/4.0)
 * @param {string} method
 * @param {string} path below /api/4.0, or an absolute path starting with /__sandbox/
 * @param {CallOpts} [o]
 * @returns {Promise<Res>}
 */
async function call(baseUrl, method, path, o = {}) {
  const qs = o.query ? Object.entries(o.query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') : '';
  const full = `${baseUrl}${path.startsWith('/__sandbox/') ? '' : '/api/4.0'}${path}${qs ? `?${qs}` : ''}`;
  /** @type {Record<string, string>} */
  const headers = { ...(o.headers ?? {}) };
  if (o.token) headers.Authorization = `${o.scheme ?? 'Bearer'} ${o.token}`;
  /** @type {string | undefined} */
  let body;
  if (o.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  } else if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  }
  const r = await fetch(full, { method, headers, body });
  const text = await r.text();
  let parsed;
  if ((r.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: r.status, headers: r.headers, text, body: parsed };
}

/** @param {string} baseUrl @param {string} clientId @param {string} clientSecret */
async function login(baseUrl, clientId, clientSecret) {
  const r = await call(baseUrl, 'POST', '/login', { form: { client_id: clientId, client_secret: clientSecret } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status}`);
  return /** @type {string} */ (r.body.access_token);
}

module.exports = { call, login };
