import { useState } from 'react'
import type { CommitAuthor } from '../lib/types'

/**
 * Who wrote a deployed commit: GitHub's avatar when a push said who it was, else the initials of
 * the name Git recorded (also when the avatar cannot load).
 */
export function Author({ author }: { author: CommitAuthor | null | undefined }) {
  const [broken, setBroken] = useState(false)
  if (!author || (!author.name && !author.login)) return null
  const label = author.name ?? author.login ?? ''
  const initials = label.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('')
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={author.login ? `${label} (@${author.login})` : label}>
      {author.avatarUrl && !broken
        ? <img src={author.avatarUrl} alt="" className="h-4 w-4 shrink-0 rounded-full" onError={() => setBroken(true)} />
        : <span aria-hidden className="inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-full bg-zinc-200 text-[9px] font-semibold text-zinc-600">{initials}</span>}
      <span className="truncate" data-testid="author">{label}</span>
    </span>
  )
}
