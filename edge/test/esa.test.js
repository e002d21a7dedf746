// The ESA edge routine against a fake edge KV and a local HTTP server standing in for the OSS origin.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CompiledCache } from '../src/engine.js';
import routine, { createEdge } from '../src/esa.js';

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

let origin;
let originUrl;
const originLog = [];

before(async () => {
  origin = http.createServer((req, res) => {
    originLog.push(`${req.method} ${req.url}`);
    const key = decodeURIComponent(req.url.slice(1));
    if (!key.startsWith(PREFIX) || !(key.slice(PREFIX.length) in FILES)) {
      res.writeHead(403, { 'content-type': 'application/xml' }); // what a private OSS bucket says
      return res.end('<Error><Code>AccessDenied</Code></Error>');
    }
    const body = FILES[key.slice(PREFIX.length)];
    const etag = `"${Buffer.from(body).toString('base64').slice(0, 12)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(200, { etag, 'content-length': Buffer.byteLength(body), 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${origin.address().port}`;
});

after(() => origin.close());
beforeEach(() => {
  originLog.length = 0;
});

function fakeKv(values) {
  const reads = [];
  return {
    reads,
    async get(key, options) {
      reads.push(key);
      assert.deepEqual(options, { type: 'text' });
      return values[key];
    },
  };
}

const ENTRY = JSON.stringify({ deploymentId: 'd1', prefix: PREFIX, config: CONFIG, updatedAt: '2024-01-01T00:00:00Z' });

function edgeFor(values = { 'my-site_miaobu_app': ENTRY }, options = {}) {
  const kv = fakeKv(values);
  return { edge: createEdge({ kv, origin: originUrl, ...options }), kv };
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
    assert.ok(originLog.includes('GET /sites/p1/d1/index.html'), originLog.join('\n'));
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

  test('asks the origin about a path once per deployment, then decides from memory', async () => {
    const { edge } = edgeFor();
    await get(edge, '/about');
    const heads = originLog.filter((l) => l.startsWith('HEAD')).length;
    assert.ok(heads > 0);
    originLog.length = 0;
    await get(edge, '/about');
    assert.deepEqual(originLog, ['GET /sites/p1/d1/about.html']);
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
    assert.ok(originLog.every((line) => line.split(' ')[1].startsWith('/sites/p1/d1/')), originLog.join('\n'));
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
    const other = JSON.stringify({ deploymentId: 'd9', prefix: 'sites/p9/d9/', config: {}, updatedAt: '2024-01-01T00:00:00Z' });
    const { edge, kv } = edgeFor({ 'CK_wild-shop_com': ENTRY, 'www_wild-shop_com': other });
    const covered = await get(edge, '/', { host: 'a.wild-shop.com' });
    assert.equal(covered.status, 200);
    assert.equal(await covered.text(), '<h1>home</h1>');
    assert.deepEqual(kv.reads, ['a_wild-shop_com', 'CK_wild-shop_com']);
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
    await get(edge, '/');
    await get(edge, '/about');
    assert.equal(kv.reads.length, 1);
    clock = 5000;
    await get(edge, '/');
    assert.equal(kv.reads.length, 2);
    assert.equal(compiles, 1);
  });

  test('an origin error is a 502, never an exception', async () => {
    const edge = createEdge({ kv: fakeKv({ 'my-site_miaobu_app': ENTRY }), origin: 'http://127.0.0.1:1' });
    const res = await get(edge, '/');
    assert.equal(res.status, 502);
  });

  test('the default export is a fetch handler, as ESA expects', () => {
    assert.equal(typeof routine.fetch, 'function');
  });
});
