// The route-key vectors are shared with the Java side (io.miaobu.edge.RouteKeysTest): both read
// test/vectors/route-keys.json, so RouteKeys.encode and encodeRouteKey cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ACME_KV_PREFIX, encodeRouteKey, routeFileName, routeKeysFor } from '../src/engine.js';

const cases = JSON.parse(readFileSync(new URL('./vectors/route-keys.json', import.meta.url), 'utf8'));
const lookups = JSON.parse(readFileSync(new URL('./vectors/route-lookup.json', import.meta.url), 'utf8'));

describe('route keys (shared vectors)', () => {
  test('the vector file has enough cases to mean something', () => {
    assert.ok(Array.isArray(cases));
    assert.ok(cases.length >= 12, `only ${cases.length} cases`);
    for (const c of cases) {
      assert.equal(typeof c.host, 'string', JSON.stringify(c));
      assert.equal(typeof c.key, 'string', JSON.stringify(c));
    }
  });

  for (const c of cases) {
    test(`${c.name ?? c.host}: ${JSON.stringify(c.host)} -> ${JSON.stringify(c.key)}`, () => {
      assert.equal(encodeRouteKey(c.host), c.key);
    });
  }

  // ESA "Get started with Edge KV": a key has at most 512 bytes of letters, digits, - and _.
  test('every key uses only characters edge KV accepts, and fits', () => {
    for (const c of cases) {
      assert.match(c.key, /^[A-Za-z0-9_-]*$/, c.host);
      assert.ok(Buffer.byteLength(c.key) <= 512, c.host);
    }
  });

  test('capitals come in pairs A..P only, so no route key can start with the ACME prefix', () => {
    for (const c of cases) {
      for (const run of c.key.match(/[A-Z]+/g) ?? []) assert.ok(run.length % 2 === 0 && /^[A-P]+$/.test(run), `${c.host}: ${run}`);
      assert.ok(!c.key.startsWith(ACME_KV_PREFIX), c.host);
    }
  });

  test('a local route file is named by the key with capitals escaped, unique even where case is ignored', () => {
    const files = new Map();
    for (const c of cases) {
      const file = routeFileName(c.key);
      if (c.file !== undefined) assert.equal(file, c.file, c.host);
      assert.equal(file, file.toLowerCase(), c.host);
      const seen = files.get(file);
      if (seen !== undefined) assert.equal(seen, c.key, `${c.host} shares a file`);
      files.set(file, c.key);
    }
  });

  test('different hosts never share a key unless they differ only by case, port or trailing dot', () => {
    const canonical = (h) => h.replace(/[A-Z]+/g, (s) => s.toLowerCase()).replace(/:[0-9]+$/, '').replace(/\.$/, '');
    const byKey = new Map();
    for (const c of cases) {
      const seen = byKey.get(c.key);
      if (seen !== undefined) assert.equal(canonical(seen), canonical(c.host), `${seen} and ${c.host} collide`);
      else byKey.set(c.key, c.host);
    }
  });
});

describe('route lookup order (shared vectors): a host, then the wildcard domain covering it', () => {
  for (const c of lookups) {
    test(`${c.name}: ${JSON.stringify(c.host)}`, () => assert.deepEqual(routeKeysFor(c.host), c.keys));
  }
});
