// The route-key vectors are shared with the Java side (io.miaobu.edge.RouteKeysTest): both read
// test/vectors/route-keys.json, so RouteKeys.encode and encodeRouteKey cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { encodeRouteKey, routeKeysFor } from '../src/engine.js';

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

  test('every key uses only characters edge KV accepts', () => {
    for (const c of cases) assert.match(c.key, /^[a-z0-9_~-]*$/, c.host);
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
