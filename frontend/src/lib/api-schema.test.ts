// api-schema.d.ts is generated from the API's OpenAPI document (GET /api/v1/openapi.json); the
// dashboard's types (types.ts) are taken from it. This fails when someone changed the document and
// did not regenerate: run `npm run api-types` in frontend/ and commit the result.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createConfig, lint } from '@redocly/openapi-core'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const frontend = join(here, '..', '..')
const document = join(frontend, '..', 'shared/core/src/main/resources/io/miaobu/http/openapi.json')

describe('api-schema.d.ts', () => {
  it('is what openapi-typescript makes of the API document today (else: npm run api-types)', () => {
    const out = mkdtempSync(join(tmpdir(), 'miaobu-api-types-'))
    try {
      const cli = join(dirname(createRequire(join(frontend, 'package.json')).resolve('openapi-typescript/package.json')), 'bin', 'cli.js')
      execFileSync(process.execPath, [cli, document, '-o', join(out, 'api-schema.d.ts')], { cwd: frontend, stdio: 'pipe' })
      const fresh = readFileSync(join(out, 'api-schema.d.ts'), 'utf8')
      const committed = readFileSync(join(here, 'api-schema.d.ts'), 'utf8')
      expect(committed === fresh, 'src/lib/api-schema.d.ts is stale: run `npm run api-types` in frontend/').toBe(true)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 30_000)
})

describe('the API document', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve and whose components are all used', async () => {
    const config = await createConfig({
      rules: {
        struct: 'error', 'no-unresolved-refs': 'error', 'path-parameters-defined': 'error', 'no-identical-paths': 'error',
        'no-path-trailing-slash': 'error', 'no-unused-components': 'error', 'no-enum-type-mismatch': 'error',
        'no-server-trailing-slash': 'off',
      },
    })
    const problems = await lint({ ref: document, config })
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([])
  }, 30_000)
})
