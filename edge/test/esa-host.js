// What the ESA routine runs against in tests, as strict as ESA and OSS:
// - edgeKv(): an edge KV namespace that refuses keys outside the Edge KV alphabet ("Get started with
//   Edge KV": letters, digits, `-`, `_`, at most 512 bytes) and counts reads;
// - subRequests(): the routine's fetch(), which rejects a 5th concurrent sub-request as ESA does
//   ("Fetch API": at most 4 sub-requests at a time per request) and counts them;
// - privateBucket(): an HTTP server standing in for a private OSS bucket (path style,
//   /{bucket}/{key}) that refuses anonymous reads (403 AccessDenied, OSS "Bucket ACL") and checks
//   each request's signature V4, computed here independently with node:crypto as OSS's "Include a
//   V4 signature in the header (recommended)" describes.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { inEveryShard, manifestKey, manifestShard } from '../src/manifest.js';

export function edgeKv(values) {
  const reads = [];
  return {
    reads,
    async get(key, options) {
      if (!/^[A-Za-z0-9_-]{1,512}$/.test(key) || Buffer.byteLength(key) > 512) {
        throw new Error(`edge KV refuses the key ${JSON.stringify(key)}: letters, digits, - and _ only, at most 512 bytes`);
      }
      if (!options || options.type !== 'text') throw new Error('the routine reads edge KV values as text');
      reads.push(key);
      return values[key];
    },
  };
}

export const ESA_MAX_CONCURRENT = 4;

export function subRequests(inner = globalThis.fetch) {
  const counter = { total: 0, inFlight: 0, maxInFlight: 0, urls: [] };
  counter.fetch = async (url, init) => {
    if (counter.inFlight >= ESA_MAX_CONCURRENT) {
      throw new TypeError(`ESA: more than ${ESA_MAX_CONCURRENT} concurrent sub-requests in one request`);
    }
    counter.total++;
    counter.inFlight++;
    counter.maxInFlight = Math.max(counter.maxInFlight, counter.inFlight);
    counter.urls.push(`${(init && init.method) || 'GET'} ${url}`);
    try {
      return await inner(url, init);
    } finally {
      counter.inFlight--;
    }
  };
  counter.reset = () => {
    counter.total = 0;
    counter.maxInFlight = 0;
    counter.urls.length = 0;
  };
  return counter;
}

/** The edge KV values of a deployment's manifest in `shards` shards, as the platform writes them. */
export function manifestValues(deploymentId, paths, shards = 1) {
  if (shards === 1) return { [manifestKey(deploymentId)]: JSON.stringify({ deploymentId, shards, paths: [...paths].sort() }) };
  const lists = Array.from({ length: shards }, () => []);
  for (const path of paths) {
    if (inEveryShard(path)) lists.forEach((l) => l.push(path));
    else lists[manifestShard(path, shards)].push(path);
  }
  return {
    [manifestKey(deploymentId)]: JSON.stringify({ deploymentId, shards }),
    ...Object.fromEntries(lists.map((l, shard) => [manifestKey(deploymentId, shard),
      JSON.stringify({ deploymentId, shard, shards, paths: l.sort() })])),
  };
}

/**
 * A private bucket holding `objects` (key -> body). Answers GET/HEAD of signed requests; records
 * every request and every refusal.
 */
export async function privateBucket({ bucket, region, accessKeyId, accessKeySecret, objects }) {
  const log = [];
  const refused = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    log.push(`${req.method} ${path}`);
    const deny = (status, code, message) => {
      refused.push(`${code}: ${message}`);
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    const problem = checkV4(req, path, url.search, { region, accessKeyId, accessKeySecret });
    if (problem) return deny(403, problem[0], problem[1]);
    if (!path.startsWith(`/${bucket}/`)) return deny(403, 'AccessDenied', 'not this bucket');
    const key = decodeURIComponent(path.slice(bucket.length + 2));
    if (!(key in objects)) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      return res.end('<Error><Code>NoSuchKey</Code></Error>');
    }
    const body = objects[key];
    const etag = `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(200, { etag, 'content-length': Buffer.byteLength(body), 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/${bucket}`,
    log,
    refused,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const AUTH = /^OSS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/oss\/aliyun_v4_request(?:,\s*AdditionalHeaders=([a-z0-9;-]+))?,\s*Signature=([0-9a-f]{64})$/;

function checkV4(req, rawPath, search, { region, accessKeyId, accessKeySecret }) {
  const header = req.headers.authorization;
  if (!header) return ['AccessDenied', 'You have no right to access this object because of bucket acl.'];
  const m = AUTH.exec(header);
  if (!m) return ['AccessDenied', `not an OSS4-HMAC-SHA256 Authorization header: ${header}`];
  const [, id, day, signedRegion, additional = '', signature] = m;
  if (id !== accessKeyId) return ['InvalidAccessKeyId', id];
  if (signedRegion !== region) return ['SignatureDoesNotMatch', `signed for ${signedRegion}, the bucket is in ${region}`];
  const date = req.headers['x-oss-date'] || '';
  if (!/^\d{8}T\d{6}Z$/.test(date) || !date.startsWith(day)) return ['SignatureDoesNotMatch', `x-oss-date ${date}`];
  const skew = Math.abs(Date.now() - Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`));
  if (!(skew <= 15 * 60 * 1000)) return ['RequestTimeTooSkewed', date];
  const payload = req.headers['x-oss-content-sha256'];
  if (payload !== 'UNSIGNED-PAYLOAD') return ['SignatureDoesNotMatch', 'x-oss-content-sha256 must be UNSIGNED-PAYLOAD'];
  const extra = additional ? additional.split(';') : [];
  const names = Object.keys(req.headers)
    .filter((n) => n === 'content-type' || n === 'content-md5' || n.startsWith('x-oss-') || extra.includes(n)).sort();
  // The canonical URI is the path decoded, then every byte but RFC 3986's unreserved ones and `/` as %XX.
  const canonicalUri = [...Buffer.from(decodeURIComponent(rawPath))]
    .map((b) => (/[A-Za-z0-9\-_.~\/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  if (search) return ['SignatureDoesNotMatch', 'this fake signs no query'];
  const canonical = [req.method, canonicalUri, '', ...names.map((n) => `${n}:${String(req.headers[n]).trim()}`), '', extra.join(';'), payload].join('\n');
  const scope = `${day}/${region}/oss/aliyun_v4_request`;
  const stringToSign = ['OSS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key = Buffer.from('aliyun_v4' + accessKeySecret);
  for (const part of [day, region, 'oss', 'aliyun_v4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return ['SignatureDoesNotMatch', `StringToSign: ${JSON.stringify(stringToSign)} CanonicalRequest: ${JSON.stringify(canonical)}`];
  }
  return null;
}
