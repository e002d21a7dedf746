// Redirect and header rules: compiled once per route entry, then matched per request without
// allocating per rule. The Java side (io.miaobu.edge.rules.RulesCompiler) parses `_redirects`,
// `_headers` and `miaobu.json`/`vercel.json` at deploy time into the route entry's config; this
// module only understands that compiled form:
//
//   redirects: [{ from, query?, to, status, force }]   first match wins
//   headers:   [{ path, set?, unset? }]                 every match applies, in order
//
// Patterns (`from`, `path`) are `/`-separated segments, matched case-insensitively, ignoring a
// trailing slash. A segment is a literal, `:name` (one segment), `:name(regex)` (one segment the
// regex matches), `:name?` (optional, last only), `*` or `:name*` (the rest, zero or more
// segments, last only; `*` is named `splat`) or `:name+` (the rest, one or more).
// `query` is [[key, value]]: the request must carry every key; a value `:name` captures, any other
// value must be equal. Targets and header values substitute `:name` for captured values.

const LIT = 0;
const ONE = 1;
const REST = 2;
const EMPTY = Object.freeze([]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REWRITE_STATUSES = new Set([200, 404]);
const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)(?:\((.+)\))?([*+?])?$/;

/** The compiled redirect and header rules of one config; null members when there are none. */
export function compileRules(config) {
  const c = config || {};
  const redirects = [];
  for (const raw of Array.isArray(c.redirects) ? c.redirects : EMPTY) {
    const rule = compileRedirect(raw);
    if (rule) redirects.push(rule);
  }
  const headers = [];
  for (const raw of Array.isArray(c.headers) ? c.headers : EMPTY) {
    const rule = compileHeaderRule(raw);
    if (rule) headers.push(rule);
  }
  return { redirects: redirects.length ? buildIndex(redirects) : null, headers: headers.length ? buildIndex(headers) : null };
}

function compileRedirect(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.to !== 'string') return null;
  const status = raw.status === undefined || raw.status === null ? 301 : raw.status;
  const external = /^https?:\/\//i.test(raw.to);
  if (!REDIRECT_STATUSES.has(status) && !REWRITE_STATUSES.has(status)) return null;
  if (!external && !raw.to.startsWith('/')) return null;
  if (external && REWRITE_STATUSES.has(status)) return null; // that would be proxying to another origin
  const pat = compilePattern(raw.from);
  if (!pat) return null;
  const names = pat.names.slice();
  const query = [];
  for (const pair of Array.isArray(raw.query) ? raw.query : EMPTY) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return null;
    const m = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(pair[1]);
    query.push({ key: pair[0], name: m ? m[1] : null, value: m ? null : pair[1] });
    if (m) names.push(m[1]);
  }
  return {
    index: 0,
    pat,
    query: query.length ? query : null,
    to: compileTemplate(raw.to, names),
    keepQuery: query.length === 0 && !raw.to.includes('?'),
    external,
    status,
    force: raw.force === true,
  };
}

function compileHeaderRule(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const pat = compilePattern(raw.path);
  if (!pat) return null;
  const set = [];
  if (raw.set && typeof raw.set === 'object') {
    for (const [name, value] of Object.entries(raw.set)) {
      if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) continue;
      set.push([name.toLowerCase(), compileTemplate(value, pat.names)]);
    }
  }
  const unset = (Array.isArray(raw.unset) ? raw.unset : EMPTY).filter((n) => typeof n === 'string').map((n) => n.toLowerCase());
  if (!set.length && !unset.length) return null;
  return { index: 0, pat, set, unset };
}

/** Null when the pattern is not one this engine understands (the compiler warned about it already). */
export function compilePattern(source) {
  if (typeof source !== 'string' || !source.startsWith('/')) return null;
  const parts = source.split('/').filter((s) => s !== '');
  const segs = [];
  const names = [];
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i];
    const last = i === parts.length - 1;
    if (raw === '*') {
      if (!last) return null;
      segs.push({ kind: REST, name: 'splat', min: 0, optional: false, re: null, lit: null });
      names.push('splat');
      continue;
    }
    const m = PARAM.exec(raw);
    if (m) {
      const [, name, re, mod] = m;
      if (mod === '*' || mod === '+') {
        if (!last || re) return null;
        segs.push({ kind: REST, name, min: mod === '+' ? 1 : 0, optional: false, re: null, lit: null });
      } else {
        if (mod === '?' && !last) return null;
        let regex = null;
        if (re !== undefined) {
          try {
            regex = new RegExp('^(?:' + re + ')$');
          } catch {
            return null;
          }
        }
        segs.push({ kind: ONE, name, min: 1, optional: mod === '?', re: regex, lit: null });
      }
      names.push(name);
      continue;
    }
    let lit;
    try {
      lit = decodeURIComponent(raw);
    } catch {
      lit = raw;
    }
    segs.push({ kind: LIT, name: null, min: 1, optional: false, re: null, lit: lit.toLowerCase() });
  }
  const dynamic = segs.some((s) => s.kind !== LIT);
  return {
    segs,
    names,
    key: dynamic ? null : segs.map((s) => s.lit).join('/'),
    first: dynamic && segs.length && segs[0].kind === LIT ? segs[0].lit : null,
  };
}

// Rules are bucketed so a request only looks at the rules that could match it: literal patterns by
// their whole path, dynamic ones by their first literal segment; only patterns that start with a
// placeholder or splat are looked at for every request. Each bucket keeps file order.
function buildIndex(rules) {
  const exact = new Map();
  const byFirst = new Map();
  const other = [];
  rules.forEach((rule, i) => {
    rule.index = i;
    if (rule.pat.key !== null) push(exact, rule.pat.key, rule);
    else if (rule.pat.first !== null) push(byFirst, rule.pat.first, rule);
    else other.push(rule);
  });
  return { exact, byFirst, other, size: rules.length };
}

function push(map, key, rule) {
  const list = map.get(key);
  if (list) list.push(rule);
  else map.set(key, [rule]);
}

/**
 * The request as the rules see it. `segs` are decoded path segments; matching is on their lower
 * case, computed once here.
 */
export function ruleRequest(segs, rawQuery) {
  const lower = new Array(segs.length);
  for (let i = 0; i < segs.length; i++) lower[i] = segs[i].toLowerCase();
  return { segs, lower, key: lower.join('/'), first: lower.length ? lower[0] : null, rawQuery, query: null };
}

/** The first redirect rule that matches, with its captures, or null. */
export function firstRedirect(index, req) {
  const rule = eachCandidate(index, req, (r) => (r.pat.key !== null || matches(r.pat, req)) && queryMatches(r, req));
  return rule === null ? null : { rule, captures: capture(rule, req) };
}

/** Applies every matching header rule, in order, to `headers` (which it changes and returns). */
export function applyHeaderRules(index, req, headers) {
  let fromRules = null; // header names whose value came from a rule, so a second rule appends
  eachCandidate(index, req, (rule) => {
    if (rule.pat.key === null && !matches(rule.pat, req)) return false;
    if (fromRules === null) fromRules = new Set();
    const captures = rule.set.length && rule.pat.names.length ? capture(rule, req) : null;
    for (const [name, template] of rule.set) {
      const value = render(template, captures);
      if (fromRules.has(name)) headers[name] += ', ' + value;
      else {
        headers[name] = value;
        fromRules.add(name);
      }
    }
    for (const name of rule.unset) {
      delete headers[name];
      fromRules.delete(name);
    }
    return false;
  });
  return headers;
}

/**
 * Visits, in rule order, the rules of the request's buckets (its exact path, its first segment,
 * and the patterns that start with a parameter) until `visit` returns true; returns that rule.
 */
function eachCandidate(index, req, visit) {
  const a = index.exact.get(req.key) || EMPTY;
  const b = (req.first !== null && index.byFirst.get(req.first)) || EMPTY;
  const c = index.other;
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length || k < c.length) {
    const rule = next(a, i, b, j, c, k);
    if (rule === a[i]) i++;
    else if (rule === b[j]) j++;
    else k++;
    if (visit(rule)) return rule;
  }
  return null;
}

// The rule with the lowest index among the three bucket heads.
function next(a, i, b, j, c, k) {
  const x = i < a.length ? a[i] : null;
  const y = j < b.length ? b[j] : null;
  const z = k < c.length ? c[k] : null;
  let best = x;
  if (y !== null && (best === null || y.index < best.index)) best = y;
  if (z !== null && (best === null || z.index < best.index)) best = z;
  return best;
}

function matches(pat, req) {
  const { segs, lower } = req;
  const n = segs.length;
  const ps = pat.segs;
  let i = 0;
  for (let s = 0; s < ps.length; s++) {
    const p = ps[s];
    if (p.kind === REST) return n - i >= p.min;
    if (i >= n) {
      if (p.optional) continue;
      return false;
    }
    if (p.kind === LIT) {
      if (lower[i] !== p.lit) return false;
    } else if (p.re !== null && !p.re.test(segs[i])) {
      return false;
    }
    i++;
  }
  return i === n;
}

function queryMatches(rule, req) {
  if (rule.query === null) return true;
  const q = requestQuery(req);
  for (const cond of rule.query) {
    const value = q.get(cond.key);
    if (value === undefined || (cond.value !== null && value !== cond.value)) return false;
  }
  return true;
}

/** Captured values as lists of decoded segments (a query value is a one-item list). */
function capture(rule, req) {
  const captures = {};
  const { segs } = req;
  const ps = rule.pat.segs;
  let i = 0;
  for (let s = 0; s < ps.length; s++) {
    const p = ps[s];
    if (p.kind === REST) {
      captures[p.name] = segs.slice(i);
      break;
    }
    if (p.kind === ONE) captures[p.name] = i < segs.length ? [segs[i]] : [];
    i++;
  }
  if (rule.query) {
    const q = requestQuery(req);
    for (const cond of rule.query) if (cond.name !== null) captures[cond.name] = [q.get(cond.key)];
  }
  return captures;
}

function requestQuery(req) {
  if (req.query === null) {
    req.query = new Map();
    const raw = req.rawQuery.startsWith('?') ? req.rawQuery.slice(1) : req.rawQuery;
    for (const part of raw.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
      if (!req.query.has(key)) req.query.set(key, decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1)));
    }
  }
  return req.query;
}

function decodeQueryPart(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * A target or header value split into literal text and `:name` references to captures. Only names
 * the pattern captures are references, so `https://host:8080/` or `12:30` stay as written.
 */
function compileTemplate(text, names) {
  const parts = [];
  const re = /:([A-Za-z_][A-Za-z0-9_]*)/g;
  let last = 0;
  let queryStart = text.indexOf('?');
  if (queryStart < 0) queryStart = Infinity;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (!names.includes(m[1])) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ name: m[1], inQuery: m.index > queryStart });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Captured values are percent-encoded on the way out, so they can never add a path segment, query or header. */
export function render(template, captures) {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else {
      const values = (captures && captures[part.name]) || EMPTY;
      out += part.inQuery ? encodeURIComponent(values.join('/')) : values.map(encodeSegment).join('/');
    }
  }
  return out;
}

// Keep the sub-delimiters that are legal in a path readable instead of percent-encoding them.
export function encodeSegment(s) {
  return encodeURIComponent(s).replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (m) => decodeURIComponent(m));
}
