// Feedback after an action (saved, rolled back, deleted): a short message in a polite live region
// at the corner, gone after a few seconds; an action button ("Redeploy") when there is a next step.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'

export interface Toast {
  message: ReactNode
  action?: { label: string; run(): void }
}

type Show = (toast: Toast | string) => void

const ToastContext = createContext<Show>(() => {})
const SHOWN_MS = 6000

export function useToast(): Show {
  return useContext(ToastContext)
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<(Toast & { id: number })[]>([])
  const next = useRef(0)
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), [])
  const show = useCallback<Show>((toast) => {
    const id = ++next.current
    setToasts((all) => [...all.slice(-2), { ...(typeof toast === 'string' ? { message: toast } : toast), id }])
  }, [])
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div role="status" aria-live="polite" aria-label="Notifications"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-40 flex flex-col items-center gap-2 p-4 sm:items-end">
        {toasts.map((t) => <ToastView key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />)}
      </div>
    </ToastContext.Provider>
  )
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss(): void }) {
  const [hovered, setHovered] = useState(false)
  useEffect(() => {
    if (hovered) return
    const timer = setTimeout(onDismiss, SHOWN_MS)
    return () => clearTimeout(timer)
  }, [hovered, onDismiss])
  return (
    <div data-testid="toast" onMouseEnter={() => setHovered(true)} onMouseLeave={() => setHovered(false)}
      className="pointer-events-auto flex w-full max-w-sm items-center gap-3 rounded-lg bg-zinc-900 px-4 py-3 text-sm text-white shadow-lg">
      <div className="min-w-0 flex-1">{toast.message}</div>
      {toast.action && (
        <button type="button" onClick={() => { toast.action!.run(); onDismiss() }}
          className="shrink-0 rounded-md px-2 py-1 font-medium text-sky-300 hover:bg-white/10">{toast.action.label}</button>
      )}
      <button type="button" onClick={onDismiss} aria-label="Dismiss" className="shrink-0 rounded-md px-1.5 text-zinc-400 hover:text-white">×</button>
    </div>
  )
}
