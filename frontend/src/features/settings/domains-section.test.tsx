import { act, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Domain } from '../../lib/types'
import { apiError, fakeApi, json } from '../../test/fake-api'
import { project } from '../../test/fixtures'
import { renderApp } from '../../test/render'
import { DOMAIN_POLL_MS } from './domains-section'

const pending = (overrides: Partial<Domain> = {}): Domain => ({
  id: 'dom_1', projectId: 'p1', hostname: 'www.example.com', status: 'PENDING_DNS',
  message: 'The CNAME record for www.example.com is missing: add it at your DNS provider.', apex: false,
  dnsRecords: [
    { type: 'CNAME', name: 'www.example.com', host: 'www', value: 'edge.miaobu.example', purpose: 'routing', status: 'MISSING', found: null },
    { type: 'TXT', name: '_miaobu.www.example.com', host: '_miaobu.www', value: 'miaobu-verify=abc123', purpose: 'ownership', status: 'WRONG', found: 'miaobu-verify=old' },
  ],
  certificate: null, icpRequired: false, wildcard: false, url: 'https://www.example.com',
  lastCheckedAt: '2026-11-20T10:00:00Z', nextCheckAt: '2026-11-20T10:01:00Z', createdAt: '2026-11-20T09:00:00Z',
  ...overrides,
})

const active = (overrides: Partial<Domain> = {}): Domain => pending({
  status: 'ACTIVE', message: null,
  dnsRecords: pending().dnsRecords.map((r) => ({ ...r, status: 'OK', found: r.value })),
  certificate: { status: 'ACTIVE', issuer: "Let's Encrypt", notBefore: '2026-11-20T10:00:00Z', notAfter: '2027-02-18T10:00:00Z', renewAfter: '2027-01-19T10:00:00Z' },
  ...overrides,
})

function settingsWith(domains: () => Domain[]) {
  return fakeApi()
    .on('GET /api/v1/projects/p1', () => project())
    .on('GET /api/v1/projects/p1/env', () => [])
    .on('GET /api/v1/projects/p1/hooks', () => [])
    .on('GET /api/v1/projects/p1/domains', () => ({ domains: domains() }))
}

afterEach(() => vi.useRealTimers())

describe('DomainsSection', () => {
  it('shows the exact DNS records to create, each with what DNS answers now, and copies a value', async () => {
    const { user } = renderApp(settingsWith(() => [pending({ icpRequired: true })]), '/projects/p1/settings')
    const card = await screen.findByRole('region', { name: 'www.example.com' })
    expect(within(card).getByText('Waiting for DNS')).toBeInTheDocument()
    expect(card).toHaveTextContent('The CNAME record for www.example.com is missing')
    expect(card).toHaveTextContent('ICP filing required')
    expect(card).toHaveTextContent('Not issued yet')
    const cname = within(card).getByRole('row', { name: 'CNAME www.example.com' })
    expect(cname).toHaveTextContent('edge.miaobu.example')
    expect(cname).toHaveTextContent('Missing')
    const txt = within(card).getByRole('row', { name: 'TXT _miaobu.www.example.com' })
    expect(txt).toHaveTextContent('miaobu-verify=abc123')
    expect(txt).toHaveTextContent('Wrong')
    expect(txt).toHaveTextContent('found miaobu-verify=old')
    await user.click(within(txt).getByRole('button', { name: 'Copy TXT value' }))
    expect(await navigator.clipboard.readText()).toBe('miaobu-verify=abc123')
    expect(within(txt).getByRole('button', { name: 'Copy TXT value' })).toHaveTextContent('Copied')
  })

  it('shows an active domain with its certificate issuer and expiry, linked, with nothing to verify', async () => {
    renderApp(settingsWith(() => [active()]), '/projects/p1/settings')
    const card = await screen.findByRole('region', { name: 'www.example.com' })
    expect(within(card).getByText('Active')).toBeInTheDocument()
    expect(within(card).getByRole('link', { name: 'www.example.com' })).toHaveAttribute('href', 'https://www.example.com')
    expect(card).toHaveTextContent("Let's Encrypt")
    expect(card).toHaveTextContent(new Date('2027-02-18T10:00:00Z').toLocaleDateString())
    expect(within(card).queryByRole('button', { name: 'Verify' })).toBeNull()
    expect(within(card).getAllByText('OK')).toHaveLength(2)
  })

  it('shows an active wildcard domain as the names it covers, not as a link', async () => {
    renderApp(settingsWith(() => [active({ hostname: '*.example.com', wildcard: true, url: null })]), '/projects/p1/settings')
    const card = await screen.findByRole('region', { name: '*.example.com' })
    expect(within(card).getByText('Active')).toBeInTheDocument()
    expect(within(card).queryByRole('link', { name: '*.example.com' })).toBeNull()
    expect(card).toHaveTextContent('Serves every name one level under example.com, such as www.example.com')
  })

  it('adds a domain and shows the API refusal in place', async () => {
    let domains: Domain[] = []
    const api = settingsWith(() => domains)
      .on('POST /api/v1/projects/p1/domains', (call) => {
        const { hostname } = call.body as { hostname: string }
        if (hostname === 'taken.example.com') return apiError(409, 'domain_taken', 'taken.example.com is already used by another project.')
        domains = [pending({ hostname })]
        return json(201, domains[0])
      })
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Domains' })
    const form = await within(section).findByRole('form', { name: 'Add domain' })
    await user.type(within(form).getByLabelText('Domain'), 'taken.example.com')
    await user.click(within(form).getByRole('button', { name: 'Add domain' }))
    expect(await within(form).findByRole('alert')).toHaveTextContent('already used by another project')

    await user.clear(within(form).getByLabelText('Domain'))
    await user.type(within(form).getByLabelText('Domain'), 'www.example.com')
    await user.click(within(form).getByRole('button', { name: 'Add domain' }))
    expect(await within(section).findByRole('region', { name: 'www.example.com' })).toHaveTextContent('Waiting for DNS')
    expect(api.callsTo('POST /api/v1/projects/p1/domains').at(-1)!.body).toEqual({ hostname: 'www.example.com' })
    expect(within(form).getByLabelText('Domain')).toHaveValue('')
  })

  it('checks DNS now on Verify and shows the new state', async () => {
    let stored = pending()
    const api = settingsWith(() => [stored])
      .on('POST /api/v1/domains/dom_1/verify', () => (stored = pending({ status: 'ISSUING', message: null,
        dnsRecords: pending().dnsRecords.map((r) => ({ ...r, status: 'OK' })),
        certificate: { status: 'ISSUING', issuer: null, notBefore: null, notAfter: null, renewAfter: null } })))
    const { user } = renderApp(api, '/projects/p1/settings')
    const card = await screen.findByRole('region', { name: 'www.example.com' })
    await user.click(within(card).getByRole('button', { name: 'Verify' }))
    expect(await within(card).findByText('Issuing certificate')).toBeInTheDocument()
    expect(card).not.toHaveTextContent('is missing')
    expect(within(card).queryByText('Missing')).toBeNull()
    expect(api.callsTo('POST /api/v1/domains/dom_1/verify')).toHaveLength(1)
  })

  it('removes a domain only after the user confirms', async () => {
    const api = settingsWith(() => [active()])
      .on('DELETE /api/v1/domains/dom_1', () => new Response(null, { status: 204 }))
    const { user } = renderApp(api, '/projects/p1/settings')
    const card = await screen.findByRole('region', { name: 'www.example.com' })
    await user.click(within(card).getByRole('button', { name: 'Remove' }))
    await user.click(within(screen.getByRole('dialog', { name: 'Remove www.example.com?' })).getByRole('button', { name: 'Keep as is' }))
    expect(api.callsTo('DELETE /api/v1/domains/dom_1')).toHaveLength(0)

    await user.click(within(card).getByRole('button', { name: 'Remove' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove domain' }))
    await waitFor(() => expect(screen.queryByRole('region', { name: 'www.example.com' })).toBeNull())
    expect(api.callsTo('DELETE /api/v1/domains/dom_1')).toHaveLength(1)
    expect(screen.getByText('No custom domains yet.')).toBeInTheDocument()
  })

  it('polls while a domain is on its way and stops once it is active', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    let answer = pending()
    const api = settingsWith(() => [answer])
    renderApp(api, '/projects/p1/settings')
    await screen.findByRole('region', { name: 'www.example.com' })
    expect(api.callsTo('GET /api/v1/projects/p1/domains')).toHaveLength(1)

    answer = active()
    await act(async () => { vi.advanceTimersByTime(DOMAIN_POLL_MS) })
    const card = await screen.findByRole('region', { name: 'www.example.com' })
    await waitFor(() => expect(within(card).getByText('Active')).toBeInTheDocument())
    expect(api.callsTo('GET /api/v1/projects/p1/domains')).toHaveLength(2)

    await act(async () => { vi.advanceTimersByTime(DOMAIN_POLL_MS * 3) })
    expect(api.callsTo('GET /api/v1/projects/p1/domains')).toHaveLength(2)
  })

  it('says domains are not available when the server has no domains API', async () => {
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/env', () => [])
      .on('GET /api/v1/projects/p1/hooks', () => [])
    renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Domains' })
    expect(await within(section).findByText('Custom domains are not available on this server yet.')).toBeInTheDocument()
    expect(within(section).queryByRole('alert')).toBeNull()
    expect(within(section).queryByRole('form', { name: 'Add domain' })).toBeNull()
  })
})
