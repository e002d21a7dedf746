// Attack: keep `count` processes (sleep 30) alive at once, and say how many it managed.
const { spawn } = require('child_process');
const { params, publish } = require('./report');

const { count } = params();
const children = [];
let settled = 0;
let failed = 0;
let firstError = null;

function finish() {
  const alive = children.filter((c) => c.pid && c.exitCode === null && c.signalCode === null).length;
  console.log(`FORKED ${alive} of ${count}`);
  publish('FORK', { alive, failed, firstError });
  children.forEach((c) => c.kill('SIGKILL'));
  process.exit(0);
}

function settle() {
  if (++settled === count) finish();
}

for (let i = 0; i < count; i++) {
  try {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    child.on('spawn', settle);
    child.on('error', (e) => {
      failed++;
      firstError = firstError || e.code;
      settle();
    });
  } catch (e) {
    failed++;
    firstError = firstError || e.code;
    settle();
  }
}
setTimeout(finish, 20_000); // whatever has not started by then never will
