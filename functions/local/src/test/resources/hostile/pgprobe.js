// Attack: log in to the platform's PostgreSQL as `postgres` with no password, speaking the wire
// protocol: a StartupMessage, then the server's first reply says how it wants us to authenticate.
const net = require('net');
const { params, publish } = require('./report');

const AUTH = { 0: 'AuthenticationOk', 3: 'cleartext password', 5: 'MD5 password', 10: 'SASL' };

function probe(target) {
  return new Promise((resolve) => {
    const socket = net.connect(target);
    let reply = Buffer.alloc(0);
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(5000, () => done('timeout'));
    socket.on('error', (e) => done('unreachable ' + e.code));
    socket.on('end', () => done('closed by the server'));
    socket.on('connect', () => {
      const body = Buffer.from('user\0postgres\0database\0postgres\0\0');
      const head = Buffer.alloc(8);
      head.writeInt32BE(8 + body.length, 0);
      head.writeInt32BE(196608, 4); // protocol 3.0
      socket.write(Buffer.concat([head, body]));
    });
    socket.on('data', (data) => {
      reply = Buffer.concat([reply, data]);
      if (reply.length < 9) return;
      const type = String.fromCharCode(reply[0]);
      if (type === 'R') {
        const code = reply.readInt32BE(5);
        done(AUTH[code] || 'authentication code ' + code);
      } else if (type === 'E') {
        done('error ' + reply.subarray(5).toString().replace(/\0/g, ' ').trim());
      } else {
        done('reply ' + type);
      }
    });
  });
}

(async () => {
  const { port, socket } = params();
  const results = {};
  results['127.0.0.1:' + port] = await probe({ host: '127.0.0.1', port });
  if (socket) results[socket] = await probe({ path: socket });
  publish('POSTGRES', results);
})();
