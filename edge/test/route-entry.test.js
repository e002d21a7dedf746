import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEntry } from '../src/engine.js';

// One check serves the ESA routine and the local edge: an entry that names files outside its own
// deployment's prefix is never served from, whichever edge reads it.
test('a route entry whose prefix leaves its deployment is refused by both edges', () => {
  for (const prefix of ['../p2/d2/', 'sites/p1/../p2/d2/', '/etc/', 'sites/./p1/', 'sites/p1/d1', '', null]) {
    assert.throws(() => validateEntry({ deploymentId: 'd1', prefix }), /invalid prefix/, String(prefix));
  }
  assert.throws(() => validateEntry({ prefix: 'sites/p1/d1/' }), /no deploymentId/);
  assert.throws(() => validateEntry('sites/p1/d1/'), /not a JSON object/);
  const entry = { deploymentId: 'd1', prefix: 'sites/p1/d1/' };
  assert.equal(validateEntry(entry), entry);
});
