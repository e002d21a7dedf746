import { Link, NavLink, Outlet } from 'react-router'
import { useSession } from '../lib/session'
import { ErrorMessage } from './ui'

export function Logo() {
  return (
    <span className="inline-flex items-center gap-2 font-semibold tracking-tight">
      <svg aria-hidden viewBox="0 0 32 32" className="h-6 w-6"><rect width="32" height="32" rx="7" className="fill-zinc-900" />
        <path d="M8 23V9l8 8 8-8v14" fill="none" className="stroke-white" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" /></svg>
      Miaobu
    </span>
  )
}

/** The frame around every signed-in screen: brand, navigation, the account and sign-out. */
export function AppShell() {
  const { user, signOut, oauthError, dismissOAuthError } = useSession()
  const nav = ({ isActive }: { isActive: boolean }) =>
    `rounded-md px-2 py-1 text-sm ${isActive ? 'text-zinc-900 font-medium' : 'text-zinc-500 hover:text-zinc-900'}`
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-14 max-w-5xl items-center gap-3 px-4">
          <Link to="/" aria-label="Miaobu home"><Logo /></Link>
          <nav className="ml-2 flex items-center gap-1" aria-label="Main">
            <NavLink to="/" end className={nav}>Projects</NavLink>
            <NavLink to="/new" className={nav}>Import</NavLink>
          </nav>
          <div className="ml-auto flex min-w-0 items-center gap-3">
            <span className="hidden truncate text-sm text-zinc-500 sm:inline" title={user?.email}>{user?.email}</span>
            <button type="button" onClick={signOut} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100">
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6 sm:py-8">
        {oauthError && (
          <div className="mb-6 flex items-start gap-3">
            <ErrorMessage error={oauthError} className="flex-1" />
            <button type="button" onClick={dismissOAuthError} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100">
              Dismiss
            </button>
          </div>
        )}
        <Outlet />
      </main>
    </div>
  )
}
