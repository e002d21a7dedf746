// The manifest vectors are shared with the Java side (io.miaobu.edge.FileManifestTest): both read
// test/vectors/manifest.json, so the shard the platform writes a path into is the one the routine reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { encodeRouteKey } from '../src/engine.js';
import { MANIFEST_KV_PREFIX, inEveryShard, manifestKey, manifestShard } from '../src/manifest.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors/manifest.json', import.meta.url), 'utf8'));

describe('file manifest (shared vectors)', () => {
  test('a path\'s shard', () => {
    assert.ok(vectors.shards.length >= 50);
    for (const c of vectors.shards) assert.equal(manifestShard(c.path, c.shards), c.shard, JSON.stringify(c));
  });

  test('a page, its .html and its index.html share a shard', () => {
    for (const shards of [7, 4096]) {
      assert.equal(manifestShard('about', shards), manifestShard('about.html', shards));
      assert.equal(manifestShard('about', shards), manifestShard('about/index.html', shards));
    }
  });

  test('the paths every shard lists', () => {
    for (const c of vectors.everyShard) assert.equal(inEveryShard(c.path), c.every, c.path);
  });

  test('keys are in the Edge KV alphabet and never a route key', () => {
    for (const c of vectors.keys) {
      assert.equal(manifestKey(c.deploymentId, c.shard), c.key);
      assert.match(c.key, /^[A-Za-z0-9_-]{1,512}$/);
    }
    for (const id of vectors.badIds) assert.throws(() => manifestKey(id), /cannot name a manifest key/, id);
    // Route keys' capitals are A..P in pairs; `S` never appears in one.
    assert.ok(MANIFEST_KV_PREFIX.includes('S'));
    for (const host of ['FILES_d1', 'files.d1', 'FILES_.d1']) assert.ok(!encodeRouteKey(host).startsWith(MANIFEST_KV_PREFIX), host);
  });
});
