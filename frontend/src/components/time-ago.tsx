// A relative time that stays true while the page is open ("57s ago" becomes "1m ago").
import { useEffect, useState } from 'react'
import { timeAgo } from '../lib/format'

/** Seconds tick every second for the first minute, then every 30 s. */
export function TimeAgo({ iso, prefix = '' }: { iso: string | null | undefined; prefix?: string }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!iso) return
    const age = now - Date.parse(iso)
    const timer = setTimeout(() => setNow(Date.now()), age < 60_000 ? 1000 : 30_000)
    return () => clearTimeout(timer)
  }, [iso, now])
  if (!iso) return <>{timeAgo(iso)}</>
  return <time dateTime={iso} title={iso}>{prefix}{timeAgo(iso, now)}</time>
}
