// A deployment's file manifest in edge KV: which files the deployment has, so the routine decides
// without asking the origin (ESA allows 4 concurrent sub-requests per request; edge KV reads are
// not sub-requests). io.miaobu.edge.FileManifest writes it when the deployment is published; both
// sides run test/vectors/manifest.json.
//
// Layout: every value at most 1.8 MB (what a routine may read). Under manifestKey(deploymentId), a
// site that fits in one value has its whole list:
//   { "deploymentId": "d…", "shards": 1, "paths": ["about.html", "index.html", …] }
// A bigger one has only its shard count there, `{ "deploymentId": "d…", "shards": N }`, and shard k
// under manifestKey(deploymentId, k):
//   { "deploymentId": "d…", "shard": k, "shards": N, "paths": [ … ] }
// So a request reads the route entry and the manifest (and, on a big site, one shard), each kept in
// the routine's memory: a deployment never changes. A path lives in shard fnv1a32(stem(path)) mod N, where the stem drops `/index.html`, `index.html`
// or `.html`: `about`, `about.html` and `about/index.html` share a shard, so a clean URL is decided
// from one shard. The root `index.html` and every `404.html` are in every shard (the fallbacks every
// not-found decision asks about), so any request is decided from one shard; only a rewrite to another
// page may need a second.

/** The prefix of manifest keys. `S` is outside route keys' capitals (`A`..`P`), so no route key starts with it. */
export const MANIFEST_KV_PREFIX = 'FILES_';

/**
 * The edge KV key of a deployment's manifest, or of its shard `shard` (Edge KV alphabet: letters,
 * digits, `-`, `_`). Deployment ids have no `_`, so the shard suffix cannot be mistaken.
 */
export function manifestKey(deploymentId, shard) {
  if (!/^[a-z0-9][a-z0-9-]{0,127}$/.test(deploymentId)) throw new Error(`deployment id ${JSON.stringify(deploymentId)} cannot name a manifest key`);
  return shard === undefined ? MANIFEST_KV_PREFIX + deploymentId : `${MANIFEST_KV_PREFIX}${deploymentId}_${shard}`;
}

/** Whether every shard lists `path` (when the deployment has it). */
export function inEveryShard(path) {
  return path === 'index.html' || path === '404.html' || path.endsWith('/404.html');
}

/** The shard that lists `path`, of `shards`. */
export function manifestShard(path, shards) {
  return fnv1a32(stem(path)) % shards;
}

function stem(path) {
  if (path === 'index.html') return '';
  if (path.endsWith('/index.html')) return path.slice(0, -'/index.html'.length);
  if (path.endsWith('.html')) return path.slice(0, -'.html'.length);
  return path;
}

// FNV-1a, 32 bits, over the UTF-8 bytes: the same number in Java and JavaScript, cheap at the edge.
function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
