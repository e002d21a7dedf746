// Environment variables: the API never returns a value, so stored ones show as "••••". The
// whole set is edited here and PUT at once; an untouched stored value goes back as null (kept).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Button, Card, ErrorMessage, Field, Loading } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { createDeployment, listEnvVars, replaceEnvVars } from '../../lib/endpoints'
import { useUnsavedChangesWarning } from '../../lib/unsaved'
import { useToast } from '../../components/toasts'
import { useNavigate } from 'react-router'
import { useResource } from '../../lib/use-resource'
import type { EnvTarget, EnvVar, EnvVarInput, Project } from '../../lib/types'

const TARGETS: EnvTarget[] = ['all', 'production', 'preview']
export const TARGET_LABELS: Record<EnvTarget, string> = { all: 'All', production: 'Production', preview: 'Preview' }

/** A row being edited: `value` null means "keep what is stored". */
export interface Row {
  key: string
  target: EnvTarget
  value: string | null
  stored: boolean
}

const rowsOf = (vars: EnvVar[]): Row[] => vars.map((v) => ({ key: v.key, target: v.target, value: null, stored: true }))
const rowId = (r: { key: string; target: EnvTarget }) => `${r.key}\u0000${r.target}`

export function EnvVarsSection({ project }: { project: Project }) {
  const stored = useResource((signal) => listEnvVars(project.id, signal), [project.id])
  const [rows, setRows] = useState<Row[] | null>(null)
  const [dirty, setDirty] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [saved, setSaved] = useState(false)
  const toast = useToast()
  const navigate = useNavigate()
  useUnsavedChangesWarning(dirty)

  useEffect(() => {
    if (stored.data && !dirty) setRows(rowsOf(stored.data))
  }, [stored.data, dirty])

  const edit = (next: Row[]) => {
    setRows(next)
    setDirty(true)
    setSaved(false)
  }

  const save = async () => {
    if (!rows) return
    setBusy(true)
    setError(null)
    try {
      const body: EnvVarInput[] = rows.map((r) => ({ key: r.key, value: r.value, target: r.target }))
      const answer = await replaceEnvVars(project.id, body)
      // Typed values are dropped from memory: after a save they are never shown again.
      setRows(rowsOf(answer))
      setDirty(false)
      setSaved(true)
      stored.set(answer)
      toast({
        message: 'Variables saved. Builds from now on get them; the live site changes when you redeploy.',
        action: { label: 'Redeploy now', run: () => { createDeployment(project.id).then((d) => navigate(`/deployments/${d.id}`), setError) } },
      })
    } catch (err) {
      setError(err as ApiError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card aria-label="Environment variables">
      <div className="space-y-4 p-4 sm:p-6">
        <div>
          <h2 className="font-semibold">Environment variables</h2>
          <p className="mt-1 text-sm text-zinc-500">
            Available to builds of the chosen target. Values are encrypted and never shown again once saved.
          </p>
        </div>
        {stored.error && !stored.data ? <ErrorMessage error={stored.error} /> : !rows ? <Loading what="environment variables" /> : (
          <>
            {rows.length === 0
              ? <p className="text-sm text-zinc-500">No environment variables yet.</p>
              : (
                <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200">
                  {rows.map((row, i) => (
                    <EnvRow key={rowId(row)} row={row} problem={problemOf(error, i)}
                      onChange={(value) => edit(rows.map((r, j) => (j === i ? { ...r, value } : r)))}
                      onRemove={() => edit(rows.filter((_, j) => j !== i))} />
                  ))}
                </ul>
              )}
            <AddEnvVar existing={rows} onAdd={(row) => edit([...rows, row])} />
            <ErrorMessage error={error} />
          </>
        )}
      </div>
      <div className="flex items-center justify-end gap-3 border-t border-zinc-200 px-4 py-3 sm:px-6">
        {dirty && <span className="text-sm text-zinc-500">Unsaved changes</span>}
        {saved && !dirty && <span role="status" className="text-sm text-emerald-700">Saved</span>}
        <Button variant="primary" busy={busy} disabled={!dirty || !rows} onClick={save}>Save variables</Button>
      </div>
    </Card>
  )
}

/** What the API said is wrong with the variable sent at `index` (its `error.fields` `[index].key`, `.value`, ...). */
function problemOf(error: ApiError | null, index: number): string | undefined {
  if (!error) return undefined
  const problems = Object.entries(error.fields).filter(([field]) => field === `[${index}]` || field.startsWith(`[${index}].`))
  return problems.length ? problems.map(([, message]) => message).join('; ') + '.' : undefined
}

function EnvRow({ row, problem, onChange, onRemove }:
  { row: Row; problem?: string; onChange(value: string | null): void; onRemove(): void }) {
  const inputId = useId()
  const problemId = useId()
  const editing = row.value !== null
  return (
    <li aria-label={`${row.key} (${TARGET_LABELS[row.target]})`} aria-describedby={problem ? problemId : undefined}
      className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
      <code className="min-w-0 font-mono font-medium break-all">{row.key}</code>
      <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600">{TARGET_LABELS[row.target]}</span>
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {editing
          ? (
            <>
              <label htmlFor={inputId} className="sr-only">New value for {row.key}</label>
              <input id={inputId} type="password" value={row.value ?? ''} onChange={(e) => onChange(e.target.value)}
                autoComplete="off" spellCheck={false} placeholder="value" aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? problemId : undefined}
                className="h-8 rounded-md border border-zinc-300 px-2 font-mono text-sm" />
              {row.stored && <Button size="sm" variant="ghost" onClick={() => onChange(null)}>Keep stored value</Button>}
            </>
          )
          : (
            <>
              <span aria-label="hidden value" className="font-mono text-zinc-500">••••</span>
              <Button size="sm" variant="ghost" onClick={() => onChange('')}>Change value</Button>
            </>
          )}
        <Button size="sm" variant="ghost" onClick={onRemove}>Remove</Button>
      </div>
      {problem && <p id={problemId} className="w-full text-xs text-red-700">{problem}</p>}
    </li>
  )
}

/** Letters, digits and _, not starting with a digit: what the API and a shell accept as a name. */
export function envKeyProblem(key: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${key} cannot be a variable name: use letters, digits and _, not starting with a digit.`
  return null
}

/**
 * The form for one new variable. `onDraft` hears every keystroke: a screen that saves on its own
 * button (import) counts a filled-in row that was never "Add"ed, as Vercel and Netlify do.
 */
export function AddEnvVar({ existing, onAdd, onDraft }:
  { existing: Row[]; onAdd(row: Row): void; onDraft?(row: Row | null): void }) {
  const targetId = useId()
  const [key, setKey] = useState('')
  const [value, setValue] = useState('')
  const [target, setTarget] = useState<EnvTarget>('all')
  const [problem, setProblem] = useState<string | null>(null)
  const onDraftRef = useRef(onDraft)
  onDraftRef.current = onDraft
  useEffect(() => {
    onDraftRef.current?.(key.trim() ? { key: key.trim(), value, target, stored: false } : null)
  }, [key, value, target])

  const add = (e: FormEvent) => {
    e.preventDefault()
    const k = key.trim()
    if (!k) return setProblem('Enter a key.')
    const bad = envKeyProblem(k)
    if (bad) return setProblem(bad)
    if (existing.some((r) => r.key === k && r.target === target)) {
      return setProblem(`${k} is already set for ${TARGET_LABELS[target].toLowerCase()}: change its value in the list instead.`)
    }
    onAdd({ key: k, value, target, stored: false })
    setKey('')
    setValue('')
    setProblem(null)
  }

  return (
    <form onSubmit={add} noValidate aria-label="Add environment variable" className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
        <Field label="Key" value={key} onChange={(e) => { setKey(e.target.value); setProblem(null) }} placeholder="API_URL"
          spellCheck={false} autoComplete="off" error={problem} />
        <Field label="Value" type="password" value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} autoComplete="off" />
        <div>
          <label htmlFor={targetId} className="block text-sm font-medium text-zinc-800">Target</label>
          <select id={targetId} value={target} onChange={(e) => setTarget(e.target.value as EnvTarget)}
            className="mt-1 block h-[38px] rounded-md border border-zinc-300 bg-white px-2 text-sm">
            {TARGETS.map((t) => <option key={t} value={t}>{TARGET_LABELS[t]}</option>)}
          </select>
        </div>
        <Button type="submit">Add</Button>
      </div>
    </form>
  )
}
