// Queued → Building → Uploading → Ready, with where a failed or canceled build stopped.
import { clock } from '../../lib/format'
import type { Deployment, DeploymentStatus } from '../../lib/types'

type StepState = 'done' | 'current' | 'pending' | 'failed' | 'skipped'

interface Step {
  label: string
  state: StepState
  at?: string | null
}

const ORDER: DeploymentStatus[] = ['QUEUED', 'BUILDING', 'UPLOADING', 'READY']
const LABELS = ['Queued', 'Building', 'Uploading', 'Ready']

export function timelineSteps(d: Pick<Deployment, 'status' | 'createdAt' | 'startedAt' | 'finishedAt' | 'readyAt'>): Step[] {
  const times = [d.createdAt, d.startedAt, null, d.readyAt]
  if (d.status === 'FAILED' || d.status === 'CANCELED') {
    // The API does not say in which step it stopped: everything after the last known step is skipped.
    const reached = d.startedAt ? 1 : 0
    const steps: Step[] = LABELS.slice(0, 3).map((label, i) => ({
      label, at: times[i], state: i <= reached ? 'done' : 'skipped',
    }))
    steps.push({ label: d.status === 'FAILED' ? 'Failed' : 'Canceled', state: 'failed', at: d.finishedAt })
    return steps
  }
  const current = ORDER.indexOf(d.status)
  return LABELS.map((label, i) => ({
    label,
    at: times[i],
    state: d.status === 'READY' || i < current ? 'done' : i === current ? 'current' : 'pending',
  }))
}

const DOT: Record<StepState, string> = {
  done: 'bg-emerald-500 border-emerald-500',
  current: 'bg-amber-400 border-amber-400 animate-pulse',
  pending: 'bg-white border-zinc-300',
  skipped: 'bg-zinc-200 border-zinc-200',
  failed: 'bg-red-500 border-red-500',
}

export function StatusTimeline({ deployment }: { deployment: Deployment }) {
  const steps = timelineSteps(deployment)
  return (
    <ol className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Status timeline">
      {steps.map((step) => (
        <li key={step.label} className="flex items-start gap-2" data-state={step.state}
          aria-current={step.state === 'current' ? 'step' : undefined}>
          <span aria-hidden className={`mt-1 h-3 w-3 shrink-0 rounded-full border-2 ${DOT[step.state]}`} />
          <span className="text-sm">
            <span className={step.state === 'pending' || step.state === 'skipped' ? 'text-zinc-400' : 'font-medium'}>{step.label}</span>
            {step.at && step.state !== 'pending' && <span className="block font-mono text-xs text-zinc-500">{clock(step.at)}</span>}
          </span>
        </li>
      ))}
    </ol>
  )
}
