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
  signedIn(session: Session): void
  signOut(): void
}

const SessionContext = createContext<SessionState | null>(null)

/**
 * A GitHub sign-in ends on the dashboard with the session token in the URL fragment
 * (`/#token=...`, never sent to a server); it is stored and removed from the address bar.
 */
function takeTokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)
  if (match) {
    tokens.set(decodeURIComponent(match[1]))
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null)
  const [checking, setChecking] = useState(true)
  const [endedBecause, setEndedBecause] = useState<string | null>(null)
  const navigate = useNavigate()
  const location = useLocation()
  const here = location.pathname + location.search

  useEffect(() => {
    takeTokenFromFragment()
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

  const value = useMemo(() => ({ user, checking, endedBecause, signedIn, signOut }),
    [user, checking, endedBecause, signedIn, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionState {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession must be used inside <SessionProvider>')
  return session
}
