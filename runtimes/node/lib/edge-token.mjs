// The edge's shared secret (contract §2): only requests that carry it are answered, and the user's code can
// never read it — not from process.env, and not from /proc/self/environ, which keeps the environment the
// process started with whatever process.env later says.
import { createHash, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

export const TOKEN_VARIABLE = 'MIAOBU_EDGE_TOKEN';
export const TOKEN_HEADER = 'x-miaobu-edge-token';

/** Removes the token from the environment (both copies) and returns a check for requests; null when none is set. */
export function takeEdgeToken(env = process.env) {
  const token = env[TOKEN_VARIABLE];
  delete env[TOKEN_VARIABLE];
  if (!token) {
    return null;
  }
  scrubStartupEnvironment(TOKEN_VARIABLE);
  const expected = digest(token);
  // Digests of equal length, so that the comparison takes the same time whatever was sent.
  return (sent) => typeof sent === 'string' && timingSafeEqual(digest(sent), expected);
}

function digest(value) {
  return createHash('sha256').update(value).digest();
}

/**
 * Overwrites NAME=value in the environment block the kernel shows as /proc/self/environ (the process's own
 * memory, between the env_start and env_end addresses of /proc/self/stat). Linux only; elsewhere there is
 * no such file to read it from.
 */
function scrubStartupEnvironment(name) {
  if (process.platform !== 'linux') {
    return;
  }
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 is the first.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[50 - 3]);
    const end = Number(fields[51 - 3]);
    if (!(start > 0 && end > start)) {
      throw new Error('no environment addresses in /proc/self/stat');
    }
    const fd = openSync('/proc/self/mem', 'r+');
    try {
      const block = Buffer.alloc(end - start);
      readSync(fd, block, 0, block.length, start);
      const prefix = Buffer.from(name + '=');
      for (let at = block.indexOf(prefix); at !== -1; at = block.indexOf(prefix, at + 1)) {
        if (at === 0 || block[at - 1] === 0) {
          const valueEnd = block.indexOf(0, at);
          const length = (valueEnd === -1 ? block.length : valueEnd) - at;
          writeSync(fd, Buffer.alloc(length, 'x'.charCodeAt(0)), 0, length, start + at);
        }
      }
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    console.error(`miaobu-runtime: could not clear ${name} from /proc/self/environ (${error.message})`);
  }
}
