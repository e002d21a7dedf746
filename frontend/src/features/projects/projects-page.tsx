// Every project at a glance: its live address and how its last deployment went.
import { Link } from 'react-router'
import { StatusBadge } from '../../components/status-badge'
import { buttonClass, Card, ErrorMessage, ExternalLink, Loading, PageTitle } from '../../components/ui'
import { listProjects } from '../../lib/endpoints'
import { hostOf } from '../../lib/format'
import { TimeAgo } from '../../components/time-ago'
import { useState } from 'react'
import { useResource } from '../../lib/use-resource'
import { type Deployment, type ProjectListItem } from '../../lib/types'

export interface ProjectSummary {
  project: ProjectListItem
  /** The newest deployment, or null for a project never deployed. */
  latest: Deployment | null
  /** The deployment visitors see: after a rollback an older one than `latest`. */
  live: Deployment | null
}

/** One request: the list answers each project's newest and live deployments with it. */
async function loadSummaries(signal: AbortSignal): Promise<ProjectSummary[]> {
  const projects = await listProjects(signal)
  return projects.map((project) => ({ project, latest: project.latestDeployment ?? null, live: project.liveDeployment ?? null }))
}

/** A production deployment newer than the live one exists: the project was rolled back. */
export function isRolledBack(live: Deployment | null | undefined, newer: Deployment[]): boolean {
  return !!live && newer.some((d) => d.target === 'production' && d.status === 'READY' && Date.parse(d.createdAt) > Date.parse(live.createdAt))
}

export function ProjectsPage() {
  const summaries = useResource(loadSummaries, [], { live: true })
  const [query, setQuery] = useState('')
  const list = summaries.data
  const needle = query.trim().toLowerCase()
  const shown = list?.filter((s) => !needle || s.project.name.toLowerCase().includes(needle)
    || (s.project.gitUrl ?? s.project.githubRepository ?? '').toLowerCase().includes(needle))
  return (
    <div className="space-y-6">
      <PageTitle title="Projects" actions={list && list.length > 0 &&
        <Link to="/new" className={buttonClass('primary')}>Import project</Link>} />
      <ErrorMessage error={summaries.error} />
      {summaries.loading && !list && <Loading what="projects" />}
      {list && list.length === 0 && <EmptyState />}
      {list && list.length > 1 && (
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search projects"
          placeholder="Search projects" className="h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm sm:w-72" />
      )}
      {shown && shown.length === 0 && list!.length > 0 && <p className="text-sm text-zinc-500">No project matches “{query}”.</p>}
      {shown && shown.length > 0 && (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label="Projects">
          {shown.map((s) => <ProjectCard key={s.project.id} summary={s} />)}
        </ul>
      )}
    </div>
  )
}

function ProjectCard({ summary: { project, latest, live } }: { summary: ProjectSummary }) {
  // The card shows what visitors see; a build in progress or a failure of a newer one shows beside it.
  const shown = live ?? latest
  const rolledBack = isRolledBack(live, latest ? [latest] : [])
  return (
    <li>
      <Card className="relative h-full p-4 hover:border-zinc-400">
        <div className="flex items-start justify-between gap-3">
          <h2 className="min-w-0 font-semibold break-words">
            <Link to={`/projects/${project.id}`} className="after:absolute after:inset-0">{project.name}</Link>
          </h2>
          <div className="flex flex-wrap justify-end gap-1">
            {rolledBack && <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">Rolled back</span>}
            {latest && <StatusBadge status={latest.status} />}
          </div>
        </div>
        <div className="relative mt-1 text-sm">
          {project.liveDeploymentId
            ? <ExternalLink href={project.url}>{hostOf(project.url)}</ExternalLink>
            : <span className="text-zinc-400">{hostOf(project.url)} · not live yet</span>}
        </div>
        <p className="mt-3 truncate text-sm text-zinc-500">
          {shown
            ? <>{live && 'Live: '}{shown.commitMessage ?? `Deployment of ${shown.branch}`} · <TimeAgo iso={shown.createdAt} /> on {shown.branch}</>
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
