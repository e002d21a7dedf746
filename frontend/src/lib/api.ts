// The one way the dashboard talks to the API: bearer token, JSON, and every failure as an
// ApiError carrying the server's own message, so screens can show it where it happened.
import type { ErrorBody } from './types'

const TOKEN_KEY = 'miaobu.token'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** The request fields at fault, each with what to fix (`{"name": "..."}`, `{"[2].key": "..."}`); empty otherwise. */
  readonly fields: Record<string, string>

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
  }
}

export const tokens = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY)
    } catch {
      return null
    }
  },
  set(token: string): void {
    localStorage.setItem(TOKEN_KEY, token)
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY)
  },
}

let unauthorized: (message: string) => void = () => {}

/** Called once by the session provider: what to do when a signed-in call answers 401. */
export function onUnauthorized(handler: (message: string) => void): void {
  unauthorized = handler
}

export interface RequestOptions {
  signal?: AbortSignal
  /** Sign-in and sign-up: a 401 there is a wrong password, not an expired session. */
  anonymous?: boolean
  headers?: Record<string, string>
}

export async function request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  const token = tokens.get()
  if (token && !options.anonymous) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', 'Could not reach Miaobu. Check that it is running, then try again.')
  }
  if (!response.ok) throw await toError(response, options)
  return response
}

export async function api<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  const response = await request(method, path, body, options)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

async function toError(response: Response, options: RequestOptions): Promise<ApiError> {
  let code = `http_${response.status}`
  let message = `Miaobu answered ${response.status} ${response.statusText}`.trim() + '.'
  let fields: Record<string, string> = {}
  try {
    const body = (await response.json()) as Partial<ErrorBody> | null
    if (body?.error?.message) {
      code = body.error.code ?? code
      message = body.error.message
      fields = body.error.fields ?? {}
    }
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 401 && !options.anonymous) {
    tokens.clear()
    unauthorized(message)
  }
  return new ApiError(response.status, code, message, fields)
}
