// What can be done to one deployment, each behind a confirmation that says what will happen.
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { useToast } from '../../components/toasts'
import { Button } from '../../components/ui'
import { cancelDeployment, createDeployment, promoteDeployment } from '../../lib/endpoints'
import { shortSha } from '../../lib/format'
import { isFinal, type Deployment, type Project } from '../../lib/types'

type Action = 'promote' | 'cancel' | 'redeploy'

export interface DeploymentActionsProps {
  project: Project
  deployment: Deployment
  /** The deployment live now, if any: promoting an older one is a rollback. */
  live: Deployment | undefined
  onChanged(): void
  size?: 'sm' | 'md'
}

export function isRollback(deployment: Deployment, live: Deployment | undefined): boolean {
  return !!live && Date.parse(deployment.createdAt) < Date.parse(live.createdAt)
}

export function DeploymentActions({ project, deployment, live, onChanged, size = 'sm' }: DeploymentActionsProps) {
  const [open, setOpen] = useState<Action | null>(null)
  const navigate = useNavigate()
  const toast = useToast()
  const canPromote = deployment.status === 'READY' && !deployment.live
  const rollback = isRollback(deployment, live)
  const label = `${deployment.branch} ${shortSha(deployment.commit)}`
  return (
    <div className="flex flex-wrap gap-2">
      {canPromote && (
        <Button size={size} onClick={() => setOpen('promote')}>{rollback ? 'Roll back' : 'Promote'}</Button>
      )}
      {!isFinal(deployment.status) && <Button size={size} onClick={() => setOpen('cancel')}>Cancel</Button>}
      {isFinal(deployment.status) && <Button size={size} variant="ghost" onClick={() => setOpen('redeploy')}>Redeploy</Button>}

      {open === 'promote' && (
        <ConfirmDialog title={rollback ? 'Roll back to this deployment?' : 'Promote this deployment?'}
          confirmLabel={rollback ? 'Roll back' : 'Promote'} onClose={() => setOpen(null)}
          onConfirm={async () => {
            await promoteDeployment(deployment.id)
            toast(rollback ? `Rolled back: ${label} is live.` : `Promoted: ${label} is live.`)
            onChanged()
          }}>
          <p>{project.url} will serve <strong>{label}</strong> at once, without a rebuild.
            {live && <> The deployment live now stays available to promote again.</>}</p>
          {rollback && deployment.target === 'production' && (
            <p className="mt-2">New deployments of <span className="font-mono">{project.productionBranch}</span> will
              still build but not go live by themselves, so a push does not undo the rollback; you can turn that
              back on from the project page.</p>
          )}
        </ConfirmDialog>
      )}
      {open === 'cancel' && (
        <ConfirmDialog title="Cancel this build?" confirmLabel="Cancel build" danger onClose={() => setOpen(null)}
          onConfirm={async () => { await cancelDeployment(deployment.id); toast(`Build of ${label} canceled.`); onChanged() }}>
          <p>The build of <strong>{label}</strong> stops within a second. The live site does not change.</p>
        </ConfirmDialog>
      )}
      {open === 'redeploy' && (
        <ConfirmDialog title="Redeploy?" confirmLabel="Redeploy" onClose={() => setOpen(null)}
          onConfirm={async () => {
            const next = await createDeployment(project.id, { branch: deployment.branch ?? undefined, commit: deployment.commit ?? undefined })
            navigate(`/deployments/${next.id}`)
          }}>
          <p>Builds <strong>{label}</strong> again with the project's current settings.
            {deployment.target === 'production' && project.autoPublish && <> When it is ready it goes live.</>}</p>
        </ConfirmDialog>
      )}
    </div>
  )
}
