import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { apiError, fakeApi, json } from '../../test/fake-api'
import { deployment, project } from '../../test/fixtures'
import { renderApp } from '../../test/render'

describe('ImportPage', () => {
  it('shows the editable build settings without a summary when the server has no detection', async () => {
    const api = fakeApi()
    const { user } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), 'https://example.com/acme/blog.git')
    await waitFor(() => expect(api.callsTo('POST /api/v1/detect')).toHaveLength(1))
    expect(screen.getByLabelText('Project name')).toHaveValue('blog')
    expect(screen.queryByLabelText('Detected settings')).not.toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(screen.getByLabelText('Build command')).toHaveAttribute('placeholder', 'detected: npm run build')
  })

  it('shows what detection found, as the defaults the user may override', async () => {
    const api = fakeApi().on('POST /api/v1/detect', () => ({
      framework: 'vite', frameworkName: 'Vite', packageManager: 'pnpm', installCommand: 'pnpm install',
      buildCommand: 'pnpm run build', outputDirectory: 'dist', supported: true, reason: null,
    }))
    const { user } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), 'https://example.com/acme/app.git')
    const summary = await screen.findByLabelText('Detected settings')
    expect(summary).toHaveTextContent('Vite')
    expect(summary).toHaveTextContent('pnpm')
    expect(screen.getByLabelText('Install command')).toHaveAttribute('placeholder', 'pnpm install')
    expect(screen.getByLabelText('Output directory')).toHaveAttribute('placeholder', 'dist')
    expect(api.callsTo('POST /api/v1/detect').at(-1)!.body).toEqual({ gitUrl: 'https://example.com/acme/app.git' })
  })

  it('says why detection could not read the repository', async () => {
    const api = fakeApi().on('POST /api/v1/detect', () => apiError(422, 'clone_failed', 'Could not clone https://example.com/x.git: repository not found.'))
    const { user } = renderApp(api, '/new')
    const field = await screen.findByLabelText('Git repository')
    await user.type(field, 'https://example.com/x.git')
    // Under the repository field, tied to it, not in the build settings.
    await waitFor(() => expect(field).toHaveAccessibleDescription(/repository not found/))
    expect(field).toHaveAttribute('aria-invalid', 'true')
  })

  it('refuses before creating anything what the server check finds wrong, each under its field', async () => {
    const api = fakeApi().on('POST /api/v1/import/check', (call) => (call.body as { gitUrl?: string }).gitUrl
      ? { slug: 'blog', url: 'http://blog.localhost:8080', errors: { productionBranch: 'Branch `trunk` does not exist. Set the production branch to one of: main' } }
      : { slug: 'blog', url: 'http://blog.localhost:8080', errors: {} })
    const { user } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), 'https://example.com/acme/blog.git')
    await user.clear(screen.getByLabelText('Production branch'))
    await user.type(screen.getByLabelText('Production branch'), 'trunk')
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    const branch = screen.getByLabelText('Production branch')
    await waitFor(() => expect(branch).toHaveAccessibleDescription(/Branch `trunk` does not exist/))
    await waitFor(() => expect(branch).toHaveFocus())
    expect(api.callsTo('POST /api/v1/projects')).toHaveLength(0)
    // Fixing the field takes its error away.
    await user.type(branch, 'x')
    expect(branch).not.toHaveAttribute('aria-invalid')
  })

  it('shows the address the project will get, with the suffix a taken name gets', async () => {
    const api = fakeApi().on('POST /api/v1/import/check', () => ({ slug: 'vite-app-2', url: 'http://vite-app-2.localhost:8080', nameTaken: true, errors: {} }))
    const { user } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), 'https://example.com/acme/vite-app.git')
    expect(await screen.findByTestId('future-address')).toHaveTextContent('vite-app-2.localhost:8080')
    expect(screen.getByLabelText('Project name')).toHaveAccessibleDescription('That name is taken; your site will be at vite-app-2.localhost:8080')
  })

  it('counts a variable typed in but never added, and checks its name first', async () => {
    const api = fakeApi()
      .on('POST /api/v1/projects', () => json(201, project({ id: 'p7' })))
      .on('PUT /api/v1/projects/p7/env', () => [{ key: 'API_URL', target: 'all', updatedAt: '2026-01-01T00:00:00Z' }])
      .on('POST /api/v1/projects/p7/deployments', () => json(201, deployment({ id: 'd7', status: 'QUEUED' })))
      .on('GET /api/v1/deployments/d7', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), '/home/ada/site')
    const env = screen.getByRole('region', { name: 'Environment variables for the first build' })
    await user.type(within(env).getByLabelText('Key'), '9API')
    await user.type(within(env).getByLabelText('Value'), 'https://api.example.com')
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    expect(await within(env).findByRole('alert')).toHaveTextContent('9API cannot be a variable name')
    expect(api.callsTo('POST /api/v1/projects')).toHaveLength(0)

    await user.clear(within(env).getByLabelText('Key'))
    await user.type(within(env).getByLabelText('Key'), 'API_URL')
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    await waitFor(() => expect(location()).toBe('/deployments/d7'))
    expect(api.callsTo('PUT /api/v1/projects/p7/env')[0].body).toEqual([{ key: 'API_URL', value: 'https://api.example.com', target: 'all' }])
  })

  it('creates the project with only the settings typed in, deploys it and opens the build', async () => {
    const api = fakeApi()
      .on('POST /api/v1/projects', () => json(201, project({ id: 'p7' })))
      .on('POST /api/v1/projects/p7/deployments', () => json(201, deployment({ id: 'd7', status: 'QUEUED' })))
      .on('GET /api/v1/deployments/d7', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), '/home/ada/site')
    await user.clear(screen.getByLabelText('Project name'))
    await user.type(screen.getByLabelText('Project name'), 'Ada Site')
    await user.type(screen.getByLabelText('Output directory'), 'public')
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    await waitFor(() => expect(location()).toBe('/deployments/d7'))
    expect(api.callsTo('POST /api/v1/projects')[0].body).toEqual({
      name: 'Ada Site', gitUrl: '/home/ada/site', productionBranch: 'main', outputDirectory: 'public',
    })
  })

  it('keeps the form with the API message when the project is refused', async () => {
    const api = fakeApi().on('POST /api/v1/projects', () =>
      apiError(400, 'invalid_git_url', 'gitUrl must be an https:// or git@ URL.'))
    const { user } = renderApp(api, '/new')
    await user.type(await screen.findByLabelText('Git repository'), 'ftp://nope')
    await user.click(screen.getByRole('button', { name: 'Import and deploy' }))
    await waitFor(() => expect(screen.getByLabelText('Git repository')).toHaveAccessibleDescription(/^The Git URL must be an https:\/\/ or git@ URL./))
    expect(screen.getByLabelText('Git repository')).toHaveValue('ftp://nope')
  })
})
