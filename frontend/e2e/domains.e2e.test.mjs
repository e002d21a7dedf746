// Custom domains in the dashboard, in headless Chromium against a real local host: add a domain,
// see the DNS records to create with their live check, verify, reload, and remove it after
// confirming. Skips itself while the server has no domains API (POST .../domains answers 404 or
// 405), so it runs for real as soon as that API is merged.
//
// The local host checks DNS for real, so nothing here assumes what DNS answers: any status the
// contract allows is fine, the records must be there, exact and copyable.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { launchWatchedPage, screenshotDir } from './browser.mjs'
import { startLocalHost } from './local-host.mjs'

const SHOTS = screenshotDir()
const STATUSES = ['PENDING_DNS', 'VERIFIED', 'ISSUING', 'ACTIVE', 'ERROR']
const HOSTNAME = 'www.example.com'

describe('custom domains in the dashboard, against a real local host', { timeout: 300_000 }, () => {
  let host
  let browser
  let page
  let token
  let projectId
  let unavailable = null
  let problems = []

  async function api(method, path, body) {
    const answer = await fetch(host.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await answer.text()
    return { status: answer.status, json: text ? JSON.parse(text) : null }
  }

  before(async () => {
    host = await startLocalHost()
    const session = await api('POST', '/api/v1/auth/register', { email: 'domains@example.com', password: 'a good password' })
    assert.equal(session.status, 201, JSON.stringify(session.json))
    token = session.json.token
    // A project without a repository is enough: domains belong to the project, not to a build.
    const project = await api('POST', '/api/v1/projects', { name: 'Domains Site' })
    assert.equal(project.status, 201, JSON.stringify(project.json))
    projectId = project.json.id
    // A probe without side effects: an invalid hostname is refused by a server that has the API.
    const probe = await api('POST', `/api/v1/projects/${projectId}/domains`, { hostname: 'not a hostname' })
    if (probe.status === 404 || probe.status === 405) {
      unavailable = `this server has no domains API yet (POST /api/v1/projects/{id}/domains answered ${probe.status})`
      return
    }
    ;({ browser, page, problems } = await launchWatchedPage())
    await page.goto(host.url + '/sign-in')
    await page.evaluate((t) => localStorage.setItem('miaobu.token', t), token)
  })

  after(async () => {
    await browser?.close()
    await host?.stop()
  })

  const section = () => page.getByRole('region', { name: 'Domains' })
  const card = () => section().getByRole('region', { name: HOSTNAME })

  test('an invalid hostname is refused with the API message in place', async (t) => {
    if (unavailable) return t.skip(unavailable)
    await page.goto(`${host.url}/projects/${projectId}/settings`)
    const form = section().getByRole('form', { name: 'Add domain' })
    await form.getByLabel('Domain').fill('not a hostname')
    await form.getByRole('button', { name: 'Add domain' }).click()
    await form.getByRole('alert').waitFor()
    assert.ok((await form.getByRole('alert').innerText()).trim().length > 0)
  })

  test('a domain shows its status and the exact DNS records to create, each checked', async (t) => {
    if (unavailable) return t.skip(unavailable)
    const form = section().getByRole('form', { name: 'Add domain' })
    await form.getByLabel('Domain').fill(HOSTNAME)
    await form.getByRole('button', { name: 'Add domain' }).click()
    await card().waitFor()
    const status = await card().locator('[data-status]').first().getAttribute('data-status')
    assert.ok(STATUSES.includes(status), `status ${status}`)

    // The records on screen are exactly the ones the API gives.
    const { json: domain } = await api('GET', `/api/v1/projects/${projectId}/domains`)
    const records = domain.domains.find((d) => d.hostname === HOSTNAME).dnsRecords
    assert.ok(records.length >= 1, 'at least one DNS record to create')
    for (const r of records) {
      const row = card().getByRole('row', { name: `${r.type} ${r.name}` })
      await row.getByText(r.value, { exact: true }).waitFor()
      assert.ok(['OK', 'MISSING', 'WRONG'].includes(await row.locator('[data-record-status]').getAttribute('data-record-status')))
      await row.getByRole('button', { name: `Copy ${r.type} value` }).waitFor()
    }
    await section().screenshot({ path: join(SHOTS, 'domains.png'), animations: 'disabled' })
  })

  test('DNS names read as registrars ask (www, @), and at phone width every column of every record shows', async (t) => {
    if (unavailable) return t.skip(unavailable)
    const { json: domain } = await api('GET', `/api/v1/projects/${projectId}/domains`)
    const records = domain.domains.find((d) => d.hostname === HOSTNAME).dnsRecords
    const label = HOSTNAME.split('.')[0]
    assert.ok(records.some((r) => r.host === label || r.host.endsWith('.' + label)), JSON.stringify(records))
    await page.setViewportSize({ width: 360, height: 780 })
    try {
      for (const r of records) {
        const row = card().getByRole('row', { name: `${r.type} ${r.name}` })
        await row.scrollIntoViewIfNeeded()
        await row.getByText(r.host, { exact: true }).waitFor()
        for (const part of [row.getByText(r.type, { exact: true }).first(), row.getByText(r.value, { exact: true }),
          row.locator('[data-record-status]')]) {
          const box = await part.boundingBox()
          assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= 360, `${r.type} ${r.name}: a column is cut off (${JSON.stringify(box)})`)
        }
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `the settings page is ${overflow}px wider than the phone`)
      await section().screenshot({ path: join(SHOTS, 'domains-phone.png'), animations: 'disabled' })
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 })
    }
  })

  test('Verify checks again and the domain is still there after a reload', async (t) => {
    if (unavailable) return t.skip(unavailable)
    const verify = card().getByRole('button', { name: 'Verify' })
    if (await verify.count()) {
      await verify.click()
      // The check is done when the button is no longer busy (it is gone once the domain is ACTIVE).
      await card().locator('button[aria-busy="true"]').waitFor({ state: 'detached', timeout: 60_000 })
    }
    await page.reload()
    await card().waitFor()
    assert.ok(STATUSES.includes(await card().locator('[data-status]').first().getAttribute('data-status')))
  })

  test('removing the domain asks first, then it is gone', async (t) => {
    if (unavailable) return t.skip(unavailable)
    await card().getByRole('button', { name: 'Remove' }).click()
    const dialog = page.getByRole('dialog', { name: `Remove ${HOSTNAME}?` })
    await dialog.getByRole('button', { name: 'Keep as is' }).click()
    await dialog.waitFor({ state: 'detached' })
    await card().waitFor()

    await card().getByRole('button', { name: 'Remove' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove domain' }).click()
    await card().waitFor({ state: 'detached' })
    await section().getByText('No custom domains yet.').waitFor()
    const { json } = await api('GET', `/api/v1/projects/${projectId}/domains`)
    assert.deepEqual(json.domains, [])
  })

  test('no script error or content-security-policy violation happened on the way', (t) => {
    if (unavailable) return t.skip(unavailable)
    assert.deepEqual(problems, [])
  })
})
