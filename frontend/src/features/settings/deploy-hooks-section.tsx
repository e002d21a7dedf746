// Deploy hooks: a secret URL that queues a deployment when POSTed to. The server keeps only its
// hash, so the URL is on screen once, right after creation, with a way to copy it.
import { useState, type FormEvent } from 'react'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { Button, Card, ErrorMessage, Field, Loading } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { createDeployHook, deleteDeployHook, listDeployHooks } from '../../lib/endpoints'
import { useResource } from '../../lib/use-resource'
import type { CreatedDeployHook, Project } from '../../lib/types'

export function DeployHooksSection({ project }: { project: Project }) {
  const hooks = useResource((signal) => listDeployHooks(project.id, signal), [project.id])
  const [name, setName] = useState('')
  const [branch, setBranch] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<CreatedDeployHook | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)

  const create = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const hook = await createDeployHook(project.id, branch.trim() ? { name: name.trim(), branch: branch.trim() } : { name: name.trim() })
      setCreated(hook)
      setName('')
      setBranch('')
      const { url: _secret, ...listed } = hook
      hooks.set([...(hooks.data ?? []), listed])
    } catch (err) {
      setError(err as ApiError)
    } finally {
      setBusy(false)
    }
  }

  const remove = async (hookId: string) => {
    // Errors reject into the confirmation, which stays open and shows them.
    await deleteDeployHook(project.id, hookId)
    hooks.set((hooks.data ?? []).filter((h) => h.id !== hookId))
    if (created?.id === hookId) setCreated(null)
  }
  const confirming = hooks.data?.find((h) => h.id === deleting)

  return (
    <Card aria-label="Deploy hooks">
      <div className="space-y-4 p-4 sm:p-6">
        <div>
          <h2 className="font-semibold">Deploy hooks</h2>
          <p className="mt-1 text-sm text-zinc-500">
            A POST to a hook's URL deploys its branch (the production branch when none is given), e.g. from a CMS.
          </p>
        </div>
        {created && <CreatedHook hook={created} onDismiss={() => setCreated(null)} />}
        {hooks.error && !hooks.data ? <ErrorMessage error={hooks.error} /> : !hooks.data ? <Loading what="deploy hooks" /> : (
          hooks.data.length === 0
            ? <p className="text-sm text-zinc-500">No deploy hooks yet.</p>
            : (
              <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200">
                {hooks.data.map((hook) => (
                  <li key={hook.id} aria-label={hook.name} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
                    <span className="font-medium break-all">{hook.name}</span>
                    <span className="text-zinc-500">{hook.branch ?? project.productionBranch}</span>
                    <Button size="sm" variant="ghost" className="ml-auto" onClick={() => setDeleting(hook.id)}>Delete</Button>
                  </li>
                ))}
              </ul>
            )
        )}
        {confirming && (
          <ConfirmDialog title={`Delete the hook “${confirming.name}”?`} confirmLabel="Delete hook" danger
            onClose={() => setDeleting(null)} onConfirm={() => remove(confirming.id)}>
            <p>Its URL stops working at once: whatever calls it (a CMS, a scheduler) will get 404 and deploy nothing.</p>
          </ConfirmDialog>
        )}
        <form onSubmit={create} noValidate aria-label="Create deploy hook" className="space-y-2">
          <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
            <Field label="Hook name" value={name} onChange={(e) => setName(e.target.value)} placeholder="CMS publish" autoComplete="off" />
            <Field label="Branch" value={branch} onChange={(e) => setBranch(e.target.value)} placeholder={project.productionBranch}
              spellCheck={false} autoComplete="off" />
            <Button type="submit" busy={busy} disabled={!name.trim()}>Create hook</Button>
          </div>
          <ErrorMessage error={error} />
        </form>
      </div>
    </Card>
  )
}

function CreatedHook({ hook, onDismiss }: { hook: CreatedDeployHook; onDismiss(): void }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(hook.url)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <div role="region" aria-label="New hook URL" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium text-amber-900">
        Copy the URL of “{hook.name}” now: it will not be shown again.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="hook-url" className="min-w-0 flex-1 rounded bg-white px-2 py-1 font-mono text-xs break-all select-all">{hook.url}</code>
        <Button size="sm" onClick={copy}>Copy</Button>
        <Button size="sm" variant="ghost" onClick={onDismiss}>Done</Button>
      </div>
      {copied === true && <p role="status" className="text-emerald-700">Copied to the clipboard.</p>}
      {copied === false && <p role="status" className="text-amber-900">Could not copy; select the URL and copy it by hand.</p>}
    </div>
  )
}
