// Node-style handlers as Vercel runs them: `handler(req, res)` with the request helpers (req.query, req.cookies,
// req.body) and the response helpers (res.status, res.json, res.send, res.redirect).
import http from 'node:http';

/** The user's `req`: an IncomingMessage whose stream replays the body the runtime has already read. */
class BufferedRequest extends http.IncomingMessage {
  #body;

  constructor(incoming, body) {
    super(incoming.socket);
    this.#body = body;
    this.complete = true;
  }

  _read() {
    if (this.#body) {
      if (this.#body.length > 0) {
        this.push(this.#body);
      }
      this.#body = null;
      this.push(null);
    }
  }
}

export class BadRequestBody extends Error {}

export function nodeRequest(incoming, { pathAndQuery, headers, body, params }) {
  const req = new BufferedRequest(incoming, body);
  req.method = incoming.method;
  req.url = pathAndQuery;
  req.httpVersionMajor = incoming.httpVersionMajor;
  req.httpVersionMinor = incoming.httpVersionMinor;
  req.httpVersion = incoming.httpVersion;
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).flatMap((v) => [name, v]));
  const query = {};
  for (const [key, value] of new URL(pathAndQuery, 'http://localhost').searchParams) {
    query[key] = key in query ? [].concat(query[key], value) : value;
  }
  // Vercel merges the route's dynamic segments into the query; a segment wins over a query parameter.
  req.query = Object.assign(query, params);
  req.cookies = parseCookies(headers.cookie);
  let parsed;
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get() {
      if (parsed === undefined) {
        parsed = { value: parseBody(headers['content-type'], body) };
      }
      return parsed.value;
    },
    set(value) {
      parsed = { value }; // body-parser and friends assign their own
    },
  });
  return req;
}

function parseCookies(header) {
  const cookies = {};
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) {
      const name = pair.slice(0, at).trim();
      let value = pair.slice(at + 1).trim();
      if (value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      if (!(name in cookies)) {
        try {
          cookies[name] = decodeURIComponent(value);
        } catch {
          cookies[name] = value;
        }
      }
    }
  }
  return cookies;
}

/** As Vercel parses it: JSON and forms to objects, text to a string, anything else to a Buffer; no body is undefined. */
function parseBody(contentType, body) {
  if (body.length === 0) {
    return undefined;
  }
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadRequestBody('The request body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = {};
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
      form[key] = key in form ? [].concat(form[key], value) : value;
    }
    return form;
  }
  if (type.startsWith('text/')) {
    return body.toString('utf8');
  }
  return body;
}

export function addResponseHelpers(res) {
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.json = (value) => {
    if (!res.getHeader('content-type')) {
      res.setHeader('content-type', 'application/json; charset=utf-8');
    }
    res.end(JSON.stringify(value));
    return res;
  };
  res.send = (body) => {
    if (body === null || body === undefined) {
      res.end();
    } else if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
      if (!res.getHeader('content-type')) {
        res.setHeader('content-type', 'application/octet-stream');
      }
      res.end(body);
    } else if (typeof body === 'object') {
      return res.json(body);
    } else {
      if (!res.getHeader('content-type')) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
      }
      res.end(String(body));
    }
    return res;
  };
  res.redirect = (statusOrUrl, url) => {
    const [status, location] = typeof statusOrUrl === 'number' ? [statusOrUrl, url] : [307, statusOrUrl];
    res.writeHead(status, { location });
    res.end();
    return res;
  };
  return res;
}
