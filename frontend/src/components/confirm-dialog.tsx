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

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'

export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const titleId = useId()
  const bodyId = useId()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | Error | null>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const dialogRef = useRef<HTMLDivElement>(null)
  const busyRef = useRef(busy)
  busyRef.current = busy
  const onCloseRef = useRef(onClose)
  onCloseRef.current = onClose

  // WAI-ARIA modal dialog: focus moves in, Tab and Shift+Tab stay inside, Escape closes, and focus
  // goes back to what opened it.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    cancelRef.current?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busyRef.current) {
        e.preventDefault()
        onCloseRef.current()
        return
      }
      if (e.key !== 'Tab' || !dialogRef.current) return
      const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('disabled'))
      if (focusable.length === 0) return
      const first = focusable[0]
      const last = focusable[focusable.length - 1]
      const inside = dialogRef.current.contains(document.activeElement)
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault()
        first.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('keydown', onKey)
      if (opener && document.contains(opener)) opener.focus()
    }
  }, [])

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
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-black/50 p-4 sm:items-center">
      <div ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId}
        className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl">
        <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
        <div id={bodyId} className="mt-2 text-sm text-zinc-600">{children}</div>
        <ErrorMessage error={error} className="mt-3" />
        <div className="mt-5 flex justify-end gap-2">
          <Button ref={cancelRef} onClick={onClose} disabled={busy}>Keep as is</Button>
          <Button variant={danger ? 'danger' : 'primary'} busy={busy} onClick={confirm}>{confirmLabel}</Button>
        </div>
      </div>
    </div>
  )
}
