// One project: what is live, every deployment, and what can be done with them.
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { BackLink, Button, buttonClass, Card, ErrorMessage, Loading, PageTitle } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { createDeployment, getProject, listDeployments } from '../../lib/endpoints'
import { useResource } from '../../lib/use-resource'
import { isFinal } from '../../lib/types'
import { DeploymentsList } from './deployments-list'
import { LiveDeploymentCard } from './live-deployment-card'

export function ProjectPage() {
  const { projectId = '' } = useParams()
  const navigate = useNavigate()
  const project = useResource((signal) => getProject(projectId, signal), [projectId])
  const deployments = useResource((signal) => listDeployments(projectId, signal), [projectId], {
    pollWhile: (list) => list.some((d) => !isFinal(d.status)),
  })
  const [deploying, setDeploying] = useState(false)
  const [deployError, setDeployError] = useState<ApiError | null>(null)

  const refresh = () => {
    project.reload()
    deployments.reload()
  }

  const deploy = async () => {
    setDeploying(true)
    setDeployError(null)
    try {
      const d = await createDeployment(projectId)
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
  return (
    <div className="space-y-6">
      <BackLink to="/">Projects</BackLink>
      <PageTitle title={p.name} subtitle={<>{p.gitUrl} · production branch <span className="font-mono">{p.productionBranch}</span></>}
        actions={<>
          <Link to={`/projects/${p.id}/settings`} className={buttonClass('secondary')}>Settings</Link>
          <Button variant="primary" busy={deploying} onClick={deploy}>Deploy {p.productionBranch}</Button>
        </>} />
      <ErrorMessage error={deployError} />
      <LiveDeploymentCard project={p} live={live} />
      <Card>
        <h2 className="border-b border-zinc-200 px-4 py-3 font-semibold">Deployments</h2>
        <ErrorMessage error={deployments.error} className="m-4" />
        {deployments.loading && !deployments.data && <Loading what="deployments" />}
        {deployments.data && <DeploymentsList project={p} deployments={deployments.data} onChanged={refresh} />}
      </Card>
    </div>
  )
}
