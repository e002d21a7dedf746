// Every project at a glance: its live address and how its last deployment went.
import { Link } from 'react-router'
import { StatusBadge } from '../../components/status-badge'
import { buttonClass, Card, ErrorMessage, ExternalLink, Loading, PageTitle } from '../../components/ui'
import { listProjects } from '../../lib/endpoints'
import { hostOf, timeAgo } from '../../lib/format'
import { useResource } from '../../lib/use-resource'
import { isFinal, type Deployment, type Project } from '../../lib/types'

export interface ProjectSummary {
  project: Project
  /** The newest deployment, or null for a project never deployed. */
  latest: Deployment | null
}

/** One request: the list answers each project's newest deployment with it. */
async function loadSummaries(signal: AbortSignal): Promise<ProjectSummary[]> {
  const projects = await listProjects(signal)
  return projects.map((project) => ({ project, latest: project.latestDeployment ?? null }))
}

export function ProjectsPage() {
  const summaries = useResource(loadSummaries, [], {
    pollMs: 3000,
    pollWhile: (list) => list.some((s) => s.latest && !isFinal(s.latest.status)),
  })
  const list = summaries.data
  return (
    <div className="space-y-6">
      <PageTitle title="Projects" actions={list && list.length > 0 &&
        <Link to="/new" className={buttonClass('primary')}>Import project</Link>} />
      <ErrorMessage error={summaries.error} />
      {summaries.loading && !list && <Loading what="projects" />}
      {list && list.length === 0 && <EmptyState />}
      {list && list.length > 0 && (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="Projects">
          {list.map((s) => <ProjectCard key={s.project.id} summary={s} />)}
        </ul>
      )}
    </div>
  )
}

function ProjectCard({ summary: { project, latest } }: { summary: ProjectSummary }) {
  return (
    <li>
      <Card className="relative h-full p-4 hover:border-zinc-400">
        <div className="flex items-start justify-between gap-3">
          <h2 className="min-w-0 font-semibold break-words">
            <Link to={`/projects/${project.id}`} className="after:absolute after:inset-0">{project.name}</Link>
          </h2>
          {latest && <StatusBadge status={latest.status} />}
        </div>
        <div className="relative mt-1 text-sm">
          {project.liveDeploymentId
            ? <ExternalLink href={project.url}>{hostOf(project.url)}</ExternalLink>
            : <span className="text-zinc-400">{hostOf(project.url)} · not live yet</span>}
        </div>
        <p className="mt-3 truncate text-sm text-zinc-500">
          {latest
            ? <>{latest.commitMessage ?? `Deployment of ${latest.branch}`} · <span title={latest.createdAt}>{timeAgo(latest.createdAt)}</span> on {latest.branch}</>
            : 'Not deployed yet'}
        </p>
      </Card>
    </li>
  )
}

function EmptyState() {
  return (
    <Card className="px-6 py-14 text-center">
      <h2 className="text-lg font-semibold">No projects yet</h2>
      <p className="mx-auto mt-2 max-w-sm text-sm text-zinc-500">
        Import a Git repository: Miaobu builds it and puts it online, and every deployment can be
        rolled back in an instant.
      </p>
      <Link to="/new" className={`${buttonClass('primary')} mt-6`}>Import a Git repository</Link>
    </Card>
  )
}
