// A modal question before anything that changes what visitors see (promote, roll back, cancel).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { ApiError } from '../lib/api'
import { Button, ErrorMessage } from './ui'

export interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  /** Runs the action; a rejected promise keeps the dialog open with the error shown. */
  onConfirm(): Promise<unknown>
  onClose(): void
}

export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const titleId = useId()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | Error | null>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    cancelRef.current?.focus()
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !busy) onClose() }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [busy, onClose])

  const confirm = async () => {
    setBusy(true)
    setError(null)
    try {
      await onConfirm()
      onClose()
    } catch (e) {
      setError(e as Error)
      setBusy(false)
    }
  }

  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-zinc-900/40 p-4 sm:items-center">
      <div role="dialog" aria-modal="true" aria-labelledby={titleId}
        className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl">
        <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
        <div className="mt-2 text-sm text-zinc-600">{children}</div>
        <ErrorMessage error={error} className="mt-3" />
        <div className="mt-5 flex justify-end gap-2">
          <Button ref={cancelRef} onClick={onClose} disabled={busy}>Keep as is</Button>
          <Button variant={danger ? 'danger' : 'primary'} busy={busy} onClick={confirm}>{confirmLabel}</Button>
        </div>
      </div>
    </div>
  )
}
