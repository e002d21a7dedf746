// The few building blocks every screen shares.
import { useEffect, useId, type ComponentProps, type InputHTMLAttributes, type ReactNode } from 'react'
import { Link } from 'react-router'
import type { ApiError } from '../lib/api'

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost'

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-zinc-900 text-white hover:bg-zinc-700 disabled:bg-zinc-400',
  secondary: 'bg-white text-zinc-900 border border-zinc-300 hover:bg-zinc-100 disabled:text-zinc-400',
  danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300',
  ghost: 'text-zinc-700 hover:bg-zinc-100 disabled:text-zinc-400',
}

export function buttonClass(variant: Variant = 'secondary', size: 'sm' | 'md' = 'md'): string {
  const sizing = size === 'sm' ? 'h-8 px-3 text-sm' : 'h-10 px-4 text-sm'
  return `inline-flex items-center justify-center gap-2 rounded-md font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed ${sizing} ${VARIANTS[variant]}`
}

export function Button({ variant = 'secondary', size = 'md', busy = false, className = '', children, disabled, ...rest }:
  ComponentProps<'button'> & { variant?: Variant; size?: 'sm' | 'md'; busy?: boolean }) {
  return (
    <button type="button" className={`${buttonClass(variant, size)} ${className}`} disabled={disabled || busy}
      aria-busy={busy || undefined} {...rest}>
      {busy && <Spinner small />}
      {children}
    </button>
  )
}

export function Spinner({ small = false, label }: { small?: boolean; label?: string }) {
  const size = small ? 'h-3.5 w-3.5' : 'h-5 w-5'
  return (
    <span role={label ? 'status' : undefined} className="inline-flex items-center gap-2 text-sm text-zinc-500">
      <span aria-hidden className={`${size} animate-spin rounded-full border-2 border-current border-t-transparent`} />
      {label}
    </span>
  )
}

export function Loading({ what }: { what: string }) {
  return <div className="py-10 flex justify-center"><Spinner label={`Loading ${what}…`} /></div>
}

/** An API error, shown where it happened, in the server's own words. */
export function ErrorMessage({ error, className = '' }: { error: ApiError | Error | string | null | undefined; className?: string }) {
  if (!error) return null
  const message = typeof error === 'string' ? error : error.message
  return (
    <div role="alert" className={`rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 ${className}`}>
      {message}
    </div>
  )
}

export function Card({ children, className = '', ...rest }: ComponentProps<'section'>) {
  return <section className={`rounded-lg border border-zinc-200 bg-white ${className}`} {...rest}>{children}</section>
}

/** A labelled input; `error` shows under it, tied to it (aria-invalid, aria-describedby) as WAI-ARIA forms ask. */
export function Field({ label, hint, error, className = '', ...input }:
  InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">{label}</label>
      <input id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}
        className={`mt-1 block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-500 ${error ? 'border-red-500' : 'border-zinc-300'}`}
        {...input} />
      {error && <p id={errorId} className="mt-1 text-sm text-red-700" data-field-error>{error}</p>}
      {hint && <p id={hintId} className="mt-1 text-xs text-zinc-500">{hint}</p>}
    </div>
  )
}

export function ExternalLink({ href, children, className = '' }: { href: string; children?: ReactNode; className?: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer" className={`text-blue-700 hover:underline break-all ${className}`}>
      {children ?? href}
    </a>
  )
}

export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return <Link to={to} className="text-sm text-zinc-500 hover:text-zinc-900">← {children}</Link>
}

/** The page's heading; a plain-text title is also the browser tab's (`… · Miaobu`), or `documentTitle` when given. */
export function PageTitle({ title, subtitle, actions, documentTitle }:
  { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; documentTitle?: string }) {
  useDocumentTitle(documentTitle ?? (typeof title === 'string' ? title : undefined))
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight break-words">{title}</h1>
        {subtitle && <div className="mt-1 text-sm text-zinc-500 [overflow-wrap:anywhere]">{subtitle}</div>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  )
}

/** Names the browser tab after the screen, so history, tabs and screen readers tell pages apart. */
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Miaobu`
  }, [title])
}
