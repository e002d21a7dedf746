import type { Detection } from '../../lib/types'

/** The framework as people call it (Next.js), else its id (nextjs); null when none was found. */
export function frameworkName(detection: Detection): string | null {
  return detection.frameworkName ?? detection.framework ?? null
}

/** What the server found in the repository, before anything runs. */
export function DetectionSummary({ detection }: { detection: Detection }) {
  const framework = frameworkName(detection)
  const unsupported = detection.supported === false
  return (
    <div className={`rounded-md border px-3 py-2 text-sm ${unsupported ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-zinc-200 bg-zinc-50'}`}
      aria-label="Detected settings">
      <p>
        <span className="font-medium">{framework ?? 'No framework detected'}</span>
        {detection.packageManager && <span className="text-zinc-500"> · {detection.packageManager}</span>}
        {!framework && !detection.buildCommand && <span className="text-zinc-500"> · published as it is, no build</span>}
      </p>
      {detection.reason && <p className="mt-1">{detection.reason}</p>}
    </div>
  )
}
