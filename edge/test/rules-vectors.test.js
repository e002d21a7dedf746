// The shared routing vectors against the engine, with the configs the Java rules compiler produced
// for them (vectors/rules.compiled.json, kept equal to the compiler's output by
// io.miaobu.edge.rules.RulesVectorsTest, which also feeds its fresh output through this engine).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readJson, runCase } from '../scripts/rules-vectors.js';

const cases = readJson(new URL('./vectors/rules.json', import.meta.url));
const compiled = readJson(new URL('./vectors/rules.compiled.json', import.meta.url));

describe('routing vectors (rules files -> Java compiler -> engine)', () => {
  test('there are at least 150 requests across 60 cases, each compiled', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    const requests = cases.reduce((n, c) => n + c.requests.length, 0);
    assert.ok(requests >= 150, `${requests} requests`);
    for (const c of cases) assert.ok(compiled[c.name], `no compiled config for "${c.name}"`);
    assert.equal(Object.keys(compiled).length, cases.length);
  });

  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(runCase(c, compiled[c.name].config), []);
    });
  }
});
