// The ESA edge routine against a fake routine host as strict as ESA (edge KV key alphabet, at most
// 4 concurrent sub-requests) and a private bucket that checks OSS signature V4 (esa-host.js).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import http from 'node:http';
import { CompiledCache, route } from '../src/engine.js';
import routine, { createEdge } from '../src/esa.js';
import { functionResponse, proxyToFunction } from '../src/proxy.js';
import { edgeKv, manifestValues, privateBucket, subRequests } from './esa-host.js';

const PREFIX = 'sites/p1/d1/';
const FILES = {
  'index.html': '<h1>home</h1>',
  'about.html': '<h1>about</h1>',
  '404.html': '<h1>not here</h1>',
  'docs/index.html': '<h1>docs</h1>',
  'assets/app-3f9a1b2c.js': 'console.log(1)',
  'caf\u00e9.txt': 'coffee',
};
const CONFIG = {
  spa: null, cleanUrls: null, trailingSlash: null, notFound: null,
  redirects: [{ from: '/old/*', to: '/new/:splat', status: 301, force: false }, { from: '/app/*', to: '/index.html', status: 200, force: false }],
  headers: [{ path: '/*', set: { 'x-frame-options': 'DENY' } }],
};
const CREDENTIAL = { bucket: 'miaobu-sites', region: 'cn-hangzhou', accessKeyId: 'LTAI-edge-reader', accessKeySecret: 'reader-secret' };

let bucket;
let originLog;
let sub;

before(async () => {
  const objects = Object.fromEntries(Object.entries(FILES).map(([rel, body]) => [PREFIX + rel, body]));
  objects['sites/p2/d9/index.html'] = '<h1>d9</h1>';
  objects['sites/p1/d2/index.html'] = '<h1>app</h1>';
  for (let i = 0; i < 300; i++) objects[`${PREFIX}blog/post-${i}.html`] = `<h1>post ${i}</h1>`;
  bucket = await privateBucket({ ...CREDENTIAL, objects });
  originLog = bucket.log;
});

after(() => bucket.close());
beforeEach(() => {
  originLog.length = 0;
  bucket.refused.length = 0;
  sub = subRequests();
});

function entryOf(deploymentId, prefix, config) {
  return JSON.stringify({ deploymentId, prefix, config, updatedAt: '2024-01-01T00:00:00Z' });
}

const ENTRY = entryOf('d1', PREFIX, CONFIG);
const SITE = { 'my-site_miaobu_app': ENTRY, ...manifestValues('d1', Object.keys(FILES)) };

function edgeFor(values = SITE, options = {}) {
  const kv = edgeKv(values);
  return { edge: createEdge({ kv, origin: bucket.url, credential: CREDENTIAL, fetch: sub.fetch, ...options }), kv };
}

function get(edge, path, { method = 'GET', host = 'my-site.miaobu.app', headers = {} } = {}) {
  return edge.fetch(new Request(`https://${host}${path}`, { method, headers: { host, ...headers } }));
}

describe('ESA edge routine', () => {
  test('serves a file from the origin under the deployment prefix, with the engine headers', async () => {
    const { edge } = edgeFor();
    const res = await get(edge, '/');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '<h1>home</h1>');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('x-miaobu-deployment'), 'd1');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.ok(res.headers.get('etag'));
    assert.deepEqual(originLog, ['GET /miaobu-sites/sites/p1/d1/index.html']);
  });

  test('follows redirect and rewrite rules', async () => {
    const { edge } = edgeFor();
    const moved = await get(edge, '/old/a/b?x=1');
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get('location'), '/new/a/b?x=1');
    const app = await get(edge, '/app/settings');
    assert.equal(app.status, 200);
    assert.equal(await app.text(), '<h1>home</h1>');
  });

  test('rules with has / missing conditions see the request headers, cookies and host', async () => {
    const config = {
      redirects: [{ from: '/', to: '/:lang/', status: 307, force: true, has: [{ type: 'cookie', key: 'locale', value: '(?<lang>[a-z]{2})-.*' }] }],
      headers: [{ path: '/*', set: { 'x-beta': 'yes' }, has: [{ type: 'header', key: 'x-beta' }], missing: [{ type: 'host', value: 'www\\..*' }] }],
    };
    const { edge } = edgeFor({ 'my-site_miaobu_app': entryOf('d1', PREFIX, config), 'www_my-site_miaobu_app': entryOf('d1', PREFIX, config), ...manifestValues('d1', Object.keys(FILES)) });
    const french = await get(edge, '/', { headers: { cookie: 'locale=fr-CA' } });
    assert.equal(french.status, 307);
    assert.equal(french.headers.get('location'), '/fr/');
    assert.equal((await get(edge, '/about', { headers: { 'X-Beta': '1' } })).headers.get('x-beta'), 'yes');
    assert.equal((await get(edge, '/about', { host: 'www.my-site.miaobu.app', headers: { 'X-Beta': '1' } })).headers.get('x-beta'), null);
    assert.equal((await get(edge, '/about')).headers.get('x-beta'), null);
  });

  test('serves clean URLs, directory redirects, and 404.html with status 404', async () => {
    const { edge } = edgeFor();
    assert.equal(await (await get(edge, '/about')).text(), '<h1>about</h1>');
    const dir = await get(edge, '/docs');
    assert.equal(dir.status, 308);
    assert.equal(dir.headers.get('location'), '/docs/');
    const missing = await get(edge, '/nope');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '<h1>not here</h1>');
    assert.equal((await get(edge, '/caf%C3%A9.txt')).status, 200);
  });

  test('a request costs the route entry, the manifest and at most one origin fetch', async () => {
    const spaSite = { 'spa_miaobu_app': entryOf('d2', 'sites/p1/d2/', {}), ...manifestValues('d2', ['index.html', 'app.js']) };
    const cases = [
      ['/assets/app-3f9a1b2c.js', 'my-site.miaobu.app', 200, 1], // a file
      ['/about', 'my-site.miaobu.app', 200, 1], // a clean URL
      ['/docs/', 'my-site.miaobu.app', 200, 1], // a directory
      ['/nope', 'my-site.miaobu.app', 404, 1], // the 404 page
      ['/deep/er/path', 'spa.miaobu.app', 200, 1], // the single-page fallback
      ['/app/settings', 'my-site.miaobu.app', 200, 1], // a rewrite
      ['/old/a', 'my-site.miaobu.app', 301, 0], // a redirect rule
      ['/docs', 'my-site.miaobu.app', 308, 0], // a canonical-URL redirect
      ['/missing.png', 'spa.miaobu.app', 404, 0], // nothing to serve
    ];
    for (const [path, host, status, fetches] of cases) {
      const { edge, kv } = edgeFor({ ...SITE, ...spaSite }); // a cold edge node each time
      sub.reset();
      const res = await get(edge, path, { host });
      assert.equal(res.status, status, path);
      assert.equal(sub.total, fetches, `${path}: ${sub.urls.join(', ')}`);
      assert.ok(sub.maxInFlight <= 1, path);
      assert.equal(kv.reads.length, 2, `${path}: ${kv.reads.join(', ')}`);
    }
    assert.deepEqual(bucket.refused, []);
  });

  test('a warm edge reads neither edge KV nor the origin to decide, only to fetch the file', async () => {
    const { edge, kv } = edgeFor();
    await get(edge, '/about');
    const reads = kv.reads.length;
    sub.reset();
    await get(edge, '/nope');
    await get(edge, '/docs');
    assert.equal(kv.reads.length, reads);
    assert.deepEqual(sub.urls.map((u) => u.replace(bucket.url, '')), ['GET /sites/p1/d1/404.html']);
  });

  test('a big site\'s manifest is split into shards; any request reads one of them', async () => {
    const paths = [...Object.keys(FILES), ...Array.from({ length: 300 }, (_, i) => `blog/post-${i}.html`)];
    const site = { 'big_miaobu_app': entryOf('d1', PREFIX, CONFIG), ...manifestValues('d1', paths, 8) };
    assert.equal(Object.keys(site).length, 10);
    for (const [path, status] of [['/', 200], ['/about', 200], ['/docs/', 200], ['/nope', 404], ['/blog/post-7', 200], ['/blog/post-999', 404], ['/caf%C3%A9.txt', 200]]) {
      const { edge, kv } = edgeFor(site);
      sub.reset();
      const res = await get(edge, path, { host: 'big.miaobu.app' });
      assert.equal(res.status, status, path);
      assert.equal(kv.reads.length, 3, `${path}: ${kv.reads.join(', ')}`); // entry, manifest head, one shard
      assert.ok(sub.total <= 1, path);
    }
  });

  test('the routine\'s fetches are signed (V4) for the private bucket, which refuses anonymous reads', async () => {
    const anonymous = await fetch(`${bucket.url}/${PREFIX}index.html`);
    assert.equal(anonymous.status, 403);
    const { edge } = edgeFor();
    assert.equal((await get(edge, '/caf%C3%A9.txt')).status, 200);
    assert.deepEqual(bucket.refused.slice(1), []);
  });

  test('a refused read (403) is a 502 that says so, never a missing file', async () => {
    const { edge } = edgeFor(undefined, { credential: { ...CREDENTIAL, accessKeySecret: 'wrong' } });
    const res = await get(edge, '/about');
    assert.equal(res.status, 502);
    assert.match(await res.text(), /storage refused the edge routine&#39;s read key \(403\)/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(bucket.refused[0], /^SignatureDoesNotMatch/);
  });

  test('a file the manifest lists but storage lacks is a 502, and a missing manifest says to redeploy', async () => {
    const { edge } = edgeFor({ ...SITE, ...manifestValues('d1', [...Object.keys(FILES), 'ghost.html']) });
    assert.equal((await get(edge, '/ghost')).status, 502);
    const bare = edgeFor({ 'my-site_miaobu_app': ENTRY }).edge;
    const res = await get(bare, '/');
    assert.equal(res.status, 502);
    assert.match(await res.text(), /file list of deployment d1 \(edge KV FILES_d1\) is not here/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('the fake routine host holds the routine to ESA\'s limits', async () => {
    const host = subRequests(() => new Promise((resolve) => setTimeout(() => resolve(new Response('ok')), 20)));
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => host.fetch('http://x/')));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    await assert.rejects(edgeKv({}).get('a.b', { type: 'text' }), /refuses the key/);
    await assert.rejects(edgeKv({}).get('~2a_shop_com', { type: 'text' }), /refuses the key/);
  });

  test('answers If-None-Match with 304 and HEAD without a body', async () => {
    const { edge } = edgeFor();
    const first = await get(edge, '/about');
    const etag = first.headers.get('etag');
    const again = await get(edge, '/about', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    const head = await get(edge, '/about', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal(head.headers.get('content-length'), String('<h1>about</h1>'.length));
  });

  test('never asks the origin for anything outside the deployment prefix', async () => {
    const { edge } = edgeFor();
    for (const path of ['/a%2f..%2fb', '/x%00', '/a%5c..%5cb']) {
      assert.equal((await get(edge, path)).status, 400, path);
    }
    assert.deepEqual(originLog, []);
    // The runtime's URL parser resolves dot segments (even encoded ones) before the routine runs.
    assert.equal((await get(edge, '/%2e%2e/%2e%2e/sites/p2/d9/secret')).status, 404);
    assert.ok(originLog.every((line) => line.split(' ')[1].startsWith('/miaobu-sites/sites/p1/d1/')), originLog.join('\n'));
  });

  test('answers ACME HTTP-01 challenges from edge KV on any host, before routing', async () => {
    const token = 'Zm9vYmFyYmF6cXV4cXV1eA_-1234';
    const { edge } = edgeFor({ [`ACME_CHALLENGE_${token}`]: `${token}.thumbprint` });
    const answer = await get(edge, `/.well-known/acme-challenge/${token}`, { host: 'www.customer.example' });
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), `${token}.thumbprint`);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const unknown = await get(edge, '/.well-known/acme-challenge/unknownunknownunknown', { host: 'www.customer.example' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(originLog, []);
  });

  test('serves a wildcard domain on the names under it, after the name\'s own entry, one label deep', async () => {
    const other = entryOf('d9', 'sites/p2/d9/', {});
    const { edge, kv } = edgeFor({ ...SITE, 'CK_wild-shop_com': ENTRY, 'www_wild-shop_com': other, ...manifestValues('d9', ['index.html']) });
    const covered = await get(edge, '/', { host: 'a.wild-shop.com' });
    assert.equal(covered.status, 200);
    assert.equal(await covered.text(), '<h1>home</h1>');
    assert.deepEqual(kv.reads, ['a_wild-shop_com', 'CK_wild-shop_com', 'FILES_d1']);
    assert.equal((await get(edge, '/missing-everywhere', { host: 'www.wild-shop.com' })).headers.get('x-miaobu-deployment'), 'd9');
    assert.equal((await get(edge, '/', { host: 'a.b.wild-shop.com' })).status, 404);
    assert.equal((await get(edge, '/', { host: 'wild-shop.com' })).status, 404);
  });

  test('an unknown host gets the no-site page; an unreadable entry a 502', async () => {
    const { edge } = edgeFor({ 'broken_miaobu_app': '{not json', 'evil_miaobu_app': JSON.stringify({ deploymentId: 'd', prefix: '../x/' }) });
    const unknown = await get(edge, '/', { host: 'nobody.miaobu.app' });
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No site is deployed at nobody\.miaobu\.app/);
    assert.equal((await get(edge, '/', { host: 'broken.miaobu.app' })).status, 502);
    assert.equal((await get(edge, '/', { host: 'evil.miaobu.app' })).status, 502);
    assert.deepEqual(originLog, []);
  });

  test('reads edge KV again only after the entry TTL, and compiles the rules once per deployment', async () => {
    let clock = 0;
    let compiles = 0;
    class CountingCache extends CompiledCache {
      get(entry) {
        if (!this.byDeployment.has(entry.deploymentId)) compiles++;
        return super.get(entry);
      }
    }
    const { edge, kv } = edgeFor(undefined, { entryTtlMs: 1000, now: () => clock, compiled: new CountingCache() });
    const routeReads = () => kv.reads.filter((k) => !k.startsWith('FILES_')).length;
    await get(edge, '/');
    await get(edge, '/about');
    assert.equal(routeReads(), 1);
    clock = 5000;
    await get(edge, '/');
    assert.equal(routeReads(), 2);
    assert.equal(kv.reads.length, 3); // the manifest shard is kept: a deployment never changes
    assert.equal(compiles, 1);
  });

  test('an origin error is a 502, never an exception', async () => {
    const edge = createEdge({ kv: edgeKv(SITE), origin: 'http://127.0.0.1:1', credential: CREDENTIAL });
    const res = await get(edge, '/');
    assert.equal(res.status, 502);
  });

  test('the default export is a fetch handler, as ESA expects', () => {
    assert.equal(typeof routine.fetch, 'function');
  });
});

// A function backend standing in for an FC HTTP trigger: it answers what it received (or what a test
// asks it to answer), so the tests see exactly what the edge sent.
async function functionBackend(answer = () => null) {
  const seen = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const got = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
    seen.push(got);
    const custom = await answer(got, res);
    if (custom === 'handled') return;
    res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': 'req-1', 'x-fc-instance-id': 'i-1' });
    res.end(JSON.stringify(got));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { seen, port, backend: `http://edge:${TOKEN}@127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

const TOKEN = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
const FUNCTIONS = [{ route: '/api/users/[id]', name: 'api/users/[id]', runtime: 'node' }, { route: '/api/echo', name: 'api/echo', runtime: 'python' }];

describe('ESA edge routine: functions', () => {
  let fn;
  before(async () => { fn = await functionBackend(); });
  after(() => fn.close());
  beforeEach(() => { fn.seen.length = 0; });

  const entry = (backends) => ({ deploymentId: 'd7', prefix: 'sites/p1/d7/', config: { functions: FUNCTIONS }, backends });
  const USERS = { runtime: 'node', function: 'api/users/[id]', params: { id: '42' } };

  function send(request, { proxy = USERS, backends = { node: fn.backend }, timeoutMs = 5000, fetchImpl = sub.fetch, siteHeaders = {} } = {}) {
    const url = new URL(request.url);
    return proxyToFunction({ request, proxy, entry: entry(backends), target: url.pathname + url.search, host: 'my-site.miaobu.app',
      fetch: fetchImpl, timeoutMs, siteHeaders, extra: { 'x-miaobu-deployment': 'd7' } });
  }

  function visitor(path, init = {}) {
    return new Request(`https://my-site.miaobu.app${path}`, init);
  }

  test('the function gets the method, path, query, body, site host, its name and params, and the deployment token', async () => {
    const res = await send(visitor('/api/users/42?x=1&x=2', { method: 'PATCH', body: '{"name":"ada"}', headers: { 'content-type': 'application/json', cookie: 'a=1' } }));
    assert.equal(res.status, 200);
    const [got] = fn.seen;
    assert.equal(got.method, 'PATCH');
    assert.equal(got.url, '/api/users/42?x=1&x=2');
    assert.equal(got.body, '{"name":"ada"}');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers.cookie, 'a=1');
    assert.equal(got.headers['x-miaobu-function'], 'api/users/[id]');
    assert.deepEqual(JSON.parse(got.headers['x-miaobu-params']), { id: '42' });
    assert.equal(got.headers['x-forwarded-host'], 'my-site.miaobu.app');
    assert.equal(got.headers['x-forwarded-proto'], 'https');
    assert.equal(got.headers['x-miaobu-edge-token'], TOKEN);
    assert.equal(got.headers.authorization, undefined, 'the token never travels as credentials');
    assert.equal(sub.total, 1);
  });

  test('a visitor cannot forge the token, the function name, its params or the forwarded host', async () => {
    await send(visitor('/api/users/42', { headers: { 'x-miaobu-edge-token': 'forged', 'x-miaobu-function': 'api/admin', 'x-miaobu-params': '{"id":"1"}',
      'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', 'x-miaobu-anything': 'x' } }));
    const [got] = fn.seen;
    assert.equal(got.headers['x-miaobu-edge-token'], TOKEN);
    assert.equal(got.headers['x-miaobu-function'], 'api/users/[id]');
    assert.deepEqual(JSON.parse(got.headers['x-miaobu-params']), { id: '42' });
    assert.equal(got.headers['x-forwarded-host'], 'my-site.miaobu.app');
    assert.equal(got.headers['x-miaobu-anything'], undefined);
  });

  test('the app gets no function name; hop-by-hop headers stop at the edge', async () => {
    await send(visitor('/anything', { headers: { connection: 'keep-alive, x-private', 'x-private': 'secret', 'proxy-authorization': 'Basic x', te: 'trailers' } }),
      { proxy: { runtime: 'node', function: null, params: {} } });
    const [got] = fn.seen;
    assert.equal(got.headers['x-miaobu-function'], undefined);
    assert.equal(got.headers['x-private'], undefined);
    assert.equal(got.headers['proxy-authorization'], undefined);
    assert.equal(got.headers.te, undefined);
  });

  test('a function that sets no cache-control is no-store; its own caching, cookies and redirects pass unchanged', async () => {
    const plain = await send(visitor('/api/users/42'));
    assert.equal(plain.headers.get('cache-control'), 'no-store');
    assert.equal(plain.headers.get('x-miaobu-deployment'), 'd7');
    const custom = await functionBackend((got, res) => {
      res.writeHead(302, [['location', '/login'], ['cache-control', 'public, max-age=60'], ['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2; Path=/'],
        ['connection', 'close'], ['x-fc-code-checksum', '123']]);
      res.end();
      return 'handled';
    });
    try {
      const res = await send(visitor('/api/users/42'), { backends: { node: custom.backend } });
      assert.equal(res.status, 302, 'the edge does not follow the function\'s redirect');
      assert.equal(res.headers.get('location'), '/login');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
      assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
      assert.equal(res.headers.get('connection'), null);
      assert.equal(res.headers.get('x-fc-code-checksum'), null);
    } finally {
      await custom.close();
    }
  });

  test('cookies pass on a runtime whose Headers lack getSetCookie', () => {
    const headers = new Headers([['set-cookie', 'a=1; Path=/'], ['content-type', 'text/plain']]);
    Object.defineProperty(headers, 'getSetCookie', { value: undefined });
    const res = functionResponse(visitor('/api/users/42'), { status: 200, headers, body: null });
    assert.equal(res.headers.get('set-cookie'), 'a=1; Path=/');
  });

  test('the site\'s header rules apply where the function set none', async () => {
    const res = await send(visitor('/api/users/42'), { siteHeaders: { 'x-frame-options': 'DENY', 'content-type': 'text/plain', 'cache-control': 'public' } });
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('neither the backend\'s address nor the token ever reach the visitor', async () => {
    const plain = await functionBackend((got, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-fc-request-id': 'r-1', 'x-fc-instance-id': 'i-1' });
      res.end('hello');
      return 'handled';
    });
    try {
      const answers = [await send(visitor('/api/users/42'), { backends: { node: plain.backend } }),
        await send(visitor('/api/users/42'), { backends: { node: `http://edge:${TOKEN}@127.0.0.1:1` } })];
      for (const res of answers) {
        const text = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n') + await res.text();
        assert.ok(!text.includes(TOKEN), 'token leaked');
        assert.ok(!text.includes('127.0.0.1'), 'backend address leaked');
        assert.ok(!text.includes('x-fc-'), 'FC headers leaked');
      }
    } finally {
      await plain.close();
    }
  });

  test('an unreachable function is a 502 page, a slow one a 504, an FC function error the edge\'s own page', async () => {
    const down = await send(visitor('/api/users/42'), { backends: { node: `http://edge:${TOKEN}@127.0.0.1:1` } });
    assert.equal(down.status, 502);
    assert.match(await down.text(), /could not answer/);
    assert.equal(down.headers.get('cache-control'), 'no-store');

    const slow = await functionBackend(async () => { await new Promise((r) => setTimeout(r, 500)); return null; });
    const crashed = await functionBackend((got, res) => {
      res.writeHead(502, { 'x-fc-error-type': 'UnhandledInvocationError', 'content-type': 'application/json' });
      res.end('{"errorMessage":"at handler (/code/node/api/x.mjs:3)","stackTrace":["secret"]}');
      return 'handled';
    });
    try {
      const late = await send(visitor('/api/users/42'), { backends: { node: slow.backend }, timeoutMs: 100 });
      assert.equal(late.status, 504);
      const failed = await send(visitor('/api/users/42'), { backends: { node: crashed.backend } });
      assert.equal(failed.status, 502);
      assert.ok(!(await failed.text()).includes('stackTrace'));
    } finally {
      await slow.close();
      await crashed.close();
    }
  });

  test('a deployment without a backend for the runtime is a 502; a declared body over 4.5 MB a 413 without a sub-request', async () => {
    const none = await send(visitor('/api/echo'), { proxy: { runtime: 'python', function: 'api/echo', params: {} } });
    assert.equal(none.status, 502);
    const local = await send(visitor('/api/echo'), { backends: { node: 'local:d7/node' } });
    assert.equal(local.status, 502);
    sub.reset();
    const big = await send(visitor('/api/users/42', { method: 'POST', body: 'x', headers: { 'content-length': String(5 * 1024 * 1024) } }));
    assert.equal(big.status, 413);
    assert.equal(sub.total, 0);
  });

  test('a chunked upload over 4.5 MB that declares no length is a 413 too, and the function sees nothing of it', async () => {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream({ pull(c) { if (sent++ < 5) c.enqueue(chunk); else c.close(); } });
    sub.reset();
    const res = await send(visitor('/api/users/42', { method: 'POST', body: stream, duplex: 'half' }));
    assert.equal(res.status, 413);
    assert.equal(sub.total, 0);
    assert.equal(fn.seen.length, 0);
  });

  test('a binary body reaches the function byte for byte', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const raw = [];
    const capture = http.createServer(async (req, res) => { for await (const c of req) raw.push(c); res.end('ok'); });
    await new Promise((r) => capture.listen(0, '127.0.0.1', r));
    try {
      const res = await send(visitor('/api/users/42', { method: 'PUT', body: bytes }),
        { backends: { node: `http://edge:${TOKEN}@127.0.0.1:${capture.address().port}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(new Uint8Array(Buffer.concat(raw)), bytes);
    } finally {
      capture.close();
    }
  });

  test('HEAD gets the function\'s status and headers without a body', async () => {
    const res = await send(visitor('/api/users/42', { method: 'HEAD' }));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    assert.equal(fn.seen[0].method, 'HEAD');
  });

  // Runs once the engine routes functions (contract §3, 15-local's engine.js): the whole routine, route entry from edge KV.
  const engineRoutesFunctions = Boolean(route({ deploymentId: 'd', prefix: 'p/', config: { functions: FUNCTIONS } },
    { method: 'POST', path: '/api/echo', header: () => null, host: 'h' }, () => false).proxy);
  test('the routine sends a function route to the entry\'s backend for any method, and files still come from storage', { skip: !engineRoutesFunctions && 'the engine does not route functions yet' }, async () => {
    const values = { ...SITE, 'my-site_miaobu_app': JSON.stringify({ ...entry({ node: fn.backend, python: fn.backend }), prefix: PREFIX, deploymentId: 'd1', config: { ...CONFIG, functions: FUNCTIONS } }) };
    const { edge } = edgeFor(values);
    const res = await get(edge, '/api/users/7?q=1', { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.equal(fn.seen[0].url, '/api/users/7?q=1');
    assert.deepEqual(JSON.parse(fn.seen[0].headers['x-miaobu-params']), { id: '7' });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal((await get(edge, '/about')).status, 200);
  });
});
