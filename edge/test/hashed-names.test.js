// Precision and recall of the edge's content-hash rule (isHashed) on the files real builds publish:
// edge/test/vectors/hashed-names.json, made by edge/scripts/hashed-names.mjs from the output of
// RealProjectsTest (the catalog's frameworks from their official templates). A file is labelled
// hashed by its framework's documented naming, not by the rule under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isHashed } from '../src/engine.js';

const corpus = JSON.parse(readFileSync(new URL('./vectors/hashed-names.json', import.meta.url), 'utf8'));

test('content-hashed names from real builds: precision 100%, recall at least 99%', () => {
  let tp = 0, fp = 0, fn = 0;
  const wrong = [];
  for (const [project, files] of Object.entries(corpus.projects)) {
    for (const file of files.hashed) {
      if (isHashed(file)) tp++; else { fn++; wrong.push(`${project}: missed ${file}`); }
    }
    for (const file of files.unhashed) {
      if (isHashed(file)) { fp++; wrong.push(`${project}: ${file} is not hashed`); }
    }
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  console.log(`hashed names: ${tp + fn} hashed, precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%`);
  assert.equal(fp, 0, wrong.join('\n'));
  assert.ok(recall >= 0.99, wrong.join('\n'));
});

// Beyond the corpus: hashes each tool makes, from deterministic pseudo-random bytes, in each tool's naming.
// The corpus is small (and the rule was tuned on it); these say how the rule does on hashes it never saw.
import { createHash } from 'node:crypto';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const bytes = (i) => createHash('sha256').update(String(i)).digest();
const token = (i, alphabet) => Array.from(bytes(i).subarray(0, 8), (b) => alphabet[b % alphabet.length]).join('');
const hex8 = (i) => bytes(i).toString('hex').slice(0, 8);

const shapes = [
  ['Vite/Rollup assets/index-[hash].js', (i) => `assets/index-${token(i, BASE64URL)}.js`, 0.96],
  ['VitePress assets/app.[hash].js', (i) => `assets/app.${token(i, BASE64URL)}.js`, 0.96],
  ['Angular/esbuild main-[hash].js', (i) => `main-${token(i, BASE32)}.js`, 0.999],
  ['webpack/Docusaurus assets/js/main.[contenthash:8].js', (i) => `assets/js/main.${hex8(i)}.js`, 0.97],
];
for (const [name, make, floor] of shapes) {
  test(`random hashes named as ${name} are recognized (at least ${floor * 100}%)`, () => {
    const n = 20000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (isHashed(make(i))) hits++;
    console.log(`${name}: recall ${((100 * hits) / n).toFixed(1)}% of ${n}`);
    assert.ok(hits / n >= floor);
  });
}
