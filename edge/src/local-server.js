#!/usr/bin/env node
// The edge in local mode: a thin HTTP shell around the engine, reading the route entries and
// artifacts that the local RouteTable and ArtifactStore adapters write under the data directory.
//
//   node edge/src/local-server.js --data DIR --port PORT [--host 127.0.0.1] [--https-port PORT]
//     [--functions http://127.0.0.1:PORT] [--function-timeout SECONDS]
//
// Function requests (the engine's `proxy` answers) go to the route entry's backend for their runtime:
// `local:{deploymentId}/{runtime}` to the local host's function gateway (--functions, whose token comes in
// MIAOBU_GATEWAY_TOKEN), an http(s) URL as it is.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { CompiledCache, acmeChallengeToken, lookupOrder, route, routeFileName, routeKeysFor, validateEntry as validRouteEntry } from './engine.js';
import { statusPage, unknownHostPage } from './pages.js';
import { HOP_BY_HOP, connectionListed } from './proxy.js';

const HTML = 'text/html; charset=utf-8';
const MAX_FILES_PER_DEPLOYMENT = 10_000; // bounds memory when someone probes random paths
const MAX_DEPLOYMENTS = 200;
// A client gets this long to send its headers, and its whole request: slow clients cost a socket each,
// never the event loop, but they should not pile up for Node's default of five minutes.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
// A DNS name is at most 253 characters; with a port, a Host header is never longer than this.
const MAX_HOST_LENGTH = 260;

const GATEWAY_ERROR = 'x-miaobu-function-error';

export function createEdgeServer({ dataDir, functions = null, gatewayToken = '', functionTimeoutMs = 10_000 }) {
  const routesDir = path.resolve(dataDir, 'routes');
  const artifactsDir = path.resolve(dataDir, 'artifacts');
  const routeCache = new Map(); // route key -> { sig, value: { entry } | { error } }
  const deployments = new Map(); // prefix -> { realBase, files: Map(relPath -> info | null) }
  const compiled = new CompiledCache(MAX_DEPLOYMENTS); // rules compiled once per deployment

  // Entries are replaced by rename, so (inode, size, mtime) changes with every promote; reading
  // through one open descriptor keeps the signature and the parsed content from the same file.
  function loadEntry(key) {
    const file = path.join(routesDir, routeFileName(key) + '.json');
    let fd;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'ENAMETOOLONG') return null;
      throw e;
    }
    try {
      const st = fs.fstatSync(fd);
      const sig = `${st.ino}:${st.size}:${st.mtimeMs}`;
      const cached = routeCache.get(key);
      if (cached && cached.sig === sig) return cached.value;
      let value;
      try {
        value = { entry: validateEntry(JSON.parse(fs.readFileSync(fd, 'utf8'))) };
      } catch (e) {
        value = { error: e.message };
        console.error(`miaobu-edge: route entry ${file} is unusable: ${e.message}`);
      }
      routeCache.set(key, { sig, value });
      return value;
    } finally {
      fs.closeSync(fd);
    }
  }

  function validateEntry(entry) {
    validRouteEntry(entry);
    const base = path.resolve(artifactsDir, entry.prefix);
    if (!base.startsWith(artifactsDir + path.sep)) throw new Error(`prefix ${entry.prefix} leaves the artifacts`);
    return entry;
  }

  // Deployments are immutable, so what exists under a prefix can be remembered for good.
  function deploymentFiles(prefix) {
    let d = deployments.get(prefix);
    if (!d) {
      const base = path.resolve(artifactsDir, prefix);
      let realBase;
      try {
        realBase = fs.realpathSync(base);
      } catch {
        return { find: () => null }; // not uploaded (yet): nothing exists, and nothing is cached
      }
      if (deployments.size >= MAX_DEPLOYMENTS) deployments.clear();
      d = { base, realBase, files: new Map() };
      deployments.set(prefix, d);
    }
    return {
      find(rel) {
        if (d.files.has(rel)) return d.files.get(rel);
        if (d.files.size >= MAX_FILES_PER_DEPLOYMENT) d.files.clear();
        const info = statInside(d.base, d.realBase, rel);
        d.files.set(rel, info);
        return info;
      },
    };
  }

  // HTTP-01 answers the certificate service left (io.miaobu.local.DirectoryAcmeChallenges), on any host.
  function acmeChallenge(req, res) {
    const token = acmeChallengeToken(req.url);
    if (!token) return false;
    let body;
    try {
      body = fs.readFileSync(path.join(dataDir, 'acme-challenges', token));
    } catch {
      return false; // not ours: the site's own file, if it has one
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  function handle(req, res) {
    if (acmeChallenge(req, res)) return;
    const host = firstValue(req.headers['x-forwarded-host']) || req.headers.host || '';
    if (host.length > MAX_HOST_LENGTH) {
      return sendPage(req, res, 400, statusPage(400, 'The Host header is longer than any hostname can be.'), { 'cache-control': 'no-store' });
    }
    let loaded = null;
    for (const key of routeKeysFor(host)) {
      loaded = loadEntry(key);
      if (loaded) break;
    }
    if (!loaded) return sendPage(req, res, 404, unknownHostPage(host), { 'cache-control': 'no-store' });
    if (loaded.error) {
      const detail = `The route entry for ${host} could not be read (${loaded.error}). Redeploy or promote the site again.`;
      return sendPage(req, res, 502, statusPage(502, detail), { 'cache-control': 'no-store' });
    }
    const { entry } = loaded;
    const files = deploymentFiles(entry.prefix);
    const request = { method: req.method, path: req.url, header: (name) => req.headers[name], host };
    const decision = route(entry, request, (rel) => files.find(rel) !== null, compiled.get(entry));
    const headers = { ...decision.headers, 'x-miaobu-deployment': entry.deploymentId };
    if (decision.proxy) return proxyToFunction(req, res, entry, decision.proxy, host);

    if (decision.location) {
      res.writeHead(decision.status, { ...headers, 'content-length': 0 });
      return res.end();
    }
    const info = decision.file && files.find(decision.file);
    if (!info) return sendPage(req, res, decision.status, statusPage(decision.status), headers);

    const etag = `W/"${info.ino.toString(16)}-${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    if (decision.status === 200 && etagMatches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { etag, 'cache-control': headers['cache-control'], 'x-miaobu-deployment': entry.deploymentId });
      return res.end();
    }
    res.writeHead(decision.status, { ...headers, etag, 'content-length': info.size });
    if (req.method === 'HEAD') return res.end();
    pipeline(fs.createReadStream(info.real), res, (err) => {
      if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error(`miaobu-edge: reading ${info.real}: ${err.message}`);
    });
  }

  // The request goes to the deployment's backend as it came (method, path, query, headers, body streamed),
  // with what the runtime needs to know; the answer comes back as the function gave it, never cached unless
  // it says so. The backend's address never reaches the visitor.
  function proxyToFunction(req, res, entry, proxy, host) {
    const fail = (status, detail) => {
      if (res.headersSent) return res.destroy();
      sendPage(req, res, status, statusPage(status, detail), { 'cache-control': 'no-store', 'x-miaobu-deployment': entry.deploymentId });
    };
    const backend = entry.backends && entry.backends[proxy.runtime];
    let target;
    if (typeof backend === 'string' && backend.startsWith('local:') && functions) {
      target = new URL(functions + '/' + backend.slice('local:'.length) + req.url);
    } else if (typeof backend === 'string' && /^https?:\/\//.test(backend)) {
      target = new URL(backend.replace(/\/+$/, '') + req.url);
    } else {
      req.resume();
      return fail(502, 'This deployment\u2019s functions are not available here.');
    }
    const headers = {};
    const named = connectionListed(req.headers.connection);
    for (const [name, value] of Object.entries(req.headers)) {
      if (HOP_BY_HOP.has(name) || named.has(name) || name === 'host' || name.startsWith('x-miaobu-') || name.startsWith('x-forwarded-')) continue;
      headers[name] = value;
    }
    if (proxy.function !== null) headers['x-miaobu-function'] = proxy.function;
    headers['x-miaobu-params'] = JSON.stringify(proxy.params || {});
    headers['x-forwarded-host'] = host;
    headers['x-forwarded-proto'] = req.socket.encrypted ? 'https' : 'http';
    if (backend.startsWith('local:')) headers['x-miaobu-gateway-token'] = gatewayToken;
    const client = target.protocol === 'https:' ? https : http;
    // A fresh connection to the gateway each time: a worker killed mid-answer never leaves a broken one to reuse.
    const upstream = client.request(target, { method: req.method, headers, agent: backend.startsWith('local:') ? false : undefined }, (answer) => {
      const gatewayError = answer.headers[GATEWAY_ERROR];
      if (gatewayError && backend.startsWith('local:')) {
        answer.resume();
        if (answer.statusCode === 504) return fail(504, 'The function did not answer within its time limit.');
        return fail(502, gatewayError === 'crashed' ? `This function crashed${proxy.function ? ` (${proxy.function})` : ''}. Its log says why.`
          : 'This deployment\u2019s functions are not available.');
      }
      const out = {};
      const dropped = connectionListed(answer.headers.connection);
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && !dropped.has(name)) out[name] = value;
      }
      if (!('cache-control' in out)) out['cache-control'] = 'no-store';
      out['x-miaobu-deployment'] = entry.deploymentId;
      res.writeHead(answer.statusCode, out);
      pipeline(answer, res, () => {});
    });
    // The gateway enforces the function's time limit; this only catches a backend that never answers.
    upstream.setTimeout(functionTimeoutMs + 5_000, () => upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (e) => fail(e.code === 'ETIMEDOUT' ? 504 : 502, e.code === 'ETIMEDOUT'
      ? 'The function did not answer within its time limit.' : 'The function could not be reached.'));
    pipeline(req, upstream, () => {});
  }

  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, listener);
  // CONNECT is for proxies; without a listener Node drops the socket without a word.
  server.on('connect', (req, socket) => {
    socket.on('error', () => {});
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;

  function listener(req, res) {
    try {
      handle(req, res);
    } catch (e) {
      console.error(`miaobu-edge: ${req.method} ${req.url}: ${e.stack || e}`);
      if (!res.headersSent) sendPage(req, res, 500, statusPage(500), { 'cache-control': 'no-store' });
      else res.destroy();
    }
  }
}

/**
 * HTTPS for custom domains in local mode: the certificate is chosen by SNI from the PEM files the
 * local CertificateStore writes ({data}/certificates/{host}.crt and .key); a name without one fails
 * the handshake. Requests then go through the same handler as plain HTTP.
 */
export function createHttpsEdgeServer({ dataDir, handler }) {
  const certsDir = path.resolve(dataDir, 'certificates');
  const contexts = new Map(); // host -> { sig, context }
  // The name's own certificate, else the wildcard one covering it (`*.shop.com` for `a.shop.com`), the
  // same order the route lookup follows.
  function contextFor(servername) {
    const host = String(servername || '').toLowerCase();
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(host) || host.includes('..')) return null;
    for (const name of lookupOrder(host)) {
      const context = contextFile(name);
      if (context) return context;
    }
    return null;
  }
  function contextFile(name) {
    const crt = path.join(certsDir, name + '.crt');
    const key = path.join(certsDir, name + '.key');
    let st;
    try {
      st = fs.statSync(crt);
    } catch {
      return null;
    }
    const sig = `${st.ino}:${st.mtimeMs}`;
    const cached = contexts.get(name);
    if (cached && cached.sig === sig) return cached.context;
    const context = tls.createSecureContext({ cert: fs.readFileSync(crt), key: fs.readFileSync(key) });
    contexts.set(name, { sig, context });
    return context;
  }
  return https.createServer({
    SNICallback(servername, cb) {
      try {
        const context = contextFor(servername);
        cb(context ? null : new Error(`no certificate for ${servername}`), context || undefined);
      } catch (e) {
        console.error(`miaobu-edge: certificate for ${servername}: ${e.message}`);
        cb(e);
      }
    },
  }, handler);
}

/** The file at base/rel when it is a regular file that, symlinks resolved, is still inside base. */
function statInside(base, realBase, rel) {
  const full = path.resolve(base, rel);
  if (!full.startsWith(base + path.sep)) return null;
  try {
    const real = fs.realpathSync(full);
    if (!real.startsWith(realBase + path.sep)) return null;
    const st = fs.statSync(real);
    return st.isFile() ? { real, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino } : null;
  } catch {
    return null;
  }
}

function sendPage(req, res, status, html, headers) {
  const body = Buffer.from(html);
  res.writeHead(status, { ...headers, 'content-type': HTML, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function firstValue(header) {
  return header ? String(header).split(',')[0].trim() : '';
}

function etagMatches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  const weak = (t) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || weak(t) === weak(etag));
}

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 0, data: null, 'https-port': null, functions: null, 'function-timeout': '10' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!['data', 'port', 'host', 'https-port', 'functions', 'function-timeout'].includes(name) || i + 1 >= argv.length) {
      throw new Error(`unknown or incomplete option ${argv[i]}`);
    }
    opts[name] = argv[++i];
  }
  if (!opts.data) throw new Error('--data DIR is required');
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${opts.port}`);
  const httpsPort = opts['https-port'] === null ? null : Number(opts['https-port']);
  if (httpsPort !== null && (!Number.isInteger(httpsPort) || httpsPort < 0 || httpsPort > 65535)) {
    throw new Error(`invalid --https-port ${opts['https-port']}`);
  }
  if (opts.functions !== null && !/^http:\/\/127\.0\.0\.1:\d+$/.test(opts.functions)) throw new Error(`invalid --functions ${opts.functions}`);
  const functionTimeout = Number(opts['function-timeout']);
  if (!Number.isInteger(functionTimeout) || functionTimeout < 1) throw new Error(`invalid --function-timeout ${opts['function-timeout']}`);
  return { ...opts, port, httpsPort, functionTimeoutMs: functionTimeout * 1000 };
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`miaobu-edge: ${e.message}\nusage: node local-server.js --data DIR --port PORT [--host 127.0.0.1] [--https-port PORT]`);
    process.exit(2);
  }
  const server = createEdgeServer({ dataDir: opts.data, functions: opts.functions,
    gatewayToken: process.env.MIAOBU_GATEWAY_TOKEN || '', functionTimeoutMs: opts.functionTimeoutMs });
  delete process.env.MIAOBU_GATEWAY_TOKEN;
  server.on('error', (e) => {
    console.error(`miaobu-edge: ${e.message}`);
    process.exit(1);
  });
  const secure = opts.httpsPort === null ? null : createHttpsEdgeServer({ dataDir: opts.data, handler: (req, res) => server.emit('request', req, res) });
  const listening = () => {
    const { address, port } = server.address();
    const shown = address.includes(':') ? `[${address}]` : address;
    if (secure) process.stdout.write(`miaobu-edge https on https://${shown}:${secure.address().port}\n`);
    process.stdout.write(`miaobu-edge listening on http://${shown}:${port}\n`);
  };
  if (secure) {
    secure.on('error', (e) => {
      console.error(`miaobu-edge: https: ${e.message}`);
      process.exit(1);
    });
    secure.listen(opts.httpsPort, opts.host, () => server.listen(opts.port, opts.host, listening));
  } else {
    server.listen(opts.port, opts.host, listening);
  }
  const stop = () => {
    if (secure) secure.close();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref(); // in-flight downloads get two seconds
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Miaobu killed without a clean stop (kill -9) cannot stop us: we are handed to another parent, so leave
  // too, or we would keep serving stale routes and hold MIAOBU_HTTPS_PORT against the next start.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
