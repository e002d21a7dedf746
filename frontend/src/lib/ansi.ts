// Build tools colour their output with ANSI escape codes (vite, npm, tsc): the log shows the
// colours, never the codes. Parsing is anser's; the basic palette is lightened for the log's dark
// background, where ANSI's dark blue and red are hard to read.
import Anser from 'anser'

export interface AnsiSegment {
  text: string
  color?: string
  background?: string
  bold?: boolean
  dim?: boolean
  italic?: boolean
  underline?: boolean
}

const READABLE: Record<string, string> = {
  '0, 0, 0': '#71717a',
  '187, 0, 0': '#f87171',
  '0, 187, 0': '#4ade80',
  '187, 187, 0': '#facc15',
  '0, 0, 187': '#60a5fa',
  '187, 0, 187': '#e879f9',
  '0, 187, 187': '#22d3ee',
  '255, 255, 255': '#f4f4f5',
}

const css = (rgb: string | null | undefined) => (rgb ? READABLE[rgb] ?? `rgb(${rgb})` : undefined)

// eslint-disable-next-line no-control-regex
const HAS_ESCAPE = /\u001b/

/** The text of a log line in runs of one style each (one run, unstyled, when it has no codes). */
export function ansiSegments(text: string): AnsiSegment[] {
  if (!HAS_ESCAPE.test(text)) return [{ text }]
  return Anser.ansiToJson(text, { json: true, remove_empty: true, use_classes: false }).map((e) => ({
    text: e.content,
    color: css(e.fg),
    background: css(e.bg),
    bold: e.decorations.includes('bold') || undefined,
    dim: e.decorations.includes('dim') || undefined,
    italic: e.decorations.includes('italic') || undefined,
    underline: e.decorations.includes('underline') || undefined,
  }))
}

/** The text a person reads: without escape codes (search, download). */
export function stripAnsi(text: string): string {
  return HAS_ESCAPE.test(text) ? Anser.ansiToText(text) : text
}
