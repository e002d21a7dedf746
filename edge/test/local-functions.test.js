// The local edge in front of functions: what reaches the local host's function gateway, and what the
// visitor sees of its answers (createEdgeServer in-process, a fake gateway on a loopback port).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeRouteKey, routeFileName } from '../src/engine.js';
import { createEdgeServer } from '../src/local-server.js';

const HOST = 'shop.localhost:8080';
const TOKEN = 'gateway-secret';

describe('local edge proxying to functions', () => {
  let dataDir;
  let gateway;
  let edge;
  let seen = [];
  let answer = (req, res) => res.end('ok');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'miaobu-fn-edge-'));
    fs.mkdirSync(path.join(dataDir, 'artifacts', 'sites', 'p1', 'd1'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'artifacts', 'sites', 'p1', 'd1', 'index.html'), '<h1>home</h1>');
    const entry = { deploymentId: 'd1', prefix: 'sites/p1/d1/', updatedAt: '2026-12-01T00:00:00Z',
      config: { functions: [{ route: '/api/users/[id]', name: 'api/users/[id]', runtime: 'node' },
        { route: '/api/gone', name: 'api/gone', runtime: 'python' }] },
      backends: { node: 'local:d1/node' } };
    fs.mkdirSync(path.join(dataDir, 'routes'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'routes', routeFileName(encodeRouteKey('shop.localhost')) + '.json'), JSON.stringify(entry));
    gateway = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        answer(req, res);
      });
    });
    await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
    edge = createEdgeServer({ dataDir, functions: `http://127.0.0.1:${gateway.address().port}`, gatewayToken: TOKEN, functionTimeoutMs: 1000 });
    await new Promise((r) => edge.listen(0, '127.0.0.1', r));
  });

  after(() => {
    edge.close();
    gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function send(method, url, headers = {}, body) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: edge.address().port, method, path: url,
        headers: { host: HOST, ...headers } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  test('a function request reaches the gateway with its method, path, body and what the runtime needs', async () => {
    seen = [];
    answer = (req, res) => res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end('{"id":42}');
    const r = await send('POST', '/api/users/42?x=1', { 'content-type': 'application/json', 'x-miaobu-function': 'forged',
      'x-miaobu-gateway-token': 'forged', 'x-forwarded-proto': 'https', connection: 'keep-alive, x-drop', 'x-drop': 'v' }, '{"name":"ada"}');

    assert.equal(r.status, 201);
    assert.equal(r.body, '{"id":42}');
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['cache-control'], 'no-store');
    const got = seen[0];
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/d1/node/api/users/42?x=1');
    assert.equal(got.body, '{"name":"ada"}');
    assert.equal(got.headers['x-miaobu-function'], 'api/users/[id]');
    assert.deepEqual(JSON.parse(got.headers['x-miaobu-params']), { id: '42' });
    assert.equal(got.headers['x-forwarded-host'], HOST);
    assert.equal(got.headers['x-forwarded-proto'], 'http');
    assert.equal(got.headers['x-miaobu-gateway-token'], TOKEN);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-drop'], undefined);
  });

  test("the function's own cache-control is kept and hop-by-hop headers are dropped", async () => {
    answer = (req, res) => res.writeHead(200, { 'cache-control': 'public, max-age=60', 'proxy-authenticate': 'Basic',
      connection: 'x-internal', 'x-internal': 'secret' }).end('cached');
    const r = await send('GET', '/api/users/1');
    assert.equal(r.headers['cache-control'], 'public, max-age=60');
    assert.equal(r.headers['proxy-authenticate'], undefined);
    assert.equal(r.headers['x-internal'], undefined);
  });

  test("the gateway's timeout and crash answers become the edge's own 504 and 502 pages", async () => {
    answer = (req, res) => res.writeHead(504, { 'x-miaobu-function-error': 'timeout' }).end();
    const late = await send('GET', '/api/users/1');
    assert.equal(late.status, 504);
    assert.match(late.body, /time limit/);
    assert.equal(late.headers['x-miaobu-function-error'], undefined);

    answer = (req, res) => res.writeHead(502, { 'x-miaobu-function-error': 'crashed' }).end();
    const crashed = await send('GET', '/api/users/1');
    assert.equal(crashed.status, 502);
    assert.match(crashed.body, /This function crashed \(api\/users\/\[id\]\)/);
  });

  test('a backend that never answers gets a 504 page, and the backend address never shows', async () => {
    answer = () => {}; // hangs
    const r = await send('GET', '/api/users/1');
    assert.equal(r.status, 504);
    assert.doesNotMatch(JSON.stringify(r), /127\.0\.0\.1|local:d1/);
  });

  test('a runtime the entry has no backend for answers 502, and static paths stay static', async () => {
    assert.equal((await send('DELETE', '/api/gone')).status, 502);
    const home = await send('GET', '/');
    assert.equal(home.status, 200);
    assert.equal(home.body, '<h1>home</h1>');
  });
});
