import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeRouteKey, routeFileName } from '../src/engine.js';

const SERVER = fileURLToPath(new URL('../src/local-server.js', import.meta.url));
const HOST = 'my-site.localhost:8080';

describe('local server', () => {
  let dataDir;
  let outside;
  let server;
  let port;
  let stderr = '';

  before(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'miaobu-edge-'));
    dataDir = path.join(tmp, 'data');
    outside = path.join(tmp, 'outside');
    write(path.join(outside, 'secret.txt'), 'top secret');
    write(path.join(outside, 'dir', 'index.html'), 'outside index');

    writeDeployment('d1', {
      'index.html': '<h1>v1</h1>',
      '404.html': '<h1>custom 404</h1>',
      'style.css': 'body{}',
      'assets/app-3f9a1b2c.js': 'console.log(1)',
      'docs/index.html': 'docs',
      'inside-target.txt': 'reachable',
    });
    const d1 = path.join(dataDir, 'artifacts', 'sites', 'p1', 'd1');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(d1, 'secret.txt'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(d1, 'linked'));
    fs.symlinkSync(path.join(d1, 'inside-target.txt'), path.join(d1, 'inside-link.txt'));
    writeDeployment('d2', { 'index.html': '<h1>v2</h1>' });
    writeRoute(HOST, 'd1');
    writeRoute('*.wild.localhost', 'd2');
    writeRoute('own.wild.localhost', 'd1');
    write(path.join(dataDir, 'routes', routeFileName(encodeRouteKey('broken.localhost')) + '.json'), '{ not json');

    server = spawn(process.execPath, [SERVER, '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr.on('data', (d) => (stderr += d));
    const line = await firstLine(server.stdout);
    const m = /^miaobu-edge listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(m, `unexpected first line: ${line}`);
    port = Number(m[1]);
  });

  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  function writeDeployment(id, files) {
    for (const [rel, body] of Object.entries(files)) {
      write(path.join(dataDir, 'artifacts', 'sites', 'p1', id, rel), body);
    }
  }

  // As the Java RouteTable does: write a temporary file, then rename it over the entry.
  function writeRoute(host, deploymentId, config = {}) {
    const file = path.join(dataDir, 'routes', routeFileName(encodeRouteKey(host)) + '.json');
    const entry = { deploymentId, prefix: `sites/p1/${deploymentId}/`, config, updatedAt: new Date().toISOString() };
    write(file + '.tmp', JSON.stringify(entry));
    fs.renameSync(file + '.tmp', file);
  }

  const get = (p, headers = {}, method = 'GET') => request(port, method, p, { host: HOST, ...headers });

  test('prints exactly one line and serves index.html for / with type, length and deployment', async () => {
    const r = await get('/');
    assert.equal(r.status, 200);
    assert.equal(r.body, '<h1>v1</h1>');
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['content-length'], String('<h1>v1</h1>'.length));
    assert.equal(r.headers['cache-control'], 'public, max-age=0, must-revalidate');
    assert.equal(r.headers['x-miaobu-deployment'], 'd1');
    assert.ok(r.headers.etag);
  });

  test('serves hashed assets as immutable', async () => {
    const r = await get('/assets/app-3f9a1b2c.js');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'console.log(1)');
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('answers 304 for a matching If-None-Match and 200 for a stale one', async () => {
    const first = await get('/style.css');
    const again = await get('/style.css', { 'if-none-match': first.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, first.headers.etag);
    const stale = await get('/style.css', { 'if-none-match': 'W/"nope"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body, 'body{}');
  });

  test('sends headers without a body for HEAD', async () => {
    const r = await get('/style.css', {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], '6');
    assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('answers 405 for POST', async () => {
    const r = await get('/', {}, 'POST');
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET, HEAD');
  });

  test('serves the site 404.html with status 404 for unknown paths', async () => {
    const r = await get('/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.body, '<h1>custom 404</h1>');
    assert.equal(r.headers['x-miaobu-deployment'], 'd1');
  });

  test('redirects a directory to its slash form', async () => {
    const r = await get('/docs?q=1');
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, '/docs/?q=1');
    assert.equal((await get('/docs/')).body, 'docs');
  });

  test('answers 400 for traversal attempts and never reaches outside files', async () => {
    for (const p of ['/../outside/secret.txt', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside/secret.txt', '/a%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/x%00']) {
      const r = await get(p);
      assert.equal(r.status, 400, p);
      assert.doesNotMatch(r.body, /top secret/);
    }
  });

  test('does not follow symlinks that point outside the deployment', async () => {
    const file = await get('/secret.txt');
    assert.equal(file.status, 404);
    assert.doesNotMatch(file.body, /top secret/);
    const dir = await get('/linked/');
    assert.doesNotMatch(dir.body, /outside index/);
    const inside = await get('/inside-link.txt');
    assert.equal(inside.status, 200);
    assert.equal(inside.body, 'reachable');
  });

  test('uses x-forwarded-host over host to find the site', async () => {
    const r = await request(port, 'GET', '/', { host: `127.0.0.1:${port}`, 'x-forwarded-host': 'My-Site.localhost:8080' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-miaobu-deployment'], 'd1');
  });

  test('serves a wildcard domain on the names under it, one label deep, and a name\'s own entry first', async () => {
    const covered = await request(port, 'GET', '/', { host: 'Anything.wild.localhost:8443' });
    assert.equal(covered.status, 200);
    assert.equal(covered.body, '<h1>v2</h1>');
    assert.equal((await request(port, 'GET', '/', { host: 'own.wild.localhost' })).headers['x-miaobu-deployment'], 'd1');
    assert.equal((await request(port, 'GET', '/', { host: 'a.b.wild.localhost' })).status, 404);
    assert.equal((await request(port, 'GET', '/', { host: 'wild.localhost' })).status, 404);
  });

  test('shows a clear page for a host with no site', async () => {
    const r = await request(port, 'GET', '/', { host: 'nobody.localhost:8080' });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(r.body, /No site is deployed at nobody\.localhost:8080/);
  });

  test('escapes the host in the unknown-host page', async () => {
    const r = await request(port, 'GET', '/', { host: '<b>x</b>' });
    assert.equal(r.status, 404);
    assert.doesNotMatch(r.body, /<b>x<\/b>/);
  });

  test('answers 502 for an unreadable route entry and keeps serving', async () => {
    const r = await request(port, 'GET', '/', { host: 'broken.localhost' });
    assert.equal(r.status, 502);
    assert.match(r.body, /could not be read/);
    await until(() => /broken_localhost\.json is unusable/.test(stderr), 'the bad entry is logged to stderr');
    assert.equal((await get('/')).status, 200);
  });

  test('renders a default 404 page when the site has no 404.html', async () => {
    writeDeployment('d3', { 'index.html': 'spa' });
    writeRoute('spa.localhost', 'd3');
    const asset = await request(port, 'GET', '/missing.js', { host: 'spa.localhost' });
    assert.equal(asset.status, 404);
    assert.match(asset.body, /404 — page not found/);
    const deep = await request(port, 'GET', '/some/route', { host: 'spa.localhost' });
    assert.equal(deep.status, 200);
    assert.equal(deep.body, 'spa');
  });

  test('follows the redirect and header rules of the route entry, also for 304 and HEAD', async () => {
    // A deployment's rules never change, so the server compiles them once per deployment id.
    writeDeployment('d4', { 'index.html': '<h1>v4</h1>', 'style.css': 'body{}', 'docs/intro.html': 'intro' });
    writeRoute('rules.localhost', 'd4', {
      redirects: [{ from: '/old/*', to: '/docs/:splat', status: 302, force: false }, { from: '/app/*', to: '/index.html', status: 200, force: false }],
      headers: [{ path: '/*', set: { 'x-frame-options': 'DENY' } }, { path: '/style.css', set: { 'cache-control': 'public, max-age=60' } }],
    });
    const rules = (p, headers = {}, method = 'GET') => request(port, method, p, { host: 'rules.localhost', ...headers });
    const moved = await rules('/old/intro?x=1');
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.location, '/docs/intro?x=1');
    assert.equal(moved.headers['x-miaobu-deployment'], 'd4');
    const app = await rules('/app/settings');
    assert.equal(app.status, 200);
    assert.equal(app.body, '<h1>v4</h1>');
    assert.equal(app.headers['x-frame-options'], 'DENY');
    const css = await rules('/style.css');
    assert.equal(css.headers['cache-control'], 'public, max-age=60');
    const again = await rules('/style.css', { 'if-none-match': css.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.headers['cache-control'], 'public, max-age=60');
    const head = await rules('/app/x', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['x-frame-options'], 'DENY');
  });

  test('rules with has / missing conditions see the request headers, cookies and host', async () => {
    writeDeployment('d5', { 'index.html': 'home', 'beta.html': 'beta', 'fr/index.html': 'accueil' });
    const config = {
      redirects: [
        { from: '/', to: '/:lang/', status: 307, force: true, has: [{ type: 'cookie', key: 'locale', value: '(?<lang>fr)-.*' }] },
        { from: '/', to: '/beta.html', status: 200, force: true, has: [{ type: 'header', key: 'x-beta', value: 'on' }] },
      ],
      headers: [{ path: '/*', set: { 'x-robots-tag': 'noindex' }, missing: [{ type: 'host', value: 'cond\\.localhost' }] }],
    };
    writeRoute('cond.localhost', 'd5', config);
    writeRoute('preview.localhost', 'd5', config);
    const ask = (headers) => request(port, 'GET', '/', { host: 'cond.localhost', ...headers });
    const french = await ask({ cookie: 'a=1; locale=fr-CA' });
    assert.equal(french.status, 307);
    assert.equal(french.headers.location, '/fr/');
    assert.equal((await ask({ 'X-Beta': 'on' })).body, 'beta');
    const plain = await ask({});
    assert.equal(plain.body, 'home');
    assert.equal(plain.headers['x-robots-tag'], undefined);
    // The same deployment under another (forwarded) host: `missing` host no longer holds, so the header applies.
    const preview = await ask({ 'x-forwarded-host': 'preview.localhost:8080' });
    assert.equal(preview.body, 'home');
    assert.equal(preview.headers['x-robots-tag'], 'noindex');
  });

  test('serves the new deployment on the next request after the route file is replaced', async () => {
    assert.equal((await get('/')).body, '<h1>v1</h1>');
    writeRoute(HOST, 'd2');
    const r = await get('/');
    assert.equal(r.body, '<h1>v2</h1>');
    assert.equal(r.headers['x-miaobu-deployment'], 'd2');
    writeRoute(HOST, 'd1');
    assert.equal((await get('/')).body, '<h1>v1</h1>');
  });

  test('stops cleanly on SIGTERM', async () => {
    const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
  });
});

// The child's stderr travels on its own pipe and may arrive after the HTTP response.
async function until(check, what, ms = 3000) {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function write(file, body) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
}

function firstLine(stream) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) {
        stream.off('data', onData);
        resolve(buf.slice(0, i));
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`server exited before listening: ${buf}`)));
  });
}

function request(port, method, p, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local server: ACME challenges and HTTPS by SNI', () => {
  test('answers /.well-known/acme-challenge/{token} on any host from the challenge directory, before the site', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'miaobu-edge-acme-'));
    const token = 'abcdefghijklmnopqrstuvwxyz_-0123';
    fs.mkdirSync(path.join(tmp, 'acme-challenges'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'acme-challenges', token), `${token}.thumbprint`);
    const server = spawn(process.execPath, [SERVER, '--data', tmp, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await firstLine(server.stdout);
      const port = Number(/:(\d+)$/.exec(line)[1]);
      const hit = await get(port, `/.well-known/acme-challenge/${token}`, 'shop.example.com');
      assert.equal(hit.status, 200);
      assert.equal(hit.body, `${token}.thumbprint`);
      const miss = await get(port, '/.well-known/acme-challenge/unknowntokenunknowntoken', 'shop.example.com');
      assert.equal(miss.status, 404);
      const escape = await get(port, '/.well-known/acme-challenge/..%2f..%2fetc%2fpasswd', 'shop.example.com');
      assert.equal(escape.status, 404);
    } finally {
      server.kill('SIGTERM');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  function get(port, urlPath, host) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }
});

describe('local server: when Miaobu dies without stopping it', () => {
  test('leaves within seconds of losing its parent (kill -9 of the JVM)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'miaobu-edge-orphan-'));
    // A parent that can be killed outright: a shell that starts the edge, says its pid and waits.
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${SERVER}" --data "${tmp}" --port 0 & echo "pid $!"; read never`],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    let pid = 0;
    try {
      let out = '';
      parent.stdout.on('data', (d) => (out += d));
      await until(() => /miaobu-edge listening/.test(out), 'the edge listens');
      pid = Number(/pid (\d+)/.exec(out)[1]);
      parent.kill('SIGKILL');
      await until(() => !alive(pid), 'the orphaned edge exits', 5000);
    } finally {
      parent.kill('SIGKILL');
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL'); // else it would hold our pipe, and this run, open
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
