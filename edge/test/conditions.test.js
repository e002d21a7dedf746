// Vercel's `has` / `missing` conditions in the engine: what a request must carry (headers, cookies,
// query parameters, host) for a redirect, rewrite or header rule to apply, and that a crafted request
// cannot make a user's pattern slow.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, route } from '../src/engine.js';
import { MAX_REGEX_INPUT } from '../src/rules.js';

const FILES = new Set(['index.html', '404.html', 'mobile.html', 'en/index.html', 'fr/index.html']);
const exists = (rel) => FILES.has(rel);

function ask(config, path, { headers = {}, host = 'shop.example.com' } = {}) {
  const sent = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const entry = { deploymentId: 'd', prefix: 'p/', config };
  return route(entry, { method: 'GET', path, header: (name) => sent.get(name), host }, exists, compile(config));
}

const rewrite = (extra) => ({ redirects: [{ from: '/m', to: '/mobile.html', status: 200, force: false, ...extra }] });

describe('has / missing conditions', () => {
  test('a header condition matches the header in any case of its name, and only its whole value', () => {
    const config = rewrite({ has: [{ type: 'header', key: 'X-Device', value: 'phone|tablet' }] });
    assert.equal(ask(config, '/m', { headers: { 'x-device': 'phone' } }).file, 'mobile.html');
    assert.equal(ask(config, '/m', { headers: { 'x-device': 'smartphone' } }).status, 404);
    assert.equal(ask(config, '/m').status, 404);
  });

  test('a condition without a value needs a non-empty value, as on Vercel', () => {
    const config = rewrite({ has: [{ type: 'header', key: 'x-beta' }] });
    assert.equal(ask(config, '/m', { headers: { 'x-beta': '1' } }).status, 200);
    assert.equal(ask(config, '/m', { headers: { 'x-beta': '' } }).status, 404);
  });

  test('a cookie condition reads the Cookie header; the first of a repeated cookie counts', () => {
    const config = rewrite({ has: [{ type: 'cookie', key: 'ab', value: 'b' }] });
    assert.equal(ask(config, '/m', { headers: { cookie: 'x=1; ab=b' } }).status, 200);
    assert.equal(ask(config, '/m', { headers: { cookie: 'ab=a; ab=b' } }).status, 404);
    assert.equal(ask(config, '/m', { headers: { cookie: 'xab=b' } }).status, 404);
  });

  test('missing applies the rule only when none of its conditions hold', () => {
    const config = rewrite({ missing: [{ type: 'cookie', key: 'seen' }, { type: 'query', key: 'desktop' }] });
    assert.equal(ask(config, '/m').status, 200);
    assert.equal(ask(config, '/m?desktop=1').status, 404);
    assert.equal(ask(config, '/m', { headers: { cookie: 'seen=1' } }).status, 404);
  });

  test('a host condition ignores the case and port of the host', () => {
    const config = rewrite({ has: [{ type: 'host', value: 'shop\\.example\\.com' }] });
    assert.equal(ask(config, '/m', { host: 'SHOP.example.com:8443' }).status, 200);
    assert.equal(ask(config, '/m', { host: 'blog.example.com' }).status, 404);
  });

  test('named groups and valueless keys fill the destination, encoded so they cannot add a path or a host', () => {
    const config = {
      redirects: [
        { from: '/', to: '/:lang/', status: 307, force: true, has: [{ type: 'cookie', key: 'locale', value: '(?<lang>[a-z]{2})-.*' }] },
        { from: '/go', to: '/:next', status: 307, force: true, has: [{ type: 'query', key: 'next' }] },
      ],
    };
    assert.equal(ask(config, '/', { headers: { cookie: 'locale=fr-CA' } }).location, '/fr/');
    assert.equal(ask(config, '/go?next=%2F%2Fevil.com').location, '/%2F%2Fevil.com?next=%2F%2Fevil.com');
  });

  test('an optional named group that took no part leaves its name empty, and an escaped paren is not a group', () => {
    const config = {
      redirects: [
        { from: '/', to: '/r/:region', status: 307, force: true, has: [{ type: 'header', key: 'x-locale', value: 'en(-(?<region>[A-Z]{2}))?' }] },
        { from: '/lit', to: '/r/:a', status: 307, force: true, has: [{ type: 'header', key: 'x-lit', value: '\\(?<a>' }] },
      ],
    };
    assert.equal(ask(config, '/', { headers: { 'x-locale': 'en-GB' } }).location, '/r/GB');
    assert.equal(ask(config, '/', { headers: { 'x-locale': 'en' } }).location, '/r/');
    assert.equal(ask(config, '/lit', { headers: { 'x-lit': '(<a>' } }).location, '/r/');
  });

  test('header rules apply only to requests that meet their conditions', () => {
    const config = { headers: [{ path: '/*', set: { 'x-robots-tag': 'noindex' }, has: [{ type: 'host', value: '.*\\.preview\\.example\\.com' }] }] };
    assert.equal(ask(config, '/', { host: 'pr-1.preview.example.com' }).headers['x-robots-tag'], 'noindex');
    assert.equal(ask(config, '/', { host: 'www.example.com' }).headers['x-robots-tag'], undefined);
  });

  test('a condition the engine cannot evaluate leaves its rule out instead of applying it unconditioned', () => {
    assert.equal(ask(rewrite({ has: [{ type: 'geo', key: 'country', value: 'GB' }] }), '/m').status, 404);
    assert.equal(ask(rewrite({ has: [{ type: 'header', key: 'x-a', value: '(' }] }), '/m', { headers: { 'x-a': '(' } }).status, 404);
    assert.equal(ask(rewrite({ has: [{ type: 'host' }] }), '/m').status, 404);
  });

  test(`a value longer than ${MAX_REGEX_INPUT} characters never matches a pattern, so a crafted header stays cheap`, () => {
    const config = rewrite({ has: [{ type: 'header', key: 'x-a', value: '.*a.*b' }] });
    assert.equal(ask(config, '/m', { headers: { 'x-a': 'a'.repeat(MAX_REGEX_INPUT - 1) + 'b' } }).status, 200);
    assert.equal(ask(config, '/m', { headers: { 'x-a': 'a'.repeat(MAX_REGEX_INPUT) + 'b' } }).status, 404);
  });

  test('hostile cookies and header values neither throw nor leak into the answer unencoded', () => {
    const config = {
      redirects: [{ from: '/', to: '/to/:c', status: 307, force: true, has: [{ type: 'cookie', key: 'c' }] }],
      headers: [{ path: '/*', set: { 'x-echo': ':h' }, has: [{ type: 'header', key: 'x-h', value: '(?<h>.*)' }] }],
    };
    for (const cookie of ['c=%E0%A4%A', 'c', ';;;=;c=', '__proto__=1; c=a%0d%0aSet-Cookie:%20x', 'c="a/b?c#d"']) {
      const r = ask(config, '/', { headers: { cookie } });
      if (r.location !== undefined) assert.match(r.location, /^\/to\/[^/?#\r\n]*$/, cookie);
    }
    assert.equal(ask(config, '/', { headers: { cookie: 'c=a%0d%0aSet-Cookie:%20x' } }).location, '/to/a%0D%0ASet-Cookie:%20x');
    const echoed = ask(config, '/about', { headers: { 'x-h': 'a\r\nx-injected: 1' } }).headers['x-echo'];
    assert.equal(echoed, undefined); // `.` does not cross the line break, so the condition does not hold
    assert.equal(ask(config, '/about', { headers: { 'x-h': '<script>' } }).headers['x-echo'], '%3Cscript%3E');
  });

  test('without a header function (an older shell) header and cookie conditions simply do not hold', () => {
    const config = rewrite({ has: [{ type: 'header', key: 'x-a' }] });
    const entry = { deploymentId: 'd', prefix: 'p/', config };
    assert.equal(route(entry, { method: 'GET', path: '/m' }, exists).status, 404);
  });
});
