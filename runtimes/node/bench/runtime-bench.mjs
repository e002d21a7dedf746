// The Node.js function runtime on its own (no edge, no host): how long it takes to listen, the first request
// of a function (its module loaded), and warm requests, one at a time and 20 at once, for a Web-standard and a
// Node-style handler. `./miaobu bench runtime [requests]` (default 2000 per measurement).
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', 'server.mjs');
const REQUESTS = Number(process.argv[2] ?? 2000);

const FUNCTIONS = {
  'api/web': `export default async (request, context) => Response.json({ hello: new URL(request.url).searchParams.get('name') });`,
  'api/node': `export default function handler(req, res) { res.status(200).json({ hello: req.query.name }); }`,
};

const dir = mkdtempSync(join(tmpdir(), 'miaobu-runtime-bench-'));
mkdirSync(join(dir, 'node/api'), { recursive: true });
const functions = Object.entries(FUNCTIONS).map(([name, code]) => {
  writeFileSync(join(dir, `node/${name}.mjs`), code);
  return { name, route: '/' + name, source: name + '.js', runtime: 'node', entry: `node/${name}.mjs` };
});
writeFileSync(join(dir, 'functions.json'), JSON.stringify({ version: 1, functions }));

const started = performance.now();
const child = spawn(process.execPath, [SERVER, dir], { env: { PATH: process.env.PATH, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/miaobu-runtime listening on (\d+)/);
    if (m) resolve(Number(m[1]));
  });
});
const listenMs = performance.now() - started;
child.stdout.resume();

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function call(fn) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    http.get({ host: '127.0.0.1', port, path: `/${fn}?name=ada`, agent, headers: { 'x-miaobu-function': fn, 'x-forwarded-host': 'bench.example.com' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`${fn}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (ms) => ms.toFixed(2) + ' ms';
console.log(`runtime listening after ${fmt(listenMs)} (node ${process.version}, ${REQUESTS} requests per measurement)`);
for (const fn of Object.keys(FUNCTIONS)) {
  const first = await call(fn);
  for (let i = 0; i < 200; i++) await call(fn); // JIT warm-up
  const times = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await call(fn));
  times.sort((a, b) => a - b);
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 20 }, async () => {
    while (next++ < REQUESTS) await call(fn);
  }));
  const rps = REQUESTS / ((performance.now() - t) / 1000);
  console.log(`${fn.padEnd(9)} first request ${fmt(first)}; warm one at a time p50 ${fmt(pct(times, 0.5))}, p99 ${fmt(pct(times, 0.99))}; `
    + `20 at once ${Math.round(rps)} req/s`);
}
agent.destroy();
child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
