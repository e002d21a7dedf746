// Sign in and sign up: email + password, and GitHub when the server advertises it.
import { useEffect, useState, type FormEvent } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { Logo } from '../../components/app-shell'
import { Button, ErrorMessage, Field, useDocumentTitle } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { authProviders, githubSignInUrl, login, register } from '../../lib/endpoints'
import { useSession } from '../../lib/session'
import type { AuthProviders } from '../../lib/types'

/** Only paths inside the dashboard: `next` comes from the address bar and must not lead elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

function useProviders(): AuthProviders {
  const [providers, setProviders] = useState<AuthProviders>({ github: false })
  useEffect(() => {
    const controller = new AbortController()
    authProviders(controller.signal).then(setProviders).catch(() => {})
    return () => controller.abort()
  }, [])
  return providers
}

function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { user, signedIn, endedBecause, oauthError } = useSession()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const providers = useProviders()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const next = safeNext(params.get('next'))
  const signUp = mode === 'sign-up'
  useDocumentTitle(signUp ? 'Create your account' : 'Sign in')

  if (user) return <Navigate to={next} replace />

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const session = await (signUp ? register : login)(email, password)
      signedIn(session)
      navigate(next, { replace: true })
    } catch (err) {
      setError(err as ApiError)
      setBusy(false)
    }
  }

  const other = signUp ? '/sign-in' : '/sign-up'
  const keepNext = params.get('next') ? `?next=${encodeURIComponent(next)}` : ''
  return (
    <div className="flex min-h-screen items-start justify-center px-4 pt-16 sm:pt-24">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center"><Logo /></div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-xs">
          <h1 className="text-xl font-semibold">{signUp ? 'Create your account' : 'Sign in to Miaobu'}</h1>
          {!signUp && endedBecause && !error && (
            <p className="mt-2 text-sm text-zinc-500">Your session ended: {endedBecause}</p>
          )}
          <ErrorMessage error={oauthError} className="mt-3" />
          {providers.github && (
            <>
              <a href={githubSignInUrl} className="mt-5 flex h-10 w-full items-center justify-center gap-2 rounded-md bg-zinc-900 text-sm font-medium text-white hover:bg-zinc-700">
                <svg aria-hidden viewBox="0 0 16 16" className="h-4 w-4 fill-current"><path d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z" /></svg>
                Continue with GitHub
              </a>
              <div className="my-5 flex items-center gap-3 text-xs text-zinc-400"><span className="h-px flex-1 bg-zinc-200" />or<span className="h-px flex-1 bg-zinc-200" /></div>
            </>
          )}
          <form onSubmit={submit} className={`${providers.github ? '' : 'mt-5'} space-y-4`} noValidate>
            <Field label="Email" type="email" autoComplete="email" required value={email}
              onChange={(e) => setEmail(e.target.value)} />
            <Field label="Password" type="password" autoComplete={signUp ? 'new-password' : 'current-password'} required
              value={password} onChange={(e) => setPassword(e.target.value)}
              hint={signUp ? 'At least 8 characters.' : undefined} />
            <ErrorMessage error={error} />
            <Button type="submit" variant="primary" className="w-full" busy={busy}>
              {signUp ? 'Create account' : 'Sign in'}
            </Button>
          </form>
        </div>
        <p className="mt-4 text-center text-sm text-zinc-500">
          {signUp ? 'Already have an account? ' : 'New to Miaobu? '}
          <Link to={other + keepNext} className="font-medium text-zinc-900 hover:underline">
            {signUp ? 'Sign in' : 'Create an account'}
          </Link>
        </p>
      </div>
    </div>
  )
}

export const SignInPage = () => <AuthForm mode="sign-in" />
export const SignUpPage = () => <AuthForm mode="sign-up" />
