import { useState } from 'react'
import type { CommitAuthor } from '../lib/types'

/** A person as a deployment names them: a name from Git and/or a login, and an avatar when GitHub has one. */
export type Person = CommitAuthor

export function personLabel(person: Person): string {
  return person.name ?? person.login ?? ''
}

/** GitHub's avatar when known, else the initials of the name (also when the avatar cannot load). */
export function Avatar({ person }: { person: Person }) {
  const [broken, setBroken] = useState(false)
  const initials = personLabel(person).split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('')
  return person.avatarUrl && !broken
    ? <img src={person.avatarUrl} alt="" className="h-4 w-4 shrink-0 rounded-full" onError={() => setBroken(true)} />
    : <span aria-hidden className="inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-full bg-zinc-200 text-[9px] font-semibold text-zinc-600">{initials}</span>
}

/** Who wrote a deployed commit, with their avatar. */
export function Author({ author }: { author: CommitAuthor | null | undefined }) {
  if (!author || (!author.name && !author.login)) return null
  const label = personLabel(author)
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={author.name && author.login ? `${label} (@${author.login})` : label}>
      <Avatar person={author} />
      <span className="truncate" data-testid="author">{label}</span>
    </span>
  )
}
