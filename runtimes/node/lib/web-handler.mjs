// Web-standard handlers: `export default (request, context) => Response`, `export default { fetch }`, and
// per-method exports (`export function GET(request)`), with a real Request and the site's URL.

import { METHODS } from './shapes.mjs';

/** The handler a module's exports name for one method; {allow} when the module answers other methods only. */
export function methodHandler(module, method) {
  const exported = METHODS.filter((m) => typeof module[m] === 'function');
  if (exported.length === 0) {
    return null;
  }
  if (module[method]) {
    return { handler: module[method] };
  }
  if (method === 'HEAD' && module.GET) {
    return { handler: module.GET }; // as GET, without the body
  }
  const allow = [...exported, ...(module.GET && !module.HEAD ? ['HEAD'] : []), ...(!module.OPTIONS ? ['OPTIONS'] : [])];
  return { allow: allow.join(', ') };
}

export function webRequest(url, method, headers, body) {
  const init = { method, headers };
  if (method !== 'GET' && method !== 'HEAD' && body.length > 0) {
    init.body = body;
  }
  return new Request(url, init);
}

export function webContext(params) {
  return {
    params,
    waitUntil(promise) {
      Promise.resolve(promise).catch((error) => console.error(error));
    },
  };
}

/** Duck-typed as well: a bundled fetch polyfill's Response (node-fetch) is a Response too. */
export function isResponse(value) {
  return value instanceof Response
    || (value != null && typeof value === 'object' && typeof value.status === 'number'
      && typeof value.headers?.get === 'function' && typeof value.arrayBuffer === 'function');
}

/** Streams a Response to the Node response as its body is produced. */
export async function sendResponse(res, response, method) {
  res.statusCode = response.status;
  if (response.statusText) {
    res.statusMessage = response.statusText;
  }
  const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' && cookies.length > 0) {
      continue;
    }
    res.setHeader(name, value);
  }
  if (cookies.length > 0) {
    res.setHeader('set-cookie', cookies);
  }
  if (!response.body || method === 'HEAD') {
    res.end();
    return;
  }
  res.flushHeaders();
  // Web ReadableStreams and Node streams alike are async iterables; leaving the loop early cancels the body.
  for await (const chunk of response.body) {
    if (res.destroyed) {
      break;
    }
    if (!res.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer ?? chunk, chunk.byteOffset, chunk.byteLength))) {
      await new Promise((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  res.end();
}
