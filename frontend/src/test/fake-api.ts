// A stand-in for the Miaobu API at the fetch() boundary: every line of the dashboard's own code
// runs, only the network answers come from here. Unknown routes answer 404 the way the real
// router does, so "this server has no such endpoint" is tested as it really looks.
import { vi } from 'vitest'

export interface Call {
  method: string
  path: string
  body: unknown
  headers: Record<string, string>
}

/** A Response as it is, or any other value as a 200 JSON body. */
type Answer = unknown
type Route = (call: Call) => Answer | Promise<Answer>

export function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

export function apiError(status: number, code: string, message: string, fields?: Record<string, string>): Response {
  return json(status, { error: fields ? { code, message, fields } : { code, message } })
}

export interface FakeApi {
  calls: Call[]
  on(methodAndPath: string, route: Route): FakeApi
  callsTo(methodAndPath: string): Call[]
}

/** Installs the fake as global fetch; `on('GET /api/v1/projects', () => [...])` adds a route (the last added wins). */
export function fakeApi(): FakeApi {
  const routes: [string, RegExp, Route][] = []
  const calls: Call[] = []
  const api: FakeApi = {
    calls,
    on(methodAndPath, route) {
      const pattern = new RegExp('^' + methodAndPath.replace(/[.?]/g, '\\$&').replace(/\*/g, '[^/]+') + '$')
      routes.unshift([methodAndPath, pattern, route])
      return api
    },
    callsTo(methodAndPath) {
      return calls.filter((c) => `${c.method} ${c.path}` === methodAndPath)
    },
  }
  vi.stubGlobal('fetch', vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET').toUpperCase()
    const url = new URL(input, 'http://localhost')
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]))
    const call: Call = { method, path: url.pathname + url.search, body: init.body ? JSON.parse(String(init.body)) : undefined, headers }
    calls.push(call)
    const route = routes.find(([, pattern]) => pattern.test(`${method} ${url.pathname}`))
    if (!route) return apiError(404, 'not_found', `No API route ${method} ${url.pathname}; not found.`)
    const answer = await route[2](call)
    return answer instanceof Response ? answer : json(200, answer)
  }))
  return api
}
