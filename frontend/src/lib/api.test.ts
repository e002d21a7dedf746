import { describe, expect, it, vi } from 'vitest'
import { apiError, fakeApi } from '../test/fake-api'
import { api, ApiError, onUnauthorized, tokens } from './api'
import { fieldOf } from './field-errors'

describe('api', () => {
  it('sends the bearer token and turns an error answer into the server\'s own message', async () => {
    const server = fakeApi().on('GET /api/v1/projects/p9', () => apiError(404, 'not_found', 'Project p9 not found.'))
    tokens.set('secret-token')
    const failure = await api('GET', '/api/v1/projects/p9').catch((e: ApiError) => e)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure).toMatchObject({ status: 404, code: 'not_found', message: 'Project p9 not found.' })
    expect(server.calls[0].headers.authorization).toBe('Bearer secret-token')
  })

  it('forgets the session on a 401 and says why, except on the sign-in call itself', async () => {
    const ended = vi.fn()
    onUnauthorized(ended)
    fakeApi()
      .on('GET /api/v1/me', () => apiError(401, 'unauthorized', 'The session expired; sign in again.'))
      .on('POST /api/v1/auth/login', () => apiError(401, 'unauthorized', 'Email or password is incorrect.'))
    tokens.set('old')
    await expect(api('POST', '/api/v1/auth/login', {}, { anonymous: true })).rejects.toThrow('Email or password is incorrect.')
    expect(ended).not.toHaveBeenCalled()
    expect(tokens.get()).toBe('old')

    await expect(api('GET', '/api/v1/me')).rejects.toThrow('The session expired')
    expect(ended).toHaveBeenCalledWith('The session expired; sign in again.')
    expect(tokens.get()).toBeNull()
  })

  it('keeps the request fields the server names as at fault, and which form field that is', async () => {
    fakeApi()
      .on('POST /api/v1/projects', () => apiError(400, 'reserved_name', 'The name "api" is reserved.', { name: 'The name "api" is reserved.' }))
      .on('PUT /api/v1/projects/p1/env', () => apiError(400, 'invalid_env', 'Fix these environment variables: `PATH` is set by Miaobu.',
        { '[1].key': '`PATH` is set by Miaobu' }))
      .on('GET /api/v1/projects/p9', () => apiError(404, 'not_found', 'Project p9 not found.'))
    const reserved = (await api('POST', '/api/v1/projects', { name: 'api' }).catch((e) => e)) as ApiError
    expect(reserved.fields).toEqual({ name: 'The name "api" is reserved.' })
    expect(fieldOf(reserved)).toBe('name')
    const env = (await api('PUT', '/api/v1/projects/p1/env', []).catch((e) => e)) as ApiError
    expect(env.fields).toEqual({ '[1].key': '`PATH` is set by Miaobu' })
    expect(fieldOf(env)).toBe('env')
    const missing = (await api('GET', '/api/v1/projects/p9').catch((e) => e)) as ApiError
    expect(missing.fields).toEqual({})
    expect(fieldOf(missing)).toBeUndefined()
  })

  it('explains an unreachable server instead of showing a browser error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    await expect(api('GET', '/api/v1/projects')).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('Could not reach Miaobu') })
  })
})
