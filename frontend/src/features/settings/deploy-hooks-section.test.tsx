import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { DeployHook } from '../../lib/types'
import { apiError, fakeApi, json } from '../../test/fake-api'
import { project } from '../../test/fixtures'
import { renderApp } from '../../test/render'

const hook = (overrides: Partial<DeployHook> = {}): DeployHook => ({
  id: 'h1', projectId: 'p1', name: 'CMS', branch: 'main', createdAt: '2026-11-20T10:00:00Z', ...overrides,
})

function settingsWith(hooks: DeployHook[]) {
  return fakeApi()
    .on('GET /api/v1/projects/p1', () => project())
    .on('GET /api/v1/projects/p1/env', () => [])
    .on('GET /api/v1/projects/p1/hooks', () => hooks)
}

describe('DeployHooksSection', () => {
  it('shows a new hook\'s URL once, with a copy button, and lists the hook without it', async () => {
    const url = 'http://localhost:8080/hooks/deploy/tok_secret123'
    const api = settingsWith([])
      .on('POST /api/v1/projects/p1/hooks', () => json(201, { ...hook({ id: 'h2', name: 'Nightly', branch: 'develop' }), url }))
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Deploy hooks' })
    const form = within(section).getByRole('form', { name: 'Create deploy hook' })
    await user.type(within(form).getByLabelText('Hook name'), 'Nightly')
    await user.type(within(form).getByLabelText('Branch'), 'develop')
    await user.click(within(form).getByRole('button', { name: 'Create hook' }))
    const shown = await within(section).findByRole('region', { name: 'New hook URL' })
    expect(shown).toHaveTextContent(url)
    expect(shown).toHaveTextContent('it will not be shown again')
    await user.click(within(shown).getByRole('button', { name: 'Copy' }))
    // user-event stands in for the system clipboard; what the button wrote is read back from it.
    expect(await navigator.clipboard.readText()).toBe(url)
    expect(within(shown).getByRole('status')).toHaveTextContent('Copied')
    expect(api.callsTo('POST /api/v1/projects/p1/hooks')[0].body).toEqual({ name: 'Nightly', branch: 'develop' })
    expect(within(section).getByRole('listitem', { name: 'Nightly' })).toHaveTextContent('develop')
    await user.click(within(shown).getByRole('button', { name: 'Done' }))
    expect(section.textContent).not.toContain('tok_secret123')
  })

  it('lists hooks, with the production branch for a hook without one, and deletes one', async () => {
    const api = settingsWith([hook(), hook({ id: 'h2', name: 'Preview', branch: 'staging' })])
      .on('DELETE /api/v1/projects/p1/hooks/h1', () => new Response(null, { status: 204 }))
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Deploy hooks' })
    const cms = await within(section).findByRole('listitem', { name: 'CMS' })
    expect(cms).toHaveTextContent(project().productionBranch)
    await user.click(within(cms).getByRole('button', { name: 'Delete' }))
    const dialog = screen.getByRole('dialog', { name: 'Delete the hook “CMS”?' })
    await user.click(within(dialog).getByRole('button', { name: 'Keep as is' }))
    expect(api.callsTo('DELETE /api/v1/projects/p1/hooks/h1')).toHaveLength(0)
    expect(within(section).getByRole('listitem', { name: 'CMS' })).toBeInTheDocument()

    await user.click(within(cms).getByRole('button', { name: 'Delete' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete hook' }))
    await waitFor(() => expect(within(section).queryByRole('listitem', { name: 'CMS' })).toBeNull())
    expect(within(section).getByRole('listitem', { name: 'Preview' })).toBeInTheDocument()
    expect(api.callsTo('DELETE /api/v1/projects/p1/hooks/h1')).toHaveLength(1)
  })

  it('keeps the hook and shows the API message in the confirmation when deleting fails', async () => {
    const api = settingsWith([hook()])
      .on('DELETE /api/v1/projects/p1/hooks/h1', () => apiError(500, 'internal_error', 'Something went wrong on our side; the error was logged.'))
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Deploy hooks' })
    await user.click(within(await within(section).findByRole('listitem', { name: 'CMS' })).getByRole('button', { name: 'Delete' }))
    const dialog = screen.getByRole('dialog')
    await user.click(within(dialog).getByRole('button', { name: 'Delete hook' }))
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Something went wrong on our side')
    expect(within(section).getByRole('listitem', { name: 'CMS' })).toBeInTheDocument()
  })

  it('shows the API\'s refusal next to the create form', async () => {
    const api = settingsWith([])
      .on('POST /api/v1/projects/p1/hooks', () => apiError(400, 'invalid_hook', 'name must be 1 to 100 characters'))
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Deploy hooks' })
    const form = within(section).getByRole('form', { name: 'Create deploy hook' })
    await user.type(within(form).getByLabelText('Hook name'), 'x')
    await user.click(within(form).getByRole('button', { name: 'Create hook' }))
    expect(await within(form).findByRole('alert')).toHaveTextContent('name must be 1 to 100 characters')
    expect(within(section).queryByRole('region', { name: 'New hook URL' })).toBeNull()
  })
})
