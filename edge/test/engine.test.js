import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledCache, compile, contentType, encodeRouteKey, isHashed, route } from '../src/engine.js';

const REVALIDATE = 'public, max-age=0, must-revalidate';
const IMMUTABLE = 'public, max-age=31536000, immutable';

function site(files, config) {
  const set = new Set(files);
  const entry = { deploymentId: 'd1', prefix: 'sites/p1/d1/', config, updatedAt: '2024-01-01T00:00:00Z' };
  const asked = [];
  const exists = (rel) => {
    asked.push(rel);
    return set.has(rel);
  };
  const get = (path, method = 'GET') => route(entry, { method, path }, exists);
  return { get, asked };
}

const SPA = ['index.html', 'assets/index-BxK9_aZ1.js', 'favicon.ico'];
const STATIC = ['index.html', '404.html', 'about.html', 'docs/index.html', 'docs/intro.html', 'robots.txt', 'blog/404.html'];

describe('index files and exact matches', () => {
  test('serves index.html for the root', () => {
    const r = site(STATIC).get('/');
    assert.equal(r.status, 200);
    assert.equal(r.file, 'index.html');
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  });

  test('serves a subdirectory index.html for the slash form', () => {
    assert.deepEqual(pick(site(STATIC).get('/docs/')), [200, 'docs/index.html']);
  });

  test('redirects a directory without trailing slash to the slash form, keeping the query', () => {
    const r = site(STATIC).get('/docs?x=1');
    assert.equal(r.status, 308);
    assert.equal(r.location, '/docs/?x=1');
    assert.equal(r.headers.location, '/docs/?x=1');
    assert.equal(r.file, null);
  });

  test('serves an exact file match', () => {
    const r = site(STATIC).get('/robots.txt');
    assert.deepEqual(pick(r), [200, 'robots.txt']);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  });

  test('serves name.html for the extensionless clean URL', () => {
    assert.deepEqual(pick(site(STATIC).get('/about')), [200, 'about.html']);
    assert.deepEqual(pick(site(STATIC).get('/docs/intro')), [200, 'docs/intro.html']);
  });

  test('redirects .html and index.html URLs to their clean form', () => {
    assert.equal(site(STATIC).get('/about.html').location, '/about');
    assert.equal(site(STATIC).get('/docs/index.html').location, '/docs/');
    assert.equal(site(STATIC).get('/index.html?a=b').location, '/?a=b');
    assert.equal(site(STATIC).get('/about/').location, '/about');
  });

  test('serves .html URLs as they are when cleanUrls is off', () => {
    const s = site(STATIC, { cleanUrls: false });
    assert.deepEqual(pick(s.get('/about.html')), [200, 'about.html']);
    assert.deepEqual(pick(s.get('/docs/index.html')), [200, 'docs/index.html']);
    assert.deepEqual(pick(s.get('/about')), [404, '404.html']);
  });

  test('trailingSlash true puts pages at their slash form', () => {
    const s = site(STATIC, { trailingSlash: true });
    assert.equal(s.get('/about').location, '/about/');
    assert.deepEqual(pick(s.get('/about/')), [200, 'about.html']);
    assert.deepEqual(pick(s.get('/docs/')), [200, 'docs/index.html']);
  });

  test('trailingSlash false serves directories without the slash', () => {
    const s = site(STATIC, { trailingSlash: false });
    assert.deepEqual(pick(s.get('/docs')), [200, 'docs/index.html']);
    assert.equal(s.get('/docs/').location, '/docs');
    assert.deepEqual(pick(s.get('/')), [200, 'index.html']);
  });

  test('never redirects to a URL that would serve a different file', () => {
    const s = site(['a.html', 'a']);
    assert.deepEqual(pick(s.get('/a.html')), [200, 'a.html']);
    assert.deepEqual(pick(s.get('/a')), [200, 'a']);
  });

  test('decodes percent-encoded names', () => {
    assert.deepEqual(pick(site(['a b/c.txt', 'ü.txt']).get('/a%20b/c.txt')), [200, 'a b/c.txt']);
    assert.deepEqual(pick(site(['ü.txt']).get('/%C3%BC.txt')), [200, 'ü.txt']);
  });

  test('collapses repeated slashes so a redirect can never become protocol-relative', () => {
    const r = site(['evil.com/index.html']).get('//evil.com');
    assert.equal(r.location, '/evil.com/');
  });

  test('encodes characters in the redirect location', () => {
    assert.equal(site(['a b/index.html']).get('/a%20b').location, '/a%20b/');
  });
});

describe('unknown paths', () => {
  test('falls back to index.html with 200 for an extensionless path in an SPA', () => {
    const r = site(SPA).get('/dashboard/settings');
    assert.deepEqual(pick(r), [200, 'index.html']);
    assert.equal(r.headers['cache-control'], REVALIDATE);
  });

  test('answers 404 without a file for a missing asset even in an SPA', () => {
    const r = site(SPA).get('/missing.js');
    assert.deepEqual(pick(r), [404, null]);
    assert.equal(r.headers['cache-control'], REVALIDATE);
  });

  test('serves the top-level 404.html with status 404', () => {
    const r = site(STATIC).get('/nope');
    assert.deepEqual(pick(r), [404, '404.html']);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.deepEqual(pick(site(STATIC).get('/nope.png')), [404, '404.html']);
  });

  test('serves the nearest 404.html up the directory tree', () => {
    assert.deepEqual(pick(site(STATIC).get('/blog/2024/missing')), [404, 'blog/404.html']);
  });

  test('looks for 404.html in the requested directory itself for a slash path', () => {
    assert.deepEqual(pick(site(STATIC).get('/blog/')), [404, 'blog/404.html']);
    assert.deepEqual(pick(site(STATIC).get('/blog')), [404, '404.html']); // `/blog` lives in `/`
  });

  test('serves 404.html for the root when there is no index.html', () => {
    assert.deepEqual(pick(site(['404.html']).get('/')), [404, '404.html']);
  });

  test('serves config.notFound when it names an existing file', () => {
    const s = site(['index.html', 'errors/missing.html'], { notFound: 'errors/missing.html' });
    assert.deepEqual(pick(s.get('/x')), [404, 'errors/missing.html']);
  });

  test('ignores a config.notFound that tries to leave the deployment', () => {
    const s = site(['index.html'], { notFound: '../../other/404.html' });
    assert.deepEqual(pick(s.get('/x')), [200, 'index.html']);
  });

  test('spa false answers 404 instead of falling back to index.html', () => {
    assert.deepEqual(pick(site(SPA, { spa: false }).get('/dashboard')), [404, null]);
  });

  test('spa true falls back to index.html even when a 404.html exists', () => {
    const s = site(STATIC, { spa: true });
    assert.deepEqual(pick(s.get('/dashboard')), [200, 'index.html']);
    assert.deepEqual(pick(s.get('/missing.js')), [404, '404.html']);
  });

  test('answers 404 without a file when there is neither 404.html nor index.html', () => {
    assert.deepEqual(pick(site(['a.txt']).get('/')), [404, null]);
  });

  test('treats missing or partial config as the defaults', () => {
    assert.deepEqual(pick(site(SPA, null).get('/x')), [200, 'index.html']);
    assert.deepEqual(pick(site(SPA, { spa: null, notFound: null }).get('/x')), [200, 'index.html']);
    const noConfig = route({ deploymentId: 'd', prefix: 'p/' }, { method: 'GET', path: '/x' }, (f) => f === 'index.html');
    assert.deepEqual(pick(noConfig), [200, 'index.html']);
  });
});

describe('paths that try to escape the deployment', () => {
  const attempts = [
    '/../x',
    '/a/../../x',
    '/%2e%2e/x',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/.%2e/x',
    '/./x',
    '/a%2f..%2f..%2fx',
    '/a%2Fb',
    '/..%5cx',
    '/a\\..\\x',
    '/a%00.html',
    '/index.html%00',
    '/a%0d%0aSet-Cookie:x',
  ];
  for (const path of attempts) {
    test(`refuses ${JSON.stringify(path)} with 400 and never looks it up`, () => {
      const s = site(['index.html', 'x', 'a/index.html']);
      const r = s.get(path);
      assert.deepEqual(pick(r), [400, null]);
      assert.deepEqual(s.asked, []);
    });
  }

  test('answers 400 for malformed percent-encoding', () => {
    for (const path of ['/%', '/%zz', '/a%2', '/%E0%A4%A']) {
      assert.deepEqual(pick(site(SPA).get(path)), [400, null], path);
    }
  });

  test('answers 400 for a request target that is not a path', () => {
    assert.deepEqual(pick(site(SPA).get('http://evil/')), [400, null]);
    assert.deepEqual(pick(site(SPA).get('*')), [400, null]);
  });

  test('only ever asks for relative paths without dot segments', () => {
    const s = site(SPA);
    for (const p of ['/', '/a/b/', '/a.b/c', '/...', '/.well-known/x', '//a//b']) s.get(p);
    for (const rel of s.asked) {
      assert.ok(!rel.startsWith('/'), rel);
      assert.ok(!rel.split('/').some((seg) => seg === '..' || seg === '.' || seg === ''), rel);
    }
  });
});

describe('methods', () => {
  test('HEAD resolves exactly like GET', () => {
    const s = site(STATIC);
    for (const p of ['/', '/about', '/nope', '/docs']) assert.deepEqual(s.get(p, 'HEAD'), s.get(p, 'GET'), p);
  });

  test('answers 405 with allow for POST and other methods', () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = site(STATIC).get('/', m);
      assert.deepEqual(pick(r), [405, null]);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
  });
});

describe('content types', () => {
  const cases = {
    'a.html': 'text/html; charset=utf-8',
    'a.css': 'text/css; charset=utf-8',
    'a.js': 'text/javascript; charset=utf-8',
    'a.mjs': 'text/javascript; charset=utf-8',
    'a.json': 'application/json; charset=utf-8',
    'a.js.map': 'application/json; charset=utf-8',
    'a.txt': 'text/plain; charset=utf-8',
    'a.xml': 'application/xml; charset=utf-8',
    'a.svg': 'image/svg+xml; charset=utf-8',
    'a.png': 'image/png',
    'a.JPG': 'image/jpeg',
    'a.jpeg': 'image/jpeg',
    'a.gif': 'image/gif',
    'a.webp': 'image/webp',
    'a.avif': 'image/avif',
    'favicon.ico': 'image/x-icon',
    'a.woff': 'font/woff',
    'a.woff2': 'font/woff2',
    'a.ttf': 'font/ttf',
    'a.otf': 'font/otf',
    'a.eot': 'application/vnd.ms-fontobject',
    'a.wasm': 'application/wasm',
    'a.pdf': 'application/pdf',
    'a.mp4': 'video/mp4',
    'a.webm': 'video/webm',
    'a.mp3': 'audio/mpeg',
    'a.wav': 'audio/wav',
    'a.ogg': 'audio/ogg',
    'site.webmanifest': 'application/manifest+json; charset=utf-8',
    'a.manifest': 'text/cache-manifest; charset=utf-8',
    'a.csv': 'text/csv; charset=utf-8',
    'README.md': 'text/markdown; charset=utf-8',
    'a.zip': 'application/zip',
    'a.tar.gz': 'application/gzip',
    'a.unknownext': 'application/octet-stream',
    'Makefile': 'application/octet-stream',
    '.htaccess': 'application/octet-stream',
  };
  for (const [file, type] of Object.entries(cases)) {
    test(`${file} is served as ${type}`, () => assert.equal(contentType(file), type));
  }
});

describe('cache-control', () => {
  const hashed = [
    'app-3f9a1b2c.js',
    'main.3f9a1b2c.css',
    'assets/index-BxK9_aZ1.js',
    'assets/index-Bx-9_aZ1.js',
    'assets/index-BxKqaZab.js',
    'static/js/main.3f9a1b2c.chunk.js',
    'static/js/2.3f9a1b2c.chunk.js',
    'app-3f9a1b2c3d4e5f6a7b8c.js',
    'main.3f9a1b2c3d4e5f6a.js',
    '_astro/index.BxK9aZ1q.css',
    '_nuxt/BxK9aZ1q.js',
    '_nuxt/entry.D2fE9kLm.js',
    'main-5XJBYQ2L.js',
    'assets/logo-3f9a1b2c.svg',
    '_next/static/chunks/webpack.js',
    '_next/static/abcdef/_buildManifest.js',
    '_app/immutable/entry/start.js',
    // From real builds (edge/test/vectors/hashed-names.json has them all): Vite without a digit or
    // without a lowercase letter, VitePress, and Angular's esbuild names without a digit.
    'assets/hero-CLDdwZDr.png',
    'assets/vite-BF8QNONU.svg',
    'assets/guide.md.woZmIHCJ.lean.js',
    'assets/inter-roman-greek-ext.CqjqNYQ-.woff2',
    'main-ZG66FLMO.js',
    'styles-5INURTSO.css',
    'chunk-QWERTYUI.js',
  ];
  const unhashed = [
    'favicon.ico',
    'robots.txt',
    'about.html',
    'index.html',
    'sitemap.xml',
    'assets/logo.svg',
    'assets/hero-background.jpg',
    'roboto-v30-latin-700.woff2',
    'roboto-latin700.woff2',
    'jquery-3.7.1.min.js',
    'bootstrap.bundle.min.js',
    'android-chrome-192x192.png',
    'icon-1024x1024.png',
    'video-1920x1080p60.mp4',
    'report-20240101.pdf',
    'user-profile-settings.js',
    'my-config-v2_final.js',
    'my_file_v2_final.js',
    'analytics2.js',
    'html5shiv.js',
    'Header-MyButton.js',
    'apple-touch-icon-180x180.png',
    'service-worker.js',
    // Copied from public/ into the asset folder: their names stay when their content changes.
    'assets/icon-settings.svg',
    'assets/logo-DarkMode.svg',
    'assets/photo-IMG_2024.jpg',
    'assets/photo-DSC01234.jpg',
    'assets/icon-v1-Final.svg',
    'assets/banner-HOMEPAGE.png',
    'app-VERSION2.js',
  ];
  for (const f of hashed) test(`treats ${f} as content-hashed`, () => assert.equal(isHashed(f), true));
  for (const f of unhashed) test(`does not treat ${f} as content-hashed`, () => assert.equal(isHashed(f), false));

  test('serves hashed assets as immutable for a year', () => {
    const r = site(SPA).get('/assets/index-BxK9_aZ1.js');
    assert.equal(r.headers['cache-control'], IMMUTABLE);
  });

  test('makes HTML and unhashed files revalidate, even an HTML file with a hash in its name', () => {
    const s = site(['index.html', 'favicon.ico', 'page-3f9a1b2c.html']);
    assert.equal(s.get('/').headers['cache-control'], REVALIDATE);
    assert.equal(s.get('/favicon.ico').headers['cache-control'], REVALIDATE);
    assert.equal(s.get('/page-3f9a1b2c').headers['cache-control'], REVALIDATE);
  });
});

describe('compiled rules', () => {
  const config = { redirects: [{ from: '/a', to: '/b', status: 302, force: false }] };

  test('a precompiled config gives the same answers as compiling on the fly', () => {
    const entry = { deploymentId: 'dx', config };
    const exists = () => false;
    assert.deepEqual(route(entry, { method: 'GET', path: '/a' }, exists, compile(config)), route(entry, { method: 'GET', path: '/a' }, exists));
    assert.equal(route(entry, { method: 'GET', path: '/a' }, exists).location, '/b');
  });

  test('the cache compiles once per deployment and drops the least recently used one', () => {
    const cache = new CompiledCache(2);
    const one = cache.get({ deploymentId: 'd1', config });
    assert.equal(cache.get({ deploymentId: 'd1', config: { ...config } }), one); // a re-read entry, same deployment
    cache.get({ deploymentId: 'd2', config });
    cache.get({ deploymentId: 'd1', config }); // d1 is now the most recent
    cache.get({ deploymentId: 'd3', config });
    assert.deepEqual([...cache.byDeployment.keys()], ['d1', 'd3']);
    assert.notEqual(cache.get({ deploymentId: 'd2', config }), one);
  });

  test('rules the engine does not understand are skipped, not fatal', () => {
    const odd = {
      redirects: [null, { from: 'no-slash', to: '/x' }, { from: '/a', to: 'relative' }, { from: '/p', to: 'https://x.test/', status: 200 },
        { from: '/b/:id(', to: '/x' }, { from: '/c', to: '/ok', status: 999 }, { from: '/d', to: '/fine', status: 302 }],
      headers: [{ path: '/*', set: { 'bad name': 'x', 'x-ok': 'yes', 'x-crlf': 'a\r\nb' } }, { path: 'nope', set: { a: 'b' } }],
    };
    const s = site(['index.html'], odd);
    assert.equal(s.get('/d').location, '/fine');
    assert.equal(s.get('/p').status, 200);
    const home = s.get('/');
    assert.equal(home.headers['x-ok'], 'yes');
    assert.ok(!('bad name' in home.headers) && !('x-crlf' in home.headers));
  });
});

describe('encodeRouteKey', () => {
  const cases = {
    'My-Site.localhost:8080': 'my-site_localhost',
    'a*b.c': 'aCKb_c',
    'example.com': 'example_com',
    'example.com.': 'example_com',
    'example.com.:443': 'example_com',
    'under_score.io': 'underFPscore_io',
    'tilde~x.io': 'tildeHOx_io',
    'd_abc--proj.miaobu.app': 'dFPabc--proj_miaobu_app',
    'bücher.de': 'bMDLMcher_de',
    '[::1]:8080': 'FLDKDK1FN',
    'UPPER.COM': 'upper_com',
  };
  for (const [host, key] of Object.entries(cases)) {
    test(`encodes ${host} as ${key}`, () => assert.equal(encodeRouteKey(host), key));
  }

  test('produces only the characters edge KV keys allow', () => {
    assert.match(encodeRouteKey('Weird Host!@#$%^&*()+=/\\?é.例子.com:1'), /^[A-Za-z0-9_-]*$/);
  });
});

function pick(r) {
  return [r.status, r.file];
}
