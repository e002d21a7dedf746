// The user's GitHub repositories to import from: a search over what is loaded, the private ones
// marked, 100 more at a time. GitHub's API has no search by name for "repositories I can see",
// so the filter runs here and "Load more" fetches the next page.
import { useEffect, useId, useState } from 'react'
import { Button, ErrorMessage, Spinner } from '../../components/ui'
import { ApiError } from '../../lib/api'
import { browser } from '../../lib/browser'
import { listGitHubRepositories, startGitHubLink } from '../../lib/endpoints'
import { timeAgo } from '../../lib/format'
import { returnAfterGitHub } from '../../lib/session'
import type { GitHubRepository } from '../../lib/types'

export function RepositoryPicker({ onPick }: { onPick(repo: GitHubRepository): void }) {
  const searchId = useId()
  const [repos, setRepos] = useState<GitHubRepository[]>([])
  const [nextPage, setNextPage] = useState<number | null>(1)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [query, setQuery] = useState('')

  const load = async (page: number, signal?: AbortSignal) => {
    setLoading(true)
    setError(null)
    try {
      const answer = await listGitHubRepositories(page, signal)
      setRepos((shown) => (page === 1 ? answer.repositories : [...shown, ...answer.repositories]))
      setNextPage(answer.nextPage)
    } catch (e) {
      if (!signal?.aborted) setError(e instanceof ApiError ? e : new ApiError(0, 'client_error', String(e)))
    } finally {
      if (!signal?.aborted) setLoading(false)
    }
  }

  useEffect(() => {
    const controller = new AbortController()
    load(1, controller.signal)
    return () => controller.abort()
  }, [])

  const q = query.trim().toLowerCase()
  const shown = q ? repos.filter((r) => r.fullName.toLowerCase().includes(q)) : repos
  const moreLabel = q && shown.length === 0 ? 'Search the next 100 repositories' : 'Load more'
  return (
    <div className="space-y-3">
      <label htmlFor={searchId} className="sr-only">Search repositories</label>
      <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)}
        placeholder="Search your repositories" autoComplete="off" spellCheck={false}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm focus:border-zinc-500" />
      <ErrorMessage error={error} />
      {repos.length > 0 && (
        <ul aria-label="GitHub repositories" className="max-h-96 divide-y divide-zinc-200 overflow-y-auto rounded-md border border-zinc-200">
          {shown.map((repo) => (
            <li key={repo.id} aria-label={repo.fullName} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
              <span className="min-w-0 font-medium break-all">{repo.fullName}</span>
              {repo.private && <span className="rounded-full border border-zinc-300 px-1.5 text-xs text-zinc-600">Private</span>}
              {repo.pushedAt && <span className="text-xs text-zinc-500">pushed {timeAgo(repo.pushedAt)}</span>}
              <span className="ml-auto flex items-center gap-2">
                {!repo.admin && <span className="text-xs text-zinc-500">needs admin access for its webhook</span>}
                <Button size="sm" disabled={!repo.admin} onClick={() => onPick(repo)}>Import</Button>
              </span>
            </li>
          ))}
          {shown.length === 0 && <li className="px-3 py-6 text-center text-sm text-zinc-500">No repository matches “{query}”{nextPage ? ' in those loaded so far' : ''}.</li>}
        </ul>
      )}
      {loading && <Spinner small label="Loading your repositories…" />}
      {!loading && repos.length === 0 && !error && <p className="text-sm text-zinc-500">Your GitHub account has no repositories yet.</p>}
      {!loading && nextPage && repos.length > 0 && (
        <Button size="sm" onClick={() => load(nextPage)}>{moreLabel}</Button>
      )}
    </div>
  )
}

/** GitHub is set up on this server but not linked to this account: linking leaves for GitHub and comes back here. */
export function ConnectGitHub() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const connect = async () => {
    setBusy(true)
    setError(null)
    try {
      const { url } = await startGitHubLink()
      returnAfterGitHub('/new')
      browser.go(url)
    } catch (e) {
      setError(e as ApiError)
      setBusy(false)
    }
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600">
        Connect your GitHub account to pick a repository, private ones included. Every push then deploys.
      </p>
      <Button variant="primary" busy={busy} onClick={connect}>Connect GitHub</Button>
      <ErrorMessage error={error} />
    </div>
  )
}
