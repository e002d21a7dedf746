// Who is signed in. The token lives in localStorage; any 401 from the API signs the user out and
// sends them to sign-in with a way back to where they were.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { onUnauthorized, tokens } from './api'
import { me } from './endpoints'
import type { Session, User } from './types'

interface SessionState {
  user: User | null
  /** True until the stored token (if any) has been checked against /me. */
  checking: boolean
  /** Why the last session ended, shown on the sign-in screen. */
  endedBecause: string | null
  /** What went wrong on GitHub's side of a sign-in or link (`/#error=…&message=…`), until dismissed. */
  oauthError: string | null
  dismissOAuthError(): void
  signedIn(session: Session): void
  signOut(): void
}

const SessionContext = createContext<SessionState | null>(null)

const RETURN_KEY = 'miaobu.afterGitHub'

/** Before leaving for GitHub (connect from the import screen): where to come back to afterwards. */
export function returnAfterGitHub(path: string): void {
  try {
    sessionStorage.setItem(RETURN_KEY, path)
  } catch {
    // storage off: the user lands on the projects list instead
  }
}

function takeReturnPath(): string | null {
  try {
    const path = sessionStorage.getItem(RETURN_KEY)
    sessionStorage.removeItem(RETURN_KEY)
    return path && path.startsWith('/') && !path.startsWith('//') ? path : null
  } catch {
    return null
  }
}

/**
 * A GitHub sign-in ends on the dashboard with the session token in the URL fragment
 * (`/#token=...`, never sent to a server), or with `#error=code&message=...`; the token is stored,
 * the message kept to show, and the fragment removed from the address bar.
 */
function takeFragment(): { token: boolean; error: string | null } {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  const token = params.get('token')
  const error = params.get('error') ? (params.get('message') || 'GitHub sign-in failed; try again.') : null
  if (token) tokens.set(token)
  if (token || error) history.replaceState(null, '', window.location.pathname + window.location.search)
  return { token: !!token, error }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null)
  const [checking, setChecking] = useState(true)
  const [endedBecause, setEndedBecause] = useState<string | null>(null)
  const [oauthError, setOAuthError] = useState<string | null>(null)
  const navigate = useNavigate()
  const location = useLocation()
  const here = location.pathname + location.search

  useEffect(() => {
    const fragment = takeFragment()
    if (fragment.token || fragment.error) {
      const back = takeReturnPath()
      if (back) navigate(back, { replace: true })
    }
    if (fragment.error) setOAuthError(fragment.error)
    if (!tokens.get()) {
      setChecking(false)
      return
    }
    const controller = new AbortController()
    me(controller.signal)
      .then((u) => setUser(u))
      .catch(() => {})
      .finally(() => { if (!controller.signal.aborted) setChecking(false) })
    return () => controller.abort()
  }, [])

  const hereRef = useRef(here)
  hereRef.current = here

  useEffect(() => {
    onUnauthorized((message) => {
      setUser(null)
      setEndedBecause(message)
      const next = hereRef.current
      navigate(next.startsWith('/sign-') ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`, { replace: true })
    })
  }, [navigate])

  const signedIn = useCallback((session: Session) => {
    tokens.set(session.token)
    setUser(session.user)
    setEndedBecause(null)
  }, [])

  const signOut = useCallback(() => {
    tokens.clear()
    setUser(null)
    setEndedBecause(null)
    navigate('/sign-in', { replace: true })
  }, [navigate])

  const dismissOAuthError = useCallback(() => setOAuthError(null), [])

  const value = useMemo(() => ({ user, checking, endedBecause, oauthError, dismissOAuthError, signedIn, signOut }),
    [user, checking, endedBecause, oauthError, dismissOAuthError, signedIn, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionState {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession must be used inside <SessionProvider>')
  return session
}
