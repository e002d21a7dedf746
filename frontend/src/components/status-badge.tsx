import type { DeploymentStatus } from '../lib/types'

const STYLES: Record<DeploymentStatus, { label: string; dot: string; text: string }> = {
  QUEUED: { label: 'Queued', dot: 'bg-zinc-400', text: 'text-zinc-600 bg-zinc-100' },
  BUILDING: { label: 'Building', dot: 'bg-amber-500 animate-pulse', text: 'text-amber-800 bg-amber-50' },
  UPLOADING: { label: 'Uploading', dot: 'bg-amber-500 animate-pulse', text: 'text-amber-800 bg-amber-50' },
  READY: { label: 'Ready', dot: 'bg-emerald-500', text: 'text-emerald-800 bg-emerald-50' },
  FAILED: { label: 'Failed', dot: 'bg-red-500', text: 'text-red-800 bg-red-50' },
  CANCELED: { label: 'Canceled', dot: 'bg-zinc-400', text: 'text-zinc-600 bg-zinc-100' },
}

export function statusLabel(status: DeploymentStatus): string {
  return STYLES[status]?.label ?? status
}

export function StatusBadge({ status }: { status: DeploymentStatus }) {
  const style = STYLES[status] ?? STYLES.QUEUED
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${style.text}`}
      data-status={status}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${style.dot}`} />
      {statusLabel(status)}
    </span>
  )
}
