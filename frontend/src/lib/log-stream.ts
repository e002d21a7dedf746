// Follows a deployment's build log (or its function log) over the SSE endpoint, read with fetch() so the bearer token
// goes in a header (never in a URL). Reconnects with Last-Event-ID until the server sends `end`.
import { ApiError, request } from './api'
import { logStreamPath } from './endpoints'
import { createSseParser } from './sse'
import type { DeploymentStatus, LogLine } from './types'

export interface LogStreamHandlers {
  onLines(lines: LogLine[]): void
  onEnd(status: DeploymentStatus): void
  /** A connection dropped or failed; the stream retries unless the error is final (4xx). */
  onError(error: ApiError, willRetry: boolean): void
}

const DEFAULT_RETRY_MS = 2000

export async function followLog(deploymentId: string, handlers: LogStreamHandlers, signal: AbortSignal,
  path = logStreamPath(deploymentId)): Promise<void> {
  let lastEventId = ''
  let retryMs = DEFAULT_RETRY_MS
  let ended = false
  while (!ended && !signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (lastEventId) headers['last-event-id'] = lastEventId
      const response = await request('GET', path, undefined, { signal, headers })
      const batch: LogLine[] = []
      const parser = createSseParser((event) => {
        if (event.event === 'line') {
          batch.push(JSON.parse(event.data) as LogLine)
        } else if (event.event === 'end') {
          ended = true
          if (batch.length) handlers.onLines(batch.splice(0))
          handlers.onEnd((JSON.parse(event.data) as { status: DeploymentStatus }).status)
        }
      })
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parser.push(value)
        // One update per network chunk, not per line: a fast build writes hundreds per chunk.
        if (batch.length) handlers.onLines(batch.splice(0))
        lastEventId = parser.lastEventId()
        retryMs = parser.retry() ?? retryMs
      }
    } catch (e) {
      if (signal.aborted) return
      const error = e instanceof ApiError ? e : new ApiError(0, 'stream_interrupted', 'The log stream was interrupted; reconnecting…')
      const final = error.status >= 400 && error.status < 500
      handlers.onError(error, !final)
      if (final) return
    }
    if (!ended && !signal.aborted) await sleep(retryMs, signal)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}
