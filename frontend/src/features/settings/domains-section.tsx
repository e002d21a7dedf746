// Custom domains: add a hostname, then the exact DNS records to create, checked one by one, and
// the certificate as it is issued. Polls while a domain is on its way (not ACTIVE, not ERROR).
import { TimeAgo } from '../../components/time-ago'
import { useState, type FormEvent } from 'react'
import { useToast } from '../../components/toasts'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { CopyButton } from '../../components/copy-button'
import { Button, Card, ErrorMessage, ExternalLink, Field, Loading } from '../../components/ui'
import { ApiError } from '../../lib/api'
import { addDomain, listDomains, removeDomain, verifyDomain } from '../../lib/endpoints'
import { useResource } from '../../lib/use-resource'
import type { DnsRecord, Domain, DomainStatus, Project } from '../../lib/types'

export const DOMAIN_POLL_MS = 5000

const settled = (d: Domain) => d.status === 'ACTIVE' || d.status === 'ERROR'

/** Loads the project's domains; null when this server has no domains API (404/405). */
async function loadDomains(projectId: string, signal: AbortSignal): Promise<Domain[] | null> {
  try {
    return await listDomains(projectId, signal)
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null
    throw e
  }
}

export function DomainsSection({ project }: { project: Project }) {
  const domains = useResource((signal) => loadDomains(project.id, signal), [project.id], {
    pollMs: DOMAIN_POLL_MS,
    pollWhile: (list) => !!list && list.some((d) => !settled(d)),
  })
  const [hostname, setHostname] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const list = domains.data

  const replace = (domain: Domain) => {
    const current = domains.data ?? []
    domains.set(current.map((d) => (d.id === domain.id ? domain : d)))
    // Polling stops once every domain has settled; one back on its way (ERROR, verified again) restarts it.
    if (!settled(domain) && current.every(settled)) domains.reload()
  }

  const add = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const domain = await addDomain(project.id, hostname.trim())
      setHostname('')
      domains.set([...(domains.data ?? []), domain])
      domains.reload()
    } catch (err) {
      setError(err as ApiError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card aria-label="Domains">
      <div className="space-y-4 p-4 sm:p-6">
        <div>
          <h2 className="font-semibold">Domains</h2>
          <p className="mt-1 text-sm text-zinc-500">
            Serve {project.url} on your own domain too. Add it, create the DNS records shown, and Miaobu
            issues its HTTPS certificate.
          </p>
        </div>
        {domains.error && list === undefined ? <ErrorMessage error={domains.error} />
          : list === undefined ? <Loading what="domains" />
          : list === null ? <p className="text-sm text-zinc-500">Custom domains are not available on this server yet.</p>
          : (
            <>
              {list.length === 0 && <p className="text-sm text-zinc-500">No custom domains yet.</p>}
              {list.map((domain) => (
                <DomainCard key={domain.id} domain={domain} onChanged={replace}
                  onRemoved={() => domains.set((domains.data ?? []).filter((d) => d.id !== domain.id))} />
              ))}
              <form onSubmit={add} noValidate aria-label="Add domain" className="space-y-2">
                <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
                  <Field label="Domain" value={hostname} onChange={(e) => setHostname(e.target.value)}
                    placeholder="www.example.com" autoComplete="off" spellCheck={false} inputMode="url" />
                  <Button type="submit" busy={busy} disabled={!hostname.trim()}>Add domain</Button>
                </div>
                <ErrorMessage error={error} />
              </form>
            </>
          )}
      </div>
    </Card>
  )
}

const STATUS: Record<DomainStatus, { label: string; style: string }> = {
  PENDING_DNS: { label: 'Waiting for DNS', style: 'text-amber-800 bg-amber-50' },
  VERIFIED: { label: 'DNS verified', style: 'text-blue-800 bg-blue-50' },
  ISSUING: { label: 'Issuing certificate', style: 'text-blue-800 bg-blue-50' },
  ACTIVE: { label: 'Active', style: 'text-emerald-800 bg-emerald-50' },
  ERROR: { label: 'Error', style: 'text-red-800 bg-red-50' },
}

export function DomainStatusBadge({ status }: { status: DomainStatus }) {
  const s = STATUS[status] ?? { label: status, style: 'text-zinc-600 bg-zinc-100' }
  return <span data-status={status} className={`rounded-full px-2 py-0.5 text-xs font-medium ${s.style}`}>{s.label}</span>
}

function DomainCard({ domain, onChanged, onRemoved }: { domain: Domain; onChanged(d: Domain): void; onRemoved(): void }) {
  const [verifying, setVerifying] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [removing, setRemoving] = useState(false)
  const toast = useToast()

  const verify = async () => {
    setVerifying(true)
    setError(null)
    try {
      onChanged(await verifyDomain(domain.id))
    } catch (err) {
      setError(err as ApiError)
    } finally {
      setVerifying(false)
    }
  }

  const cert = domain.certificate
  return (
    <section aria-label={domain.hostname} className="space-y-3 rounded-md border border-zinc-200 p-3 sm:p-4">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h3 className="min-w-0 font-medium break-all">
          {domain.status === 'ACTIVE' && domain.url ? <ExternalLink href={domain.url}>{domain.hostname}</ExternalLink> : domain.hostname}
        </h3>
        <DomainStatusBadge status={domain.status} />
        <div className="ml-auto flex gap-2">
          {domain.status !== 'ACTIVE' && <Button size="sm" busy={verifying} onClick={verify}>Verify</Button>}
          <Button size="sm" variant="ghost" onClick={() => setRemoving(true)}>Remove</Button>
        </div>
      </div>
      {domain.wildcard && (
        <p className="text-sm text-zinc-700">
          Serves every name one level under {domain.hostname.slice(2)}, such as www.{domain.hostname.slice(2)}; a name
          added on its own wins over the wildcard.
        </p>
      )}
      {domain.message && (
        <p role={domain.status === 'ERROR' ? 'alert' : undefined}
          className={`text-sm ${domain.status === 'ERROR' ? 'text-red-800' : 'text-zinc-700'}`}>{domain.message}</p>
      )}
      <ErrorMessage error={error} />
      {domain.icpRequired && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          ICP filing required: a domain served from mainland China needs an ICP filing (ICP Beian) before it can be
          used. Finish the filing with your domain's provider; the domain goes live once it is in place.
        </p>
      )}
      {domain.dnsRecords.length > 0 && <DnsRecords records={domain.dnsRecords} />}
      <dl className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <div>
          <dt className="text-zinc-500">HTTPS certificate</dt>
          <dd>{cert ? `${cert.status === 'ACTIVE' ? 'Active' : cert.status === 'ISSUING' ? 'Issuing' : 'Failed'}${cert.issuer ? ` · ${cert.issuer}` : ''}` : 'Not issued yet'}</dd>
        </div>
        {cert?.notAfter && (
          <div>
            <dt className="text-zinc-500">Expires</dt>
            <dd title={cert.notAfter}>{new Date(cert.notAfter).toLocaleDateString()}
              {cert.renewAfter && <span className="text-zinc-500"> · renews after {new Date(cert.renewAfter).toLocaleDateString()}</span>}</dd>
          </div>
        )}
        {domain.lastCheckedAt && (
          <div>
            <dt className="text-zinc-500">Checked</dt>
            <dd><TimeAgo iso={domain.lastCheckedAt} /></dd>
          </div>
        )}
      </dl>
      {removing && (
        <ConfirmDialog title={`Remove ${domain.hostname}?`} confirmLabel="Remove domain" danger
          onClose={() => setRemoving(false)}
          onConfirm={async () => { await removeDomain(domain.id); toast(`${domain.hostname} removed.`); onRemoved() }}>
          <p>Miaobu stops serving the site on {domain.hostname} and forgets its certificate. Your DNS records stay as they are.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}

const RECORD_STATUS: Record<string, { label: string; style: string }> = {
  OK: { label: 'OK', style: 'text-emerald-700' },
  MISSING: { label: 'Missing', style: 'text-amber-800' },
  WRONG: { label: 'Wrong', style: 'text-red-700' },
}

/**
 * The records to create at the DNS provider, exactly; each says what DNS answers now. Names are
 * relative to the registered domain (`www`, `@`) as registrars' forms ask. At phone width each
 * record is a stacked block with its labels, so no column is cut off.
 */
function DnsRecords({ records }: { records: DnsRecord[] }) {
  const label = (text: string) => <span aria-hidden className="block text-xs text-zinc-500 sm:hidden">{text}</span>
  return (
    <table className="block w-full text-left text-sm sm:table" aria-label="DNS records">
      <thead className="sr-only text-xs text-zinc-500 sm:not-sr-only sm:table-header-group">
        <tr><th className="py-1 pr-3 font-medium">Type</th><th className="py-1 pr-3 font-medium">Name</th>
          <th className="py-1 pr-3 font-medium">Value</th><th className="py-1 font-medium">Status</th></tr>
      </thead>
      <tbody className="block divide-y divide-zinc-100 sm:table-row-group">
        {records.map((r) => {
          const s = RECORD_STATUS[r.status] ?? { label: r.status, style: 'text-zinc-600' }
          const host = r.host ?? r.name
          return (
            <tr key={`${r.type} ${r.name} ${r.value}`} aria-label={`${r.type} ${r.name}`}
              className="grid grid-cols-[4rem_minmax(0,1fr)] gap-x-3 gap-y-1 py-2 sm:table-row">
              <td className="font-mono text-xs sm:py-1.5 sm:pr-3">{label('Type')}<span>{r.type}</span></td>
              <td className="sm:py-1.5 sm:pr-3">
                {label('Name')}
                <span className="flex items-center gap-1"><code className="font-mono text-xs break-all select-all" title={r.name}>{host}</code>
                  <CopyButton text={host} what={`${r.type} name`} /></span>
                {host !== r.name && <span className="block text-xs text-zinc-500 break-all">{r.name}</span>}
              </td>
              <td className="col-span-2 sm:py-1.5 sm:pr-3">
                {label('Value')}
                <span className="flex items-center gap-1"><code className="min-w-0 font-mono text-xs break-all select-all">{r.value}</code>
                  <CopyButton text={r.value} what={`${r.type} value`} /></span>
              </td>
              <td className="col-span-2 sm:py-1.5">
                {label('Status')}
                <span className={`font-medium ${s.style}`} data-record-status={r.status}>{s.label}</span>
                {r.status === 'WRONG' && r.found && <span className="block text-xs text-zinc-500">found {r.found}</span>}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
