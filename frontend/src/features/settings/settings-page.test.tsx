import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { ProjectChanges } from '../../lib/types'
import { apiError, fakeApi } from '../../test/fake-api'
import { project } from '../../test/fixtures'
import { renderApp } from '../../test/render'

describe('SettingsPage', () => {
  it('saves only what changed, and an emptied build setting returns to detection', async () => {
    let current = project({ buildCommand: 'npm run build:site', outputDirectory: 'public' })
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => current)
      .on('PATCH /api/v1/projects/p1', (call) => (current = { ...current, ...(call.body as ProjectChanges) }))
    const { user } = renderApp(api, '/projects/p1/settings')
    const form = await screen.findByRole('form', { name: 'Build settings' })
    const save = within(form).getByRole('button', { name: 'Save' })
    expect(save).toBeDisabled()
    await user.clear(within(form).getByLabelText('Build command'))
    await user.type(within(form).getByLabelText('Install command'), 'pnpm install')
    await user.click(save)
    expect(await within(form).findByText('Saved')).toBeInTheDocument()
    expect(api.callsTo('PATCH /api/v1/projects/p1')[0].body).toEqual({ buildCommand: null, installCommand: 'pnpm install' })
    expect(within(form).getByLabelText('Install command')).toHaveValue('pnpm install')
  })

  it('shows the API\'s refusal next to the form', async () => {
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => project())
      .on('PATCH /api/v1/projects/p1', () => apiError(400, 'invalid_directory', 'outputDirectory must stay inside the repository.'))
    const { user } = renderApp(api, '/projects/p1/settings')
    const form = await screen.findByRole('form', { name: 'Build settings' })
    await user.type(within(form).getByLabelText('Output directory'), '../up')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByRole('alert')).toHaveTextContent('outputDirectory must stay inside the repository.')
  })

  it('deletes the project only once its exact name is typed', async () => {
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => project())
      .on('DELETE /api/v1/projects/p1', () => new Response(null, { status: 204 }))
      .on('GET /api/v1/projects', () => [])
    const { user, location } = renderApp(api, '/projects/p1/settings')
    const danger = await screen.findByRole('form', { name: 'Delete project' })
    const button = within(danger).getByRole('button', { name: 'Delete this project' })
    await user.type(within(danger).getByLabelText(/to confirm/), 'my site')
    expect(button).toBeDisabled()
    await user.clear(within(danger).getByLabelText(/to confirm/))
    await user.type(within(danger).getByLabelText(/to confirm/), 'My Site')
    await user.click(button)
    await waitFor(() => expect(location()).toBe('/'))
    expect(api.callsTo('DELETE /api/v1/projects/p1')).toHaveLength(1)
  })
})
