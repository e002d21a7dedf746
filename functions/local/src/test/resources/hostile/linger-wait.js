// The build step beside linger.js: waits (at most 10 s) until the detached process runs, then
// finishes, leaving it behind.
const fs = require('fs');
const { publish } = require('./report');

const deadline = Date.now() + 10_000;
(function poll() {
  if (fs.existsSync('linger.ready') || Date.now() > deadline) {
    publish('LINGER', { started: fs.existsSync('linger.ready') });
  } else {
    setTimeout(poll, 50);
  }
})();
