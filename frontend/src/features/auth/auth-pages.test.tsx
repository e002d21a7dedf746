import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { tokens } from '../../lib/api'
import { apiError, fakeApi, json } from '../../test/fake-api'
import { user } from '../../test/fixtures'
import { renderApp } from '../../test/render'
import { safeNext } from './auth-pages'

describe('SignInPage', () => {
  it('offers no GitHub button when the server does not know the providers route', async () => {
    const api = fakeApi()
    renderApp(api, '/sign-in', { signedIn: false })
    await screen.findByRole('heading', { name: 'Sign in to Miaobu' })
    await waitFor(() => expect(api.callsTo('GET /api/v1/auth/providers')).toHaveLength(1))
    expect(screen.queryByRole('link', { name: /GitHub/ })).not.toBeInTheDocument()
  })

  it('offers GitHub sign-in when the server advertises it', async () => {
    const api = fakeApi().on('GET /api/v1/auth/providers', () => ({
      password: true,
      github: { enabled: true, signInUrl: '/oauth/github/start' },
    }))
    renderApp(api, '/sign-in', { signedIn: false })
    const github = await screen.findByRole('link', { name: 'Continue with GitHub' })
    expect(github).toHaveAttribute('href', '/oauth/github/start')
  })

  it('hides GitHub sign-in when the server says it is not configured', async () => {
    const api = fakeApi().on('GET /api/v1/auth/providers', () => ({ password: true, github: { enabled: false, signInUrl: null } }))
    renderApp(api, '/sign-in', { signedIn: false })
    await waitFor(() => expect(api.callsTo('GET /api/v1/auth/providers')).toHaveLength(1))
    expect(screen.queryByRole('link', { name: /GitHub/ })).not.toBeInTheDocument()
  })

  it('shows a wrong password in place and stays on the form', async () => {
    const api = fakeApi().on('POST /api/v1/auth/login', () => apiError(401, 'unauthorized', 'Email or password is incorrect.'))
    const { user: person, location } = renderApp(api, '/sign-in', { signedIn: false })
    await person.type(screen.getByLabelText('Email'), 'ada@example.com')
    await person.type(screen.getByLabelText('Password'), 'wrong password')
    await person.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect.')
    expect(location()).toBe('/sign-in')
  })

  it('returns to the page the visitor asked for once signed in', async () => {
    const api = fakeApi()
      .on('POST /api/v1/auth/login', () => ({ token: 'fresh', user }))
      .on('GET /api/v1/projects/p1', () => apiError(404, 'not_found', 'Project p1 not found.'))
    const { user: person, location } = renderApp(api, '/projects/p1', { signedIn: false })
    await waitFor(() => expect(location()).toBe('/sign-in?next=%2Fprojects%2Fp1'))
    await person.type(screen.getByLabelText('Email'), 'ada@example.com')
    await person.type(screen.getByLabelText('Password'), 'a good password')
    await person.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(location()).toBe('/projects/p1'))
    expect(tokens.get()).toBe('fresh')
    expect(api.callsTo('POST /api/v1/auth/login')[0].body).toEqual({ email: 'ada@example.com', password: 'a good password' })
  })

  it('never follows a `next` that leads off the dashboard', () => {
    expect(safeNext('/projects/p1?x=1')).toBe('/projects/p1?x=1')
    expect(safeNext('//evil.example/')).toBe('/')
    expect(safeNext('https://evil.example/')).toBe('/')
    expect(safeNext('/\\evil.example')).toBe('/')
    expect(safeNext(null)).toBe('/')
  })
})

describe('SignUpPage', () => {
  it('creates the account and lands on the projects list', async () => {
    const api = fakeApi()
      .on('POST /api/v1/auth/register', () => json(201, { token: 't', user }))
      .on('GET /api/v1/projects', () => [])
    const { user: person } = renderApp(api, '/sign-up', { signedIn: false })
    await person.type(screen.getByLabelText('Email'), 'ada@example.com')
    await person.type(screen.getByLabelText('Password'), 'a good password')
    await person.click(screen.getByRole('button', { name: 'Create account' }))
    expect(await screen.findByRole('heading', { name: 'No projects yet' })).toBeInTheDocument()
    expect(screen.getByText('ada@example.com')).toBeInTheDocument()
  })
})

describe('signing out', () => {
  it('forgets the token and shows sign-in', async () => {
    const api = fakeApi().on('GET /api/v1/projects', () => [])
    const { user: person, location } = renderApp(api, '/')
    await person.click(await screen.findByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(location()).toBe('/sign-in'))
    expect(tokens.get()).toBeNull()
  })

  it('happens by itself when the API says the session ended, with the reason', async () => {
    const api = fakeApi().on('GET /api/v1/projects', () => apiError(401, 'unauthorized', 'The token expired; sign in again.'))
    const { location } = renderApp(api, '/')
    expect(await screen.findByText(/Your session ended: The token expired/)).toBeInTheDocument()
    expect(location()).toBe('/sign-in')
  })
})

describe('coming back from GitHub', () => {
  it('shows why GitHub sign-in failed and clears it from the address bar', async () => {
    window.location.hash = '#error=email_taken&message=' + encodeURIComponent('An account with ada@example.com already exists: sign in with your password, then connect GitHub from your settings.')
    renderApp(fakeApi(), '/sign-in', { signedIn: false })
    expect(await screen.findByRole('alert')).toHaveTextContent('An account with ada@example.com already exists')
    expect(window.location.hash).toBe('')
  })

  it('after connecting GitHub from import, signs in with the new token and goes back to import', async () => {
    sessionStorage.setItem('miaobu.afterGitHub', '/new')
    window.location.hash = '#token=jwt-from-github'
    const api = fakeApi()
      .on('GET /api/v1/me', (call) => (call.headers.authorization === 'Bearer jwt-from-github' ? { ...user, githubLogin: 'ada' } : apiError(401, 'unauthorized', 'no')))
      .on('GET /api/v1/github/repositories', () => ({ repositories: [], page: 1, nextPage: null }))
      .on('GET /api/v1/projects', () => [])
    tokens.clear()
    const { location } = renderApp(api, '/', { signedIn: false })
    await waitFor(() => expect(location()).toBe('/new'))
    expect(await screen.findByText('Your GitHub account has no repositories yet.')).toBeInTheDocument()
    expect(tokens.get()).toBe('jwt-from-github')
    expect(sessionStorage.getItem('miaobu.afterGitHub')).toBeNull()
  })
})
