import type { Deployment } from '../lib/types'
import { Author, Avatar, personLabel, type Person } from './author'

/**
 * What started a deployment and who, in one line, as Vercel says it: "Redeployed by alice",
 * "Deployed by alice via CLI", "Pushed by Mona Lisa" (the commit's author), "Deploy hook “CMS”".
 * Deployments from before Miaobu recorded the user still say what started them.
 */
export function DeploymentOrigin({ deployment: d }: { deployment: Deployment }) {
  const user: Person | null = d.triggeredBy ? { name: null, login: d.triggeredBy.login, avatarUrl: d.triggeredBy.avatarUrl ?? null } : null
  const by = user ? ` by ${user.login}` : ''
  switch (d.trigger) {
    case 'push': {
      const author = d.author && (d.author.name || d.author.login) ? d.author : null
      return <Line who={author} text={author ? `Pushed by ${personLabel(author)}` : 'Pushed to Git'}
        title={author?.name && author.login ? `${author.name} (@${author.login})` : undefined} />
    }
    case 'hook': return <Line who={null} text={d.hookName ? `Deploy hook “${d.hookName}”` : 'Deploy hook'} />
    case 'redeploy': return <Line who={user} text={`Redeployed${by}`} />
    case 'manual': return <Line who={user} text={user ? `Deployed${by}` : 'Deployed by hand'} />
    case 'cli': return <Line who={user} text={`Deployed${by} via CLI`} />
    default: return <Author author={d.author} />
  }
}

function Line({ who, text, title }: { who: Person | null; text: string; title?: string }) {
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={title ?? text}>
      {who && <Avatar person={who} />}
      <span className="truncate" data-testid="trigger">{text}</span>
    </span>
  )
}
