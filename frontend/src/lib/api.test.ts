import { describe, expect, it, vi } from 'vitest'
import { apiError, fakeApi } from '../test/fake-api'
import { api, ApiError, onUnauthorized, tokens } from './api'

describe('api', () => {
  it('sends the bearer token and turns an error answer into the server\'s own message', async () => {
    const server = fakeApi().on('GET /api/v1/projects/p9', () => apiError(404, 'not_found', 'Project p9 not found.'))
    tokens.set('secret-token')
    const failure = await api('GET', '/api/v1/projects/p9').catch((e) => e)
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

  it('explains an unreachable server instead of showing a browser error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    await expect(api('GET', '/api/v1/projects')).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('Could not reach Miaobu') })
  })
})
