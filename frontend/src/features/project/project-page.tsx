// One project: what is live, every deployment, and what can be done with them.
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { BackLink, Button, buttonClass, Card, ErrorMessage, Loading, PageTitle } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { createDeployment, getProject, listDeployments, updateProject } from '../../lib/endpoints'
import { useToast } from '../../components/toasts'
import { isRolledBack } from '../projects/projects-page'
import { useResource } from '../../lib/use-resource'
import { DeploymentsList } from './deployments-list'
import { LiveDeploymentCard } from './live-deployment-card'

export function ProjectPage() {
  const { projectId = '' } = useParams()
  const navigate = useNavigate()
  // Live: a deploy started by a push, a hook or the CLI, and a rollback from elsewhere, show by themselves.
  const project = useResource((signal) => getProject(projectId, signal), [projectId], { live: true })
  const deployments = useResource((signal) => listDeployments(projectId, signal), [projectId], { live: true })
  const toast = useToast()
  const [resuming, setResuming] = useState(false)
  const [otherBranch, setOtherBranch] = useState('')
  const [deploying, setDeploying] = useState(false)
  const [deployError, setDeployError] = useState<ApiError | null>(null)

  const refresh = () => {
    project.reload()
    deployments.reload()
  }

  const deploy = async (branch?: string) => {
    setDeploying(true)
    setDeployError(null)
    try {
      const d = await createDeployment(projectId, branch ? { branch } : {})
      navigate(`/deployments/${d.id}`)
    } catch (e) {
      setDeployError(e as ApiError)
      setDeploying(false)
    }
  }

  if (project.error && !project.data) {
    return <div className="space-y-4"><BackLink to="/">Projects</BackLink><ErrorMessage error={project.error} /></div>
  }
  if (!project.data) return <Loading what="the project" />
  const p = project.data
  const live = deployments.data?.find((d) => d.live)
  const rolledBack = isRolledBack(live, deployments.data ?? [])
  const resumeAutoPublish = async () => {
    setResuming(true)
    try {
      project.set(await updateProject(p.id, { autoPublish: true }))
      toast(`New deployments of ${p.productionBranch} go live again when they are ready.`)
    } catch (e) {
      setDeployError(e as ApiError)
    } finally {
      setResuming(false)
    }
  }
  return (
    <div className="space-y-6">
      <BackLink to="/">Projects</BackLink>
      <PageTitle title={p.name} documentTitle={p.name} subtitle={<>{p.gitUrl} · production branch <span className="font-mono">{p.productionBranch}</span></>}
        actions={<>
          <Link to={`/projects/${p.id}/settings`} className={buttonClass('secondary')}>Settings</Link>
          <Button variant="primary" busy={deploying} onClick={() => deploy()}>Deploy {p.productionBranch}</Button>
        </>} />
      <ErrorMessage error={deployError} />
      {(rolledBack || !p.autoPublish) && live && (
        <div role="status" aria-label="Rollback" className="flex flex-col gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 sm:flex-row sm:items-center">
          <p className="flex-1">
            {rolledBack ? <><strong>Rolled back.</strong> An older deployment is live. </> : <strong>Auto-publish is off. </strong>}
            {p.autoPublish
              ? <>The next ready deployment of <span className="font-mono">{p.productionBranch}</span> goes live by itself.</>
              : <>New deployments of <span className="font-mono">{p.productionBranch}</span> build but do not go live until you promote one.</>}
          </p>
          {!p.autoPublish && (
            <Button size="sm" busy={resuming} onClick={resumeAutoPublish}>Publish new deployments automatically</Button>
          )}
        </div>
      )}
      <LiveDeploymentCard project={p} live={live} rolledBack={rolledBack} />
      <Card>
        <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-3">
          <h2 className="mr-auto font-semibold">Deployments</h2>
          {p.gitUrl && (
            <form aria-label="Deploy a branch" className="flex items-center gap-2" noValidate
              onSubmit={(e) => { e.preventDefault(); if (otherBranch.trim()) deploy(otherBranch.trim()) }}>
              <input value={otherBranch} onChange={(e) => setOtherBranch(e.target.value)} aria-label="Branch to deploy"
                placeholder="another branch" spellCheck={false} className="h-8 w-36 rounded-md border border-zinc-300 bg-white px-2 text-sm" />
              <Button type="submit" size="sm" disabled={!otherBranch.trim() || deploying}>Deploy branch</Button>
            </form>
          )}
        </div>
        <ErrorMessage error={deployments.error} className="m-4" />
        {deployments.loading && !deployments.data && <Loading what="deployments" />}
        {deployments.data && <DeploymentsList project={p} deployments={deployments.data} onChanged={refresh} />}
      </Card>
    </div>
  )
}
