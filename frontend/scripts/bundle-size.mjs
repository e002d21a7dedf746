// What a browser downloads to show the dashboard the first time: index.html and every script,
// style sheet and module preload it references, gzip-compressed. Fails above the budget.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET_KIB = 200
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const referenced = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1])
const files = [['index.html', Buffer.from(html)], ...referenced.map((f) => [f, readFileSync(join(dist, f))])]
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length
let total = 0
for (const [name, bytes] of files) {
  const size = gzip(bytes)
  total += size
  console.log(`  ${name.padEnd(36)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KiB  ${(size / 1024).toFixed(1).padStart(6)} KiB gzip`)
}
const kib = total / 1024
console.log(`dashboard first load: ${kib.toFixed(1)} KiB gzip (budget ${BUDGET_KIB} KiB)`)
if (kib > BUDGET_KIB) {
  console.error(`The dashboard's first load is over its ${BUDGET_KIB} KiB budget: split a route or drop a dependency.`)
  process.exit(1)
}
