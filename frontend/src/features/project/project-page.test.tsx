import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { apiError, fakeApi } from '../../test/fake-api'
import { deployment, project } from '../../test/fixtures'
import { renderApp } from '../../test/render'

const older = deployment({ id: 'd1', commitMessage: 'First version', createdAt: '2026-01-01T10:00:00Z',
  author: { name: 'Grace Hopper', login: null, avatarUrl: null } })
const live = deployment({ id: 'd2', commitMessage: 'Second version', createdAt: '2026-01-02T10:00:00Z', live: true, commit: 'bbbbbbbbbb',
  author: { name: 'Mona Lisa', login: 'mona', avatarUrl: 'https://avatars.githubusercontent.com/u/9919?v=4' } })
const building = deployment({ id: 'd3', status: 'BUILDING', target: 'preview', branch: 'feature/x', commitMessage: 'Try a thing',
  createdAt: '2026-01-03T10:00:00Z', finishedAt: null, readyAt: null })

function server() {
  return fakeApi()
    .on('GET /api/v1/projects/p1', () => project({ liveDeploymentId: 'd2' }))
    .on('GET /api/v1/projects/p1/deployments', () => [building, live, older])
}

describe('ProjectPage', () => {
  it('shows the live deployment and every deployment with its status, branch, commit and target', async () => {
    renderApp(server(), '/projects/p1')
    const card = await screen.findByRole('region', { name: 'Live deployment' })
    expect(within(card).getByRole('link', { name: 'my-site.localhost:8080' })).toHaveAttribute('href', 'http://my-site.localhost:8080')
    expect(within(card).getByText('Second version')).toBeInTheDocument()
    const rows = await screen.findAllByRole('listitem', { name: /^Deployment / })
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual(['Deployment d3', 'Deployment d2', 'Deployment d1'])
    expect(within(rows[0]).getByText('Building')).toBeInTheDocument()
    expect(within(rows[0]).getByText('Preview')).toBeInTheDocument()
    expect(within(rows[0]).getByText('feature/x')).toBeInTheDocument()
    expect(within(rows[1]).getByText('Live')).toBeInTheDocument()
    expect(within(rows[1]).getByText('Production')).toBeInTheDocument()
    expect(within(rows[1]).getByText('bbbbbbb')).toBeInTheDocument()
    expect(within(rows[2]).getByText('8.0s')).toBeInTheDocument()
    expect(within(rows[2]).getByText('Production')).toBeInTheDocument()
    // Who wrote each commit: the GitHub avatar when known, else the name's initials.
    expect(within(rows[1]).getByTestId('author')).toHaveTextContent('Mona Lisa')
    expect(rows[1].querySelector('img')).toHaveAttribute('src', 'https://avatars.githubusercontent.com/u/9919?v=4')
    expect(within(rows[2]).getByTestId('author')).toHaveTextContent('Grace Hopper')
    expect(within(rows[2]).getByText('GH')).toBeInTheDocument()
    expect(within(rows[0]).queryByTestId('author')).toBeNull()
  })

  it('rolls back to an older deployment only after the user confirms', async () => {
    const api = server().on('POST /api/v1/deployments/d1/promote', () => ({ ...older, live: true }))
    const { user } = renderApp(api, '/projects/p1')
    const row = await screen.findByRole('listitem', { name: 'Deployment d1' })
    await user.click(within(row).getByRole('button', { name: 'Roll back' }))
    const dialog = screen.getByRole('dialog', { name: 'Roll back to this deployment?' })
    await user.click(within(dialog).getByRole('button', { name: 'Keep as is' }))
    expect(api.callsTo('POST /api/v1/deployments/d1/promote')).toHaveLength(0)

    await user.click(within(row).getByRole('button', { name: 'Roll back' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Roll back' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    expect(api.callsTo('POST /api/v1/deployments/d1/promote')).toHaveLength(1)
  })

  it('keeps the confirmation open with the API message when the action is refused', async () => {
    const api = server().on('POST /api/v1/deployments/d3/cancel', () =>
      apiError(409, 'not_cancelable', 'Deployment d3 already finished; nothing to cancel.'))
    const { user } = renderApp(api, '/projects/p1')
    const row = await screen.findByRole('listitem', { name: 'Deployment d3' })
    expect(within(row).queryByRole('button', { name: 'Roll back' })).not.toBeInTheDocument()
    await user.click(within(row).getByRole('button', { name: 'Cancel' }))
    const dialog = screen.getByRole('dialog', { name: 'Cancel this build?' })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel build' }))
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('already finished; nothing to cancel.')
  })

  it('redeploys the same branch and commit and opens the new build', async () => {
    const api = server()
      .on('POST /api/v1/projects/p1/deployments', () => deployment({ id: 'd9', status: 'QUEUED' }))
      .on('GET /api/v1/deployments/d9', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/projects/p1')
    const row = await screen.findByRole('listitem', { name: 'Deployment d1' })
    await user.click(within(row).getByRole('button', { name: 'Redeploy' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Redeploy' }))
    await waitFor(() => expect(location()).toBe('/deployments/d9'))
    expect(api.callsTo('POST /api/v1/projects/p1/deployments')[0].body).toEqual({ branch: 'main', commit: 'a1b2c3d4e5f6' })
  })

  it('says so in place when the project does not exist', async () => {
    const api = fakeApi().on('GET /api/v1/projects/p404', () => apiError(404, 'not_found', 'Project p404 not found.'))
    renderApp(api, '/projects/p404')
    expect(await screen.findByRole('alert')).toHaveTextContent('Project p404 not found.')
  })

  it('follows deployments started elsewhere without a reload, and shows a rollback with the way back', async () => {
    let list = [live, older]
    let current = project({ liveDeploymentId: 'd2' })
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => current)
      .on('GET /api/v1/projects/p1/deployments', () => list)
      .on('PATCH /api/v1/projects/p1', () => (current = { ...current, autoPublish: true }))
    const { user } = renderApp(api, '/projects/p1')
    await screen.findByRole('listitem', { name: 'Deployment d2' })
    expect(screen.queryByRole('status', { name: 'Rollback' })).not.toBeInTheDocument()

    // A hook starts a deployment, and another tab rolls back to d1 (which turns auto-publish off).
    list = [building, { ...live, live: false }, { ...older, live: true }]
    current = project({ liveDeploymentId: 'd1', autoPublish: false })
    expect(await screen.findByRole('listitem', { name: 'Deployment d3' }, { timeout: 2500 })).toBeInTheDocument()
    const banner = await screen.findByRole('status', { name: 'Rollback' })
    expect(banner).toHaveTextContent('Rolled back.')
    expect(banner).toHaveTextContent('build but do not go live until you promote one')
    expect(within(screen.getByRole('region', { name: 'Live deployment' })).getByText('First version')).toBeInTheDocument()

    await user.click(within(banner).getByRole('button', { name: 'Publish new deployments automatically' }))
    expect(api.callsTo('PATCH /api/v1/projects/p1')[0].body).toEqual({ autoPublish: true })
    expect(await screen.findByText('New deployments of main go live again when they are ready.')).toBeInTheDocument()
  })

  it('says in one line what started each deployment and who: the user for a deploy, the author for a push, the hook by name', async () => {
    const ada = { name: 'Ada Lovelace', login: null, avatarUrl: null }
    const alice = { login: 'alice', avatarUrl: 'https://avatars.githubusercontent.com/u/7?v=4' }
    const rows = [
      deployment({ id: 'r1', trigger: 'redeploy', triggeredBy: alice, author: ada }),
      deployment({ id: 'r2', trigger: 'cli', triggeredBy: { login: 'alice', avatarUrl: null }, branch: null as unknown as string, commit: null }),
      deployment({ id: 'r3', trigger: 'push', author: { name: 'Bob Builder', login: 'bob', avatarUrl: null } }),
      deployment({ id: 'r4', trigger: 'hook', hookName: 'CMS publish', author: ada }),
      deployment({ id: 'r5', trigger: 'manual', triggeredBy: { login: 'alice', avatarUrl: null } }),
      deployment({ id: 'r6', trigger: 'manual', triggeredBy: null }),
    ]
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => rows)
    const { user } = renderApp(api, '/projects/p1')
    const origin = async (id: string) => within(await screen.findByRole('listitem', { name: `Deployment ${id}` })).getByTestId('trigger')
    expect(await origin('r1')).toHaveTextContent(/^Redeployed by alice$/)
    expect(await origin('r2')).toHaveTextContent(/^Deployed by alice via CLI$/)
    expect(await origin('r3')).toHaveTextContent(/^Pushed by Bob Builder$/)
    expect(await origin('r4')).toHaveTextContent(/^Deploy hook “CMS publish”$/)
    expect(await origin('r5')).toHaveTextContent(/^Deployed by alice$/)
    expect(await origin('r6')).toHaveTextContent(/^Deployed by hand$/)
    // The user's GitHub avatar beside their name; the commit's author is not shown as the one who deployed.
    const redeployed = screen.getByRole('listitem', { name: 'Deployment r1' })
    expect(redeployed.querySelector('img')).toHaveAttribute('src', 'https://avatars.githubusercontent.com/u/7?v=4')
    expect(within(redeployed).queryByText('Ada Lovelace')).toBeNull()
    expect(within(redeployed).getByTitle('Commit by Ada Lovelace')).toBeInTheDocument()
    expect(screen.getByRole('listitem', { name: 'Deployment r4' }).querySelector('img')).toBeNull()

    await user.type(screen.getByRole('searchbox', { name: 'Search deployments' }), 'cms')
    expect(screen.getAllByRole('listitem', { name: /^Deployment / }).map((r) => r.getAttribute('aria-label'))).toEqual(['Deployment r4'])
  })

  it('filters deployments by branch and status, searches them, and shows a preview branch\'s own address', async () => {
    const preview = deployment({ id: 'd4', target: 'preview', branch: 'feature/x', commitMessage: 'Preview it',
      createdAt: '2026-01-04T10:00:00Z', url: 'http://d4--my-site.localhost:8080', branchUrl: 'http://feature-x--my-site.localhost:8080',
      trigger: 'hook' })
    const api = fakeApi()
      .on('GET /api/v1/projects/p1', () => project({ liveDeploymentId: 'd2' }))
      .on('GET /api/v1/projects/p1/deployments', () => [preview, building, live, older])
    const { user } = renderApp(api, '/projects/p1')
    const row = await screen.findByRole('listitem', { name: 'Deployment d4' })
    expect(within(row).getByRole('link', { name: 'Visit feature-x--my-site.localhost:8080' }))
      .toHaveAttribute('href', 'http://feature-x--my-site.localhost:8080')
    expect(within(row).getByRole('button', { name: 'Copy address' })).toBeInTheDocument()
    // What started it, in words.
    expect(within(row).getByTestId('trigger')).toHaveTextContent('Deploy hook')

    await user.selectOptions(screen.getByRole('combobox', { name: 'Branch' }), 'main')
    expect(screen.getAllByRole('listitem', { name: /^Deployment / }).map((r) => r.getAttribute('aria-label')))
      .toEqual(['Deployment d2', 'Deployment d1'])
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'building')
    expect(screen.getByText('No deployment matches these filters.')).toBeInTheDocument()
    await user.selectOptions(screen.getByRole('combobox', { name: 'Branch' }), '')
    expect(screen.getAllByRole('listitem', { name: /^Deployment / }).map((r) => r.getAttribute('aria-label'))).toEqual(['Deployment d3'])
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), '')
    await user.type(screen.getByRole('searchbox', { name: 'Search deployments' }), 'grace')
    expect(screen.getAllByRole('listitem', { name: /^Deployment / }).map((r) => r.getAttribute('aria-label'))).toEqual(['Deployment d1'])
  })

  it('deploys another branch from the page', async () => {
    const api = server()
      .on('POST /api/v1/projects/p1/deployments', () => deployment({ id: 'd9', status: 'QUEUED' }))
      .on('GET /api/v1/deployments/d9', () => apiError(404, 'not_found', 'stop here'))
    const { user, location } = renderApp(api, '/projects/p1')
    await user.type(await screen.findByLabelText('Branch to deploy'), 'feature/y')
    await user.click(screen.getByRole('button', { name: 'Deploy branch' }))
    await waitFor(() => expect(location()).toBe('/deployments/d9'))
    expect(api.callsTo('POST /api/v1/projects/p1/deployments')[0].body).toEqual({ branch: 'feature/y' })
  })
})
