// Import: a repository from the user's GitHub account, or any Git URL (in local mode also a
// repository path); the build settings and environment variables shown and editable before the
// first deploy, then straight to the live build log.
import { useEffect, useId, useState, type FormEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import { Button, Card, ErrorMessage, Field, PageTitle, Spinner } from '../../components/ui'
import { ApiError } from '../../lib/api'
import { authProviders, checkImport, createDeployment, createProject, detect, replaceEnvVars, type ImportCheck } from '../../lib/endpoints'
import { nameFromGitUrl } from '../../lib/format'
import { useSession } from '../../lib/session'
import { fieldOf, inUserWords } from '../../lib/field-errors'
import { useResource } from '../../lib/use-resource'
import type { Detection, GitHubRepository, NewProject, Project } from '../../lib/types'
import { AddEnvVar, envKeyProblem, TARGET_LABELS, type Row } from '../settings/env-vars-section'
import { DetectionSummary } from './detection-summary'
import { ConnectGitHub, RepositoryPicker } from './github-repositories'

type DetectState =
  | { kind: 'idle' }
  | { kind: 'detecting' }
  | { kind: 'done'; detection: Detection }
  | { kind: 'unavailable' }
  | { kind: 'failed'; error: ApiError }

const DETECT_DELAY_MS = 500

/** Asks the server what it will run for this repository, shortly after the user stops typing. */
function useDetection(gitUrl: string, rootDirectory: string, ref?: string): DetectState {
  const [state, setState] = useState<DetectState>({ kind: 'idle' })
  useEffect(() => {
    if (!gitUrl.trim()) {
      setState({ kind: 'idle' })
      return
    }
    const controller = new AbortController()
    setState((s) => (s.kind === 'unavailable' ? s : { kind: 'detecting' }))
    const timer = setTimeout(async () => {
      try {
        const detection = await detect({ gitUrl: gitUrl.trim(), ...(ref ? { ref } : {}), rootDirectory: rootDirectory.trim() || undefined }, controller.signal)
        if (!controller.signal.aborted) setState(detection ? { kind: 'done', detection } : { kind: 'unavailable' })
      } catch (e) {
        if (!controller.signal.aborted && e instanceof ApiError) setState({ kind: 'failed', error: e })
      }
    }, DETECT_DELAY_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [gitUrl, rootDirectory, ref])
  return state
}

/** The address a project of this name would get now (`vite-app-2…` when `vite-app` is taken), shortly after typing stops. */
function useAddress(name: string, enabled: boolean): ImportCheck | null {
  const [check, setCheck] = useState<ImportCheck | null>(null)
  useEffect(() => {
    if (!enabled || !name.trim()) {
      setCheck(null)
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      checkImport({ name }, controller.signal).then((c) => { if (!controller.signal.aborted) setCheck(c) }, () => {})
    }, DETECT_DELAY_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [name, enabled])
  return check
}

const orNull = (value: string) => (value.trim() === '' ? undefined : value.trim())

type Source = 'github' | 'url'

export function ImportPage() {
  const navigate = useNavigate()
  const formId = useId()
  const { user } = useSession()
  const providers = useResource((signal) => authProviders(signal), [])
  const githubConnected = !!user?.githubLogin
  const githubOffered = githubConnected || providers.data?.github === true
  const [source, setSource] = useState<Source | null>(null)
  const activeSource: Source = source ?? (githubConnected ? 'github' : 'url')
  const [repo, setRepo] = useState<GitHubRepository | null>(null)
  const [gitUrl, setGitUrl] = useState('')
  const [name, setName] = useState('')
  const [nameTouched, setNameTouched] = useState(false)
  const [productionBranch, setProductionBranch] = useState('main')
  const [rootDirectory, setRootDirectory] = useState('')
  const [installCommand, setInstallCommand] = useState('')
  const [buildCommand, setBuildCommand] = useState('')
  const [outputDirectory, setOutputDirectory] = useState('')
  const [envRows, setEnvRows] = useState<Row[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<Project | null>(null)
  const [envSaved, setEnvSaved] = useState(false)
  const [envDraft, setEnvDraft] = useState<Row | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const address = useAddress(name, !created)
  const fromGitHub = activeSource === 'github'
  // A private repository cannot be cloned for detection without the owner's token: it is detected when it builds.
  const detectUrl = fromGitHub ? (repo && !repo.private ? repo.cloneUrl : '') : gitUrl
  const detection = useDetection(detectUrl, rootDirectory, fromGitHub && repo ? repo.defaultBranch : undefined)
  const detected = detection.kind === 'done' ? detection.detection : null
  const ready = fromGitHub ? !!repo : true

  /** Typing in a field takes its error away: it was about the old value. */
  const clearError = (field: string) =>
    setFieldErrors((errors) => {
      if (!(field in errors)) return errors
      const { [field]: _, ...rest } = errors
      return rest
    })
  const [errorsShown, setErrorsShown] = useState(0)
  const showErrors = (errors: Record<string, string>) => {
    setFieldErrors(errors)
    setErrorsShown((n) => n + 1)
  }
  // Focus goes to the first field that needs fixing, so a keyboard or screen reader user lands on it.
  useEffect(() => {
    if (errorsShown) document.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus()
  }, [errorsShown])

  const onGitUrl = (value: string) => {
    clearError('gitUrl')
    setGitUrl(value)
    if (!nameTouched) setName(nameFromGitUrl(value))
  }

  const pick = (picked: GitHubRepository | null) => {
    setRepo(picked)
    if (picked) {
      if (!nameTouched) setName(picked.fullName.split('/').pop() ?? '')
      setProductionBranch(picked.defaultBranch)
    }
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!ready) return
    // A filled-in variable row counts even if "Add" was never pressed.
    const draftCounts = envDraft && !envRows.some((r) => r.key === envDraft.key && r.target === envDraft.target)
    const vars = draftCounts ? [...envRows, envDraft] : envRows
    setBusy(true)
    setError(null)
    let project = created
    try {
      if (!project) {
        const settings = {
          name: name.trim() || undefined,
          productionBranch: productionBranch.trim() || undefined,
          rootDirectory: orNull(rootDirectory),
          installCommand: orNull(installCommand),
          buildCommand: orNull(buildCommand),
          outputDirectory: orNull(outputDirectory),
        }
        const request: NewProject = fromGitHub && repo
          ? { githubRepository: repo.fullName, ...settings }
          : { ...settings, name: name.trim(), gitUrl: gitUrl.trim() }
        // Nothing is created while anything is known to be wrong: each problem shows under its field.
        const errors: Record<string, string> = {}
        if (!name.trim()) errors.name = 'Give the project a name; its address is made from it.'
        if (!fromGitHub && !gitUrl.trim()) errors.gitUrl = 'Enter the Git URL of the repository to import.'
        const badKeys = vars.map((v) => envKeyProblem(v.key)).filter((p): p is string => !!p)
        if (badKeys.length) errors.env = badKeys.join(' ')
        const check = Object.keys(errors).length ? null
          : await checkImport({ ...request, productionBranch: productionBranch.trim(), envKeys: vars.map((v) => v.key) })
        Object.assign(errors, check?.errors)
        if (Object.keys(errors).length) {
          showErrors(errors)
          setBusy(false)
          return
        }
        project = await createProject(request)
        setCreated(project)
      }
      // The variables are stored before the first deployment is asked for, so it builds with them.
      if (vars.length > 0 && !envSaved) {
        await replaceEnvVars(project.id, vars.map((r) => ({ key: r.key, value: r.value ?? '', target: r.target })))
        if (draftCounts) setEnvRows(vars)
        setEnvSaved(true)
      }
      const deployment = await createDeployment(project.id)
      navigate(`/deployments/${deployment.id}`)
    } catch (err) {
      const apiError = err as ApiError
      const field = project ? undefined : fieldOf(apiError)
      if (field) showErrors({ [field]: inUserWords(apiError.message) })
      else setError(apiError)
      setBusy(false)
    }
  }

  // With a detection, an empty value means "nothing to run"; without one, the build decides.
  const placeholder = (value: string | null | undefined, fallback: string) =>
    detected ? value ?? 'none' : fallback
  const tab = (s: Source, label: string) => (
    <button type="button" role="tab" aria-selected={activeSource === s} disabled={!!created}
      onClick={() => setSource(s)}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${activeSource === s ? 'bg-white text-zinc-900 shadow-xs' : 'text-zinc-500 hover:text-zinc-900'}`}>
      {label}
    </button>
  )
  return (
    <div className="space-y-6">
      <PageTitle title="Import a Git repository"
        subtitle="Miaobu clones it, installs and builds it, and publishes the output." />
      {/* The variables' own add form sits outside this one: forms do not nest. */}
      <form id={formId} onSubmit={submit} className="space-y-6" noValidate>
      <Card className="space-y-4 p-4 sm:p-6">
        {githubOffered && (
          <div role="tablist" aria-label="Source" className="inline-flex gap-1 rounded-lg bg-zinc-100 p-1">
            {tab('github', 'GitHub')}
            {tab('url', 'Git URL')}
          </div>
        )}
        {fromGitHub && !githubConnected && <ConnectGitHub />}
        {fromGitHub && githubConnected && !repo && <RepositoryPicker onPick={pick} />}
        {fromGitHub && repo && (
          <div aria-label="Repository to import" className="flex flex-wrap items-center gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm">
            <span className="font-medium break-all">{repo.fullName}</span>
            {repo.private && <span className="rounded-full border border-zinc-300 px-1.5 text-xs text-zinc-600">Private</span>}
            {!created && <Button size="sm" variant="ghost" className="ml-auto" onClick={() => pick(null)}>Change</Button>}
          </div>
        )}
        {!fromGitHub && (
          <Field label="Git repository" value={gitUrl} onChange={(e) => onGitUrl(e.target.value)} required
            error={fieldErrors.gitUrl ?? (detection.kind === 'failed' && detection.error.code !== 'root_directory_missing' ? detection.error.message : null)}
            placeholder="https://github.com/you/site.git" autoComplete="off" spellCheck={false} disabled={!!created}
            hint="Any Git URL Miaobu can clone; in local mode also a path to a repository on this machine." />
        )}
        {ready && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Project name" value={name} required disabled={!!created} error={fieldErrors.name}
              onChange={(e) => { setName(e.target.value); setNameTouched(true); clearError('name') }}
              hint={address?.url
                ? <>{address.nameTaken ? 'That name is taken; your site will be at' : 'Your site will be at'} <span className="font-medium text-zinc-700 break-all" data-testid="future-address">{address.url.replace(/^https?:\/\//, '')}</span></>
                : "Your site's address is made from it."} />
            <Field label="Production branch" value={productionBranch} disabled={!!created} error={fieldErrors.productionBranch}
              onChange={(e) => { setProductionBranch(e.target.value); clearError('productionBranch') }} spellCheck={false}
              hint="Its deployments go live; other branches are previews." />
          </div>
        )}
      </Card>

      {ready && (
        <>
          <Card className="space-y-4 p-4 sm:p-6">
            <div>
              <h2 className="font-semibold">Build settings</h2>
              <p className="mt-1 text-sm text-zinc-500">Leave a field empty to let Miaobu detect it at build time.</p>
            </div>
            <div aria-live="polite">
              {detection.kind === 'detecting' && <Spinner small label="Detecting the framework…" />}
              {detected && <DetectionSummary detection={detected} />}
              {fromGitHub && repo?.private && (
                <p className="text-sm text-zinc-500">Private repository: the framework is detected when it builds.</p>
              )}
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Root directory" value={rootDirectory} disabled={!!created} spellCheck={false}
                error={fieldErrors.rootDirectory ?? (detection.kind === 'failed' && detection.error.code === 'root_directory_missing' ? detection.error.message : null)}
                onChange={(e) => { setRootDirectory(e.target.value); clearError('rootDirectory') }} placeholder="./"
                hint="The folder inside the repository that holds the site (monorepos)." />
              <Field label="Install command" value={installCommand} disabled={!!created} spellCheck={false}
                error={fieldErrors.installCommand} onChange={(e) => { setInstallCommand(e.target.value); clearError('installCommand') }}
                placeholder={placeholder(detected?.installCommand, 'detected: npm ci or npm install')} />
              <Field label="Build command" value={buildCommand} disabled={!!created} spellCheck={false}
                error={fieldErrors.buildCommand} onChange={(e) => { setBuildCommand(e.target.value); clearError('buildCommand') }}
                placeholder={placeholder(detected?.buildCommand, 'detected: npm run build')} />
              <Field label="Output directory" value={outputDirectory} disabled={!!created} spellCheck={false}
                error={fieldErrors.outputDirectory} onChange={(e) => { setOutputDirectory(e.target.value); clearError('outputDirectory') }}
                placeholder={placeholder(detected?.outputDirectory, 'detected: dist, build or out')} />
            </div>
          </Card>
        </>
      )}
      </form>

      {ready && (
          <Card className="space-y-4 p-4 sm:p-6" aria-label="Environment variables for the first build">
            <div>
              <h2 className="font-semibold">Environment variables</h2>
              <p className="mt-1 text-sm text-zinc-500">Saved, encrypted, before the first build starts; never shown again.</p>
            </div>
            {envRows.length > 0 && (
              <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200">
                {envRows.map((row, i) => (
                  <li key={`${row.key} ${row.target}`} aria-label={`${row.key} (${TARGET_LABELS[row.target]})`}
                    className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
                    <code className="min-w-0 font-mono font-medium break-all">{row.key}</code>
                    <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600">{TARGET_LABELS[row.target]}</span>
                    <span aria-label="hidden value" className="font-mono text-zinc-500">••••</span>
                    {!envSaved && (
                      <Button size="sm" variant="ghost" className="ml-auto" onClick={() => setEnvRows(envRows.filter((_, j) => j !== i))}>
                        Remove
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {!envSaved && <AddEnvVar existing={envRows} onDraft={(row) => { setEnvDraft(row); clearError('env') }}
              onAdd={(row) => setEnvRows([...envRows, row])} />}
            <ErrorMessage error={fieldErrors.env} />
          </Card>
      )}

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
      {ready && (
        <div className="flex justify-end">
          <Button type="submit" form={formId} variant="primary" busy={busy} className="w-full sm:w-auto">
            {created ? 'Deploy' : 'Import and deploy'}
          </Button>
        </div>
      )}
    </div>
  )
}
