import { Link } from 'react-router'
import { Author } from '../../components/author'
import { StatusBadge } from '../../components/status-badge'
import { buildDuration, shortSha, timeAgo } from '../../lib/format'
import type { Deployment, Project } from '../../lib/types'
import { DeploymentActions } from './deployment-actions'

export function DeploymentsList({ project, deployments, onChanged }:
  { project: Project; deployments: Deployment[]; onChanged(): void }) {
  const live = deployments.find((d) => d.live)
  if (deployments.length === 0) {
    return <p className="px-4 py-8 text-center text-sm text-zinc-500">No deployments yet. Deploy the production branch to start.</p>
  }
  return (
    <ul className="divide-y divide-zinc-200" aria-label="Deployments">
      {deployments.map((d) => (
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
              <span className="font-mono text-xs" title="Commit">{shortSha(d.commit)}</span>
              {d.author && <><span aria-hidden>·</span><Author author={d.author} /></>}
            </p>
          </div>
          <div className="text-sm text-zinc-500 sm:text-right">
            <span title={d.createdAt}>{timeAgo(d.createdAt)}</span>
            <span className="sm:hidden"> · </span>
            <span className="sm:block" title="Build time">{buildDuration(d)}</span>
          </div>
          <div className="sm:flex sm:justify-end">
            <DeploymentActions project={project} deployment={d} live={live} onChanged={onChanged} />
          </div>
        </li>
      ))}
    </ul>
  )
}

export function TargetLabel({ deployment }: { deployment: Deployment }) {
  return (
    <>
      <span className="text-xs text-zinc-500">{deployment.target === 'production' ? 'Production' : 'Preview'}</span>
      {deployment.live && <span className="rounded bg-blue-50 px-1.5 py-0.5 text-xs font-medium text-blue-800">Live</span>}
    </>
  )
}
