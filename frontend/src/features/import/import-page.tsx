// Import: a Git URL (or, in local mode, a repository path), the build settings shown and editable
// before the first deploy, then straight to the live build log.
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import { Button, Card, ErrorMessage, Field, PageTitle, Spinner } from '../../components/ui'
import { ApiError } from '../../lib/api'
import { createDeployment, createProject, detect } from '../../lib/endpoints'
import { nameFromGitUrl } from '../../lib/format'
import type { Detection, NewProject, Project } from '../../lib/types'
import { DetectionSummary } from './detection-summary'

type DetectState =
  | { kind: 'idle' }
  | { kind: 'detecting' }
  | { kind: 'done'; detection: Detection }
  | { kind: 'unavailable' }
  | { kind: 'failed'; error: ApiError }

const DETECT_DELAY_MS = 500

/** Asks the server what it will run for this repository, shortly after the user stops typing. */
function useDetection(gitUrl: string, rootDirectory: string): DetectState {
  const [state, setState] = useState<DetectState>({ kind: 'idle' })
  useEffect(() => {
    if (!gitUrl.trim()) {
      setState({ kind: 'idle' })
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(async () => {
      setState((s) => (s.kind === 'unavailable' ? s : { kind: 'detecting' }))
      try {
        const detection = await detect({ gitUrl: gitUrl.trim(), rootDirectory: rootDirectory.trim() || undefined }, controller.signal)
        if (!controller.signal.aborted) setState(detection ? { kind: 'done', detection } : { kind: 'unavailable' })
      } catch (e) {
        if (!controller.signal.aborted && e instanceof ApiError) setState({ kind: 'failed', error: e })
      }
    }, DETECT_DELAY_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [gitUrl, rootDirectory])
  return state
}

const orNull = (value: string) => (value.trim() === '' ? undefined : value.trim())

export function ImportPage() {
  const navigate = useNavigate()
  const [gitUrl, setGitUrl] = useState('')
  const [name, setName] = useState('')
  const [nameTouched, setNameTouched] = useState(false)
  const [productionBranch, setProductionBranch] = useState('main')
  const [rootDirectory, setRootDirectory] = useState('')
  const [installCommand, setInstallCommand] = useState('')
  const [buildCommand, setBuildCommand] = useState('')
  const [outputDirectory, setOutputDirectory] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<Project | null>(null)
  const detection = useDetection(gitUrl, rootDirectory)
  const detected = detection.kind === 'done' ? detection.detection : null

  const onGitUrl = (value: string) => {
    setGitUrl(value)
    if (!nameTouched) setName(nameFromGitUrl(value))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    let project = created
    try {
      if (!project) {
        const request: NewProject = {
          name: name.trim(),
          gitUrl: gitUrl.trim(),
          productionBranch: productionBranch.trim() || undefined,
          rootDirectory: orNull(rootDirectory),
          installCommand: orNull(installCommand),
          buildCommand: orNull(buildCommand),
          outputDirectory: orNull(outputDirectory),
        }
        project = await createProject(request)
        setCreated(project)
      }
      const deployment = await createDeployment(project.id)
      navigate(`/deployments/${deployment.id}`)
    } catch (err) {
      setError(err as ApiError)
      setBusy(false)
    }
  }

  // With a detection, an empty value means "nothing to run"; without one, the build decides.
  const placeholder = (value: string | null | undefined, fallback: string) =>
    detected ? value ?? 'none' : fallback
  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <PageTitle title="Import a Git repository"
        subtitle="Miaobu clones it, installs and builds it, and publishes the output." />
      <Card className="space-y-4 p-4 sm:p-6">
        <Field label="Git repository" value={gitUrl} onChange={(e) => onGitUrl(e.target.value)} required
          placeholder="https://github.com/you/site.git" autoComplete="off" spellCheck={false} disabled={!!created}
          hint="Any Git URL Miaobu can clone; in local mode also a path to a repository on this machine." />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Project name" value={name} required disabled={!!created}
            onChange={(e) => { setName(e.target.value); setNameTouched(true) }}
            hint="Your site's address is made from it." />
          <Field label="Production branch" value={productionBranch} disabled={!!created}
            onChange={(e) => setProductionBranch(e.target.value)} spellCheck={false}
            hint="Its deployments go live; other branches are previews." />
        </div>
      </Card>

      <Card className="space-y-4 p-4 sm:p-6">
        <div>
          <h2 className="font-semibold">Build settings</h2>
          <p className="mt-1 text-sm text-zinc-500">Leave a field empty to let Miaobu detect it at build time.</p>
        </div>
        <div aria-live="polite">
          {detection.kind === 'detecting' && <Spinner small label="Detecting the framework…" />}
          {detected && <DetectionSummary detection={detected} />}
          {detection.kind === 'failed' && <ErrorMessage error={detection.error} />}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Root directory" value={rootDirectory} disabled={!!created} spellCheck={false}
            onChange={(e) => setRootDirectory(e.target.value)} placeholder="./"
            hint="The folder inside the repository that holds the site." />
          <Field label="Install command" value={installCommand} disabled={!!created} spellCheck={false}
            onChange={(e) => setInstallCommand(e.target.value)}
            placeholder={placeholder(detected?.installCommand, 'detected: npm ci or npm install')} />
          <Field label="Build command" value={buildCommand} disabled={!!created} spellCheck={false}
            onChange={(e) => setBuildCommand(e.target.value)}
            placeholder={placeholder(detected?.buildCommand, 'detected: npm run build')} />
          <Field label="Output directory" value={outputDirectory} disabled={!!created} spellCheck={false}
            onChange={(e) => setOutputDirectory(e.target.value)}
            placeholder={placeholder(detected?.outputDirectory, 'detected: dist, build or out')} />
        </div>
        {/* Extension point: environment variables for the first build (issue 4) belong in this form,
            sent with the project before its first deployment. */}
      </Card>

      {error && (
        <div className="space-y-2">
          <ErrorMessage error={error} />
          {created && (
            <p className="text-sm text-zinc-600">
              The project was created; <Link className="text-blue-700" to={`/projects/${created.id}`}>open it</Link> or deploy again.
            </p>
          )}
        </div>
      )}
      <div className="flex justify-end">
        <Button type="submit" variant="primary" busy={busy} className="w-full sm:w-auto">
          {created ? 'Deploy' : 'Import and deploy'}
        </Button>
      </div>
    </form>
  )
}
