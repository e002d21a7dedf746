import { useId, useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router'
import { Button, ErrorMessage } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { deleteProject } from '../../lib/endpoints'
import { useToast } from '../../components/toasts'
import type { Project } from '../../lib/types'

/** Deleting takes the site offline for good, so the user types the project's name first. */
export function DeleteProject({ project }: { project: Project }) {
  const navigate = useNavigate()
  const toast = useToast()
  const inputId = useId()
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const matches = typed === project.name

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!matches) return
    setBusy(true)
    setError(null)
    try {
      await deleteProject(project.id)
      toast(`Project “${project.name}” and its deployments were deleted.`)
      navigate('/', { replace: true })
    } catch (err) {
      setError(err as ApiError)
      setBusy(false)
    }
  }

  return (
    <section className="rounded-lg border border-red-200 bg-white">
      <form onSubmit={submit} className="space-y-4 p-4 sm:p-6" aria-label="Delete project">
        <div>
          <h2 className="font-semibold text-red-800">Delete project</h2>
          <p className="mt-1 text-sm text-zinc-600">
            Takes {project.url} offline and removes every deployment and its files. This cannot be undone.
          </p>
        </div>
        <div>
          <label htmlFor={inputId} className="block text-sm">Type <strong className="select-all">{project.name}</strong> to confirm</label>
          <input id={inputId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false}
            className="mt-1 block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm sm:max-w-sm" />
        </div>
        <ErrorMessage error={error} />
        <Button type="submit" variant="danger" disabled={!matches} busy={busy}>Delete this project</Button>
      </form>
    </section>
  )
}
