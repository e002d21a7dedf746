// A stand-in for runtimes/node/server.mjs that follows the runtime contract (listening line, edge token,
// x-miaobu-* headers, miaobu-request log lines) and answers by function name, so the local host's process
// management can be tested on its own: it can echo, crash, hang, stream and try to read files.
import fs from 'node:fs';
import http from 'node:http';

const bundle = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(`${bundle}/functions.json`, 'utf8'));
const token = process.env.MIAOBU_EDGE_TOKEN;
delete process.env.MIAOBU_EDGE_TOKEN;

const server = http.createServer((req, res) => {
  const started = Date.now();
  if (token && req.headers['x-miaobu-edge-token'] !== token) {
    res.writeHead(403).end('forbidden');
    return;
  }
  const name = req.headers['x-miaobu-function'] || '(app)';
  const params = JSON.parse(req.headers['x-miaobu-params'] || '{}');
  const url = new URL(req.url, `http://${req.headers['x-forwarded-host'] || 'localhost'}`);
  const done = (status) => console.log(`miaobu-request ${req.method} ${url.pathname} ${status} ${Date.now() - started}ms ${name}`);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    switch (name) {
      case 'api/crash':
        console.error('Error: boom\n    at handler (api/crash.js:1:1)');
        process.exit(3);
        break;
      case 'api/hang':
        return; // never answers
      case 'api/read': {
        let result;
        try {
          result = { read: fs.readFileSync(url.searchParams.get('path'), 'utf8').slice(0, 100) };
        } catch (e) {
          result = { error: e.code };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
        return done(200);
      }
      case 'api/stream':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first\n');
        setTimeout(() => {
          res.end('second\n');
          done(200);
        }, 300);
        return;
      default:
        console.log(`hello from ${name}`);
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] });
        res.end(JSON.stringify({
          function: name, params, method: req.method, path: req.url, host: url.host, body,
          pid: process.pid, uid: process.getuid(), env: process.env, functions: manifest.functions.length,
        }));
        return done(200);
    }
  });
});
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1', () => {
  console.log(`miaobu-runtime listening on ${server.address().port}`);
});
