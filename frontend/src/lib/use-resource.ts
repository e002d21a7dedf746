import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from './api'

export interface Resource<T> {
  data: T | undefined
  error: ApiError | null
  loading: boolean
  /** Loads again in the background (the current data stays on screen). */
  reload(): void
  /** Puts a value the caller already has (an API answer) on screen without a request. */
  set(value: T): void
}

/**
 * How often a screen that shows deployments re-reads them (`live`): a deploy started elsewhere (a
 * push, a deploy hook, the CLI) or a rollback from another tab shows within this time. Hidden tabs
 * do not ask; a tab shown again asks at once.
 */
export const LIVE_MS = 1000

/**
 * Loads something from the API for a screen: loading state, the error to show in place, reload,
 * and polling while `pollWhile(data)` says the thing is still changing (a build in progress), or
 * always with `live` (every LIVE_MS while the page is visible).
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { pollMs?: number; pollWhile?: (data: T) => boolean; live?: boolean } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(true)
  const [generation, setGeneration] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  const optionsRef = useRef(options)
  optionsRef.current = options

  // A new key (another project, another deployment) starts from an empty screen.
  useEffect(() => {
    setData(undefined)
    setError(null)
    setLoading(true)
  }, deps)

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = async () => {
      try {
        const value = await loadRef.current(controller.signal)
        if (controller.signal.aborted) return
        setData(value)
        setError(null)
        const { pollWhile, pollMs = 2000, live } = optionsRef.current
        if (live) timer = setTimeout(runWhenVisible, LIVE_MS)
        else if (pollWhile?.(value)) timer = setTimeout(run, pollMs)
      } catch (e) {
        if (controller.signal.aborted) return
        setError(e instanceof ApiError ? e : new ApiError(0, 'client_error', String(e)))
        // A live screen keeps trying through a blip (a restart, a lost connection) and recovers by itself.
        if (optionsRef.current.live) timer = setTimeout(runWhenVisible, LIVE_MS * 3)
      } finally {
        if (!controller.signal.aborted) setLoading(false)
      }
    }
    let waiting = false
    const runWhenVisible = () => {
      if (document.visibilityState === 'hidden') waiting = true
      else run()
    }
    const onVisible = () => {
      if (waiting && document.visibilityState !== 'hidden') {
        waiting = false
        run()
      }
    }
    document.addEventListener('visibilitychange', onVisible)
    run()
    return () => {
      controller.abort()
      clearTimeout(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [...deps, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  return { data, error, loading, reload, set: setData }
}
