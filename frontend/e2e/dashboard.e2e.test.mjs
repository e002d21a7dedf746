// The dashboard end to end, as a person uses it, in headless Chromium against a real local host:
// sign up, import a local Git repository, watch the build log stream to READY, open the site,
// deploy again, roll back, change a setting, set an environment variable, create a deploy hook and
// delete the project.
//
// Screenshots of the main screens go to MIAOBU_SCREENSHOTS when it is set (docs/screenshots for
// the README), and to a temporary folder otherwise.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { launchWatchedPage, screenshotDir } from './browser.mjs'
import { createSiteRepository } from './git-repo.mjs'
import { startLocalHost } from './local-host.mjs'

const SHOTS = screenshotDir()
const BUILD_TIMEOUT = 90_000

describe('the dashboard, in Chromium, against a real local host', { timeout: 600_000 }, () => {
  let host
  let browser
  let page
  let repo
  let problems = []

  const shot = (name, target = page, fullPage = false) =>
    target.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', fullPage })

  /** The deployment page for the deployment just started: wait until its log ends and it is READY. */
  async function waitUntilReady(expectLogText) {
    await page.waitForURL(/\/deployments\/[^/]+$/, { waitUntil: 'commit' })
    const log = page.getByRole('log')
    try {
      await log.getByText(expectLogText).waitFor({ timeout: BUILD_TIMEOUT })
    } catch (e) {
      // What the platform itself said (its builders log every build) is what explains a timeout here.
      e.message += `\nlocal host output (last 8 KiB):\n${host.output().slice(-8192)}`
      throw e
    }
    await page.locator('[aria-label="Status timeline"] li[data-state="done"]', { hasText: 'Ready' }).waitFor({ timeout: BUILD_TIMEOUT })
    return page.url().split('/').pop()
  }

  async function siteText(slug) {
    const site = await browser.context.newPage()
    try {
      const answer = await site.goto(`http://${slug}.localhost:${host.port}/`)
      assert.equal(answer.status(), 200)
      return await site.locator('h1').innerText()
    } finally {
      await site.close()
    }
  }

  /** A file of the site, through Chromium (which resolves *.localhost itself). */
  async function siteFile(slug, path) {
    const site = await browser.context.newPage()
    try {
      const answer = await site.goto(`http://${slug}.localhost:${host.port}${path}`)
      assert.equal(answer.status(), 200)
      return await answer.text()
    } finally {
      await site.close()
    }
  }

  before(async () => {
    repo = createSiteRepository()
    repo.commit('v1', 'First version of the site')
    host = await startLocalHost()
    ;({ browser, page, problems } = await launchWatchedPage())
  })

  after(async () => {
    await browser?.close()
    await host?.stop()
    repo?.remove()
  })

  test('a new visitor is sent to sign in, without a GitHub button the server does not offer', async () => {
    await page.goto(host.url + '/')
    await page.waitForURL(/\/sign-in$/)
    await page.getByRole('heading', { name: 'Sign in to Miaobu' }).waitFor()
    assert.equal(await page.getByText('Continue with GitHub').count(), 0)
    await shot('sign-in')
  })

  test('signing up with a short password shows the API error in place, then succeeds', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByLabel('Email').fill('e2e@example.com')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('alert').getByText('Password must be at least 8 characters long.').waitFor()

    await page.getByLabel('Password').fill('a good password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor()
    await shot('projects-empty')
  })

  /** The text tied to a field (aria-describedby): its error, then its hint. */
  const description = (field) => field.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '').join(' '))

  test('import refuses a path with no repository and a branch it lacks, under their fields, creating nothing', async () => {
    await page.getByRole('link', { name: 'Import a Git repository' }).click()
    const gitUrl = page.getByLabel('Git repository')
    await gitUrl.fill(repo.dir + '-nowhere')
    await page.waitForFunction(() => document.querySelector('[aria-invalid="true"]'))
    assert.match(await description(gitUrl), /^Nothing exists at .*-nowhere on this machine/)
    assert.doesNotMatch(await description(gitUrl), /GitHub/)

    await gitUrl.fill(repo.dir)
    await page.getByLabel('Project name').fill('E2E Site')
    await page.getByLabel('Production branch').fill('release')
    await page.getByRole('button', { name: 'Import and deploy' }).click()
    const branch = page.getByLabel('Production branch')
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true')
    assert.match(await description(branch), /Branch `release` does not exist .* one of: main/)
    assert.equal(await gitUrl.getAttribute('aria-invalid'), null, 'the repository itself is fine')
    await shot('import-refused', page, true)

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click()
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor()
  })

  test('importing a local Git repository builds it and streams the log live to READY', async () => {
    await page.getByRole('link', { name: 'Import a Git repository' }).click()
    await page.getByLabel('Git repository').fill(repo.dir)
    // The name is guessed from the path; give it a stable one for the site's address.
    await page.getByLabel('Project name').fill('E2E Site')
    await page.getByTestId('future-address').getByText(`e2e-site.localhost:${host.port}`).waitFor()
    await page.getByLabel('Build command').waitFor()
    // A variable typed in before the first deployment is there for the first build, even without "Add".
    const env = page.getByRole('region', { name: 'Environment variables for the first build' })
    await env.getByLabel('Key').fill('SITE_GREETING')
    await env.getByLabel('Value').fill('hello from the import screen')
    await shot('import', page, true)
    await page.getByRole('button', { name: 'Import and deploy' }).click()

    await waitUntilReady('wrote dist/')
    const log = page.getByRole('log')
    assert.ok(await log.locator('[data-stream="stderr"]', { hasText: 'warning: this line goes to stderr' }).count() === 1,
      'stderr lines are marked as such')
    assert.ok(await log.locator('[data-stream="stdout"]', { hasText: 'building the site, v1' }).count() === 1)
    assert.match(await log.locator('time').first().getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/)
    await page.getByText(/^5 files$/).waitFor()
    await page.getByText('First version of the site').first().waitFor()
    await shot('deployment', page, true)
    // Dark mode follows the system setting; the build log stays as it was designed.
    await page.emulateMedia({ colorScheme: 'dark' })
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    assert.match(await background(), /oklch\(0?\.14|rgb\(9, 9, 11\)/, 'the page is dark')
    assert.equal(await log.evaluate((el) => getComputedStyle(el.closest('section')).backgroundColor), await page.evaluate(() => {
      const probe = document.createElement('div')
      probe.style.backgroundColor = 'oklch(14.1% 0.005 285.823)'
      document.body.append(probe)
      const color = getComputedStyle(probe).backgroundColor
      probe.remove()
      return color
    }), 'the log keeps its dark background')
    await shot('deployment-dark', page, true)
    await page.emulateMedia({ colorScheme: 'light' })
    assert.doesNotMatch(await background(), /oklch\(0?\.14|rgb\(9, 9, 11\)/)
    assert.equal(await page.title(), 'Ready · E2E Site · Miaobu')
  })

  test('the log shows ANSI colours as colours, never as escape codes', async () => {
    const log = page.getByRole('log')
    const text = await log.innerText()
    assert.ok(!text.includes('\u001b') && !text.includes('[36m'), 'an escape code is shown as text')
    const vite = log.locator('span', { hasText: /^vite v8\.4\.0$/ })
    assert.equal(await vite.evaluate((el) => getComputedStyle(el).color), 'rgb(34, 211, 238)', 'cyan, lightened for the dark log')
    const green = log.locator('span', { hasText: /^building for production\.\.\.$/ })
    assert.equal(await green.evaluate((el) => getComputedStyle(el).color), 'rgb(74, 222, 128)')
  })

  test('the log can be searched and downloaded', async () => {
    await page.getByLabel('Search the log').fill('STDERR')
    await page.getByRole('status').getByText(/^1 of \d+ lines$/).waitFor()
    assert.equal(await page.getByRole('log').locator('mark').innerText(), 'stderr')
    await page.getByLabel('Search the log').fill('')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
    assert.match(download.suggestedFilename(), /^miaobu-\w+\.log$/)
    const text = readFileSync(await download.path(), 'utf8')
    assert.match(text, /stdout +building the site, v1/)
    assert.match(text, /stderr +warning: this line goes to stderr/)
    assert.match(text, /stdout +vite v8\.4\.0 building for production\.\.\./, 'the download has no escape codes either')
  })

  test('the site is live on its own address, built with the variable set on import', async () => {
    assert.equal(await siteText('e2e-site'), 'hello v1')
    assert.equal(await siteFile('e2e-site', '/greeting.txt'), 'hello from the import screen')
  })

  test('a second deployment goes live, and rolling back to the first is one confirmed click', async () => {
    repo.commit('v2', 'Second version of the site')
    await page.getByRole('link', { name: 'E2E Site' }).click()
    await page.getByRole('button', { name: 'Deploy main' }).click()
    await waitUntilReady('building the site, v2')
    assert.equal(await siteText('e2e-site'), 'hello v2')

    await page.getByRole('link', { name: 'E2E Site' }).click()
    const first = page.getByRole('listitem').filter({ hasText: 'First version of the site' })
    const second = page.getByRole('listitem').filter({ hasText: 'Second version of the site' })
    await second.getByText('Live').waitFor()
    // Who deployed it (the signed-in user), and who wrote the commit, as Git recorded it.
    await second.getByTestId('trigger').getByText('Deployed by e2e', { exact: true }).waitFor()
    await second.getByTitle('Commit by Ada Lovelace').waitFor()
    await second.getByText('main', { exact: true }).waitFor()
    await page.getByRole('region', { name: 'Live deployment' }).getByText('Second version of the site').waitFor()
    // The preview runs the site as a browser tab does: its module script (crossorigin, as Vite's) ran.
    await page.frameLocator('iframe[title="Preview of E2E Site"]').locator('#rendered', { hasText: 'rendered by a module script' }).waitFor()
    await shot('project')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot('project-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    assert.equal(await page.title(), 'E2E Site · Miaobu')

    await first.getByRole('button', { name: 'Roll back' }).click()
    const dialog = page.getByRole('dialog', { name: 'Roll back to this deployment?' })
    await dialog.waitFor()
    await shot('rollback-confirm')
    // Keyboard focus stays in the dialog (WAI-ARIA modal dialog).
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab')
      assert.ok(await dialog.evaluate((el) => el.contains(document.activeElement)), 'focus left the dialog')
    }
    await dialog.getByRole('button', { name: 'Roll back' }).click()
    await dialog.waitFor({ state: 'detached' })
    await first.getByText('Live').waitFor()
    await second.getByRole('button', { name: 'Promote' }).waitFor()
    await page.getByTestId('toast').getByText(/^Rolled back: main \w+ is live\.$/).waitFor()
    // The page says the next push will not undo it, and offers to turn publishing back on.
    const banner = page.getByRole('status', { name: 'Rollback' })
    await banner.getByText('Rolled back.').waitFor()
    await banner.getByRole('button', { name: 'Publish new deployments automatically' }).waitFor()
    assert.equal(await siteText('e2e-site'), 'hello v1')

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click()
    const card = page.getByRole('listitem').filter({ hasText: 'E2E Site' })
    await card.getByRole('link', { name: `e2e-site.localhost:${host.port}` }).waitFor()
    await card.getByText('Ready').waitFor()
    // What visitors see, not the newest deployment.
    await card.getByText('Rolled back').waitFor()
    await card.getByText(/^Live: First version of the site/).waitFor()
    await shot('projects')
    await card.getByRole('link', { name: 'E2E Site' }).click()
  })

  test('the dashboard fits a phone screen', async () => {
    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(page.url())
    await phone.getByRole('heading', { name: 'Deployments' }).waitFor()
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the project page is ${overflow}px wider than the phone`)
    await shot('project-phone', phone)
    await phone.close()
  })

  test('build settings are saved, and the API refuses a bad one with its message in place', async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    const form = page.getByRole('form', { name: 'Build settings' })
    await form.getByLabel('Output directory').fill('../outside')
    await form.getByRole('button', { name: 'Save' }).click()
    // Under the field, in the form's words (not the API's `outputDirectory`).
    const output = form.getByLabel('Output directory')
    await page.waitForFunction(() => document.querySelector('[aria-invalid="true"]'))
    assert.match(await description(output), /^The output directory must be a path inside the repository/)

    await form.getByLabel('Output directory').fill('dist')
    await form.getByRole('button', { name: 'Save' }).click()
    await form.getByRole('status').getByText('Saved').waitFor()
    await page.getByTestId('toast').getByText('Settings saved. They apply from the next deployment.').waitFor()
    await page.getByTestId('toast').getByRole('button', { name: 'Redeploy now' }).waitFor()
    await page.reload()
    assert.equal(await page.getByRole('form', { name: 'Build settings' }).getByLabel('Output directory').inputValue(), 'dist')
    await shot('settings')
  })

  test('an environment variable is saved with its value hidden, and a deploy hook shows its URL once', async () => {
    const env = page.getByRole('region', { name: 'Environment variables' })
    const add = env.getByRole('form', { name: 'Add environment variable' })
    await add.getByLabel('Key').fill('API_URL')
    await add.getByLabel('Value').fill('https://api.example.com')
    await add.getByLabel('Target').selectOption('production')
    await add.getByRole('button', { name: 'Add' }).click()
    await env.getByRole('button', { name: 'Save variables' }).click()
    await env.getByRole('status').getByText('Saved').waitFor()

    const hooks = page.getByRole('region', { name: 'Deploy hooks' })
    const create = hooks.getByRole('form', { name: 'Create deploy hook' })
    await create.getByLabel('Hook name').fill('CMS publish')
    await create.getByRole('button', { name: 'Create hook' }).click()
    const url = await hooks.getByTestId('hook-url').innerText()
    assert.match(url, /\/hooks\/deploy\/\S+$/)
    await shot('settings-env-hooks', page, true)

    await page.reload()
    const row = page.getByRole('region', { name: 'Environment variables' }).getByRole('listitem', { name: 'API_URL (Production)' })
    await row.getByText('••••').waitFor()
    await page.getByRole('region', { name: 'Deploy hooks' }).getByRole('listitem', { name: 'CMS publish' }).waitFor()
    const text = await page.locator('body').innerText()
    assert.ok(!text.includes('https://api.example.com'), 'a saved value is shown again')
    assert.ok(!text.includes(url), 'the hook URL is shown again')

    // Deleting a hook asks first.
    const hook = page.getByRole('region', { name: 'Deploy hooks' }).getByRole('listitem', { name: 'CMS publish' })
    await hook.getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete the hook “CMS publish”?' })
    await dialog.getByRole('button', { name: 'Delete hook' }).click()
    await dialog.waitFor({ state: 'detached' })
    await hook.waitFor({ state: 'detached' })
    await page.getByRole('region', { name: 'Deploy hooks' }).getByText('No deploy hooks yet.').waitFor()
  })

  test('a deploy started by a hook, and a rollback in another tab, show on the open project page within 2 s', async () => {
    const hooks = page.getByRole('region', { name: 'Deploy hooks' })
    await hooks.getByRole('form', { name: 'Create deploy hook' }).getByLabel('Hook name').fill('Live test')
    await hooks.getByRole('form', { name: 'Create deploy hook' }).getByRole('button', { name: 'Create hook' }).click()
    const hookUrl = await hooks.getByTestId('hook-url').innerText()
    await page.getByRole('link', { name: 'E2E Site' }).click()
    await page.getByRole('heading', { name: 'Deployments' }).waitFor()

    const answer = await fetch(hookUrl, { method: 'POST' })
    assert.equal(answer.status, 201)
    const { deployment } = await answer.json()
    const row = page.getByRole('listitem', { name: `Deployment ${deployment.id}` })
    await row.waitFor({ timeout: 2000 })
    await row.getByTestId('trigger').getByText('Deploy hook “Live test”', { exact: true }).waitFor()
    await page.getByRole('listitem').filter({ hasText: 'First version of the site' }).getByTestId('trigger')
      .getByText('Deployed by e2e', { exact: true }).waitFor()
    // Rolled back before: it builds but does not go live by itself.
    await row.getByRole('button', { name: 'Promote' }).waitFor({ timeout: BUILD_TIMEOUT })
    assert.equal(await row.getByText('Live', { exact: true }).count(), 0)

    const other = await browser.context.newPage()
    try {
      await other.goto(page.url())
      const first = other.getByRole('listitem').filter({ hasText: 'First version of the site' })
      await other.getByRole('listitem', { name: `Deployment ${deployment.id}` }).getByRole('button', { name: 'Promote' }).click()
      await other.getByRole('dialog').getByRole('button', { name: 'Promote' }).click()
      await row.getByText('Live', { exact: true }).waitFor({ timeout: 2000 })
      await first.getByRole('button', { name: 'Roll back' }).click()
      await other.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click()
      await other.getByRole('dialog').waitFor({ state: 'detached' })
    } finally {
      await other.close()
    }
    await page.getByRole('listitem').filter({ hasText: 'First version of the site' }).getByText('Live', { exact: true }).waitFor({ timeout: 2000 })
    await page.getByRole('region', { name: 'Live deployment' }).getByText('First version of the site').waitFor({ timeout: 2000 })
    await page.getByRole('link', { name: 'Settings' }).click()
  })

  test('deleting the project needs its name typed, then it is gone', async () => {
    const danger = page.getByRole('form', { name: 'Delete project' })
    const button = danger.getByRole('button', { name: 'Delete this project' })
    assert.equal(await button.isDisabled(), true)
    await danger.getByLabel(/Type E2E Site to confirm/).fill('E2E Site')
    await button.click()
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor()
  })

  test('signing out returns to sign in, and a deep link comes back after signing in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/sign-in$/, { waitUntil: 'commit' })
    await page.goto(host.url + '/new')
    await page.waitForURL(/\/sign-in\?next=%2Fnew$/)
    await page.getByLabel('Email').fill('e2e@example.com')
    await page.getByLabel('Password').fill('a good password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Import a Git repository' }).waitFor()
  })

  test('no script error or content-security-policy violation happened on the way', () => {
    assert.deepEqual(problems, [])
  })
})
