// How times, durations and sizes read on screen.

export function timeAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—'
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 10) return 'just now'
  if (seconds < 60) return `${seconds}s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours}h ago`
  const days = Math.floor(hours / 24)
  if (days < 30) return `${days}d ago`
  return new Date(iso).toLocaleDateString()
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const seconds = ms / 1000
  if (seconds < 10) return `${seconds.toFixed(1)}s`
  if (seconds < 60) return `${Math.round(seconds)}s`
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
  return s === 60 ? `${m + 1}m 0s` : `${m}m ${s}s`
}

/** How long a deployment's build took (or has taken so far), from the moment a builder took it. */
export function buildDuration(d: { startedAt: string | null; finishedAt: string | null }, now: number = Date.now()): string {
  if (!d.startedAt) return '—'
  const end = d.finishedAt ? Date.parse(d.finishedAt) : now
  return duration(end - Date.parse(d.startedAt))
}

export function bytes(n: number | null | undefined): string {
  if (n == null) return '—'
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

export function clock(iso: string): string {
  const d = new Date(iso)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '—'
}

/** "https://github.com/acme/site.git" or "/home/me/site" -> "site": a first guess at a project name. */
export function nameFromGitUrl(url: string): string {
  const trimmed = url.trim().replace(/[/\\]+$/, '').replace(/\.git$/i, '')
  const last = trimmed.split(/[/\\:]/).filter(Boolean).pop() ?? ''
  return last
}

export function hostOf(url: string): string {
  try {
    const u = new URL(url)
    return u.host
  } catch {
    return url
  }
}
