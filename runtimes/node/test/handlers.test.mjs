// The handler shapes users already write, answered by the real runtime over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from './runtime.mjs';

describe('Web-standard handlers', () => {
  let rt;
  before(async () => {
    rt = await startRuntime({
      'api/hello': {
        code: `export default async (request, context) => {
          const url = new URL(request.url);
          return Response.json({ url: request.url, host: request.headers.get('host'), name: url.searchParams.get('name'),
            params: context.params, edgeHeaders: [...request.headers.keys()].filter((h) => h.startsWith('x-miaobu')) });
        };`,
      },
      'api/fetch': { code: `export default { fetch(request) { return new Response('fetched ' + request.method); } };` },
      'api/items/[id]': {
        route: '/api/items/[id]',
        code: `export function GET(request, { params }) { return Response.json({ id: params.id }); }
               export async function POST(request) { const body = await request.json(); return Response.json({ got: body }, { status: 201 }); }`,
      },
      'netlify/functions/hi': {
        route: '/.netlify/functions/hi', source: 'netlify/functions/hi.mjs',
        code: `export default async (req, context) => new Response('hi ' + req.method + ' ' + new URL(req.url).pathname);`,
      },
      'api/stream': {
        code: `export default () => {
          let n = 0;
          const body = new ReadableStream({ async pull(controller) {
            if (n === 3) return controller.close();
            controller.enqueue(new TextEncoder().encode('chunk' + n++ + '\\n'));
            await new Promise((r) => setTimeout(r, 150));
          } });
          return new Response(body, { headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } });
        };`,
      },
      'api/destructured': { code: `export default async (request, { params }) => new Response('item ' + params.id);` },
      'api/edge-config': {
        code: `export const config = { runtime: 'edge' };
               export default async function handler(request, event) { return new Response(new URL(request.url).pathname); }`,
      },
      'api/cookies': {
        code: `export default () => { const h = new Headers(); h.append('set-cookie', 'a=1; Path=/'); h.append('set-cookie', 'b=2; Path=/');
               return new Response('two cookies', { headers: h }); };`,
      },
    });
  });
  after(() => rt.stop());

  test('a default export gets a real Request with the site\'s URL and host, and the route\'s params', async () => {
    const res = await rt.call('/api/hello?name=ada', { fn: 'api/hello', params: { x: '1' } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.url, 'https://shop.example.com/api/hello?name=ada');
    assert.equal(body.host, 'shop.example.com');
    assert.equal(body.name, 'ada');
    assert.deepEqual(body.params, { x: '1' });
    assert.deepEqual(body.edgeHeaders, [], 'the edge\'s own headers never reach the handler');
  });

  test('export default { fetch } answers', async () => {
    const res = await rt.call('/api/fetch', { fn: 'api/fetch', method: 'DELETE' });
    assert.equal(await res.text(), 'fetched DELETE');
  });

  test('per-method exports answer their method, with the dynamic segment in context.params', async () => {
    const get = await rt.call('/api/items/42', { fn: 'api/items/[id]', params: { id: '42' } });
    assert.deepEqual(await get.json(), { id: '42' });
    const post = await rt.call('/api/items/42', {
      fn: 'api/items/[id]', params: { id: '42' }, method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'lamp' }),
    });
    assert.equal(post.status, 201);
    assert.deepEqual(await post.json(), { got: { name: 'lamp' } });
  });

  test('a method the module does not export gets 405 with Allow; HEAD is answered by GET without a body', async () => {
    const res = await rt.call('/api/items/42', { fn: 'api/items/[id]', params: { id: '42' }, method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
    const head = await rt.call('/api/items/42', { fn: 'api/items/[id]', params: { id: '42' }, method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('OPTIONS without an export of its own lists the methods the module answers', async () => {
    const res = await rt.call('/api/items/42', { fn: 'api/items/[id]', params: { id: '42' }, method: 'OPTIONS' });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
  });

  test('two parameters are a Web handler when the second is destructured, or the module says runtime edge', async () => {
    assert.equal(await (await rt.call('/api/destructured', { fn: 'api/destructured', params: { id: '7' } })).text(), 'item 7');
    assert.equal(await (await rt.call('/api/edge-config', { fn: 'api/edge-config' })).text(), '/api/edge-config');
  });

  test('a Netlify function with (req, context) is called the Web way', async () => {
    const res = await rt.call('/.netlify/functions/hi', { fn: 'netlify/functions/hi', method: 'POST', body: 'x' });
    assert.equal(await res.text(), 'hi POST /.netlify/functions/hi');
  });

  test('a streamed body arrives as it is produced, not when it ends', async () => {
    const started = Date.now();
    const res = await rt.call('/api/stream', { fn: 'api/stream' });
    const reader = res.body.getReader();
    const first = await reader.read();
    const firstAfter = Date.now() - started;
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    const allAfter = Date.now() - started;
    assert.equal(new TextDecoder().decode(first.value), 'chunk0\n');
    assert.equal(rest, 'chunk1\nchunk2\n');
    assert.ok(allAfter - firstAfter >= 250, `the first chunk came ${allAfter - firstAfter} ms before the last`);
  });

  test('several Set-Cookie headers stay several', async () => {
    const res = await rt.call('/api/cookies', { fn: 'api/cookies' });
    assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
  });

  test('every request is logged on one line the local host parses', async () => {
    await rt.call('/api/hello?secret=1', { fn: 'api/hello' });
    const out = await rt.waitForOutput(/miaobu-request GET \/api\/hello 200 \d+ms api\/hello\n/);
    assert.match(out, /^miaobu-request GET \/api\/hello 200 \d+ms api\/hello$/m);
    assert.doesNotMatch(out, /secret=1/, 'the query string (tokens, e-mail addresses) is not logged');
  });
});

describe('Node-style handlers (Vercel)', () => {
  let rt;
  before(async () => {
    rt = await startRuntime({
      'api/users/[id]': {
        route: '/api/users/[id]',
        code: `export default function handler(req, res) {
          res.status(200).json({ query: req.query, cookies: req.cookies, host: req.headers.host, url: req.url,
            method: req.method, edge: Object.keys(req.headers).filter((h) => h.startsWith('x-miaobu')) });
        }`,
      },
      'api/body': {
        code: `export default async function handler(req, res) {
          const body = req.body;
          res.json({ type: Buffer.isBuffer(body) ? 'buffer' : typeof body, body: Buffer.isBuffer(body) ? body.toString('hex') : body });
        }`,
      },
      'api/raw': {
        code: `export default function handler(req, res) {
          const chunks = []; req.on('data', (c) => chunks.push(c));
          req.on('end', () => res.send('read ' + Buffer.concat(chunks).length + ' bytes'));
        }`,
      },
      'api/send': {
        code: `export default function handler(req, res) {
          if (req.query.kind === 'text') return res.send('<b>hi</b>');
          if (req.query.kind === 'object') return res.send({ ok: true });
          if (req.query.kind === 'moved') return res.redirect(308, '/elsewhere');
          res.redirect('/login');
        }`,
      },
      'api/stream': {
        code: `export default function handler(req, res) {
          res.setHeader('content-type', 'text/plain');
          res.write('first\\n');
          setTimeout(() => res.end('second\\n'), 300);
        }`,
      },
    });
  });
  after(() => rt.stop());

  test('req.query holds the query string and the dynamic segments; req.cookies the cookies; host is the site\'s', async () => {
    const res = await rt.call('/api/users/42?tab=posts&tag=a&tag=b&id=evil', {
      fn: 'api/users/[id]', params: { id: '42' }, headers: { cookie: 'session=abc; theme=dark%20blue' },
    });
    const body = await res.json();
    assert.deepEqual(body.query, { tab: 'posts', tag: ['a', 'b'], id: '42' });
    assert.deepEqual(body.cookies, { session: 'abc', theme: 'dark blue' });
    assert.equal(body.host, 'shop.example.com');
    assert.equal(body.url, '/api/users/42?tab=posts&tag=a&tag=b&id=evil');
    assert.deepEqual(body.edge, []);
  });

  test('a catch-all\'s segments are an array in req.query', async () => {
    const res = await rt.call('/api/users/a/b', { fn: 'api/users/[id]', params: { id: ['a', 'b'] } });
    assert.deepEqual((await res.json()).query, { id: ['a', 'b'] });
  });

  test('req.body is parsed by its content type', async () => {
    const post = async (type, body) => (await rt.call('/api/body', { fn: 'api/body', method: 'POST', headers: { 'content-type': type }, body })).json();
    assert.deepEqual(await post('application/json', '{"a":[1,2]}'), { type: 'object', body: { a: [1, 2] } });
    assert.deepEqual(await post('application/x-www-form-urlencoded', 'name=Ada+L&x=1&x=2'), { type: 'object', body: { name: 'Ada L', x: ['1', '2'] } });
    assert.deepEqual(await post('text/plain; charset=utf-8', 'hello'), { type: 'string', body: 'hello' });
    assert.deepEqual(await post('application/octet-stream', Buffer.from([1, 2, 255])), { type: 'buffer', body: '0102ff' });
    assert.deepEqual(await (await rt.call('/api/body', { fn: 'api/body' })).json(), { type: 'undefined' });
  });

  test('malformed JSON is the client\'s mistake: 400, not a crash', async () => {
    const res = await rt.call('/api/body', { fn: 'api/body', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not valid JSON/);
  });

  test('the request stream can still be read by the handler', async () => {
    const res = await rt.call('/api/raw', { fn: 'api/raw', method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(await res.text(), 'read 100000 bytes');
  });

  test('res.send, res.json and res.redirect answer as on Vercel', async () => {
    const text = await rt.call('/api/send?kind=text', { fn: 'api/send' });
    assert.equal(text.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await text.text(), '<b>hi</b>');
    const object = await rt.call('/api/send?kind=object', { fn: 'api/send' });
    assert.match(object.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await object.json(), { ok: true });
    const redirects = [];
    for (const kind of ['moved', 'other']) {
      const r = await fetch(`http://127.0.0.1:${rt.port}/api/send?kind=${kind}`, { redirect: 'manual', headers: { 'x-miaobu-function': 'api/send' } });
      redirects.push([r.status, r.headers.get('location')]);
    }
    assert.deepEqual(redirects, [[308, '/elsewhere'], [307, '/login']]);
  });

  test('res.write streams', async () => {
    const started = Date.now();
    const res = await rt.call('/api/stream', { fn: 'api/stream' });
    const reader = res.body.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'first\n');
    assert.ok(Date.now() - started < 250, 'the first write arrived before the end');
    await res.body?.cancel?.().catch(() => {});
  });
});
