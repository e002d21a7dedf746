import { TimeAgo } from '../../components/time-ago'
import { Link } from 'react-router'
import { DeploymentOrigin } from '../../components/deployment-origin'
import { StatusBadge } from '../../components/status-badge'
import { buildDuration, hostOf, shortSha } from '../../lib/format'
import { isFinal, type Deployment, type Project } from '../../lib/types'
import { useState } from 'react'
import { CopyButton } from '../../components/copy-button'
import { Button } from '../../components/ui'
import { DeploymentActions } from './deployment-actions'

const PAGE = 20
const STATUS_FILTERS: { value: string; label: string; test(d: Deployment): boolean }[] = [
  { value: '', label: 'Any status', test: () => true },
  { value: 'ready', label: 'Ready', test: (d) => d.status === 'READY' },
  { value: 'building', label: 'In progress', test: (d) => !isFinal(d.status) },
  { value: 'failed', label: 'Failed', test: (d) => d.status === 'FAILED' },
  { value: 'canceled', label: 'Canceled', test: (d) => d.status === 'CANCELED' },
]

/** Every deployment, newest first: filter by branch and status, search commits, 20 at a time. */
export function DeploymentsList({ project, deployments, onChanged }:
  { project: Project; deployments: Deployment[]; onChanged(): void }) {
  const live = deployments.find((d) => d.live)
  const [branch, setBranch] = useState('')
  const [status, setStatus] = useState('')
  const [query, setQuery] = useState('')
  const [shownCount, setShownCount] = useState(PAGE)
  if (deployments.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-zinc-500">No deployments yet. Deploy the production branch to start.</p>
  }
  const branches = [...new Set(deployments.flatMap((d) => (d.branch ? [d.branch] : [])))].sort()
  const needle = query.trim().toLowerCase()
  const statusTest = STATUS_FILTERS.find((f) => f.value === status)!.test
  const matching = deployments.filter((d) => (!branch || d.branch === branch) && statusTest(d)
    && (!needle || [d.commitMessage, d.commit, d.branch, d.id, d.author?.name, d.author?.login,
      d.triggeredBy?.login, d.hookName]
      .some((v) => v?.toLowerCase().includes(needle))))
  const shown = matching.slice(0, shownCount)
  const select = 'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm'
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2" role="search" aria-label="Filter deployments">
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search commits"
          aria-label="Search deployments" className={`${select} min-w-0 flex-1 sm:max-w-56`} />
        <select value={branch} onChange={(e) => setBranch(e.target.value)} aria-label="Branch" className={select}>
          <option value="">All branches</option>
          {branches.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status" className={select}>
          {STATUS_FILTERS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
        </select>
        {matching.length !== deployments.length && (
          <span role="status" className="text-xs text-zinc-500">{matching.length} of {deployments.length}</span>
        )}
      </div>
      {matching.length === 0 && <p className="px-4 py-8 text-center text-sm text-zinc-500">No deployment matches these filters.</p>}
      <ul className="divide-y divide-zinc-200" aria-label="Deployments">
        {shown.map((d) => (
          <li key={d.id} className="grid gap-2 px-4 py-3 sm:grid-cols-[10rem_minmax(0,1fr)_6rem_12rem] sm:items-center sm:gap-4"
            aria-label={`Deployment ${d.id}`}>
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={d.status} />
              <TargetLabel deployment={d} />
            </div>
            <div className="min-w-0 text-sm">
              <Link to={`/deployments/${d.id}`} className="block truncate font-medium hover:underline">
                {d.commitMessage ?? (d.branch ? `Deployment of ${d.branch}` : 'Folder upload')}
              </Link>
              <p className="flex min-w-0 items-center gap-1 text-zinc-500">
                <span className="truncate font-mono text-xs" title="Branch">{d.branch ?? 'folder upload'}</span>
                <span aria-hidden>·</span>
                <span className="font-mono text-xs" title={commitTitle(d)}>{shortSha(d.commit)}</span>
                {(d.trigger || d.author) && <><span aria-hidden>·</span><DeploymentOrigin deployment={d} /></>}
              </p>
              {d.status === 'READY' && address(d) && (
                <p className="flex min-w-0 flex-wrap items-center gap-x-2 text-xs">
                  <a href={address(d)} target="_blank" rel="noreferrer" className="truncate text-blue-700 hover:underline"
                    aria-label={`Visit ${hostOf(address(d))}`}>{hostOf(address(d))}</a>
                  <CopyButton text={address(d)} what="address" />
                </p>
              )}
            </div>
            <div className="text-sm text-zinc-500 sm:text-right">
              <TimeAgo iso={d.createdAt} />
              <span className="sm:hidden"> · </span>
              <span className="sm:block" title="Build time">{buildDuration(d)}</span>
            </div>
            <div className="sm:flex sm:justify-end">
              <DeploymentActions project={project} deployment={d} live={live} onChanged={onChanged} />
            </div>
          </li>
        ))}
      </ul>
      {matching.length > shown.length && (
        <div className="border-t border-zinc-200 px-4 py-3 text-center">
          <Button size="sm" onClick={() => setShownCount((n) => n + PAGE)}>Show {Math.min(PAGE, matching.length - shown.length)} more</Button>
        </div>
      )}
    </>
  )
}

/** The commit, and who wrote it when the line beside it names someone else (who redeployed it). */
function commitTitle(d: Deployment): string {
  const author = d.author?.name ?? d.author?.login
  return author && d.trigger && d.trigger !== 'push' ? `Commit by ${author}` : 'Commit'
}

export function TargetLabel({ deployment }: { deployment: Deployment }) {
  return (
    <>
      <span className="text-xs text-zinc-500">{deployment.target === 'production' ? 'Production' : 'Preview'}</span>
      {deployment.live && <span className="rounded bg-blue-50 px-1.5 py-0.5 text-xs font-medium text-blue-800">Live</span>}
    </>
  )
}

/** Where a ready deployment is visited: a preview's branch address, else its own ("" when it has none). */
function address(d: Deployment): string {
  return d.branchUrl ?? d.url ?? ''
}
