// Starts the real local host (the jar `./miaobu dev` runs) on a free port with a throwaway data
// directory, and stops it again — the end-to-end tests drive the dashboard it serves.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const JAR = process.env.MIAOBU_E2E_JAR ?? join(ROOT, 'functions/local/target/miaobu-local.jar')

/** @param env extra environment for the host (e.g. MIAOBU_GITHUB_* pointing at a fake GitHub) */
export async function startLocalHost({ env = {} } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: run ./miaobu build first`)
  const dataDir = mkdtempSync(join(tmpdir(), 'miaobu-e2e-'))
  const child = spawn('java', ['-jar', JAR], {
    env: { ...process.env, ...env, MIAOBU_PORT: '0', MIAOBU_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local host did not start within 90s:\n${output}`)), 90_000)
    const read = (chunk) => {
      output += chunk
      const match = /Miaobu is running at http:\/\/localhost:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout.setEncoding('utf8').on('data', read)
    child.stderr.setEncoding('utf8').on('data', read)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the local host exited with ${code} before it was ready:\n${output}`))
    })
  })
  return {
    port,
    url: `http://localhost:${port}`,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
