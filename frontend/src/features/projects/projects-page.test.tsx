import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { apiError, fakeApi } from '../../test/fake-api'
import { deployment, projectListItem } from '../../test/fixtures'
import { renderApp } from '../../test/render'

describe('ProjectsPage', () => {
  it('leads a new user to import when there is nothing yet', async () => {
    const api = fakeApi().on('GET /api/v1/projects', () => [])
    renderApp(api, '/')
    await screen.findByRole('heading', { name: 'No projects yet' })
    expect(screen.getByRole('link', { name: 'Import a Git repository' })).toHaveAttribute('href', '/new')
  })

  it('shows each project with its live address and how its last deployment went', async () => {
    const api = fakeApi()
      .on('GET /api/v1/projects', () => [
        projectListItem({ id: 'p1', name: 'Docs', url: 'http://docs.localhost:8080', liveDeploymentId: 'd1',
          latestDeployment: deployment({ status: 'FAILED', commitMessage: 'Break the build' }) }),
        projectListItem({ id: 'p2', name: 'Shop', url: 'http://shop.localhost:8080', latestDeployment: null }),
      ])
    renderApp(api, '/')
    const cards = await screen.findAllByRole('listitem')
    const docs = within(cards[0])
    expect(docs.getByRole('link', { name: 'Docs' })).toHaveAttribute('href', '/projects/p1')
    expect(docs.getByRole('link', { name: 'docs.localhost:8080' })).toHaveAttribute('href', 'http://docs.localhost:8080')
    expect(docs.getByText('Failed')).toBeInTheDocument()
    expect(docs.getByText(/Break the build/)).toBeInTheDocument()
    const shop = within(cards[1])
    expect(shop.getByText('Not deployed yet')).toBeInTheDocument()
    expect(shop.getByText(/not live yet/)).toBeInTheDocument()
    // The whole list is one request, however many projects there are.
    expect(api.calls.filter((c) => c.path.startsWith('/api/v1/projects'))).toHaveLength(1)
  })

  it('shows the API error in place when the list cannot be loaded', async () => {
    const api = fakeApi().on('GET /api/v1/projects', () => apiError(500, 'internal_error', 'Something went wrong on our side; the error was logged.'))
    renderApp(api, '/')
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong on our side')
  })
})
