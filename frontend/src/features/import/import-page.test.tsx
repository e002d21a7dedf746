import { screen, waitFor } from '@testing-library/react'
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
      framework: { id: 'vite', name: 'Vite' }, packageManager: 'pnpm', installCommand: 'pnpm install',
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
    await user.type(await screen.findByLabelText('Git repository'), 'https://example.com/x.git')
    expect(await screen.findByRole('alert')).toHaveTextContent('repository not found')
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
    expect(await screen.findByText('gitUrl must be an https:// or git@ URL.')).toBeInTheDocument()
    expect(screen.getByLabelText('Git repository')).toHaveValue('ftp://nope')
  })
})
