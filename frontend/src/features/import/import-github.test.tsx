import { screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { browser } from '../../lib/browser'
import type { GitHubRepository } from '../../lib/types'
import { apiError, fakeApi, json } from '../../test/fake-api'
import { deployment, project, user as ada } from '../../test/fixtures'
import { renderApp } from '../../test/render'

const repo = (n: number, overrides: Partial<GitHubRepository> = {}): GitHubRepository => ({
  id: n, fullName: `ada/site-${n}`, private: false, defaultBranch: 'main', cloneUrl: `https://github.com/ada/site-${n}.git`,
  htmlUrl: `https://github.com/ada/site-${n}`, admin: true, pushedAt: '2026-11-20T10:00:00Z', ...overrides,
})

const connected = { ...ada, githubLogin: 'ada' }

afterEach(() => vi.restoreAllMocks())

describe('ImportPage with GitHub', () => {
  it('lists the repositories page by page, searches them and marks the private ones', async () => {
    const api = fakeApi()
      .on('GET /api/v1/auth/providers', () => ({ password: true, github: { enabled: true, signInUrl: '/oauth/github/start' } }))
      .on('GET /api/v1/github/repositories', (call) => call.path.endsWith('page=1')
        ? { repositories: [repo(1), repo(2, { fullName: 'ada/secret-notes', private: true }), repo(3, { admin: false })], page: 1, nextPage: 2 }
        : { repositories: [repo(4, { fullName: 'ada/blog' })], page: 2, nextPage: null })
    const { user } = renderApp(api, '/new', { as: connected })
    const list = await screen.findByRole('list', { name: 'GitHub repositories' })
    expect(within(list).getAllByRole('listitem')).toHaveLength(3)
    expect(within(within(list).getByRole('listitem', { name: 'ada/secret-notes' })).getByText('Private')).toBeInTheDocument()
    expect(within(within(list).getByRole('listitem', { name: 'ada/site-1' })).queryByText('Private')).toBeNull()
    const readOnly = within(list).getByRole('listitem', { name: 'ada/site-3' })
    expect(within(readOnly).getByRole('button', { name: 'Import' })).toBeDisabled()
    expect(readOnly).toHaveTextContent('needs admin access')

    await user.type(screen.getByLabelText('Search repositories'), 'blog')
    expect(within(list).getByText(/No repository matches “blog”/)).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Search the next 100 repositories' }))
    expect(await within(list).findByRole('listitem', { name: 'ada/blog' })).toBeInTheDocument()
    expect(api.callsTo('GET /api/v1/github/repositories?page=2')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: /Load more|Search the next/ })).toBeNull()
  })

  it('imports the picked repository with its variables saved before the first deployment', async () => {
    const api = fakeApi()
      .on('GET /api/v1/github/repositories', () => ({ repositories: [repo(1, { fullName: 'ada/docs', private: true, defaultBranch: 'trunk' })], page: 1, nextPage: null }))
      .on('POST /api/v1/projects', () => json(201, project({ id: 'p7', githubRepository: 'ada/docs' })))
      .on('PUT /api/v1/projects/p7/env', (call) => (call.body as { key: string; target: string }[])
        .map((v) => ({ key: v.key, target: v.target, updatedAt: '2026-11-20T10:00:00Z' })))
      .on('POST /api/v1/projects/p7/deployments', () => json(201, deployment({ id: 'd7', status: 'QUEUED' })))
      .on('GET /api/v1/deployments/d7', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/new', { as: connected })
    const row = await screen.findByRole('listitem', { name: 'ada/docs' })
    await user.click(within(row).getByRole('button', { name: 'Import' }))

    expect(screen.getByRole('generic', { name: 'Repository to import' })).toHaveTextContent('ada/docsPrivate')
    expect(screen.getByLabelText('Project name')).toHaveValue('docs')
    expect(screen.getByLabelText('Production branch')).toHaveValue('trunk')
    // A private repository is not cloned for detection: it is detected when it builds.
    expect(screen.getByText(/Private repository: the framework is detected when it builds/)).toBeInTheDocument()
    await user.type(screen.getByLabelText('Root directory'), 'apps/docs')

    const env = screen.getByRole('region', { name: 'Environment variables for the first build' })
    await user.type(within(env).getByLabelText('Key'), 'API_URL')
    await user.type(within(env).getByLabelText('Value'), 'https://api.example.com')
    await user.click(within(env).getByRole('button', { name: 'Add' }))
    expect(within(env).getByRole('listitem', { name: 'API_URL (All)' })).not.toHaveTextContent('api.example.com')
    expect(api.callsTo('POST /api/v1/projects')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    await waitFor(() => expect(location()).toBe('/deployments/d7'))
    expect(api.callsTo('POST /api/v1/projects')[0].body).toEqual({
      githubRepository: 'ada/docs', name: 'docs', productionBranch: 'trunk', rootDirectory: 'apps/docs',
    })
    expect(api.callsTo('PUT /api/v1/projects/p7/env')[0].body).toEqual([{ key: 'API_URL', value: 'https://api.example.com', target: 'all' }])
    const order = api.calls.map((c) => `${c.method} ${c.path}`)
    expect(order.indexOf('PUT /api/v1/projects/p7/env')).toBeLessThan(order.indexOf('POST /api/v1/projects/p7/deployments'))
    expect(api.callsTo('POST /api/v1/detect')).toHaveLength(0)
  })

  it('deploys nothing while the variables are not saved, and retries without creating the project twice', async () => {
    let envAttempts = 0
    const api = fakeApi()
      .on('POST /api/v1/projects', () => json(201, project({ id: 'p8' })))
      .on('PUT /api/v1/projects/p8/env', () => (++envAttempts === 1
        ? apiError(400, 'invalid_env_var', 'Key 1FOO must start with a letter or underscore.')
        : [{ key: 'FOO', target: 'all', updatedAt: '2026-11-20T10:00:00Z' }]))
      .on('POST /api/v1/projects/p8/deployments', () => json(201, deployment({ id: 'd8', status: 'QUEUED' })))
      .on('GET /api/v1/deployments/d8', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), '/home/ada/site')
    const env = screen.getByRole('region', { name: 'Environment variables for the first build' })
    await user.type(within(env).getByLabelText('Key'), 'FOO')
    await user.type(within(env).getByLabelText('Value'), 'bar')
    await user.click(within(env).getByRole('button', { name: 'Add' }))
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    expect(await screen.findByText('Key 1FOO must start with a letter or underscore.')).toBeInTheDocument()
    expect(api.callsTo('POST /api/v1/projects/p8/deployments')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Deploy' }))
    await waitFor(() => expect(location()).toBe('/deployments/d8'))
    expect(api.callsTo('POST /api/v1/projects')).toHaveLength(1)
    expect(api.callsTo('PUT /api/v1/projects/p8/env')).toHaveLength(2)
  })

  it('offers to connect GitHub when it is set up but not linked, and comes back to import', async () => {
    const go = vi.spyOn(browser, 'go').mockImplementation(() => {})
    const api = fakeApi()
      .on('GET /api/v1/auth/providers', () => ({ password: true, github: { enabled: true, signInUrl: '/oauth/github/start' } }))
      .on('POST /api/v1/github/link', () => ({ url: 'https://github.com/login/oauth/authorize?client_id=abc&state=xyz' }))
    const { user } = renderApp(api, '/new')
    await user.click(await screen.findByRole('tab', { name: 'GitHub' }))
    await user.click(screen.getByRole('button', { name: 'Connect GitHub' }))
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://github.com/login/oauth/authorize?client_id=abc&state=xyz'))
    expect(sessionStorage.getItem('miaobu.afterGitHub')).toBe('/new')
    expect(api.callsTo('GET /api/v1/github/repositories')).toHaveLength(0)
    // The Git URL stays one click away.
    await user.click(screen.getByRole('tab', { name: 'Git URL' }))
    expect(screen.getByLabelText('Git repository')).toBeInTheDocument()
  })

  it('shows no GitHub choice when the server has no GitHub app', async () => {
    renderApp(fakeApi(), '/new')
    expect(await screen.findByLabelText('Git repository')).toBeInTheDocument()
    expect(screen.queryByRole('tab', { name: 'GitHub' })).toBeNull()
  })
})
