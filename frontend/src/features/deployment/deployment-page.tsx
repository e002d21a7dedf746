// One deployment: where it is in its life, its live build log, what it published and where.
import { useEffect } from 'react'
import { Link, useParams } from 'react-router'
import { StatusBadge, statusLabel } from '../../components/status-badge'
import { BackLink, Card, ErrorMessage, ExternalLink, Loading, PageTitle } from '../../components/ui'
import { getDeployment, getProject, listDeployments } from '../../lib/endpoints'
import { buildDuration, bytes, hostOf, shortSha } from '../../lib/format'
import { inUserWords, namesSetting } from '../../lib/field-errors'
import { useResource } from '../../lib/use-resource'
import { isFinal, type Deployment, type Project } from '../../lib/types'
import { DeploymentActions } from '../project/deployment-actions'
import { TargetLabel } from '../project/deployments-list'
import { Author } from '../../components/author'
import { DeploymentOrigin } from '../../components/deployment-origin'
import { TimeAgo } from '../../components/time-ago'
import { BuildLog } from './build-log'
import { FunctionsPanel } from './functions-panel'
import { StatusTimeline } from './status-timeline'

export function DeploymentPage() {
  const { deploymentId = '' } = useParams()
  // Live: its status while it builds, and whether it is live (a rollback elsewhere changes that).
  const deployment = useResource((signal) => getDeployment(deploymentId, signal), [deploymentId], { live: true })
  const projectId = deployment.data?.projectId
  // The project (name, live address) and its deployments (which one is live, for "roll back").
  const context = useResource(async (signal) => {
    if (!projectId) return undefined
    const [project, deployments] = await Promise.all([getProject(projectId, signal), listDeployments(projectId, signal)])
    return { project, live: deployments.find((d) => d.live) }
  }, [projectId])
  const status = deployment.data?.status
  const live = deployment.data?.live
  const reloadContext = context.reload
  useEffect(() => { if (status) reloadContext() }, [status, live, reloadContext])

  if (deployment.error && !deployment.data) {
    return <div className="space-y-4"><BackLink to="/">Projects</BackLink><ErrorMessage error={deployment.error} /></div>
  }
  if (!deployment.data) return <Loading what="the deployment" />
  const d = deployment.data
  const project = context.data?.project
  const refresh = () => { deployment.reload(); context.reload() }
  return (
    <div className="space-y-6">
      <BackLink to={`/projects/${d.projectId}`}>{project?.name ?? 'Project'}</BackLink>
      <PageTitle
        title={d.commitMessage ?? `Deployment of ${d.branch}`}
        documentTitle={`${statusLabel(d.status)} · ${project?.name ?? 'Deployment'}`}
        subtitle={<span className="flex flex-wrap items-center gap-2">
          <StatusBadge status={d.status} /><TargetLabel deployment={d} />
          {(d.trigger || d.author) && <><DeploymentOrigin deployment={d} /><span aria-hidden>·</span></>}
          <span className="font-mono text-xs">{d.branch ?? 'folder upload'} · {shortSha(d.commit)}</span>
          {/* Someone other than the commit's author started it: the commit still says who wrote it. */}
          {d.trigger && d.trigger !== 'push' && d.author && <span className="inline-flex items-center gap-1">by <Author author={d.author} /></span>}
          <span>· created <TimeAgo iso={d.createdAt} /></span>
        </span>}
        actions={project && <DeploymentActions project={project} deployment={d} live={context.data?.live}
          onChanged={refresh} size="md" />} />
      <ErrorMessage error={deployment.error ?? context.error} />
      {d.error && d.status === 'CANCELED' && (
        <div role="status" className="rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-700">
          <p className="font-medium">Canceled</p>
          <p className="mt-1 whitespace-pre-wrap">{d.error}</p>
        </div>
      )}
      {d.error && d.status !== 'CANCELED' && <FailureBanner error={d.error} projectId={d.projectId} />}
      <Card className="p-4 sm:p-6"><StatusTimeline deployment={d} /></Card>
      <DeploymentFacts deployment={d} project={project} />
      {d.functions > 0 && d.status === 'READY' && <FunctionsPanel deployment={d} />}
      <BuildLog deploymentId={d.id} onEnd={() => deployment.reload()} />
    </div>
  )
}

/** Why the build failed, where to read more (the log is below), and the setting to change when one is named. */
function FailureBanner({ error, projectId }: { error: string; projectId: string }) {
  const text = inUserWords(error.replace(/see the log above/g, 'see the build log below'))
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">The build failed</p>
      <p className="mt-1 whitespace-pre-wrap">{text}</p>
      <p className="mt-2 flex flex-wrap gap-x-4">
        <a href="#build-log" className="font-medium underline">Read the build log</a>
        {namesSetting(error) && <Link to={`/projects/${projectId}/settings`} className="font-medium underline">Change the build settings</Link>}
      </p>
    </div>
  )
}

function DeploymentFacts({ deployment: d, project }: { deployment: Deployment; project: Project | undefined }) {
  const s = d.stats
  return (
    <Card className="grid gap-4 p-4 text-sm sm:grid-cols-[2fr_1fr_1fr] sm:p-6">
      <div className="min-w-0">
        <h3 className="text-zinc-500">Addresses</h3>
        <ul className="mt-1 space-y-1">
          {d.live && project && <li><ExternalLink href={project.url}>{hostOf(project.url)}</ExternalLink></li>}
          {/* A failed or canceled deployment has no files, so no address of its own (url is null). */}
          {d.url && <li>{d.status === 'READY'
            ? <ExternalLink href={d.url}>{hostOf(d.url)}</ExternalLink>
            : <span className="break-all text-zinc-400">{hostOf(d.url)}</span>}</li>}
        </ul>
      </div>
      <div>
        <h3 className="text-zinc-500">Output</h3>
        {s && s.files > 0
          ? <p className="mt-1"><span className="font-medium">{s.files} {s.files === 1 ? 'file' : 'files'}</span>, {bytes(s.bytes)}
            <span className="block text-zinc-500">uploaded {s.uploadedFiles} ({bytes(s.uploadedBytes)}), reused {s.files - s.uploadedFiles}</span></p>
          : <p className="mt-1 text-zinc-400">{isFinal(d.status) ? 'Nothing published' : 'Counted after the build'}</p>}
      </div>
      <div>
        <h3 className="text-zinc-500">Build time</h3>
        <p className="mt-1 font-medium">{buildDuration(d)}</p>
      </div>
    </Card>
  )
}
