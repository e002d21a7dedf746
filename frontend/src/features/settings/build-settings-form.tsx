// The project's name, production branch and build settings; an emptied build setting goes back
// to detection (PATCH with null).
import { useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router'
import { useToast } from '../../components/toasts'
import { Button, Card, ErrorMessage, Field } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { createDeployment, updateProject } from '../../lib/endpoints'
import { fieldOf, inUserWords } from '../../lib/field-errors'
import { useUnsavedChangesWarning } from '../../lib/unsaved'
import type { Project, ProjectChanges } from '../../lib/types'

const BUILD_FIELDS = ['rootDirectory', 'installCommand', 'buildCommand', 'outputDirectory'] as const

type Form = Record<'name' | 'productionBranch' | (typeof BUILD_FIELDS)[number], string> & { autoPublish: boolean }

function formOf(p: Project): Form {
  return {
    name: p.name,
    productionBranch: p.productionBranch,
    rootDirectory: p.rootDirectory ?? '',
    installCommand: p.installCommand ?? '',
    buildCommand: p.buildCommand ?? '',
    outputDirectory: p.outputDirectory ?? '',
    autoPublish: p.autoPublish,
  }
}

/** Only what changed, so a save never overwrites a field the user did not touch. */
export function changesBetween(project: Project, form: Form): ProjectChanges {
  const changes: ProjectChanges = {}
  if (form.name.trim() !== project.name) changes.name = form.name.trim()
  if (form.productionBranch.trim() !== project.productionBranch) changes.productionBranch = form.productionBranch.trim()
  for (const field of BUILD_FIELDS) {
    const value = form[field].trim() === '' ? null : form[field].trim()
    if (value !== project[field]) changes[field] = value
  }
  if (form.autoPublish !== project.autoPublish) changes.autoPublish = form.autoPublish
  return changes
}

export function BuildSettingsForm({ project, onSaved }: { project: Project; onSaved(p: Project): void }) {
  const [form, setForm] = useState<Form>(() => formOf(project))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [saved, setSaved] = useState(false)
  const toast = useToast()
  const navigate = useNavigate()
  const changes = changesBetween(project, form)
  const dirty = Object.keys(changes).length > 0
  useUnsavedChangesWarning(dirty)
  const field = fieldOf(error)
  const errorOf = (name: string) => (error && field === name ? inUserWords(error.message) : undefined)
  const set = (field: keyof Form) => (e: { target: HTMLInputElement }) => {
    setSaved(false)
    setError(null)
    setForm((f) => ({ ...f, [field]: field === 'autoPublish' ? e.target.checked : e.target.value }))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const updated = await updateProject(project.id, changes)
      setForm(formOf(updated))
      setSaved(true)
      onSaved(updated)
      const buildChanged = Object.keys(changes).some((k) => k !== 'name' && k !== 'autoPublish')
      toast(buildChanged
        ? { message: 'Settings saved. They apply from the next deployment.', action: { label: 'Redeploy now', run: () => redeploy(updated) } }
        : 'Settings saved.')
    } catch (err) {
      setError(err as ApiError)
    } finally {
      setBusy(false)
    }
  }

  const redeploy = async (p: Project) => {
    try {
      const d = await createDeployment(p.id)
      navigate(`/deployments/${d.id}`)
    } catch (err) {
      setError(err as ApiError)
    }
  }

  return (
    <Card>
      <form onSubmit={submit} noValidate aria-label="Build settings">
        <div className="space-y-4 p-4 sm:p-6">
          <div>
            <h2 className="font-semibold">General and build settings</h2>
            <p className="mt-1 text-sm text-zinc-500">Empty build settings are detected at build time. Changes apply to the next deployment.</p>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Project name" value={form.name} onChange={set('name')} error={errorOf('name')} />
            <Field label="Production branch" value={form.productionBranch} onChange={set('productionBranch')} error={errorOf('productionBranch')} spellCheck={false} />
            <Field label="Root directory" value={form.rootDirectory} onChange={set('rootDirectory')} error={errorOf('rootDirectory')} placeholder="./" spellCheck={false} />
            <Field label="Install command" value={form.installCommand} onChange={set('installCommand')} error={errorOf('installCommand')} placeholder="detected" spellCheck={false} />
            <Field label="Build command" value={form.buildCommand} onChange={set('buildCommand')} error={errorOf('buildCommand')} placeholder="detected" spellCheck={false} />
            <Field label="Output directory" value={form.outputDirectory} onChange={set('outputDirectory')} error={errorOf('outputDirectory')} placeholder="detected" spellCheck={false} />
          </div>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5" checked={form.autoPublish} onChange={set('autoPublish')} />
            <span>Publish production deployments automatically
              <span className="block text-zinc-500">When off, a ready deployment waits for you to promote it.</span></span>
          </label>
          <ErrorMessage error={error && !field ? error : null} />
        </div>
        <div className="flex items-center justify-end gap-3 border-t border-zinc-200 px-4 py-3 sm:px-6">
          {dirty && <span className="text-sm text-zinc-500">Unsaved changes</span>}
          {saved && !dirty && <span role="status" className="text-sm text-emerald-700">Saved</span>}
          <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>Save</Button>
        </div>
      </form>
    </Card>
  )
}
