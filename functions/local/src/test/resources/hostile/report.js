// Shared by the hostile builds (HostileBuilds.java copies it into each repository): the test's
// parameters come from hostile.json; what the build found goes to its log as one line
// `NAME {json}` and into the page it publishes, dist/index.html, where the test reads it back.
const fs = require('fs');

exports.params = () => JSON.parse(fs.readFileSync('hostile.json', 'utf8'));

/** `logged` (default: the report) is what goes to the log, for reports too long for one log line. */
exports.publish = (name, report, logged = report) => {
  console.log(name + ' ' + JSON.stringify(logged));
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync('dist/index.html', name + ' ' + JSON.stringify(report) + '\n');
};

/** The numeric entries of /proc: every process this build can see. */
exports.pids = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
