// A server-sent event stream the test writes to, chunk by chunk, like the API's log streams.
import type { LogLine } from '../lib/types'

export const lineEvent = (l: LogLine) => `id: ${l.n}\nevent: line\ndata: ${JSON.stringify(l)}\n\n`

export function controllableStream() {
  const encoder = new TextEncoder()
  let push!: (text: string) => void
  let close!: () => void
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(encoder.encode(text))
      close = () => controller.close()
    },
  })
  return { response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }), push: (t: string) => push(t), close: () => close() }
}
