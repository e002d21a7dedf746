import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { LEAVE_QUESTION } from '../../lib/unsaved'
import type { ProjectChanges } from '../../lib/types'
import { apiError, fakeApi } from '../../test/fake-api'
import { deployment, project } from '../../test/fixtures'
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

  it('puts a refused setting under its field in the form\'s words, and after a save offers to redeploy', async () => {
    let current = project()
    let refuse = true
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => current)
      .on('PATCH /api/v1/projects/p1', (call) => refuse
        ? apiError(400, 'invalid_output_directory', 'outputDirectory must be a path inside the repository, like `dist` or `apps/web`; got "../up".')
        : (current = { ...current, ...(call.body as ProjectChanges) }))
      .on('POST /api/v1/projects/p1/deployments', () => deployment({ id: 'd9', status: 'QUEUED' }))
      .on('GET /api/v1/deployments/d9', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/projects/p1/settings')
    const form = await screen.findByRole('form', { name: 'Build settings' })
    const output = within(form).getByLabelText('Output directory')
    await user.type(output, '../up')
    expect(within(form).getByText('Unsaved changes')).toBeInTheDocument()
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(output).toHaveAccessibleDescription(/^The output directory must be a path inside the repository/))
    expect(output).toHaveAttribute('aria-invalid', 'true')

    refuse = false
    await user.clear(output)
    expect(output).not.toHaveAttribute('aria-invalid')
    await user.type(output, 'dist')
    await user.click(within(form).getByRole('button', { name: 'Save' }))
    const toast = await screen.findByTestId('toast')
    expect(toast).toHaveTextContent('Settings saved. They apply from the next deployment.')
    await user.click(within(toast).getByRole('button', { name: 'Redeploy now' }))
    await waitFor(() => expect(location()).toBe('/deployments/d9'))
  })

  it('asks before a link leaves unsaved settings', async () => {
    const api = fakeApi().on('GET /api/v1/projects/p1', () => project()).on('GET /api/v1/projects/p1/deployments', () => [])
    const { user, location } = renderApp(api, '/projects/p1/settings')
    const form = await screen.findByRole('form', { name: 'Build settings' })
    await user.type(within(form).getByLabelText('Build command'), 'make')
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false)
    await user.click(screen.getByRole('link', { name: /My Site/ }))
    expect(confirm).toHaveBeenCalledWith(LEAVE_QUESTION)
    expect(location()).toBe('/projects/p1/settings')
    confirm.mockReturnValue(true)
    await user.click(screen.getByRole('link', { name: /My Site/ }))
    await waitFor(() => expect(location()).toBe('/projects/p1'))
    confirm.mockRestore()
  })
})
