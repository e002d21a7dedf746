// Headless Chromium from the distribution (Debian's `chromium`), driven by playwright-core.
// No browser is ever downloaded: ./miaobu test installs the package when it is missing.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.MIAOBU_CHROMIUM ?? '/usr/bin/chromium'

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

/** A browser with a fresh profile (its own --user-data-dir), removed again by close(). */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (./miaobu test does)`)
  const profile = mkdtempSync(join(tmpdir(), 'miaobu-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    ...options,
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * A browser with one page, and the problems seen on it: script errors and blocked scripts or
 * styles (content-security-policy). API refusals log "Failed to load resource" and are not problems.
 */
export async function launchWatchedPage() {
  const browser = await launchBrowser()
  browser.context.setDefaultTimeout(15_000)
  const page = await browser.context.newPage()
  const problems = []
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text()) })
  page.on('pageerror', (e) => problems.push(String(e)))
  return { browser, page, problems }
}

/** Where screenshots go: MIAOBU_SCREENSHOTS (docs/screenshots for the README), else a temporary folder. */
export function screenshotDir() {
  const dir = process.env.MIAOBU_SCREENSHOTS ? resolve(process.env.MIAOBU_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'miaobu-shots-'))
  mkdirSync(dir, { recursive: true })
  return dir
}
