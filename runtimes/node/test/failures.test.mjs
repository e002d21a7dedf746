// What the runtime does when a function fails, and what an attacker (a visitor, or the function's own code)
// can and cannot do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from './runtime.mjs';

const TOKEN = 'edge-secret-' + Math.random().toString(36).slice(2);

describe('a function that fails', () => {
  let rt;
  before(async () => {
    rt = await startRuntime({
      'api/throws': { code: `export default async () => { throw new Error('database password is hunter2'); };` },
      'api/node-throws': { code: `export default async function handler(req, res) { await null; throw new TypeError('boom in node style'); }` },
      'api/broken-import': { code: `import './missing.mjs'; export default () => new Response('never');` },
      'api/returns-object': { code: `export default (request) => ({ hello: 'world' });` },
      'api/nothing': { code: `export const answer = 42;` },
      'api/late-rejection': {
        code: `export default () => { setTimeout(() => Promise.reject(new Error('stray rejection')), 10);
               setTimeout(() => { throw new Error('stray throw'); }, 20); return new Response('answered'); };`,
      },
      'api/ok': { code: `export default () => new Response('still here');` },
    });
  });
  after(() => rt.stop());

  test('a throwing handler answers 502 with a page naming the function, never the error or its stack', async () => {
    for (const fn of ['api/throws', 'api/node-throws']) {
      const res = await rt.call('/' + fn, { fn });
      const page = await res.text();
      assert.equal(res.status, 502);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.match(page, /This function crashed/);
      assert.ok(page.includes(fn));
      assert.doesNotMatch(page, /hunter2|boom|at .*\.mjs/);
    }
    const log = await rt.waitForOutput(/boom in node style/, 'stderr');
    assert.match(log, /database password is hunter2[\s\S]*at .*api\/throws\.mjs/, 'the error and its stack go to the function log');
  });

  test('a module that fails to load answers 502, and the log says why', async () => {
    const res = await rt.call('/api/broken-import', { fn: 'api/broken-import' });
    assert.equal(res.status, 502);
    assert.match(await rt.waitForOutput(/missing\.mjs/, 'stderr'), /Cannot find module .*missing\.mjs/);
  });

  test('a handler that returns something other than a Response answers 502 naming the problem', async () => {
    const res = await rt.call('/api/returns-object', { fn: 'api/returns-object' });
    assert.equal(res.status, 502);
    assert.match(await res.text(), /returned an object \(Object\) instead of a Response/);
  });

  test('a module without a handler answers 502 saying what to export', async () => {
    const res = await rt.call('/api/nothing', { fn: 'api/nothing' });
    assert.equal(res.status, 502);
    assert.match(await res.text(), /exports no handler/);
  });

  test('stray errors after the answer are logged and the runtime keeps answering', async () => {
    assert.equal(await (await rt.call('/api/late-rejection', { fn: 'api/late-rejection' })).text(), 'answered');
    await rt.waitForOutput(/stray throw/, 'stderr');
    assert.match(rt.stderr, /stray rejection/);
    assert.equal(await (await rt.call('/api/ok', { fn: 'api/ok' })).text(), 'still here');
  });

  test('a request for no function of the bundle is a 404', async () => {
    assert.equal((await rt.call('/api/other', { fn: 'api/other' })).status, 404);
    assert.equal((await rt.call('/api/ok')).status, 404);
  });

  test('a body over 4.5 MB is refused with 413 before the function runs', async () => {
    const big = Buffer.alloc(4.5 * 1024 * 1024 + 1, 'a');
    const res = await rt.call('/api/ok', { fn: 'api/ok', method: 'POST', body: big });
    assert.equal(res.status, 413);
    const atLimit = await rt.call('/api/ok', { fn: 'api/ok', method: 'POST', body: big.subarray(1) });
    assert.equal(atLimit.status, 200);
  });

  test('a body over 4.5 MB without a Content-Length (chunked) is refused too', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await rt.call('/api/ok', { fn: 'api/ok', method: 'POST', body, duplex: 'half' });
    assert.equal(res.status, 413);
  });

  test('malformed params from the edge are a 400, not a crash', async () => {
    const res = await fetch(`http://127.0.0.1:${rt.port}/api/ok`, { headers: { 'x-miaobu-function': 'api/ok', 'x-miaobu-params': '[1' } });
    assert.equal(res.status, 400);
  });
});

describe('the edge token', () => {
  let rt;
  before(async () => {
    rt = await startRuntime({
      'api/env': {
        code: `import { readFileSync } from 'node:fs';
          export default () => Response.json({ env: process.env, environ: readFileSync('/proc/self/environ', 'latin1') });`,
      },
    }, { MIAOBU_EDGE_TOKEN: TOKEN, GREETING: 'hello' });
  });
  after(() => rt.stop());

  test('a request without the token, or with a wrong one, is refused with 403', async () => {
    assert.equal((await rt.call('/api/env', { fn: 'api/env' })).status, 403);
    assert.equal((await rt.call('/api/env', { fn: 'api/env', token: TOKEN.slice(0, -1) })).status, 403);
    assert.equal((await rt.call('/api/env', { fn: 'api/env', token: TOKEN + 'x' })).status, 403);
  });

  test('the function cannot read the token: not in process.env, not in /proc/self/environ', async () => {
    const res = await rt.call('/api/env', { fn: 'api/env', token: TOKEN });
    assert.equal(res.status, 200);
    const { env, environ } = await res.json();
    assert.equal(env.GREETING, 'hello', 'the deployment\'s variables are there');
    assert.equal(env.MIAOBU_EDGE_TOKEN, undefined);
    assert.ok(environ.includes('GREETING=hello'));
    assert.ok(!environ.includes(TOKEN), 'the token is gone from the startup environment');
  });
});
