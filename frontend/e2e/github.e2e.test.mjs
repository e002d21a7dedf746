// Importing from GitHub, end to end in headless Chromium: a user who signed up with a password
// connects GitHub from the import screen (a local server speaking GitHub's OAuth and REST API),
// comes back to import, finds repositories by name across pages (private ones marked, ones
// without admin rights not importable), imports one with a variable for its first build, and the
// site goes live built with it, with Miaobu's webhook added to the repository.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { launchWatchedPage, screenshotDir } from './browser.mjs'
import { startFakeGitHub } from './fake-github.mjs'
import { createSiteRepository } from './git-repo.mjs'
import { startLocalHost } from './local-host.mjs'

const SHOTS = screenshotDir()
const BUILD_TIMEOUT = 90_000

describe('importing from GitHub, in Chromium, against a real local host', { timeout: 300_000 }, () => {
  let github
  let host
  let browser
  let page
  let repo
  let problems = []

  before(async () => {
    repo = createSiteRepository()
    repo.commit('from GitHub', 'First version from GitHub')
    // More than one page (100) of repositories, so finding one may mean loading the next page.
    const filler = Array.from({ length: 100 }, (_, i) => ({
      id: 5000 + i, fullName: `mona/zz-archive-${String(i).padStart(3, '0')}`, private: false, admin: true,
      defaultBranch: 'main', cloneUrl: '/nonexistent', pushedAt: '2025-01-01T00:00:00Z',
    }))
    github = await startFakeGitHub({
      user: { login: 'mona', id: 9919, name: 'Mona Lisa', email: 'mona@example.com' },
      repos: [
        { id: 1, fullName: 'mona/site', private: false, admin: true, defaultBranch: 'main', cloneUrl: repo.dir, pushedAt: new Date().toISOString() },
        { id: 2, fullName: 'mona/private-notes', private: true, admin: true, defaultBranch: 'main', cloneUrl: '/nonexistent', pushedAt: new Date().toISOString() },
        { id: 3, fullName: 'octo-org/docs', private: true, admin: false, defaultBranch: 'main', cloneUrl: '/nonexistent', pushedAt: new Date().toISOString() },
        ...filler,
      ],
    })
    host = await startLocalHost({ env: github.env })
    ;({ browser, page, problems } = await launchWatchedPage())
  })

  after(async () => {
    await browser?.close()
    await host?.stop()
    await github?.close()
    repo?.remove()
  })

  test('a password account connects GitHub from the import screen and comes back to it', async () => {
    await page.goto(host.url + '/sign-up')
    await page.getByLabel('Email').fill('mona@example.com')
    await page.getByLabel('Password').fill('a good password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor()
    await page.getByRole('link', { name: 'Import a Git repository' }).click()

    await page.getByRole('tab', { name: 'GitHub' }).click()
    await page.getByRole('button', { name: 'Connect GitHub' }).click()
    await page.waitForURL(/\/new$/)
    await page.getByRole('list', { name: 'GitHub repositories' }).waitFor()
    assert.equal(await page.getByRole('tab', { name: 'GitHub', selected: true }).count(), 1)
  })

  test('repositories are listed with the private ones marked, and found by name across pages', async () => {
    const list = page.getByRole('list', { name: 'GitHub repositories' })
    await list.getByRole('listitem', { name: 'mona/private-notes' }).getByText('Private', { exact: true }).waitFor()
    assert.equal(await list.getByRole('listitem', { name: 'mona/site' }).getByText('Private', { exact: true }).count(), 0)
    await page.screenshot({ path: join(SHOTS, 'import-github.png'), animations: 'disabled' })

    await page.getByLabel('Search repositories').fill('docs')
    await page.getByRole('button', { name: 'Search the next 100 repositories' }).click()
    const docs = list.getByRole('listitem', { name: 'octo-org/docs' })
    await docs.getByText('Private', { exact: true }).waitFor()
    assert.equal(await docs.getByRole('button', { name: 'Import' }).isDisabled(), true)
    await docs.getByText('needs admin access').waitFor()
    await page.getByLabel('Search repositories').fill('site')
  })

  test('importing a repository with a variable builds it with that variable and adds the webhook', async () => {
    await page.getByRole('listitem', { name: 'mona/site' }).getByRole('button', { name: 'Import' }).click()
    await page.getByLabel('Repository to import').getByText('mona/site').waitFor()
    assert.equal(await page.getByLabel('Project name').inputValue(), 'site')
    assert.equal(await page.getByLabel('Production branch').inputValue(), 'main')
    const env = page.getByRole('region', { name: 'Environment variables for the first build' })
    await env.getByLabel('Key').fill('SITE_GREETING')
    await env.getByLabel('Value').fill('hello from GitHub import')
    await env.getByRole('button', { name: 'Add' }).click()
    await page.getByRole('button', { name: 'Import and deploy' }).click()

    await page.waitForURL(/\/deployments\/[^/]+$/, { waitUntil: 'commit' })
    try {
      await page.locator('[aria-label="Status timeline"] li[data-state="done"]', { hasText: 'Ready' }).waitFor({ timeout: BUILD_TIMEOUT })
    } catch (e) {
      e.message += `\nlocal host output (last 8 KiB):\n${host.output().slice(-8192)}`
      throw e
    }
    const site = await browser.context.newPage()
    const answer = await site.goto(`http://site.localhost:${host.port}/greeting.txt`)
    assert.equal(await answer.text(), 'hello from GitHub import')
    await site.close()
    const hooks = github.hooks('mona/site')
    assert.equal(hooks.length, 1)
    assert.equal(hooks[0].config.url, `${host.url}/webhooks/github`)
  })

  test('no script error or content-security-policy violation happened on the way', () => {
    assert.deepEqual(problems, [])
  })
})
