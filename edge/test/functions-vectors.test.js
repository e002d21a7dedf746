// Function routing vectors: which requests the engine forwards to a deployment's functions or web app,
// with what, and which stay static. io.miaobu.functions.FunctionRoutesVectorsTest checks that the Java
// build compiles each case's manifest into exactly the `config` these run on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { route, validateEntry } from '../src/engine.js';

const cases = JSON.parse(readFileSync(new URL('./vectors/functions.json', import.meta.url), 'utf8'));

describe('function routing vectors', () => {
  for (const c of cases) {
    test(c.name, () => {
      const files = new Set(c.files);
      const entry = validateEntry({ deploymentId: 'd1', prefix: 'sites/p1/d1/', config: c.config,
        backends: { node: 'local:d1/node', python: 'local:d1/python' } });
      for (const r of c.requests) {
        const method = r.method || 'GET';
        const got = route(entry, { method, path: r.path }, (p) => files.has(p));
        const what = `${method} ${r.path}`;
        if (r.proxy) {
          assert.deepEqual(got.proxy, r.proxy, what);
          assert.equal(got.file, null, what);
          assert.equal(got.headers['cache-control'], 'no-store', what);
        } else {
          assert.equal(got.proxy, undefined, what);
          assert.equal(got.status, r.status, what);
          if ('file' in r) assert.equal(got.file, r.file, what);
        }
      }
    });
  }
});

test('a route entry whose backends are not an object of strings is refused', () => {
  const base = { deploymentId: 'd1', prefix: 'sites/p1/d1/' };
  for (const backends of ['local:d1/node', ['local:d1/node'], { node: 42 }, { node: '' }, { node: null }]) {
    assert.throws(() => validateEntry({ ...base, backends }), /backend/, JSON.stringify(backends));
  }
  assert.doesNotThrow(() => validateEntry({ ...base, backends: { node: 'https://fc.example.com/d1' } }));
  assert.doesNotThrow(() => validateEntry({ ...base, backends: null }));
});

test('a malformed function route is skipped, not fatal', () => {
  const entry = { deploymentId: 'd1', prefix: 'sites/p1/d1/', config: { functions: [
    { route: 'api/no-slash', name: 'x', runtime: 'node' },
    { route: '/api/[...rest]/tail', name: 'y', runtime: 'node' },
    { route: '/api/ok', name: 'ok', runtime: 'node' },
    null,
  ] } };
  assert.equal(route(entry, { method: 'GET', path: '/api/ok' }, () => false).proxy.function, 'ok');
  assert.equal(route(entry, { method: 'GET', path: '/api/a/tail' }, () => false).proxy, undefined);
});
