// The routing engine: given a host's route entry, a request and a view of the deployment's files,
// decide which file to serve, with which status and headers. Pure (no I/O), so the same module runs
// in the ESA edge routine and in the local Node server, and the shared test vectors pin it down.
//
// Defaults follow Cloudflare Pages:
// - Clean URLs: `/about` serves `about.html`; `/about.html` redirects (308) to `/about`.
// - Directories: `/docs/` serves `docs/index.html`; `/docs` redirects (308) to `/docs/` (so relative
//   links inside the page resolve against the directory); `/docs/index.html` redirects to `/docs/`.
// - Unknown paths: the nearest `404.html` with status 404; without one the site is treated as a
//   single-page app and extensionless paths get `index.html` with 200.
// - Request paths with `.`/`..` segments, encoded `/` or `\`, control characters or malformed
//   percent-encoding are refused with 400 rather than normalised: browsers already normalise dot
//   segments, so such a path only comes from a client probing for traversal.

import { applyHeaderRules, compileRules, encodeSegment, firstRedirect, render, ruleRequest } from './rules.js';

const REVALIDATE = 'public, max-age=0, must-revalidate';

// No site has paths this long or this deep, and every unknown path is looked up once per parent
// directory (the nearest 404.html), so the caps also bound what one request can cost.
export const MAX_PATH_LENGTH = 4096;
export const MAX_PATH_SEGMENTS = 64;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * @param {object} entry   route entry for the host: { deploymentId, prefix, config?, updatedAt }
 * @param {{method: string, path: string, header?: (name: string) => string|null|undefined, host?: string}} request
 *   path is the raw request target (may hold a query); header(lower-case name) and host feed the
 *   rules' `has` / `missing` conditions
 * @param {(relPath: string) => boolean} exists  whether the deployment has a file at relPath
 * @param {object} [compiled]  compile(entry.config), e.g. from a CompiledCache; compiled (and kept
 *   for as long as the config object lives) when not given
 * @returns {{status: number, file: string|null, headers: object, location?: string,
 *   proxy?: {runtime: string, function: string|null, params: object}}}  proxy: forward the request to
 *   entry.backends[proxy.runtime] (a function when config.functions has a route for the path, else the
 *   config.app web app for every path outside its static folders); any method
 */
/**
 * A route entry as read from edge KV or a route file, checked before anything is served from it: a
 * deployment id, and a prefix that is relative, ends in `/` and has no `.` or `..` segment. Both edge
 * entry points (the ESA routine and the local edge) use this one check.
 */
export function validateEntry(entry) {
  if (!entry || typeof entry !== 'object') throw new Error('not a JSON object');
  if (typeof entry.deploymentId !== 'string' || !entry.deploymentId) throw new Error('no deploymentId');
  const prefix = entry.prefix;
  if (typeof prefix !== 'string' || !prefix.endsWith('/') || prefix.startsWith('/') || prefix.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`invalid prefix ${JSON.stringify(prefix)}`);
  }
  const backends = entry.backends;
  if (backends !== undefined && backends !== null) {
    if (typeof backends !== 'object' || Array.isArray(backends)) throw new Error('backends is not an object');
    for (const [runtime, backend] of Object.entries(backends)) {
      if (typeof backend !== 'string' || !backend) throw new Error(`invalid backend for ${JSON.stringify(runtime)}`);
    }
  }
  return entry;
}

export function route(entry, request, exists, compiled) {
  const method = String(request.method || 'GET').toUpperCase();
  const cfg = compiled || compiledFor(entry);
  const dynamic = cfg.functions !== null || cfg.app !== null;
  if (!dynamic && method !== 'GET' && method !== 'HEAD') return methodNotAllowed();
  const parsed = parsePath(request.path);
  if (parsed === TOO_LONG) return { status: 414, file: null, headers: { 'cache-control': REVALIDATE } };
  if (!parsed) return { status: 400, file: null, headers: { 'cache-control': REVALIDATE } };
  if (dynamic) {
    // Functions answer before any file or redirect rule (as Vercel's api/ does), for every method.
    const fn = cfg.functions !== null ? matchFunction(cfg.functions, parsed.segs) : null;
    if (fn) return proxy(fn.runtime, fn.name, fn.params);
    if (cfg.app !== null) {
      const file = parsed.segs.join('/');
      if ((method === 'GET' || method === 'HEAD') && underStaticDir(parsed.segs, cfg.app.staticDirs) && exists(file)) {
        return serve(200, file, cfg, cfg.headers !== null ? ruleRequest(parsed.segs, parsed.query, request.header, request.host) : null);
      }
      return proxy(cfg.app.runtime, null, {});
    }
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed();
  }
  const req = cfg.redirects !== null || cfg.headers !== null ? ruleRequest(parsed.segs, parsed.query, request.header, request.host) : null;

  // Redirect rules: the first match wins. A forced rule (`!`, or a miaobu.json/vercel.json redirect)
  // applies before any file; any other rule only when no file answers the path (Netlify's shadowing).
  const match = cfg.redirects !== null ? firstRedirect(cfg.redirects, req) : null;
  if (match !== null && match.rule.force) return applyRedirect(match, parsed, req, cfg, exists);

  const hit = lookup(parsed.segs, parsed.slash, cfg, exists);
  if (hit) {
    const target = hit.canonical;
    const isCanonical = sameForm(target, parsed);
    // Redirect only when the canonical URL leads back to the same file; otherwise (e.g. both
    // `a.html` and a file `a` exist) serving directly is the only answer that cannot loop.
    if (isCanonical || lookup(target.segs, target.slash, cfg, exists)?.file !== hit.file) {
      return serve(200, hit.file, cfg, req);
    }
    return redirect(308, formatPath(target) + parsed.query);
  }
  // A trailing-slash setting the site chose applies to every URL, file or not (as on Vercel), so
  // `/app/` and `/app` never both answer; without one only file URLs are normalised (above).
  // Straight to the file's canonical URL when the other form names a file (`/about.html/` -> `/about/`
  // in one hop, as Vercel's cleanUrls route does), else to the other form.
  const slashed = slashForm(parsed, cfg);
  if (slashed) {
    const there = lookup(slashed.segs, slashed.slash, cfg, exists);
    return redirect(308, formatPath(there ? there.canonical : slashed) + parsed.query);
  }
  if (match !== null) return applyRedirect(match, parsed, req, cfg, exists);
  return notFound(parsed, cfg, exists, req);
}

const compiledByConfig = new WeakMap();
const DEFAULT_COMPILED = compile(null);

/** Config defaults plus compiled rules: what route() needs, computed once per config. */
export function compile(config) {
  const c = config && typeof config === 'object' ? config : {};
  return {
    spa: typeof c.spa === 'boolean' ? c.spa : null, // null = decide by the presence of 404.html
    notFound: typeof c.notFound === 'string' && c.notFound ? c.notFound : null,
    cleanUrls: c.cleanUrls !== false, // on unless explicitly off, as on Cloudflare Pages
    trailingSlash: typeof c.trailingSlash === 'boolean' ? c.trailingSlash : null, // null = auto
    functions: compileFunctions(c.functions),
    app: compileApp(c.app),
    ...compileRules(c),
  };
}

function methodNotAllowed() {
  return { status: 405, file: null, headers: { allow: 'GET, HEAD', 'cache-control': REVALIDATE } };
}

/**
 * What the shells forward to the deployment's backend for `runtime` (entry.backends[runtime]): the
 * function's name (null: the web app) and its dynamic segments. Never cached: a function's answer is its own.
 */
function proxy(runtime, name, params) {
  return { status: 200, file: null, proxy: { runtime, function: name, params }, headers: { 'cache-control': 'no-store' } };
}

// A route segment: a literal, `[name]`, `[...name]` (the rest, at least one segment) or `[[...name]]` (the rest, maybe none).
const LITERAL = 0;
const PARAM = 1;
const REST = 2;
const OPTIONAL_REST = 3;

function compileSegment(text) {
  let m = /^\[\[\.\.\.([^\[\]/]+)\]\]$/.exec(text);
  if (m) return { kind: OPTIONAL_REST, name: m[1] };
  m = /^\[\.\.\.([^\[\]/]+)\]$/.exec(text);
  if (m) return { kind: REST, name: m[1] };
  m = /^\[([^\[\]/.]+)\]$/.exec(text);
  if (m) return { kind: PARAM, name: m[1] };
  return { kind: LITERAL, text };
}

/**
 * The config's functions in the order they are tried: per segment, a literal beats `[param]`, which
 * beats `[...rest]`, so the longer literal prefix wins (`/api/users/me` before `/api/users/[id]` before
 * `/api/[...slug]`). Malformed entries are skipped: a bad function route must not take the site down.
 */
function compileFunctions(functions) {
  if (!Array.isArray(functions)) return null;
  const compiled = [];
  for (const f of functions) {
    if (!f || typeof f.route !== 'string' || !f.route.startsWith('/') || typeof f.name !== 'string' || typeof f.runtime !== 'string') continue;
    const segments = f.route.split('/').filter((s) => s !== '').map(compileSegment);
    if (segments.slice(0, -1).some((s) => s.kind >= REST)) continue; // a rest segment is always the last
    compiled.push({ segments, name: f.name, runtime: f.runtime });
  }
  compiled.sort((a, b) => {
    const n = Math.min(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const d = a.segments[i].kind - b.segments[i].kind;
      if (d !== 0) return d;
    }
    return b.segments.length - a.segments.length;
  });
  return compiled.length ? compiled : null;
}

function compileApp(app) {
  if (!app || typeof app !== 'object' || typeof app.runtime !== 'string') return null;
  const dirs = Array.isArray(app.staticDirs) ? app.staticDirs : [];
  const staticDirs = dirs.filter((d) => typeof d === 'string')
    .map((d) => d.split('/').filter((s) => s !== '' && s !== '.' && s !== '..'))
    .filter((segs) => segs.length > 0);
  return { runtime: app.runtime, staticDirs };
}

function matchFunction(functions, segs) {
  for (const f of functions) {
    const params = matchSegments(f.segments, segs);
    if (params) return { name: f.name, runtime: f.runtime, params };
  }
  return null;
}

function matchSegments(route, segs) {
  const params = {};
  for (let i = 0; i < route.length; i++) {
    const r = route[i];
    if (r.kind === REST || r.kind === OPTIONAL_REST) {
      const rest = segs.slice(i);
      if (rest.length === 0 && r.kind === REST) return null;
      if (rest.length > 0) params[r.name] = rest;
      return params;
    }
    if (i >= segs.length) return null;
    if (r.kind === PARAM) params[r.name] = segs[i];
    else if (r.text !== segs[i]) return null;
  }
  return route.length === segs.length ? params : null;
}

function underStaticDir(segs, staticDirs) {
  return staticDirs.some((dir) => segs.length > dir.length && dir.every((s, i) => s === segs[i]));
}

function compiledFor(entry) {
  const config = entry && entry.config;
  if (!config || typeof config !== 'object') return DEFAULT_COMPILED;
  let compiled = compiledByConfig.get(config);
  if (!compiled) {
    compiled = compile(config);
    compiledByConfig.set(config, compiled);
  }
  return compiled;
}

/**
 * Compiled configs by deployment id, for the shells: a deployment never changes, so its rules are
 * compiled once however often its route entry is re-read (edge KV hands out a new object each
 * time). Least recently used deployments are dropped past `max`.
 */
export class CompiledCache {
  constructor(max = 256) {
    this.max = max;
    this.byDeployment = new Map();
  }

  get(entry) {
    const id = entry && entry.deploymentId;
    if (typeof id !== 'string' || !id) return compiledFor(entry);
    let compiled = this.byDeployment.get(id);
    if (compiled) {
      this.byDeployment.delete(id); // re-insert: Map order is the recency order
    } else {
      compiled = compile(entry.config);
      if (this.byDeployment.size >= this.max) this.byDeployment.delete(this.byDeployment.keys().next().value);
    }
    this.byDeployment.set(id, compiled);
    return compiled;
  }
}

function applyRedirect({ rule, captures }, parsed, req, cfg, exists) {
  let target = render(rule.to, captures);
  if (rule.status !== 200 && rule.status !== 404) {
    if (!rule.external) target = target.replace(/^[\/\\]+/, '/'); // never `//host`: that would leave the site
    if (rule.keepQuery && parsed.query) target += parsed.query;
    return redirect(rule.status, target);
  }
  // A rewrite serves the target's file under the requested URL; rewrites do not chain.
  const to = parsePath(target);
  const hit = to && to !== TOO_LONG && lookup(to.segs, to.slash, cfg, exists);
  if (hit) return serve(rule.status, hit.file, cfg, req);
  return notFound(parsed, cfg, exists, req);
}

function redirect(status, location) {
  return { status, file: null, location, headers: { location, 'cache-control': REVALIDATE } };
}

// Vercel's trailingSlash: true adds the slash to every URL but file URLs (`/app.js`), removes it from
// them (`/app.js/` -> `/app.js`), and leaves `/.well-known/` alone (its files often have no extension).
function slashForm({ segs, slash }, cfg) {
  if (cfg.trailingSlash === null || segs.length === 0) return null;
  if (cfg.trailingSlash === true) {
    if (segs[0] === '.well-known') return null;
    const file = hasExtension(segs[segs.length - 1]);
    return slash === !file ? null : { segs, slash: !file };
  }
  return slash ? { segs, slash: false } : null;
}
const TOO_LONG = Object.freeze({ tooLong: true });

/**
 * Splits and decodes a raw request target; null when it is malformed or tries to escape, TOO_LONG
 * past MAX_PATH_LENGTH characters or MAX_PATH_SEGMENTS segments.
 */
function parsePath(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return null;
  const q = raw.search(/[?#]/);
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  if (pathPart.length > MAX_PATH_LENGTH) return TOO_LONG;
  let slashes = 0;
  for (let i = pathPart.indexOf('/'); i >= 0; i = pathPart.indexOf('/', i + 1)) {
    if (++slashes > MAX_PATH_SEGMENTS + 1) return TOO_LONG;
  }
  const query = q < 0 || raw[q] === '#' ? '' : safeQuery(raw.slice(q).split('#')[0]);
  const segs = [];
  for (const rawSeg of pathPart.split('/')) {
    if (rawSeg === '') continue; // `//` collapses, which also keeps redirects from becoming `//host`
    let seg;
    try {
      seg = decodeURIComponent(rawSeg);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[\/\\\x00-\x1f\x7f]/.test(seg)) return null;
    segs.push(seg);
  }
  return { segs, slash: segs.length === 0 || pathPart.endsWith('/'), query };
}

// The query is only ever echoed into a Location header, so keep it to printable ASCII.
function safeQuery(query) {
  if (query === '?') return '';
  try {
    return query.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return ''; // a lone surrogate cannot be encoded; dropping the query beats failing the request
  }
}

/**
 * The file a URL form resolves to, and the canonical URL form for that file.
 * Order matters and matches Cloudflare: exact file, then `x.html`, then `x/index.html`.
 */
function lookup(segs, slash, cfg, exists) {
  const p = segs.join('/');
  const page = (s) => ({ segs: s, slash: cfg.trailingSlash === true });
  const dir = (s) => ({ segs: s, slash: cfg.trailingSlash !== false || s.length === 0 });
  const indexOf = (s) => (s.length ? s.join('/') + '/index.html' : 'index.html');
  // `/docs/index` is the directory's page under a second name: its URL is the directory's (as on Vercel).
  const cleanPage = (s) => (s[s.length - 1] === 'index' ? dir(s.slice(0, -1)) : page(s));

  if (!slash) {
    if (exists(p)) {
      const last = segs[segs.length - 1];
      if (cfg.cleanUrls && last === 'index.html') return { file: p, canonical: dir(segs.slice(0, -1)) };
      if (cfg.cleanUrls && /.\.html$/.test(last)) {
        return { file: p, canonical: page([...segs.slice(0, -1), last.slice(0, -5)]) };
      }
      return { file: p, canonical: { segs, slash } };
    }
    if (cfg.cleanUrls && exists(p + '.html')) return { file: p + '.html', canonical: cleanPage(segs) };
    if (exists(indexOf(segs))) return { file: indexOf(segs), canonical: dir(segs) };
    return null;
  }
  if (exists(indexOf(segs))) return { file: indexOf(segs), canonical: dir(segs) };
  if (cfg.cleanUrls && segs.length && exists(p + '.html')) return { file: p + '.html', canonical: cleanPage(segs) };
  return null;
}

function notFound({ segs, slash }, cfg, exists, req) {
  const spaCandidate = !hasExtension(segs[segs.length - 1]) && exists('index.html');
  if (cfg.spa === true && spaCandidate) return serve(200, 'index.html', cfg, req);
  const page = find404(slash ? segs : segs.slice(0, -1), cfg, exists);
  if (page) return serve(404, page, cfg, req);
  if (cfg.spa !== false && spaCandidate) return serve(200, 'index.html', cfg, req);
  return { status: 404, file: null, headers: { 'cache-control': REVALIDATE } };
}

// config.notFound first, then the nearest 404.html walking up from the request's directory.
function find404(dirSegs, cfg, exists) {
  if (cfg.notFound) {
    const named = parsePath('/' + cfg.notFound.replace(/^\/+/, ''));
    const rel = named && named !== TOO_LONG && named.segs.join('/');
    if (rel && exists(rel)) return rel;
  }
  // Each directory's path once, in one pass (joining the prefixes anew for each was quadratic).
  const dirs = [''];
  for (const seg of dirSegs) dirs.push(dirs[dirs.length - 1] + seg + '/');
  for (let n = dirs.length - 1; n >= 0; n--) {
    if (exists(dirs[n] + '404.html')) return dirs[n] + '404.html';
  }
  return null;
}

// Type and caching depend on the file name only, and the same few files are asked for again and again.
const typeByFile = new Map();

// Header rules match the URL that was asked for (not the file a rewrite or fallback serves), and
// apply to every answer that serves a file; a rule's value replaces the default of the same name.
function serve(status, file, cfg, req) {
  let known = typeByFile.get(file);
  if (known === undefined) {
    known = [contentType(file), isHashed(file) && !/\.html?$/i.test(file) ? IMMUTABLE : REVALIDATE];
    if (typeByFile.size >= 20_000) typeByFile.clear();
    typeByFile.set(file, known);
  }
  const headers = { 'content-type': known[0], 'cache-control': known[1] };
  if (cfg.headers !== null) applyHeaderRules(cfg.headers, req, headers);
  return { status, file, headers };
}

function sameForm(a, b) {
  return a.slash === b.slash && a.segs.length === b.segs.length && a.segs.every((s, i) => s === b.segs[i]);
}

function formatPath({ segs, slash }) {
  if (segs.length === 0) return '/';
  return '/' + segs.map(encodeSegment).join('/') + (slash ? '/' : '');
}

function hasExtension(seg) {
  return seg !== undefined && /[^.]\.[A-Za-z0-9]{1,10}$/.test(seg);
}

function extensionOf(file) {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

// Directories whose every file is content-addressed by the framework that writes them.
const IMMUTABLE_DIRS = /(^|\/)(_next\/static|_app\/immutable)\//;
// Directories where bundlers put `[name]-[hash].[ext]`; there a hash without digits is still trusted.
const ASSET_DIRS = /(^|\/)(assets|_astro|_nuxt|static)\//;

/**
 * Whether a file name carries a content hash, so its content can never change under that name.
 * A false negative only costs a revalidation; a false positive serves stale content for a year,
 * so this errs on the side of "not hashed": a hash must look random (letters mixed with digits,
 * several switches between character classes), which words, versions and dates do not.
 */
export function isHashed(file) {
  if (IMMUTABLE_DIRS.test(file)) return true;
  const base = file.slice(file.lastIndexOf('/') + 1);
  const parts = base.split('.');
  if (parts.length < 2 || parts[0] === '') return false;
  parts.pop(); // the extension
  const inAssets = ASSET_DIRS.test(file);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const dash = part.lastIndexOf('-');
    // `app-3f9a1b2c`, `main.3f9a1b2c.chunk`, `entry.BxK9aZ1q` (webpack, Parcel, Astro, esbuild)
    const token = dash >= 0 ? part.slice(dash + 1) : i > 0 ? part : null;
    if (token !== null && /^[A-Za-z0-9]{8,}$/.test(token) && looksRandom(token, 3, inAssets)) return true;
    // Rollup/Vite hashes are 8 base64url characters, which may themselves contain `-` and `_`.
    const tail = /(?:^|[-.])([A-Za-z0-9_-]{8})$/.exec(part);
    if (tail && (dash >= 0 || i > 0) && !wordsInside(tail[1]) && (looksRandom(tail[1], 4, inAssets) || (inAssets && viteHash(tail[1])))) {
      return true;
    }
    // esbuild's hashes (Angular's `main-ZG66FLMO.js`) are 8 base32 characters, a fifth of them without a
    // digit: trusted after the output names the Angular CLI gives, where no word of 8 capitals comes.
    if (i === 0 && ESBUILD_ENTRY.test(part)) return true;
    // A name that is nothing but a hash (`_nuxt/BxK9aZ1q.js`).
    if (parts.length === 1 && dash < 0 && /^[A-Za-z0-9]{8,}$/.test(part) && looksRandom(part, 3, inAssets)) {
      return true;
    }
  }
  return false;
}

const ESBUILD_ENTRY = /^(main|polyfills|styles|scripts|chunk|runtime|worker|server)-[A-Z2-7]{8}$/;

/**
 * A Rollup/Vite hash inside a bundler's asset folder: two kinds of character at least, one of them a
 * capital (Vite's base64url hashes nearly always hold one; words, versions and dates do not), and not
 * a CamelCase word (`MyButton`, `DarkMode`).
 */
/** A word between separators (`v1-Final`, `my_LOGO`): a name someone wrote, not a hash. */
function wordsInside(token) {
  return /[-_]/.test(token) && token.split(/[-_]/).some((w) => /^[A-Z]?[a-z]{4,}$|^[A-Z]{4,}$/.test(w));
}

function viteHash(token) {
  if (!/[A-Z]/.test(token) || /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(token)) return false;
  // A year or a camera's counter (`IMG_2024`, `DSC01234`).
  if (/\d{4}/.test(token)) return false;
  const kinds = [/[A-Z]/, /[a-z]/, /\d/].filter((k) => k.test(token)).length;
  return kinds >= 2;
}

function looksRandom(token, minSwitches, allowNoDigit) {
  // Lowercase hex with letters and digits (webpack, Parcel, Next, Gatsby) is never a word.
  if (/^[0-9a-f]+$/.test(token)) return /\d/.test(token) && /[a-f]/.test(token);
  // Otherwise base62/base64url/base32 (Vite, Astro, esbuild): these nearly always hold an
  // uppercase letter, which keeps out `1920x1080p60`, `latin700` and the like.
  const cls = (c) => (/\d/.test(c) ? 'd' : /[a-z]/.test(c) ? 'l' : /[A-Z]/.test(c) ? 'u' : 's');
  let switches = 0;
  for (let i = 1; i < token.length; i++) if (cls(token[i]) !== cls(token[i - 1])) switches++;
  if (!/[A-Z]/.test(token) || switches < minSwitches) return false;
  if (/\d/.test(token)) return true;
  // No digit: only inside bundler asset directories, and only with case changes inside the token.
  return allowNoDigit && switches >= 4 && /[a-z]/.test(token) && /.[A-Z]/.test(token);
}

const UTF8 = '; charset=utf-8';
const TYPES = {
  html: 'text/html' + UTF8, htm: 'text/html' + UTF8, xhtml: 'application/xhtml+xml' + UTF8,
  css: 'text/css' + UTF8, js: 'text/javascript' + UTF8, mjs: 'text/javascript' + UTF8,
  cjs: 'text/javascript' + UTF8, json: 'application/json' + UTF8, map: 'application/json' + UTF8,
  jsonld: 'application/ld+json' + UTF8, webmanifest: 'application/manifest+json' + UTF8,
  manifest: 'text/cache-manifest' + UTF8, txt: 'text/plain' + UTF8, md: 'text/markdown' + UTF8,
  markdown: 'text/markdown' + UTF8, csv: 'text/csv' + UTF8, tsv: 'text/tab-separated-values' + UTF8,
  xml: 'application/xml' + UTF8, rss: 'application/rss+xml' + UTF8, atom: 'application/atom+xml' + UTF8,
  xsl: 'application/xml' + UTF8, yaml: 'application/yaml' + UTF8, yml: 'application/yaml' + UTF8,
  toml: 'application/toml' + UTF8, ics: 'text/calendar' + UTF8, vtt: 'text/vtt' + UTF8,
  srt: 'text/plain' + UTF8, svg: 'image/svg+xml' + UTF8,
  png: 'image/png', apng: 'image/apng', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
  webp: 'image/webp', avif: 'image/avif', ico: 'image/x-icon', bmp: 'image/bmp', tif: 'image/tiff',
  tiff: 'image/tiff', jxl: 'image/jxl', heic: 'image/heic',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf',
  eot: 'application/vnd.ms-fontobject',
  mp4: 'video/mp4', m4v: 'video/mp4', webm: 'video/webm', ogv: 'video/ogg', mov: 'video/quicktime',
  mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/opus',
  m4a: 'audio/mp4', aac: 'audio/aac', flac: 'audio/flac', mid: 'audio/midi', midi: 'audio/midi',
  m3u8: 'application/vnd.apple.mpegurl', mpd: 'application/dash+xml',
  wasm: 'application/wasm', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  tgz: 'application/gzip', tar: 'application/x-tar', bz2: 'application/x-bzip2', xz: 'application/x-xz',
  '7z': 'application/x-7z-compressed', br: 'application/octet-stream', epub: 'application/epub+zip',
  gltf: 'model/gltf+json', glb: 'model/gltf-binary', swf: 'application/x-shockwave-flash',
  doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export function contentType(file) {
  return TYPES[extensionOf(file)] || 'application/octet-stream';
}

/**
 * ACME HTTP-01 answers (RFC 8555 §8.3) are stored under ACME_KV_PREFIX + token; io.miaobu.domains.
 * AcmeChallenges.KV_PREFIX is the same string. Capitals in route keys come only in pairs, and the
 * prefix's `CHALLENGE` is an odd run of capitals, so no hostname's key starts with it.
 */
export const ACME_KV_PREFIX = 'ACME_CHALLENGE_';

/** The token of a /.well-known/acme-challenge/{token} request path, or null. */
export function acmeChallengeToken(pathname) {
  const m = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{16,256})$/.exec(String(pathname).split('?')[0]);
  return m ? m[1] : null;
}

/**
 * The route-table key for a hostname. ESA's "Get started with Edge KV" allows keys of at most 512
 * bytes of letters, digits, `-` and `_` only, so the key is an injective encoding of the host into
 * that alphabet; io.miaobu.edge.RouteKeys.encode is the same function (shared vectors in
 * test/vectors/route-keys.json). ASCII-lowercase (only ASCII, so every language and locale agree),
 * drop a trailing `:digits` then one trailing `.`; then keep `a-z0-9-`, write `.` as `_`, and every
 * other character byte by byte (UTF-8) as two capitals `A`..`P`, the high then the low half of the
 * byte (`*` = 0x2A is `CK`). Capitals come only in these pairs, so a key reads back one way, and never
 * in an odd run such as the one ACME_KV_PREFIX starts with.
 */
export function encodeRouteKey(host) {
  const h = normalizeHost(host);
  let key = '';
  for (const ch of h) {
    if (/[a-z0-9-]/.test(ch)) key += ch;
    else if (ch === '.') key += '_';
    else for (const b of new TextEncoder().encode(ch)) key += String.fromCharCode(65 + (b >> 4), 65 + (b & 15));
  }
  return key;
}

/**
 * The file name (without extension) of a key's entry in a local route table: every capital `X`
 * written `~x`, so two keys never share a file where file names ignore case (macOS, Windows).
 * io.miaobu.edge.RouteKeys.fileName is the same.
 */
export function routeFileName(key) {
  return key.replace(/[A-Z]/g, (c) => '~' + c.toLowerCase());
}

function normalizeHost(host) {
  return String(host).replace(/[A-Z]+/g, (s) => s.toLowerCase()).replace(/:[0-9]+$/, '').replace(/\.$/, '');
}

/**
 * The hosts whose route entries (and certificates) may serve a request for `host`, in order: the host
 * itself, then the wildcard custom domain covering it (`*.shop.com` for `a.shop.com`; one label deep, as
 * a wildcard certificate is). A host's own entry wins, so `www.shop.com` can belong to another project
 * than `*.shop.com`. No wildcard is tried for a name of two labels: `*.com` is never a domain anybody can
 * add. io.miaobu.edge.RouteKeys.lookupOrder is the same rule.
 */
export function lookupOrder(host) {
  const h = normalizeHost(host);
  const dot = h.indexOf('.');
  if (!/^[a-z0-9.-]+$/.test(h) || dot <= 0 || h.indexOf('.', dot + 1) < 0) return [host];
  return [host, '*' + h.slice(dot)];
}

/** The route keys to look up for a request's host: {@link lookupOrder}, encoded. */
export function routeKeysFor(host) {
  const exact = encodeRouteKey(host);
  return exact ? lookupOrder(host).map(encodeRouteKey) : [];
}
