// Which kind of handler a function module exports, told apart as Vercel and Netlify users write them.

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * {kind, target}: 'fetch' (export default { fetch }), 'methods' (export function GET…), 'web'
 * ((request, context) => Response), 'node' ((req, res) as on Vercel) or 'none'.
 */
export function shapeOf(module, source) {
  let main = module.default;
  // CommonJS through esbuild: `exports.default = handler` arrives as default.default.
  while (main && typeof main === 'object' && main.default && main.default !== main && !main.fetch) {
    main = main.default;
  }
  if (main && typeof main === 'object' && typeof main.fetch === 'function') {
    return { kind: 'fetch', target: main };
  }
  const exportsMethods = (m) => m && METHODS.some((name) => typeof m[name] === 'function');
  if (exportsMethods(module) || (typeof main === 'object' && exportsMethods(main))) {
    return { kind: 'methods', target: exportsMethods(module) ? module : main };
  }
  if (typeof main !== 'function') {
    return { kind: 'none' };
  }
  const web = source?.startsWith('netlify/') // Netlify calls every default export (request, context)
    || (module.config ?? main.config)?.runtime === 'edge' // Vercel's explicit Web signature
    || main.length < 2
    || takesContext(main);
  return { kind: web ? 'web' : 'node', target: main };
}

/**
 * Whether a two-parameter function's second parameter is a context ((request, context), (req, { params }))
 * rather than Vercel's response object ((req, res)), read from its source as written: esbuild keeps names.
 */
function takesContext(fn) {
  const second = parameters(Function.prototype.toString.call(fn))[1] ?? '';
  return second.startsWith('{') || /^_*(context|ctx)$/i.test(second.split(/[=:\s]/)[0]);
}

/** The top-level parameter texts of a function's source ("async (a, { b, c }) => …" gives ["a", "{ b, c }"]). */
function parameters(source) {
  const open = source.indexOf('(');
  if (open === -1) {
    const arrow = source.match(/^(?:async\s+)?([\w$]+)\s*=>/);
    return arrow ? [arrow[1]] : [];
  }
  const params = [];
  let depth = 0;
  let current = '';
  let quote = null;
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') {
        current += c + source[++i];
        continue;
      }
      if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if ('([{'.includes(c)) {
      depth++;
    } else if (')]}'.includes(c)) {
      if (depth === 0) {
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      params.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) {
    params.push(current.trim());
  }
  return params;
}
