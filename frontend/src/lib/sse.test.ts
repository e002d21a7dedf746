import { describe, expect, it } from 'vitest'
import { createSseParser, type SseEvent } from './sse'

function parse(...chunks: string[]) {
  const events: SseEvent[] = []
  const parser = createSseParser((e) => events.push(e))
  chunks.forEach((c) => parser.push(c))
  return { events, parser }
}

describe('createSseParser', () => {
  it('reads named events with ids, as the log stream sends them', () => {
    const { events, parser } = parse('retry: 2000\n\nid: 1\nevent: line\ndata: {"n":1}\n\nevent: end\ndata: {"status":"READY"}\n\n')
    expect(events).toEqual([
      { event: 'line', data: '{"n":1}', lastEventId: '1' },
      { event: 'end', data: '{"status":"READY"}', lastEventId: '1' },
    ])
    expect(parser.retry()).toBe(2000)
  })

  it('puts an event together from chunks split anywhere, CRLF pairs included', () => {
    const text = 'id: 7\r\nevent: line\r\ndata: hello\r\n\r\n'
    for (let cut = 1; cut < text.length; cut++) {
      const { events } = parse(text.slice(0, cut), text.slice(cut))
      expect(events, `cut at ${cut}`).toEqual([{ event: 'line', data: 'hello', lastEventId: '7' }])
    }
  })

  it('ignores comments (heartbeats), joins multi-line data and waits for the blank line', () => {
    const { events } = parse(': still building\n\n', 'data: a\ndata: b\n', 'data:c\n')
    expect(events).toEqual([])
    const done = parse(': still building\n\ndata: a\ndata: b\ndata:c\n\n').events
    expect(done).toEqual([{ event: 'message', data: 'a\nb\nc', lastEventId: '' }])
  })
})
