// What a careless or hostile client can send the local edge: generated methods, Host values, paths and
// encodings (a fixed seed, so a failure reproduces). Whatever arrives, the answer is a 4xx or a page,
// never a 5xx or a dropped connection, and one expensive request never stalls the others.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeRouteKey, route, routeFileName } from '../src/engine.js';

const SERVER = fileURLToPath(new URL('../src/local-server.js', import.meta.url));
const HOST = 'my-site.localhost';

describe('local edge under hostile input', () => {
  let tmp;
  let server;
  let port;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'miaobu-edge-hostile-'));
    const base = path.join(tmp, 'artifacts', 'sites', 'p1', 'd1');
    for (const [rel, body] of Object.entries({ 'index.html': 'home', '404.html': 'custom 404', 'a/b.html': 'b' })) {
      fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
      fs.writeFileSync(path.join(base, rel), body);
    }
    const routes = path.join(tmp, 'routes');
    fs.mkdirSync(routes, { recursive: true });
    const entry = { deploymentId: 'd1', prefix: 'sites/p1/d1/', config: {}, updatedAt: new Date().toISOString() };
    fs.writeFileSync(path.join(routes, routeFileName(encodeRouteKey(HOST)) + '.json'), JSON.stringify(entry));
    server = spawn(process.execPath, [SERVER, '--data', tmp, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise((resolve, reject) => {
      let buf = '';
      server.stdout.on('data', (d) => {
        buf += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', () => reject(new Error(`edge exited: ${buf}`)));
    });
  });

  after(() => {
    server.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a path of 7,500 segments is refused with 414 at once, and other sites do not wait for it', async () => {
    const deep = '/' + 'a/'.repeat(7500);
    const started = Date.now();
    const answers = await Promise.all([0, 1, 2, 3].map(() => raw(`GET ${deep} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`)));
    for (const a of answers) assert.equal(status(a), 414);
    const home = await raw(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
    assert.equal(status(home), 200);
    assert.ok(Date.now() - started < 1000, `four deep paths and a page took ${Date.now() - started} ms`);
  });

  test('the nearest 404.html of a path 64 directories deep is found in linear time', () => {
    const asked = [];
    const exists = (rel) => {
      asked.push(rel);
      return rel === '404.html';
    };
    const decision = route({ deploymentId: 'd', prefix: 'p/', config: { spa: false } }, { method: 'GET', path: '/' + 'dir/'.repeat(63) + 'x.png' }, exists);
    assert.equal(decision.status, 404);
    assert.equal(decision.file, '404.html');
    assert.ok(asked.length < 200, `${asked.length} lookups`);
  });

  test('a Host of 5,000 characters gets 400, not an error opening a file of that name', async () => {
    const a = await raw(`GET / HTTP/1.1\r\nHost: ${'h'.repeat(5000)}.localhost\r\nConnection: close\r\n\r\n`);
    assert.equal(status(a), 400);
  });

  test('CONNECT gets 405 instead of a dropped connection', async () => {
    const a = await raw(`CONNECT ${HOST}:443 HTTP/1.1\r\nHost: ${HOST}:443\r\n\r\n`);
    assert.equal(status(a), 405);
  });

  test('a header of 1 MB gets 431', async () => {
    const a = await raw(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-Big: ${'x'.repeat(1 << 20)}\r\nConnection: close\r\n\r\n`);
    assert.equal(status(a), 431);
  });

  test('generated methods, hosts, paths and encodings never get a 5xx', async () => {
    const rnd = seeded(16);
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'M-SEARCH', 'get'];
    const hosts = [HOST, HOST + ':8080', HOST + '.', 'MY-SITE.LOCALHOST', '', '[::1]', '127.0.0.1', 'a..b.localhost',
      '*.localhost', 'xn--nxasmq6b.localhost', '%00.localhost', 'a'.repeat(300), 'ü.localhost', '-.localhost'];
    const pieces = ['a', 'b.html', '404.html', 'index.html', '%00', '%2e%2e', '..', '.', '%2F', '%5C', '%ff', '%', '%zz',
      'ü', '%C3%BC', '%F0%9F%98%80', '\u{1F600}', 'x'.repeat(300), '~', ';', '%20', '+', '"', "'", '<script>', '%0d%0a'];
    for (let i = 0; i < 400; i++) {
      const segs = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]);
      let p = '/' + segs.join('/') + (rnd() < 0.3 ? '/' : '') + (rnd() < 0.3 ? '?q=' + pieces[Math.floor(rnd() * pieces.length)] : '');
      p = p.replace(/[\s\u0080-\u{10FFFF}]/gu, (c) => encodeURIComponent(c));
      const method = methods[Math.floor(rnd() * methods.length)];
      const host = hosts[Math.floor(rnd() * hosts.length)];
      const a = await raw(`${method} ${p} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      const s = status(a);
      assert.ok(s >= 200 && s < 500, `${method} ${p} (Host: ${host}) answered ${s}: ${a.slice(0, 200)}`);
    }
  });

  function raw(text) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let got = '';
      socket.setEncoding('latin1');
      socket.on('data', (d) => {
        got += d;
        // Answers to CONNECT leave the socket open on some Node versions: the status line is enough.
        if (got.includes('\r\n\r\n') && /^HTTP\/1\.1 405/.test(got)) socket.destroy();
      });
      socket.on('close', () => resolve(got));
      socket.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(got) : reject(e)));
      socket.write(text);
    });
  }
});

function status(answer) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return m ? Number(m[1]) : 0;
}

// mulberry32: a tiny seeded generator, so the generated requests are the same on every run.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
