// The dashboard's screens and their addresses.
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { AppShell } from './components/app-shell'
import { ToastProvider } from './components/toasts'
import { Loading, useDocumentTitle } from './components/ui'
import { SignInPage, SignUpPage } from './features/auth/auth-pages'
import { DeploymentPage } from './features/deployment/deployment-page'
import { ImportPage } from './features/import/import-page'
import { ProjectPage } from './features/project/project-page'
import { ProjectsPage } from './features/projects/projects-page'
import { SettingsPage } from './features/settings/settings-page'
import { SessionProvider, useSession } from './lib/session'

function RequireSession() {
  const { user, checking } = useSession()
  const location = useLocation()
  if (checking) return <Loading what="your account" />
  if (!user) {
    const next = location.pathname + location.search
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />
  }
  return <Outlet />
}

function NotFound() {
  useDocumentTitle('Nothing here')
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold">Nothing here</h1>
      <p className="mt-2 text-sm text-zinc-500">This page does not exist. <a className="text-blue-700" href="/">Go to your projects</a>.</p>
    </div>
  )
}

export function App() {
  return (
    <SessionProvider>
      <ToastProvider>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sign-up" element={<SignUpPage />} />
        <Route element={<RequireSession />}>
          <Route element={<AppShell />}>
            <Route index element={<ProjectsPage />} />
            <Route path="new" element={<ImportPage />} />
            <Route path="projects/:projectId" element={<ProjectPage />} />
            <Route path="projects/:projectId/settings" element={<SettingsPage />} />
            <Route path="deployments/:deploymentId" element={<DeploymentPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Route>
      </Routes>
      </ToastProvider>
    </SessionProvider>
  )
}
