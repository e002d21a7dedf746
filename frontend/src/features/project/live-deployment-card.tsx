import { Link } from 'react-router'
import { Card, ExternalLink } from '../../components/ui'
import { hostOf, shortSha, timeAgo } from '../../lib/format'
import type { Deployment, Project } from '../../lib/types'

/** The deployment visitors see now, with a small live preview of the site. */
export function LiveDeploymentCard({ project, live }: { project: Project; live: Deployment | undefined }) {
  if (!live) {
    return (
      <Card className="p-4 sm:p-6">
        <h2 className="font-semibold">Not live yet</h2>
        <p className="mt-1 text-sm text-zinc-500">
          {project.url} goes live when a deployment of <span className="font-mono">{project.productionBranch}</span> is ready.
        </p>
      </Card>
    )
  }
  return (
    <Card className="grid gap-4 p-4 sm:grid-cols-[18rem_1fr] sm:p-6" aria-label="Live deployment">
      <a href={project.url} target="_blank" rel="noreferrer" aria-label={`Open ${hostOf(project.url)}`}
        className="relative block aspect-[16/10] overflow-hidden rounded-md border border-zinc-200 bg-zinc-100">
        {/* A scaled-down live view of the site itself: the preview is the real thing. */}
        <iframe key={live.id} src={project.url} title={`Preview of ${project.name}`} loading="lazy" tabIndex={-1}
          sandbox="allow-scripts" className="pointer-events-none absolute left-0 top-0 h-[400%] w-[400%] origin-top-left scale-25 border-0 bg-white" />
      </a>
      <dl className="grid content-start gap-3 text-sm">
        <div>
          <dt className="text-zinc-500">Live at</dt>
          <dd className="font-medium"><ExternalLink href={project.url}>{hostOf(project.url)}</ExternalLink></dd>
        </div>
        <div>
          <dt className="text-zinc-500">Deployment</dt>
          <dd><Link to={`/deployments/${live.id}`} className="hover:underline">{live.commitMessage ?? live.id}</Link></dd>
        </div>
        <div className="flex flex-wrap gap-x-6 gap-y-3">
          <div>
            <dt className="text-zinc-500">Source</dt>
            <dd><span className="font-mono text-xs">{live.branch}</span> · <span className="font-mono text-xs">{shortSha(live.commit)}</span></dd>
          </div>
          <div>
            <dt className="text-zinc-500">Ready</dt>
            <dd title={live.readyAt ?? undefined}>{timeAgo(live.readyAt)}</dd>
          </div>
        </div>
      </dl>
    </Card>
  )
}
