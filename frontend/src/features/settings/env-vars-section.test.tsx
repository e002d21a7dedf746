import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { EnvVar, EnvVarInput } from '../../lib/types'
import { apiError, fakeApi } from '../../test/fake-api'
import { project } from '../../test/fixtures'
import { renderApp } from '../../test/render'

const stored: EnvVar[] = [
  { key: 'API_URL', target: 'production', updatedAt: '2026-11-20T10:00:00Z' },
  { key: 'TOKEN', target: 'all', updatedAt: '2026-11-20T10:00:00Z' },
]

function settingsWith(vars: EnvVar[]) {
  let current = vars
  const api = fakeApi()
    .on('GET /api/v1/projects/p1', () => project())
    .on('GET /api/v1/projects/p1/hooks', () => [])
    .on('GET /api/v1/projects/p1/env', () => current)
    .on('PUT /api/v1/projects/p1/env', (call) =>
      (current = (call.body as EnvVarInput[]).map((v) => ({ key: v.key, target: v.target, updatedAt: '2026-11-23T10:00:00Z' }))))
  return api
}

describe('EnvVarsSection', () => {
  it('lists stored keys with their target and a hidden value', async () => {
    const api = settingsWith(stored)
    renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Environment variables' })
    const row = await within(section).findByRole('listitem', { name: 'API_URL (Production)' })
    expect(within(row).getByText('••••')).toBeInTheDocument()
    expect(within(section).getByRole('listitem', { name: 'TOKEN (All)' })).toBeInTheDocument()
  })

  it('saves the whole set: kept values as null, changed and added values as typed, removed ones left out', async () => {
    const api = settingsWith(stored)
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Environment variables' })
    const apiUrl = await within(section).findByRole('listitem', { name: 'API_URL (Production)' })
    await user.click(within(apiUrl).getByRole('button', { name: 'Change value' }))
    await user.type(within(apiUrl).getByLabelText('New value for API_URL'), 'https://api.example.com')
    await user.click(within(within(section).getByRole('listitem', { name: 'TOKEN (All)' })).getByRole('button', { name: 'Remove' }))
    const add = within(section).getByRole('form', { name: 'Add environment variable' })
    await user.type(within(add).getByLabelText('Key'), 'SECRET')
    await user.type(within(add).getByLabelText('Value'), 's3cret')
    await user.selectOptions(within(add).getByLabelText('Target'), 'preview')
    await user.click(within(add).getByRole('button', { name: 'Add' }))
    await user.click(within(section).getByRole('button', { name: 'Save variables' }))
    expect(await within(section).findByText('Saved')).toBeInTheDocument()
    expect(api.callsTo('PUT /api/v1/projects/p1/env')[0].body).toEqual([
      { key: 'API_URL', value: 'https://api.example.com', target: 'production' },
      { key: 'SECRET', value: 's3cret', target: 'preview' },
    ])
    // Once saved, no value is on screen any more: only the hidden marker.
    expect(section.textContent).not.toContain('s3cret')
    expect(within(section).queryByDisplayValue('s3cret')).toBeNull()
    expect(within(section).queryByDisplayValue('https://api.example.com')).toBeNull()
    expect(within(within(section).getByRole('listitem', { name: 'SECRET (Preview)' })).getByText('••••')).toBeInTheDocument()
    expect(within(section).queryByRole('listitem', { name: 'TOKEN (All)' })).toBeNull()
  })

  it('shows the API\'s refusal inside the section and beside the variable it names, and keeps the edits', async () => {
    const api = settingsWith([{ key: 'API_URL', target: 'all', updatedAt: '2026-01-01T00:00:00Z' }])
      .on('PUT /api/v1/projects/p1/env', () => apiError(400, 'invalid_env',
        'Fix these environment variables: `PATH` is set by Miaobu for every build; choose another name.',
        { '[1].key': '`PATH` is set by Miaobu for every build; choose another name' }))
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Environment variables' })
    const add = await within(section).findByRole('form', { name: 'Add environment variable' })
    await user.type(within(add).getByLabelText('Key'), 'PATH')
    await user.type(within(add).getByLabelText('Value'), 'x')
    await user.click(within(add).getByRole('button', { name: 'Add' }))
    await user.click(within(section).getByRole('button', { name: 'Save variables' }))
    expect(await within(section).findByRole('alert')).toHaveTextContent('`PATH` is set by Miaobu for every build')
    // error.fields names the entry sent second: its row says what is wrong with it, the others nothing.
    const path = within(section).getByRole('listitem', { name: 'PATH (All)' })
    expect(path).toHaveAccessibleDescription('`PATH` is set by Miaobu for every build; choose another name.')
    expect(within(path).getByLabelText('New value for PATH')).toHaveAttribute('aria-invalid', 'true')
    expect(within(section).getByRole('listitem', { name: 'API_URL (All)' })).not.toHaveAccessibleDescription()
  })

  it('refuses a name no build could use under the Key field, before anything is sent', async () => {
    const api = settingsWith([])
    const { user } = renderApp(api, '/projects/p1/settings')
    const section = await screen.findByRole('region', { name: 'Environment variables' })
    const add = await within(section).findByRole('form', { name: 'Add environment variable' })
    await user.type(within(add).getByLabelText('Key'), '1BAD')
    await user.click(within(add).getByRole('button', { name: 'Add' }))
    const key = within(add).getByLabelText('Key')
    expect(key).toHaveAttribute('aria-invalid', 'true')
    expect(key).toHaveAccessibleDescription(/1BAD cannot be a variable name/)
    expect(within(section).queryByRole('listitem', { name: '1BAD (All)' })).toBeNull()
  })
})
