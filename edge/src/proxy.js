// Proxying a request to a deployment's function backend (contract §3), with the Fetch API only, so the
// ESA routine and any shell running on Node share it. The engine decided the request goes to a function
// (its `proxy` result); this builds the sub-request and the answer:
// - the backend comes from the route entry's `backends[runtime]`: an https URL whose user info carries the
//   deployment's edge token (`https://edge:<token>@<trigger host>`), which travels as x-miaobu-edge-token
//   and never as credentials, nor in any response;
// - headers a client sends that only the edge may set (x-miaobu-*, x-forwarded-host/-proto) are dropped,
//   as are hop-by-hop headers, both ways; FC's own response headers (x-fc-*) do not reach the visitor;
// - a function that sets no cache-control gets `no-store`, so no edge cache keeps a dynamic answer;
// - redirects are the function's to send, not the edge's to follow.

import { statusPage } from './pages.js';

const HTML = 'text/html; charset=utf-8';
/**
 * RFC 9110 §7.6.1 connection-specific fields, and the ones proxies conventionally treat the same: never passed
 * on by either shell (the local edge too).
 */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Here also the fields a buffered sub-request and its answer get afresh from the fetch implementation. */
const NOT_PASSED = new Set([...HOP_BY_HOP, 'host', 'content-length']);
/** The body limit the runtimes enforce (contract §2), checked here first when the client says its size. */
export const MAX_BODY_BYTES = 4.5 * 1024 * 1024;

/** The backend's URL without its user info, and the edge token the user info held; null when unusable. */
export function parseBackend(backend) {
  let url;
  try {
    url = new URL(backend);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const token = decodeURIComponent(url.password || '');
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return { base, token };
}

function dropped(name, listed) {
  return NOT_PASSED.has(name) || listed.has(name);
}

/** The fields a Connection header's value names: hop-by-hop too. */
export function connectionListed(value) {
  return new Set(String(value || '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
}

/**
 * The sub-request to the function: `METHOD <backend><path+query>` with the client's headers (less the
 * ones above), plus x-miaobu-function/-params, x-forwarded-host/-proto and the edge token.
 * @param {Request} request  the visitor's request
 * @param {{runtime: string, function: string|null, params: object}} proxy  the engine's decision
 * @param {{base: string, token: string}} backend  parseBackend() of the entry's backend
 * @param {string} target  the path and query exactly as the visitor sent them
 * @param {string} host  the site's host the visitor asked for
 */
export function functionRequest(request, proxy, backend, target, host) {
  const listed = connectionListed(request.headers.get('connection'));
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (dropped(name, listed) || name.startsWith('x-miaobu-') || name === 'x-forwarded-host' || name === 'x-forwarded-proto') continue;
    headers.set(name, value);
  }
  if (proxy.function) headers.set('x-miaobu-function', proxy.function);
  headers.set('x-miaobu-params', JSON.stringify(proxy.params || {}));
  headers.set('x-forwarded-host', host);
  headers.set('x-forwarded-proto', new URL(request.url).protocol.replace(':', ''));
  if (backend.token) headers.set('x-miaobu-edge-token', backend.token);
  // Some fetch implementations decode a compressed body yet keep its content-encoding: ask for it plain.
  headers.set('accept-encoding', 'identity');
  return { url: backend.base + target, init: { method: request.method, headers, redirect: 'manual' } };
}

/**
 * The visitor's body, read whole (at most 4.5 MB, the runtimes' limit): a sub-request with a buffered
 * body needs nothing of the fetch implementation (streamed request bodies are not everywhere), and the
 * limit holds for chunked uploads that declare no length. Null when too large.
 */
async function bufferedBody(request) {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return undefined;
  const chunks = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** Whether the visitor's declared body is over the runtimes' limit (413 before anything is sent). */
export function bodyTooLarge(request) {
  const length = Number(request.headers.get('content-length'));
  return Number.isFinite(length) && length > MAX_BODY_BYTES;
}

/**
 * The visitor's answer from the function's: its status, body and headers, less hop-by-hop and FC's own;
 * `no-store` unless the function chose its caching; the site's header rules where the function set none.
 * FC's own failures (a function that crashed or ran out of time: FC marks them with x-fc-error-type)
 * become the edge's 502/504 pages.
 */
export function functionResponse(request, upstream, siteHeaders = {}, extra = {}) {
  const errorType = upstream.headers.get('x-fc-error-type');
  if (errorType) {
    const timeout = /timeout/i.test(errorType) || upstream.status === 504;
    console.error(`miaobu-edge: the function failed on Function Compute (${errorType}, HTTP ${upstream.status})`);
    return functionErrorPage(request, timeout ? 504 : 502, extra);
  }
  const listed = connectionListed(upstream.headers.get('connection'));
  const headers = new Headers();
  for (const [name, value] of upstream.headers) {
    if (dropped(name, listed) || name.startsWith('x-fc-')) continue;
    if (name === 'set-cookie') continue; // appended one by one below: a Headers get() would join them
    headers.set(name, value);
  }
  // getSetCookie() keeps each cookie apart; a runtime without it still gets them, joined as Headers.get() gives them.
  const joined = upstream.headers.get('set-cookie');
  const cookies = typeof upstream.headers.getSetCookie === 'function' ? upstream.headers.getSetCookie() : joined ? [joined] : [];
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  for (const [name, value] of Object.entries(siteHeaders)) {
    if (name !== 'cache-control' && !headers.has(name)) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(request.method === 'HEAD' ? null : upstream.body, { status: upstream.status, headers });
}

const DETAILS = {
  413: 'The request body is larger than functions accept (4.5 MB).',
  502: 'The function could not answer: it crashed or could not be reached. Try again in a moment.',
  504: 'The function did not answer in time.',
};

/** The edge's own page for a function that could not answer; never a word about where the function runs. */
export function functionErrorPage(request, status, extra = {}) {
  return new Response(request.method === 'HEAD' ? null : statusPage(status, DETAILS[status] || ''),
    { status, headers: { ...extra, 'content-type': HTML, 'cache-control': 'no-store' } });
}

/**
 * Sends the visitor's request to the function and answers with what it says, or the edge's 413/502/504.
 * One sub-request: ESA allows 4 at a time per request.
 * @param {object} o
 * @param {Request} o.request
 * @param {{runtime: string, function: string|null, params: object}} o.proxy
 * @param {object} o.entry  the route entry (its `backends`)
 * @param {string} o.target  path and query as sent
 * @param {string} o.host
 * @param {typeof fetch} o.fetch
 * @param {number} o.timeoutMs  how long the function may take before the visitor gets a 504
 * @param {object} [o.siteHeaders]  the engine's header rules for the path
 * @param {object} [o.extra]  headers every answer gets (x-miaobu-deployment)
 */
export async function proxyToFunction({ request, proxy, entry, target, host, fetch: fetchImpl, timeoutMs, siteHeaders = {}, extra = {} }) {
  const raw = entry.backends && entry.backends[proxy.runtime];
  const backend = typeof raw === 'string' ? parseBackend(raw) : null;
  if (!backend) {
    console.error(`miaobu-edge: deployment ${entry.deploymentId} has no usable ${proxy.runtime} backend in its route entry`);
    return functionErrorPage(request, 502, extra);
  }
  if (bodyTooLarge(request)) return functionErrorPage(request, 413, extra);
  const body = await bufferedBody(request);
  if (body === null) return functionErrorPage(request, 413, extra);
  const { url, init } = functionRequest(request, proxy, backend, target, host);
  if (body !== undefined) init.body = body;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let upstream;
  try {
    upstream = await fetchImpl(url, { ...init, signal: controller.signal });
  } catch (e) {
    const timedOut = controller.signal.aborted;
    console.error(`miaobu-edge: ${proxy.runtime} function of deployment ${entry.deploymentId}: ${timedOut ? 'timed out' : e}`);
    return functionErrorPage(request, timedOut ? 504 : 502, extra);
  } finally {
    clearTimeout(timer);
  }
  return functionResponse(request, upstream, siteHeaders, extra);
}
