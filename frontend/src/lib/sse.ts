// A server-sent events parser (the WHATWG "event stream interpretation"), for streams read with
// fetch(): EventSource cannot send the Authorization header the API needs.

export interface SseEvent {
  event: string
  data: string
  /** The stream's last event id once this event was read (sent back as Last-Event-ID on reconnect). */
  lastEventId: string
}

export interface SseParser {
  push(chunk: string): void
  /** The id of the last event read, or '' before any had one. */
  lastEventId(): string
  /** Milliseconds the server asked a client to wait before reconnecting, when it said so. */
  retry(): number | null
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = ''
  let data: string[] = []
  let eventType = ''
  let lastEventId = ''
  let retry: number | null = null
  let pendingCr = false

  const dispatch = () => {
    if (data.length > 0) {
      onEvent({ event: eventType || 'message', data: data.join('\n'), lastEventId })
    }
    data = []
    eventType = ''
  }

  const line = (text: string) => {
    if (text === '') return dispatch()
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'data': data.push(value); break
      case 'event': eventType = value; break
      case 'id': if (!value.includes('\0')) lastEventId = value; break
      case 'retry': if (/^\d+$/.test(value)) retry = Number(value); break
    }
  }

  return {
    push(chunk: string) {
      buffer += chunk
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i]
        if (c === '\n' && pendingCr) {
          // the \n of a \r\n pair split across chunks
          pendingCr = false
          start = i + 1
          continue
        }
        pendingCr = false
        if (c === '\r' || c === '\n') {
          line(buffer.slice(start, i))
          if (c === '\r') {
            if (i + 1 < buffer.length) {
              if (buffer[i + 1] === '\n') i++
            } else {
              pendingCr = true
            }
          }
          start = i + 1
        }
      }
      buffer = buffer.slice(start)
    },
    lastEventId: () => lastEventId,
    retry: () => retry,
  }
}
