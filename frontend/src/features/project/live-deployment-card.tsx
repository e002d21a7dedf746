import { TimeAgo } from '../../components/time-ago'
import { Link } from 'react-router'
import { Card, ExternalLink } from '../../components/ui'
import { hostOf, shortSha } from '../../lib/format'
import type { Deployment, Project } from '../../lib/types'

/** The deployment visitors see now, with a small live preview of the site. */
export function LiveDeploymentCard({ project, live, rolledBack = false }: { project: Project; live: Deployment | undefined; rolledBack?: boolean }) {
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
        {/* A scaled-down live view of the site itself: the preview is the real thing. The site is on an
            origin of its own (another host than the dashboard), so allow-same-origin lets it run as it
            does in a tab (a Vite build's crossorigin scripts and styles load; an opaque origin made
            them CORS requests) without reaching the dashboard's origin. */}
        <iframe key={live.id} src={project.url} title={`Preview of ${project.name}`} loading="lazy" tabIndex={-1}
          sandbox="allow-scripts allow-same-origin" className="pointer-events-none absolute left-0 top-0 h-[400%] w-[400%] origin-top-left scale-25 border-0 bg-white" />
      </a>
      <dl className="grid content-start gap-3 text-sm">
        <div>
          <dt className="text-zinc-500">Live at{rolledBack && <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">Rolled back</span>}</dt>
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
            <dd><TimeAgo iso={live.readyAt} /></dd>
          </div>
        </div>
      </dl>
    </Card>
  )
}
