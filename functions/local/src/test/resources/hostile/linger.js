// Started detached by a build (setsid nohup node linger.js MARKER &), meant to outlive it: for a
// minute it looks for other builds' processes, reads their environment and writes it, with a
// mark, over the page they are about to publish.
const fs = require('fs');
const path = require('path');
const { pids } = require('./report');

const own = process.env.MIAOBU_DEPLOYMENT_ID;
const until = Date.now() + 60_000;
fs.writeFileSync('linger.ready', String(process.pid));

function sweep() {
  for (const pid of pids()) {
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      const id = /(?:^|\0)MIAOBU_DEPLOYMENT_ID=([^\0]*)/.exec(env);
      if (!id || id[1] === own) continue;
      const page = path.join(fs.readlinkSync(`/proc/${pid}/cwd`), 'dist', 'index.html');
      fs.writeFileSync(page, 'LINGERED ' + env.split('\0').join('\n'));
    } catch (e) {
      // not readable, or gone: the next one
    }
  }
  if (Date.now() < until) setTimeout(sweep, 50);
}
sweep();
