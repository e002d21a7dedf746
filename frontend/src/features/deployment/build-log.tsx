// The build log, streamed live: follows the tail while you are at the bottom, stays put when you
// scroll up, and can be searched and downloaded. The function log (what a deployment's functions print
// while they serve) is shown by the same component.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { Button, ErrorMessage, Spinner } from '../../components/ui'
import type { ApiError } from '../../lib/api'
import { ansiSegments, stripAnsi, type AnsiSegment } from '../../lib/ansi'
import { clock } from '../../lib/format'
import { functionLogStreamPath, logStreamPath } from '../../lib/endpoints'
import { followLog } from '../../lib/log-stream'
import type { DeploymentStatus, LogLine } from '../../lib/types'

export function logText(lines: LogLine[]): string {
  return lines.map((l) => `${l.ts} ${l.stream.padEnd(6)} ${stripAnsi(l.text)}`).join('\n') + (lines.length ? '\n' : '')
}

/** Which of a deployment's logs: what its build printed, or what its functions print while it is served. */
export type LogKind = 'build' | 'functions'

const KINDS = {
  build: { title: 'Build log', search: 'Search the log', id: 'build-log', file: '', waiting: 'Waiting for the build to start…', empty: 'This build wrote no output.', path: logStreamPath },
  functions: { title: 'Function log', search: 'Search the function log', id: 'function-log', file: '-functions', waiting: 'Waiting for requests…', empty: 'Its functions printed nothing.', path: functionLogStreamPath },
} satisfies Record<LogKind, unknown>

/** Streams the log of one deployment: lines so far, whether it has ended, and the connection problem if any. */
export function useBuildLog(deploymentId: string, onEnd?: (status: DeploymentStatus) => void, kind: LogKind = 'build') {
  const [lines, setLines] = useState<LogLine[]>([])
  const [ended, setEnded] = useState(false)
  const [problem, setProblem] = useState<ApiError | null>(null)
  const onEndRef = useRef(onEnd)
  onEndRef.current = onEnd
  useEffect(() => {
    setLines([])
    setEnded(false)
    setProblem(null)
    const controller = new AbortController()
    followLog(deploymentId, {
      onLines: (batch) => {
        setProblem(null)
        // Line numbers are the stream's ids: a resumed stream never duplicates a line.
        setLines((prev) => {
          const last = prev.length ? prev[prev.length - 1].n : 0
          const fresh = batch.filter((l) => l.n > last)
          return fresh.length ? prev.concat(fresh) : prev
        })
      },
      onEnd: (status) => {
        setEnded(true)
        onEndRef.current?.(status)
      },
      onError: (error) => setProblem(error),
    }, controller.signal, KINDS[kind].path(deploymentId))
    return () => controller.abort()
  }, [deploymentId, kind])
  return { lines, ended, problem }
}

const STREAM_STYLE: Record<string, string> = {
  stderr: 'text-red-300',
  system: 'text-sky-300',
}

const LogRow = memo(function LogRow({ line, query }: { line: LogLine; query: string }) {
  return (
    <div className="flex gap-3 px-3 hover:bg-white/5" data-stream={line.stream}>
      <span className="w-10 shrink-0 select-none text-right text-zinc-500">{line.n}</span>
      <time dateTime={line.ts} title={line.ts} className="hidden shrink-0 select-none text-zinc-500 sm:inline">{clock(line.ts)}</time>
      <span className={`min-w-0 whitespace-pre-wrap break-words ${STREAM_STYLE[line.stream] ?? 'text-zinc-100'}`}>
        {line.text ? styled(ansiSegments(line.text), query) : ' '}
      </span>
    </div>
  )
})

/** The line's coloured runs, with every match of the search marked (a match may span runs). */
function styled(segments: AnsiSegment[], query: string) {
  const plain = segments.map((s) => s.text).join('')
  const matches: [number, number][] = []
  if (query) {
    const lower = plain.toLowerCase()
    for (let i = lower.indexOf(query); i !== -1; i = lower.indexOf(query, i + query.length)) matches.push([i, i + query.length])
  }
  const out: ReactNode[] = []
  let offset = 0
  segments.forEach((seg, k) => {
    const parts: ReactNode[] = []
    let at = 0
    for (const [from, to] of matches) {
      const a = Math.max(from - offset, at)
      const b = Math.min(to - offset, seg.text.length)
      if (b <= a) continue
      parts.push(seg.text.slice(at, a), <mark key={a} className="rounded-sm bg-yellow-300 text-zinc-900">{seg.text.slice(a, b)}</mark>)
      at = b
    }
    parts.push(seg.text.slice(at))
    offset += seg.text.length
    const style = seg.color || seg.background || seg.bold || seg.dim || seg.italic || seg.underline
      ? {
          color: seg.color, backgroundColor: seg.background, fontWeight: seg.bold ? 700 : undefined,
          opacity: seg.dim ? 0.7 : undefined, fontStyle: seg.italic ? 'italic' : undefined,
          textDecoration: seg.underline ? 'underline' : undefined,
        }
      : undefined
    out.push(style ? <span key={k} style={style}>{parts}</span> : <span key={k}>{parts}</span>)
  })
  return out
}

export function BuildLog({ deploymentId, onEnd, kind = 'build' }: {
  deploymentId: string
  onEnd?: (status: DeploymentStatus) => void
  kind?: LogKind
}) {
  const { lines, ended, problem } = useBuildLog(deploymentId, onEnd, kind)
  const text = KINDS[kind]
  const [query, setQuery] = useState('')
  const [follow, setFollow] = useState(true)
  const scroller = useRef<HTMLDivElement>(null)
  const needle = query.trim().toLowerCase()
  const shown = useMemo(() => (needle ? lines.filter((l) => stripAnsi(l.text).toLowerCase().includes(needle)) : lines), [lines, needle])

  useLayoutEffect(() => {
    const el = scroller.current
    if (follow && el) el.scrollTop = el.scrollHeight
  }, [shown, follow])

  // Scrolling up stops following; scrolling back to the bottom resumes it.
  const onScroll = useCallback(() => {
    const el = scroller.current
    if (!el) return
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24
    setFollow(atBottom)
  }, [])

  const download = () => {
    const url = URL.createObjectURL(new Blob([logText(lines)], { type: 'text/plain;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `miaobu-${deploymentId}${text.file}.log`
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  return (
    <section id={text.id} aria-label={text.title} className="keep-colors overflow-hidden rounded-lg border border-zinc-800 bg-zinc-950">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-800 px-3 py-2">
        <h2 className="mr-auto text-sm font-semibold text-zinc-100">{text.title}</h2>
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={text.search}
          aria-label={text.search}
          className="h-8 w-40 rounded-md border border-zinc-700 bg-zinc-900 px-2 text-sm text-zinc-100 placeholder:text-zinc-500 sm:w-56" />
        {needle && <span className="text-xs text-zinc-400" role="status">{shown.length} of {lines.length} lines</span>}
        <label className="flex items-center gap-1.5 text-xs text-zinc-300">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <Button size="sm" variant="secondary" onClick={download} disabled={lines.length === 0}>Download</Button>
      </div>
      <div ref={scroller} onScroll={onScroll} role="log" aria-live="off" tabIndex={0}
        className="h-[28rem] max-h-[60vh] overflow-auto py-2 font-mono text-xs leading-5">
        {shown.map((line) => <LogRow key={line.n} line={line} query={needle} />)}
        {!ended && (
          <div className="px-3 pt-1"><Spinner small label={lines.length ? 'Waiting for output…' : text.waiting} /></div>
        )}
        {ended && lines.length === 0 && <p className="px-3 text-zinc-500">{text.empty}</p>}
      </div>
      {problem && <ErrorMessage error={problem} className="m-2" />}
    </section>
  )
}
