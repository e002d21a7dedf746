#!/usr/bin/env node
// Runs the shared routing vectors (edge/test/vectors/rules.json) through the engine with compiled
// configs: the committed ones (edge/test/rules-vectors.test.js) or fresh output of the Java rules
// compiler (io.miaobu.edge.rules.RulesVectorsTest runs this file), so parser and engine cannot drift.
//
//   node edge/scripts/rules-vectors.js VECTORS.json COMPILED.json
//
// COMPILED.json maps each case name to { "config": {...}, "warnings": [...] }. Prints one JSON
// object: { "cases": n, "requests": n, "failures": { "case name": ["what differed", ...] } }.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompiledCache, route } from '../src/engine.js';

const cache = new CompiledCache();

/** What differs between the engine's answers and the case's expectations (empty when none). */
export function runCase(testCase, config, label = 'vector') {
  const files = new Set(testCase.files);
  const entry = { deploymentId: `${label}:${testCase.name}`, prefix: 'sites/p/d/', config, updatedAt: '2024-01-01T00:00:00Z' };
  const compiled = cache.get(entry);
  const failures = [];
  for (const req of testCase.requests) {
    const method = req.method || 'GET';
    // `requestHeaders` and `host` are what the request carries, for `has` / `missing` conditions.
    const sent = new Map(Object.entries(req.requestHeaders || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const request = { method, path: req.path, header: (name) => sent.get(name), host: req.host || 'example.com' };
    const got = route(entry, request, (rel) => files.has(rel), compiled);
    const where = `${method} ${req.path}`;
    if (got.status !== req.status) failures.push(`${where}: status ${got.status}, expected ${req.status}${describe(got)}`);
    if ('file' in req && got.file !== req.file) failures.push(`${where}: file ${JSON.stringify(got.file)}, expected ${JSON.stringify(req.file)}`);
    if ('location' in req && got.location !== req.location) {
      failures.push(`${where}: location ${JSON.stringify(got.location)}, expected ${JSON.stringify(req.location)}`);
    }
    if (!('location' in req) && got.location !== undefined && req.status < 300) failures.push(`${where}: unexpected location ${got.location}`);
    for (const [name, value] of Object.entries(req.headers || {})) {
      if (got.headers[name] !== value) failures.push(`${where}: header ${name} ${JSON.stringify(got.headers[name])}, expected ${JSON.stringify(value)}`);
    }
    for (const name of req.absent || []) {
      if (name in got.headers) failures.push(`${where}: header ${name} should be absent, is ${JSON.stringify(got.headers[name])}`);
    }
  }
  return failures;
}

function describe(got) {
  return got.location ? ` (location ${got.location})` : got.file ? ` (file ${got.file})` : '';
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

function main([vectorsFile, compiledFile]) {
  if (!vectorsFile || !compiledFile) {
    console.error('usage: node edge/scripts/rules-vectors.js VECTORS.json COMPILED.json');
    process.exit(2);
  }
  const cases = readJson(vectorsFile);
  const compiled = readJson(compiledFile);
  const failures = {};
  let requests = 0;
  for (const c of cases) {
    requests += c.requests.length;
    const out = compiled[c.name];
    const problems = out ? runCase(c, out.config, 'compiled') : ['no compiled config for this case'];
    if (problems.length) failures[c.name] = problems;
  }
  process.stdout.write(JSON.stringify({ cases: cases.length, requests, failures }) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
