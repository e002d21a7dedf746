// The edge in production: an ESA edge routine (`export default { fetch }`). A thin shell around the
// engine: the route entry for the request's host comes from edge KV (written by the platform's
// RouteTable), the deployment's files from the private OSS bucket under the entry's prefix, and a
// function's answers from the deployment's backend on Function Compute (proxy.js).
//
// A request costs edge KV reads (the route entry and the deployment's file manifest, kept in
// memory a while; a big site's manifest is sharded and costs one more) and at most ONE origin
// fetch, the file it serves: ESA allows 4 concurrent sub-requests per request, and the engine
// decides "does this file exist?" from the manifest (manifest.js), never by asking the origin.
// That fetch is signed (OSS signature V4, oss-sign.js) with a read-only key given to the routine
// when it is published: the bucket is private.

import { ACME_KV_PREFIX, CompiledCache, acmeChallengeToken, route, routeKeysFor, validateEntry } from './engine.js';
import { inEveryShard, manifestKey, manifestShard } from './manifest.js';
import { ossSigner } from './oss-sign.js';
import { proxyToFunction } from './proxy.js';
import { statusPage, unknownHostPage } from './pages.js';

const HTML = 'text/html; charset=utf-8';
const NEED = Symbol('need a manifest shard');
const MAX_ROUNDS = 4; // the manifest, one shard, and for a rewrite to another page a second
const MAX_CACHED_PATHS = 200_000; // manifests kept in memory, least recently used dropped first

/** A failure to show as a 502 with its own message (and log). */
class EdgeError extends Error {}

/**
 * @param {object} options
 * @param {{get(key: string, options: object): Promise<string|undefined>}} options.kv  edge KV namespace
 * @param {string} options.origin   base URL of the bucket, e.g. https://bucket.oss-cn-hangzhou.aliyuncs.com
 * @param {{bucket: string, region: string, accessKeyId: string, accessKeySecret: string}} options.credential
 *   the read-only key the origin fetches are signed with (OSS signature V4)
 * @param {typeof fetch} [options.fetch]
 * @param {number} [options.entryTtlMs]  how long a host's route entry is reused before edge KV is read
 *   again; edge KV itself takes seconds to minutes to propagate a promote, so a few seconds add little
 * @param {CompiledCache} [options.compiled]
 * @param {number} [options.functionTimeoutMs]  how long a function may take before the visitor gets a 504;
 *   Function Compute ends it at MIAOBU_FUNCTION_TIMEOUT_SECONDS itself, so this only covers a backend that hangs
 */
export function createEdge({ kv, origin, credential, fetch: fetchImpl = globalThis.fetch, entryTtlMs = 5000, compiled = new CompiledCache(), now = Date.now,
  functionTimeoutMs = 60_000 }) {
  const base = String(origin).replace(/\/+$/, '');
  const sign = ossSigner(credential);
  const entries = new Map(); // route key -> { at, value: { entry } | { missing } | { error } }
  const manifests = new Map(); // manifest key -> { shards, paths: Set | null }, in order of use
  let cachedPaths = 0;

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

  // The manifest's head (manifestKey(id)): the whole list of a site that fits in one value, else the
  // shard count; then shard k under manifestKey(id, k). Cached by key: a deployment never changes.
  async function loadManifest(deploymentId, shard) {
    const key = manifestKey(deploymentId, shard);
    const text = await kv.get(key, { type: 'text' });
    if (text === undefined || text === null) {
      throw new EdgeError(`The file list of deployment ${deploymentId} (edge KV ${key}) is not here: it was published `
        + 'moments ago and has not reached this edge yet, or the deployment predates file lists. Redeploy the site if this lasts.');
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new EdgeError(`The file list ${key} is not JSON (${e.message}). Redeploy the site.`);
    }
    const head = shard === undefined;
    if (!value || value.deploymentId !== deploymentId || !Number.isInteger(value.shards) || value.shards < 1
        || (head ? value.shards === 1 && !Array.isArray(value.paths) : value.shard !== shard || !Array.isArray(value.paths))) {
      throw new EdgeError(`The file list ${key} is not one this routine can read. Redeploy the site.`);
    }
    const loaded = { shards: value.shards, paths: Array.isArray(value.paths) ? new Set(value.paths) : null };
    cachedPaths += loaded.paths ? loaded.paths.size : 0;
    while (cachedPaths > MAX_CACHED_PATHS && manifests.size > 0) {
      const [oldest, dropped] = manifests.entries().next().value;
      manifests.delete(oldest);
      cachedPaths -= dropped.paths ? dropped.paths.size : 0;
    }
    manifests.set(key, loaded);
    return loaded;
  }

  function used(key) {
    const loaded = manifests.get(key);
    if (loaded !== undefined) {
      manifests.delete(key); // re-insert: Map order is the recency order
      manifests.set(key, loaded);
    }
    return loaded;
  }

  async function decide(entry, request, target, host) {
    const rules = compiled.get(entry);
    const id = entry.deploymentId;
    const headKey = manifestKey(id);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let wanted;
      const head = used(headKey);
      const has = (rel) => {
        if (head === undefined) {
          wanted = undefined;
          throw NEED;
        }
        if (head.shards === 1) return head.paths.has(rel);
        const own = manifestShard(rel, head.shards);
        let paths = used(manifestKey(id, own));
        if (paths === undefined && inEveryShard(rel)) paths = anyShard(id, head.shards);
        if (paths === undefined) {
          wanted = own;
          throw NEED;
        }
        return paths.paths.has(rel);
      };
      try {
        return route(entry, { method: request.method, path: target, header: (name) => request.headers.get(name), host }, has, rules);
      } catch (e) {
        if (e !== NEED) throw e;
      }
      const loaded = await loadManifest(id, wanted);
      if (wanted !== undefined && loaded.shards !== head.shards) {
        throw new EdgeError(`The file list of deployment ${id} is inconsistent (shard ${wanted}). Redeploy the site.`);
      }
    }
    throw new EdgeError(`no decision for ${target} after reading ${MAX_ROUNDS} parts of its file list`);
  }

  // A loaded shard of the deployment, for the paths every shard lists.
  function anyShard(id, count) {
    for (let k = 0; k < count && k < 64; k++) {
      const loaded = manifests.get(manifestKey(id, k));
      if (loaded) return loaded;
    }
    return undefined;
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
    const decision = await decide(entry, request, rawTarget(request.url), host);
    const headers = { ...decision.headers, 'x-miaobu-deployment': entry.deploymentId };
    if (decision.proxy) {
      return proxyToFunction({ request, proxy: decision.proxy, entry, target: rawTarget(request.url), host, fetch: fetchImpl,
        timeoutMs: functionTimeoutMs, siteHeaders: decision.headers, extra: { 'x-miaobu-deployment': entry.deploymentId } });
    }
    if (decision.location) return new Response(null, { status: decision.status, headers });
    if (!decision.file) return page(request, decision.status, statusPage(decision.status), headers);

    const conditional = request.headers.get('if-none-match');
    const method = request.method === 'HEAD' ? 'HEAD' : 'GET';
    const key = entry.prefix + decision.file;
    const object = await fetchImpl(objectUrl(key), {
      method,
      headers: { ...(await sign(method, key)), ...(conditional && decision.status === 200 ? { 'if-none-match': conditional } : {}) },
    });
    const etag = object.headers.get('etag');
    if (object.status === 304) {
      const notModified = { 'cache-control': headers['cache-control'], 'x-miaobu-deployment': entry.deploymentId };
      if (etag) notModified.etag = etag;
      return new Response(null, { status: 304, headers: notModified });
    }
    if (!object.ok) {
      // Never "missing": the manifest says the file exists, so a refusal is a misconfigured key or bucket.
      const why = object.status === 403
        ? 'storage refused the edge routine\'s read key (403): check the key given to `./miaobu edge publish` and its oss:GetObject policy on sites/*'
        : `storage answered ${object.status} for a file the deployment lists`;
      console.error(`miaobu-edge: GET ${key}: ${why}`);
      return page(request, 502, statusPage(502, `The file could not be fetched: ${why}.`), { ...headers, 'cache-control': 'no-store' });
    }
    if (etag) headers.etag = etag;
    const length = object.headers.get('content-length');
    if (length !== null) headers['content-length'] = length;
    return new Response(request.method === 'HEAD' ? null : object.body, { status: decision.status, headers });
  }

  function objectUrl(key) {
    return base + '/' + key.split('/').map(encodeURIComponent).join('/');
  }

  return {
    async fetch(request) {
      try {
        return await handle(request);
      } catch (e) {
        console.error(`miaobu-edge: ${request.method} ${request.url}: ${e.stack || e}`);
        const detail = e instanceof EdgeError ? e.message : 'Storage did not answer; try again in a moment.';
        return page(request, 502, statusPage(502, detail), { 'cache-control': 'no-store' });
      }
    },
  };
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
// writes, the bucket's origin URL, and the read-only key (oss:GetObject on sites/* only) that signs
// the routine's requests to the private bucket.
const SETTINGS = {
  namespace: '__MIAOBU_KV_NAMESPACE__',
  origin: '__MIAOBU_OSS_ORIGIN__',
  credential: {
    bucket: '__MIAOBU_OSS_BUCKET__', region: '__MIAOBU_OSS_REGION__',
    accessKeyId: '__MIAOBU_EDGE_ACCESS_KEY_ID__', accessKeySecret: '__MIAOBU_EDGE_ACCESS_KEY_SECRET__',
  },
};
let edge = null;

export default {
  async fetch(request) {
    try {
      // EdgeKV is a global of the ESA runtime.
      edge ??= createEdge({ kv: new globalThis.EdgeKV({ namespace: SETTINGS.namespace }), origin: SETTINGS.origin, credential: SETTINGS.credential });
    } catch (e) {
      console.error(`miaobu-edge: cannot start: ${e.stack || e}`);
      return page(request, 502, statusPage(502, `The edge cannot start: ${e.message}.`), { 'cache-control': 'no-store' });
    }
    return edge.fetch(request);
  },
};
