// Miaobu's Node.js function runtime: `node runtimes/node/server.mjs <bundleDir>`. One HTTP server per
// deployment, the same program locally and on Function Compute, that answers the requests the edge sends to
// the bundle's Node functions (functions.json, runtime "node"). Plain Node 18+, no dependencies.
// What it promises the edge and the hosts is the issue 15 contract §2; what it promises users is
// docs/functions.md "Node.js functions".
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { TOKEN_HEADER, takeEdgeToken } from './lib/edge-token.mjs';
import { answer, crashPage } from './lib/pages.mjs';
import { isResponse, methodHandler, sendResponse, webContext, webRequest } from './lib/web-handler.mjs';
import { shapeOf } from './lib/shapes.mjs';
import { BadRequestBody, addResponseHelpers, nodeRequest } from './lib/node-handler.mjs';

/** Headers of the connection to the runtime, not of the request: a Request has its whole body already. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'trailer']);

/** Vercel's limit for a function's request body. */
const MAX_BODY_BYTES = 4.5 * 1024 * 1024;

// Before any user code loads: the token is gone from the environment the functions see.
const tokenMatches = takeEdgeToken();
// Stack traces in the function log point at the user's own files and lines (the bundler writes source maps).
process.setSourceMapsEnabled(true);
const bundleDir = resolve(process.argv[2] ?? '.');
const manifest = readManifest(join(bundleDir, 'functions.json'));
const functions = new Map((manifest.functions ?? []).filter((f) => f.runtime === 'node').map((f) => [f.name, f]));
const modules = new Map();

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`miaobu-runtime: cannot read the bundle's manifest ${file}: ${error.message}`);
    console.error('usage: node runtimes/node/server.mjs <bundleDir>');
    process.exit(2);
  }
}

function load(fn) {
  let module = modules.get(fn.name);
  if (!module) {
    const file = resolve(bundleDir, fn.entry);
    if (!file.startsWith(bundleDir + sep)) {
      return Promise.reject(new Error(`entry ${fn.entry} is outside the bundle`));
    }
    module = import(pathToFileURL(file).href);
    modules.set(fn.name, module);
  }
  return module;
}

function crash(res, fn, error, problem) {
  console.error(`Function ${fn.name} crashed:`, error);
  answer(res, 502, crashPage(fn.name, problem), 'text/html; charset=utf-8');
}

/** The body, at most MAX_BODY_BYTES of it; null after answering 413. */
async function readBody(incoming, res) {
  const declared = Number(incoming.headers['content-length'] ?? 0);
  const tooLarge = () => {
    // The rest is read and dropped, so that the client, still sending, gets to read the answer.
    incoming.resume();
    answer(res, 413, `Request body too large: functions accept at most 4.5 MB.\n`);
    return null;
  };
  if (declared > MAX_BODY_BYTES) {
    return tooLarge();
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      return tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseParams(header) {
  if (header === undefined) {
    return {};
  }
  const params = JSON.parse(header);
  const valid = params && typeof params === 'object' && !Array.isArray(params)
    && Object.values(params).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')));
  if (!valid) {
    throw new Error('not an object of strings');
  }
  return params;
}

async function handle(incoming, res) {
  const fn = functions.get(incoming.headers['x-miaobu-function']);
  if (tokenMatches && !tokenMatches(incoming.headers[TOKEN_HEADER])) {
    incoming.resume();
    return answer(res, 403, 'Forbidden: this function runtime answers its edge only.\n');
  }
  if (!fn) {
    incoming.resume();
    return answer(res, 404, 'No such function in this deployment.\n');
  }
  let params;
  try {
    params = parseParams(incoming.headers['x-miaobu-params']);
  } catch (error) {
    incoming.resume();
    return answer(res, 400, `x-miaobu-params must be a JSON object of strings and string arrays (${error.message}).\n`);
  }
  const proto = incoming.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  // The first host when proxies have added theirs ("site.example.com, proxy.internal").
  const host = (incoming.headers['x-forwarded-host'] ?? incoming.headers.host ?? 'localhost').split(',')[0].trim();
  let url;
  try {
    if (!/^[a-z0-9._-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) || !incoming.url.startsWith('/')) {
      throw new Error(`not a host name: ${JSON.stringify(host).slice(0, 80)}`);
    }
    url = new URL(incoming.url, `${proto}://${host}`);
  } catch (error) {
    incoming.resume();
    return answer(res, 400, `Bad host or path (${error.message}).\n`);
  }
  const body = await readBody(incoming, res);
  if (body === null) {
    return;
  }
  // The handler sees the request as the site's visitor sent it: the edge's own headers are gone.
  const headers = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (!name.startsWith('x-miaobu-')) {
      headers[name] = value;
    }
  }
  headers.host = url.host;

  let module;
  try {
    module = await load(fn);
  } catch (error) {
    modules.delete(fn.name);
    return crash(res, fn, error, 'its code failed to load');
  }
  const shape = shapeOf(module, fn.source);
  const method = incoming.method;
  try {
    if (shape.kind === 'node') {
      const req = nodeRequest(incoming, { pathAndQuery: incoming.url, headers, body, params });
      const result = await shape.target(req, addResponseHelpers(res));
      // A two-parameter Web handler ((request, context) => Response) that never touched res.
      if (isResponse(result) && !res.headersSent && !res.writableEnded) {
        await sendResponse(res, result, method);
      }
      return;
    }
    let handler;
    if (shape.kind === 'fetch') {
      handler = (request, context) => shape.target.fetch(request, context);
    } else if (shape.kind === 'methods') {
      const found = methodHandler(shape.target, method);
      if (found.allow) {
        return method === 'OPTIONS'
          ? answer(res, 204, '', undefined, { allow: found.allow })
          : answer(res, 405, `Method ${method} not allowed: this function answers ${found.allow}.\n`, undefined, { allow: found.allow });
      }
      handler = found.handler;
    } else if (shape.kind === 'web') {
      handler = shape.target;
    } else {
      return crash(res, fn, new Error(`${fn.source ?? fn.name} exports no handler`),
        'its module exports no handler (export a default function, or GET, POST… functions)');
    }
    const request = webRequest(url.href, method, Object.entries(headers)
      .filter(([name]) => !HOP_BY_HOP.has(name))
      .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [name, v])), body);
    const response = await handler.call(shape.target, request, webContext(params));
    if (!isResponse(response)) {
      const got = response === null ? 'null' : typeof response === 'object' ? `an object (${response.constructor?.name ?? 'Object'})` : typeof response;
      return crash(res, fn, new TypeError(`the handler returned ${got}, not a Response`),
        `its handler returned ${got} instead of a Response (a Node-style handler takes two parameters, (req, res))`);
    }
    await sendResponse(res, response, method);
  } catch (error) {
    if (error instanceof BadRequestBody) {
      return answer(res, 400, `${error.message}.\n`);
    }
    crash(res, fn, error, 'it threw an error');
  }
}

const server = http.createServer((incoming, res) => {
  const started = performance.now();
  const name = incoming.headers['x-miaobu-function'];
  res.once('close', () => {
    const path = (incoming.url ?? '/').split('?')[0];
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`miaobu-request ${incoming.method} ${path} ${res.statusCode} ${ms}ms ${functions.has(name) ? name : '-'}\n`);
  });
  handle(incoming, res).catch((error) => {
    console.error('miaobu-runtime: request failed:', error);
    answer(res, 500, 'The function runtime failed.\n');
  });
});

// The user's code must not bring the runtime down for every other request: its stray errors go to its log.
process.on('unhandledRejection', (error) => console.error('Unhandled rejection in a function:', error));
process.on('uncaughtException', (error) => console.error('Uncaught exception in a function:', error));
process.on('SIGTERM', () => process.exit(0));

const fc = process.env.FC_CUSTOM_LISTEN_PORT !== undefined;
const port = Number(process.env.FC_CUSTOM_LISTEN_PORT ?? process.env.PORT ?? 9000);
const host = process.env.HOST || (fc ? '0.0.0.0' : '127.0.0.1');
server.listen(port, host, () => {
  process.stdout.write(`miaobu-runtime listening on ${server.address().port}\n`);
});
