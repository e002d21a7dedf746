// The edge in production: an ESA edge routine (`export default { fetch }`). A thin shell around the
// engine: the route entry for the request's host comes from edge KV (written by the platform's
// RouteTable), the deployment's files from the OSS origin under the entry's prefix.
//
// The engine decides synchronously from "does this file exist?". Here that answer lives in the
// origin, so the shell keeps what it learnt per deployment (deployments never change) and, when the
// engine asks about a path it has not seen, stops, asks the origin about that path and its likely
// neighbours at once (HEAD requests in parallel), and decides again. A path costs one round trip
// the first time it is seen on an edge node and none after.

import { ACME_KV_PREFIX, CompiledCache, acmeChallengeToken, route, routeKeysFor } from './engine.js';
import { statusPage, unknownHostPage } from './pages.js';

const HTML = 'text/html; charset=utf-8';
const NEED = Symbol('need the origin');
const MAX_ROUNDS = 8; // each round learns at least one path; no decision asks about more than a few
const MAX_PATHS_PER_DEPLOYMENT = 10_000;
const MAX_DEPLOYMENTS = 200;

/**
 * @param {object} options
 * @param {{get(key: string, options: object): Promise<string|undefined>}} options.kv  edge KV namespace
 * @param {string} options.origin   base URL of the bucket, e.g. https://bucket.oss-cn-hangzhou.aliyuncs.com
 * @param {typeof fetch} [options.fetch]
 * @param {number} [options.entryTtlMs]  how long a host's route entry is reused before edge KV is read
 *   again; edge KV itself takes seconds to minutes to propagate a promote, so a few seconds add little
 * @param {CompiledCache} [options.compiled]
 */
export function createEdge({ kv, origin, fetch: fetchImpl = globalThis.fetch, entryTtlMs = 5000, compiled = new CompiledCache(), now = Date.now }) {
  const base = String(origin).replace(/\/+$/, '');
  const entries = new Map(); // route key -> { at, value: { entry } | { missing } | { error } }
  const known = new Map(); // deploymentId -> Map(relPath -> boolean)

  async function loadEntry(key) {
    const cached = entries.get(key);
    if (cached && now() - cached.at < entryTtlMs) return cached.value;
    let value;
    const text = await kv.get(key, { type: 'text' });
    if (text === undefined || text === null) value = { missing: true };
    else {
      try {
        value = { entry: validateEntry(JSON.parse(text)) };
      } catch (e) {
        value = { error: e.message };
        console.error(`miaobu-edge: route entry ${key} is unusable: ${e.message}`);
      }
    }
    if (entries.size >= 10_000) entries.clear();
    entries.set(key, { at: now(), value });
    return value;
  }

  function filesOf(deploymentId) {
    let files = known.get(deploymentId);
    if (!files) {
      if (known.size >= MAX_DEPLOYMENTS) known.delete(known.keys().next().value);
      files = new Map();
      known.set(deploymentId, files);
    }
    return files;
  }

  function objectUrl(entry, rel) {
    return base + '/' + (entry.prefix + rel).split('/').map(encodeURIComponent).join('/');
  }

  async function probe(entry, files, rels) {
    const todo = [...new Set(rels)].filter((rel) => !files.has(rel));
    if (files.size + todo.length > MAX_PATHS_PER_DEPLOYMENT) files.clear();
    await Promise.all(todo.map(async (rel) => {
      const res = await fetchImpl(objectUrl(entry, rel), { method: 'HEAD' });
      // A private bucket answers 403 for a key that does not exist.
      if (res.status === 404 || res.status === 403) files.set(rel, false);
      else if (res.ok) files.set(rel, true);
      else throw new Error(`origin answered ${res.status} for ${rel}`);
    }));
  }

  async function decide(entry, request, target) {
    const files = filesOf(entry.deploymentId);
    const rules = compiled.get(entry);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let asked = null;
      const exists = (rel) => {
        const answer = files.get(rel);
        if (answer === undefined) {
          asked = rel;
          throw NEED;
        }
        return answer;
      };
      try {
        return route(entry, { method: request.method, path: target }, exists, rules);
      } catch (e) {
        if (e !== NEED) throw e;
      }
      await probe(entry, files, neighbours(asked));
    }
    throw new Error(`no decision for ${target} after ${MAX_ROUNDS} rounds`);
  }

  async function handle(request) {
    // HTTP-01 answers the certificate service put in edge KV (AcmeChallenges port), on any host.
    const token = acmeChallengeToken(new URL(request.url).pathname);
    if (token) {
      const answer = await kv.get(ACME_KV_PREFIX + token, { type: 'text' });
      if (typeof answer === 'string') {
        return new Response(request.method === 'HEAD' ? null : answer,
          { status: 200, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } });
      }
    }
    const host = request.headers.get('host') || new URL(request.url).host;
    let loaded = { missing: true };
    for (const key of routeKeysFor(host)) {
      loaded = await loadEntry(key);
      if (!loaded.missing) break;
    }
    if (loaded.missing) return page(request, 404, unknownHostPage(host), { 'cache-control': 'no-store' });
    if (loaded.error) {
      const detail = `The route entry for ${host} could not be read (${loaded.error}). Redeploy or promote the site again.`;
      return page(request, 502, statusPage(502, detail), { 'cache-control': 'no-store' });
    }
    const { entry } = loaded;
    const decision = await decide(entry, request, rawTarget(request.url));
    const headers = { ...decision.headers, 'x-miaobu-deployment': entry.deploymentId };
    if (decision.location) return new Response(null, { status: decision.status, headers });
    if (!decision.file) return page(request, decision.status, statusPage(decision.status), headers);

    const conditional = request.headers.get('if-none-match');
    const object = await fetchImpl(objectUrl(entry, decision.file), {
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      headers: conditional && decision.status === 200 ? { 'if-none-match': conditional } : {},
    });
    const etag = object.headers.get('etag');
    if (object.status === 304) {
      const notModified = { 'cache-control': headers['cache-control'], 'x-miaobu-deployment': entry.deploymentId };
      if (etag) notModified.etag = etag;
      return new Response(null, { status: 304, headers: notModified });
    }
    if (!object.ok) {
      filesOf(entry.deploymentId).delete(decision.file); // learn again next time
      return page(request, 502, statusPage(502, 'The file could not be fetched from storage.'), headers);
    }
    if (etag) headers.etag = etag;
    const length = object.headers.get('content-length');
    if (length !== null) headers['content-length'] = length;
    return new Response(request.method === 'HEAD' ? null : object.body, { status: decision.status, headers });
  }

  return {
    async fetch(request) {
      try {
        return await handle(request);
      } catch (e) {
        console.error(`miaobu-edge: ${request.method} ${request.url}: ${e.stack || e}`);
        return page(request, 502, statusPage(502, 'Storage did not answer; try again in a moment.'), { 'cache-control': 'no-store' });
      }
    },
  };
}

/** A path and the ones the engine usually asks about right after it, fetched in the same round. */
function neighbours(rel) {
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
  const out = [rel, dir + '404.html', '404.html', 'index.html'];
  if (!rel.endsWith('.html')) out.push(rel + '.html', rel + '/index.html');
  return out;
}

function validateEntry(entry) {
  if (!entry || typeof entry !== 'object') throw new Error('not a JSON object');
  if (typeof entry.deploymentId !== 'string' || !entry.deploymentId) throw new Error('no deploymentId');
  const prefix = entry.prefix;
  if (typeof prefix !== 'string' || !prefix.endsWith('/') || prefix.startsWith('/') || prefix.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`invalid prefix ${JSON.stringify(prefix)}`);
  }
  return entry;
}

// The target exactly as sent: `new URL()` would resolve dot segments and re-encode, and the engine
// wants to see (and refuse) what the client really asked for.
function rawTarget(url) {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

function page(request, status, html, headers) {
  return new Response(request.method === 'HEAD' ? null : html, { status, headers: { ...headers, 'content-type': HTML } });
}

// Filled in when the routine is published (`./miaobu edge publish`): the edge KV namespace the RouteTable
// writes and the bucket's origin URL.
const SETTINGS = { namespace: '__MIAOBU_KV_NAMESPACE__', origin: '__MIAOBU_OSS_ORIGIN__' };
let edge = null;

export default {
  async fetch(request) {
    // EdgeKV is a global of the ESA runtime.
    edge ??= createEdge({ kv: new globalThis.EdgeKV({ namespace: SETTINGS.namespace }), origin: SETTINGS.origin });
    return edge.fetch(request);
  },
};
