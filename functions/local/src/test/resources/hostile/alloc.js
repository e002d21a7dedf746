// Attack: take 1 GiB of memory (touched, so it is really resident), in 64 MiB steps.
const { publish } = require('./report');

const chunks = [];
for (let i = 1; i <= 16; i++) {
  chunks.push(Buffer.alloc(64 * 1024 * 1024, i));
  console.log(`ALLOCATED ${i * 64} MiB`);
}
publish('ALLOC', { mib: chunks.length * 64 });
