// Starts the real runtime (server.mjs) on a bundle the test writes, and calls it over HTTP as the edge does.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', 'server.mjs');

/**
 * @param files {name: {route, source, code}}: each function's ESM code, written as node/<name>.mjs
 * @param env extra environment for the runtime
 */
export async function startRuntime(files, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'miaobu-node-runtime-'));
  const functions = [];
  for (const [name, { route = '/' + name, source = name + '.js', code }] of Object.entries(files)) {
    const entry = `node/${name}.mjs`;
    mkdirSync(dirname(join(dir, entry)), { recursive: true });
    writeFileSync(join(dir, entry), code);
    functions.push({ name, route, source, runtime: 'node', entry });
  }
  writeFileSync(join(dir, 'functions.json'), JSON.stringify({ version: 1, functions }));
  const child = spawn(process.execPath, [SERVER, dir], {
    env: { PATH: process.env.PATH, PORT: '0', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const runtime = { stdout: '', stderr: '', child, dir };
  child.stderr.on('data', (d) => { runtime.stderr += d; });
  runtime.port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      runtime.stdout += d;
      const m = runtime.stdout.match(/^miaobu-runtime listening on (\d+)$/m);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}: ${runtime.stderr}`)));
  });

  /** A request as the edge proxies it: the function's name, its params, the site's host. */
  runtime.call = (path, { fn, params, method = 'GET', headers = {}, body, host = 'shop.example.com', token, duplex } = {}) => {
    const sent = { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', ...headers };
    if (fn) sent['x-miaobu-function'] = fn;
    if (params) sent['x-miaobu-params'] = JSON.stringify(params);
    if (token) sent['x-miaobu-edge-token'] = token;
    return fetch(`http://127.0.0.1:${runtime.port}${path}`, { method, headers: sent, body, duplex });
  };
  runtime.stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  /** Waits until the runtime logged a line matching pattern (its request log is written when the answer ends). */
  runtime.waitForOutput = async (pattern, stream = 'stdout') => {
    for (let i = 0; i < 100 && !pattern.test(runtime[stream]); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return runtime[stream];
  };
  return runtime;
}
