// Redirect and header rules: compiled once per route entry, then matched per request without
// allocating per rule. The Java side (io.miaobu.edge.rules.RulesCompiler) parses `_redirects`,
// `_headers` and `miaobu.json`/`vercel.json` at deploy time into the route entry's config; this
// module only understands that compiled form:
//
//   redirects: [{ from, query?, to, status, force, has?, missing? }]   first match wins
//   headers:   [{ path, set?, unset?, has?, missing? }]                 every match applies, in order
//
// Patterns (`from`, `path`) are `/`-separated segments, matched case-insensitively, ignoring a
// trailing slash. A segment is a literal, `:name` (one segment), `:name(regex)` (one segment the
// regex matches), `:name?` (optional, last only), `*` or `:name*` (the rest, zero or more
// segments, last only; `*` is named `splat`) or `:name+` (the rest, one or more).
// `query` is [[key, value]]: the request must carry every key; a value `:name` captures, any other
// value must be equal. Targets and header values substitute `:name` for captured values.
// `has` / `missing` are Vercel's conditions, [{ type, key?, value? }] with type header (key in lower
// case), cookie, query or host (no key): a rule applies only when every `has` condition holds and no
// `missing` one does. A condition holds when the request carries a non-empty value and, with `value`,
// that value matches it whole as a regular expression (as Next.js's matchHas does). What a `has`
// condition matched is captured: its named groups; the value itself under the key's name when there is
// no `value`; the whole host for a host pattern without groups. The Java compiler (SafeRegex) lets
// through only patterns whose backtracking is bounded, and no value longer than MAX_REGEX_INPUT
// characters is ever tested, so a crafted request cannot make matching slow.

const LIT = 0;
const ONE = 1;
const REST = 2;
const EMPTY = Object.freeze([]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REWRITE_STATUSES = new Set([200, 404]);
const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)(?:\((.+)\))?([*+?])?$/;
/** Longer values (and path segments) never match a regular expression; io.miaobu.edge.rules.SafeRegex.MAX_INPUT. */
export const MAX_REGEX_INPUT = 1024;
const CONDITION_TYPES = new Set(['header', 'cookie', 'query', 'host']);
const GROUP_NAME = /\(\?<([A-Za-z][A-Za-z0-9_]*)>/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CAPTURE_KEY = 1;
const CAPTURE_GROUPS = 2;
const CAPTURE_HOST = 3;

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
  const has = compileConditions(raw.has, true);
  const missing = compileConditions(raw.missing, false);
  if (has === undefined || missing === undefined) return null;
  const names = pat.names.concat(conditionNames(has));
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
    has,
    missing,
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
  const has = compileConditions(raw.has, true);
  const missing = compileConditions(raw.missing, false);
  if (has === undefined || missing === undefined) return null;
  const captured = pat.names.concat(conditionNames(has));
  const names = [];
  const values = []; // a plain string, or a template with captures in it
  if (raw.set && typeof raw.set === 'object') {
    for (const [name, value] of Object.entries(raw.set)) {
      if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) continue;
      const template = compileTemplate(value, captured);
      names.push(name.toLowerCase());
      values.push(template.every((part) => typeof part === 'string') ? template.join('') : template);
    }
  }
  const unset = (Array.isArray(raw.unset) ? raw.unset : EMPTY).filter((n) => typeof n === 'string').map((n) => n.toLowerCase());
  if (!names.length && !unset.length) return null;
  return { index: 0, pat, has, missing, names, values, templated: values.some((v) => typeof v !== 'string'), unset };
}

/**
 * Compiled conditions: null when there are none, undefined when one cannot be evaluated (the
 * compiler warned about it), so the rule is left out rather than applied without it.
 */
function compileConditions(list, capturing) {
  if (!Array.isArray(list) || list.length === 0) return null;
  const out = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object' || !CONDITION_TYPES.has(raw.type)) return undefined;
    const host = raw.type === 'host';
    if (!host && (typeof raw.key !== 'string' || !raw.key)) return undefined;
    const key = host ? null : raw.type === 'header' ? raw.key.toLowerCase() : raw.key;
    let re = null;
    let capture = 0;
    let names = EMPTY;
    if (typeof raw.value === 'string' && raw.value) {
      try {
        re = new RegExp('^(?:' + raw.value + ')$');
      } catch {
        return undefined;
      }
      names = [...raw.value.matchAll(GROUP_NAME)].map((m) => m[1]);
      capture = names.length ? CAPTURE_GROUPS : host ? CAPTURE_HOST : 0;
      if (capture === CAPTURE_HOST) names = ['host'];
    } else if (host) {
      return undefined;
    } else if (IDENTIFIER.test(raw.key)) {
      capture = CAPTURE_KEY;
      names = [raw.key];
    }
    out.push({ type: raw.type, key, re, capture: capturing ? capture : 0, names: capturing ? names : EMPTY });
  }
  return out;
}

function conditionNames(conditions) {
  return conditions === null ? EMPTY : conditions.flatMap((c) => c.names);
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
  let bucket = null;
  for (let p = 0; dynamic && p < segs.length && p < MAX_POSITION; p++) {
    if (segs[p].kind === LIT) {
      bucket = p;
      break;
    }
    if (segs[p].kind !== ONE || segs[p].optional) break;
  }
  return { segs, names, key: dynamic ? null : segs.map((s) => s.lit).join('/'), bucket };
}

// Rules are bucketed so a request only looks at the rules that could match it: literal patterns by
// their whole path; dynamic ones by their first literal segment, when the segments before it are
// single placeholders (`/:lang/docs/*` is filed under "docs" at position 1); only patterns with no
// such literal are looked at for every request. Each bucket keeps file order.
const MAX_POSITION = 8;

function buildIndex(rules) {
  const exact = new Map();
  const byPosition = []; // position -> Map(lower-case literal -> rules)
  const other = [];
  rules.forEach((rule, i) => {
    rule.index = i;
    if (rule.pat.key !== null) return push(exact, rule.pat.key, rule);
    const p = rule.pat.bucket;
    if (p === null) return other.push(rule);
    while (byPosition.length <= p) byPosition.push(new Map());
    push(byPosition[p], rule.pat.segs[p].lit, rule);
  });
  return { exact, byPosition, other, size: rules.length };
}

function push(map, key, rule) {
  const list = map.get(key);
  if (list) list.push(rule);
  else map.set(key, [rule]);
}

/**
 * The request as the rules see it. `segs` are decoded path segments; matching is on their lower
 * case, computed once here. `header(name)` returns a request header (name in lower case) and `host`
 * is the host the request was made to; both are only needed for `has` / `missing` conditions.
 */
export function ruleRequest(segs, rawQuery, header, host) {
  const lower = new Array(segs.length);
  let key = '';
  for (let i = 0; i < segs.length; i++) {
    lower[i] = segs[i].toLowerCase();
    key = i === 0 ? lower[i] : key + '/' + lower[i];
  }
  return { segs, lower, key, rawQuery, query: null, header: typeof header === 'function' ? header : null, host, hostname: null, cookies: null };
}

/** The first redirect rule that matches, with its captures, or null. */
export function firstRedirect(index, req) {
  const list = candidates(index, req, redirectBuffer);
  for (let i = 0; i < list.length; i++) {
    const rule = list[i];
    if ((rule.pat.key !== null || matches(rule.pat, req)) && queryMatches(rule, req) && conditionsHold(rule, req)) {
      return { rule, captures: capture(rule, req) };
    }
  }
  return null;
}

/** Applies every matching header rule, in order, to `headers` (which it changes and returns). */
export function applyHeaderRules(index, req, headers) {
  const list = candidates(index, req, headerBuffer);
  let fromRules = null; // header names whose value came from a rule, so a second rule appends
  for (let r = 0; r < list.length; r++) {
    const rule = list[r];
    if ((rule.pat.key === null && !matches(rule.pat, req)) || !conditionsHold(rule, req)) continue;
    const captures = rule.templated ? capture(rule, req) : null;
    for (let i = 0; i < rule.names.length; i++) {
      const name = rule.names[i];
      const value = typeof rule.values[i] === 'string' ? rule.values[i] : render(rule.values[i], captures);
      if (fromRules !== null && fromRules.includes(name)) headers[name] += ', ' + value;
      else {
        headers[name] = value;
        (fromRules ??= []).push(name);
      }
    }
    for (let i = 0; i < rule.unset.length; i++) {
      delete headers[rule.unset[i]];
      const at = fromRules === null ? -1 : fromRules.indexOf(rule.unset[i]);
      if (at >= 0) fromRules.splice(at, 1);
    }
  }
  return headers;
}

// Reused between requests (route() runs to the end without yielding), so finding the candidates
// allocates nothing once warm.
const redirectBuffer = [];
const headerBuffer = [];
const listBuffer = [];
const headBuffer = [];

/**
 * The rules of the request's buckets, in rule order: its exact path, its segments by position, and
 * the patterns without a literal to file them under. A single bucket is returned as it is; several
 * are merged into `out`.
 */
function candidates(index, req, out) {
  let lists = 0;
  const exact = index.exact.size ? index.exact.get(req.key) : undefined;
  if (exact !== undefined) listBuffer[lists++] = exact;
  const positions = Math.min(index.byPosition.length, req.lower.length);
  for (let p = 0; p < positions; p++) {
    const list = index.byPosition[p].get(req.lower[p]);
    if (list !== undefined) listBuffer[lists++] = list;
  }
  if (index.other.length) listBuffer[lists++] = index.other;
  if (lists === 0) return EMPTY;
  if (lists === 1) return listBuffer[0];
  for (let l = 0; l < lists; l++) headBuffer[l] = 0;
  let n = 0;
  for (;;) {
    let best = -1;
    for (let l = 0; l < lists; l++) {
      const list = listBuffer[l];
      if (headBuffer[l] < list.length && (best < 0 || list[headBuffer[l]].index < listBuffer[best][headBuffer[best]].index)) best = l;
    }
    if (best < 0) break;
    out[n++] = listBuffer[best][headBuffer[best]++];
  }
  out.length = n;
  return out;
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
    } else if (p.re !== null && (segs[i].length > MAX_REGEX_INPUT || !p.re.test(segs[i]))) {
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

function conditionsHold(rule, req) {
  if (rule.has !== null) {
    for (let i = 0; i < rule.has.length; i++) if (!holds(rule.has[i], req)) return false;
  }
  if (rule.missing !== null) {
    for (let i = 0; i < rule.missing.length; i++) if (holds(rule.missing[i], req)) return false;
  }
  return true;
}

function holds(cond, req) {
  const value = conditionValue(cond, req);
  return value !== '' && (cond.re === null || (value.length <= MAX_REGEX_INPUT && cond.re.test(value)));
}

/** The request's value for a condition, '' when it has none. */
function conditionValue(cond, req) {
  let value;
  if (cond.type === 'header') value = req.header === null ? undefined : req.header(cond.key);
  else if (cond.type === 'cookie') value = requestCookies(req).get(cond.key);
  else if (cond.type === 'query') value = requestQuery(req).get(cond.key);
  else {
    // The host as Vercel's `host` conditions see it: lower case, without a port or a final dot.
    req.hostname ??= typeof req.host === 'string' ? req.host.toLowerCase().replace(/:[0-9]*$/, '').replace(/\.$/, '') : '';
    value = req.hostname;
  }
  if (Array.isArray(value)) value = value.join(', ');
  return typeof value === 'string' ? value : '';
}

/** The `Cookie` header's pairs, the first of a repeated name winning, values unquoted and decoded. */
function requestCookies(req) {
  if (req.cookies === null) {
    req.cookies = new Map();
    const header = req.header === null ? undefined : req.header('cookie');
    const raw = Array.isArray(header) ? header.join('; ') : typeof header === 'string' ? header : '';
    for (const part of raw.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim();
      let value = part.slice(eq + 1).trim();
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (name && !req.cookies.has(name)) req.cookies.set(name, decodeCookie(value));
    }
  }
  return req.cookies;
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
  // What `has` conditions matched; on a name the path also captures, the condition wins (as on Vercel).
  if (rule.has) {
    for (const cond of rule.has) {
      if (cond.capture === 0) continue;
      const value = conditionValue(cond, req);
      if (cond.capture === CAPTURE_KEY) {
        captures[cond.names[0]] = [value];
        continue;
      }
      const m = cond.re.exec(value);
      if (m === null) continue;
      if (cond.capture === CAPTURE_HOST) captures.host = [m[0]];
      else if (m.groups !== undefined) for (const name in m.groups) captures[name] = m.groups[name] === undefined ? EMPTY : [m.groups[name]];
    }
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

function decodeCookie(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
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
