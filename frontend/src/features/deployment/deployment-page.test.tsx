import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { LogLine } from '../../lib/types'
import { fakeApi } from '../../test/fake-api'
import { deployment, project } from '../../test/fixtures'
import { renderApp } from '../../test/render'
import { controllableStream, lineEvent } from '../../test/sse-stream'

const line = (n: number, text: string, stream: LogLine['stream'] = 'stdout'): LogLine => ({ n, ts: `2026-01-01T10:00:0${n}.000Z`, stream, text })
const event = lineEvent

/** A READY deployment whose log the test writes. */
function finishedDeploymentWithLog(d = deployment()) {
  const stream = controllableStream()
  const api = fakeApi()
    .on('GET /api/v1/deployments/d1', () => d)
    .on('GET /api/v1/projects/p1', () => project())
    .on('GET /api/v1/projects/p1/deployments', () => [d])
    .on('GET /api/v1/deployments/d1/logs/stream', () => stream.response)
  return { stream, api }
}

describe('DeploymentPage', () => {
  it('names who redeployed it, and still who wrote the commit', async () => {
    const { stream, api } = finishedDeploymentWithLog(deployment({ trigger: 'redeploy', triggeredBy: { login: 'alice', avatarUrl: null },
      author: { name: 'Ada Lovelace', login: null, avatarUrl: null } }))
    renderApp(api, '/deployments/d1')
    expect(await screen.findByTestId('trigger')).toHaveTextContent(/^Redeployed by alice$/)
    expect(screen.getByTestId('author')).toHaveTextContent('Ada Lovelace')
    stream.close()
  })

  it('streams the build log live with timestamps, marking stderr and build-system lines', async () => {
    const stream = controllableStream()
    let current = deployment({ status: 'BUILDING', finishedAt: null, readyAt: null, stats: null })
    const api = fakeApi()
      .on('GET /api/v1/deployments/d1', () => current)
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => [current])
      .on('GET /api/v1/deployments/d1/logs/stream', () => stream.response)
    renderApp(api, '/deployments/d1')
    const log = await screen.findByRole('log')
    stream.push('retry: 2000\n\n' + event(line(1, 'Cloning the repository', 'system')) + event(line(2, 'installing')))
    expect(await within(log).findByText('installing')).toBeInTheDocument()
    expect(within(log).getByText('Waiting for output…')).toBeInTheDocument()
    stream.push(event(line(3, 'warning: peer dependency', 'stderr')).slice(0, 20))
    stream.push(event(line(3, 'warning: peer dependency', 'stderr')).slice(20))
    const warning = await within(log).findByText('warning: peer dependency')
    expect(warning.closest('[data-stream]')).toHaveAttribute('data-stream', 'stderr')
    expect(within(log).getByText('Cloning the repository').closest('[data-stream]')).toHaveAttribute('data-stream', 'system')
    expect(log.querySelector('time')).toHaveAttribute('datetime', '2026-01-01T10:00:01.000Z')
    expect(api.callsTo('GET /api/v1/deployments/d1/logs/stream')[0].headers.authorization).toBe('Bearer token-1')

    current = deployment()
    stream.push('event: end\ndata: {"status":"READY"}\n\n')
    stream.close()
    await waitFor(() => expect(screen.getByRole('list', { name: 'Status timeline' }).querySelector('[data-state="done"]:last-child')).toHaveTextContent('Ready'))
    expect(within(log).queryByText('Waiting for output…')).not.toBeInTheDocument()
    expect(screen.getByText('3 files')).toBeInTheDocument()
    expect(screen.getByText(/uploaded 1 \(512 B\), reused 2/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'd1--my-site.localhost:8080' })).toHaveAttribute('href', 'http://d1--my-site.localhost:8080')
  })

  it('resumes an interrupted stream after the last line it saw, without repeating lines', async () => {
    let connections = 0
    const api = fakeApi()
      .on('GET /api/v1/deployments/d1', () => deployment())
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => [deployment()])
      .on('GET /api/v1/deployments/d1/logs/stream', () => {
        connections++
        const stream = controllableStream()
        if (connections === 1) {
          stream.push('retry: 10\n\n' + event(line(1, 'one')) + event(line(2, 'two')))
        } else {
          stream.push(event(line(2, 'two')) + event(line(3, 'three')) + 'event: end\ndata: {"status":"READY"}\n\n')
        }
        stream.close()
        return stream.response
      })
    renderApp(api, '/deployments/d1')
    const log = await screen.findByRole('log')
    await within(log).findByText('three')
    expect(within(log).getAllByText('two')).toHaveLength(1)
    expect(api.callsTo('GET /api/v1/deployments/d1/logs/stream')[1].headers['last-event-id']).toBe('2')
  })

  it('finds lines by search and says how many match', async () => {
    const { stream, api } = finishedDeploymentWithLog()
    const { user } = renderApp(api, '/deployments/d1')
    const log = await screen.findByRole('log')
    stream.push(event(line(1, 'npm ci')) + event(line(2, 'vite build')) + event(line(3, 'Vite wrote dist/')))
    await within(log).findByText('npm ci')
    await user.type(screen.getByRole('searchbox', { name: 'Search the log' }), 'vite')
    expect(screen.getByText('2 of 3 lines')).toBeInTheDocument()
    expect(within(log).queryByText('npm ci')).not.toBeInTheDocument()
    expect(Array.from(log.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['vite', 'Vite'])
  })

  it('shows why a build failed, and where it stopped', async () => {
    const failed = deployment({ status: 'FAILED', error: 'Output directory `dist` not found after the build; set outputDirectory.', stats: null })
    const api = fakeApi()
      .on('GET /api/v1/deployments/d1', () => failed)
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => [failed])
      .on('GET /api/v1/deployments/d1/logs/stream', () => new Response('event: end\ndata: {"status":"FAILED"}\n\n'))
    renderApp(api, '/deployments/d1')
    expect(await screen.findByText(/Output directory `dist` not found/)).toBeInTheDocument()
    const steps = within(screen.getByRole('list', { name: 'Status timeline' })).getAllByRole('listitem')
    expect(steps.map((s) => [s.textContent?.replace(/[\d:.]+$/, ''), s.dataset.state])).toEqual([
      ['Queued', 'done'], ['Building', 'done'], ['Uploading', 'skipped'], ['Failed', 'failed'],
    ])
    expect(screen.getByText('Nothing published')).toBeInTheDocument()
    expect(await screen.findByText('This build wrote no output.')).toBeInTheDocument()
  })

  it('draws ANSI colours as colours and searches the text without the codes', async () => {
    const { stream, api } = finishedDeploymentWithLog()
    const { user } = renderApp(api, '/deployments/d1')
    const log = await screen.findByRole('log')
    stream.push(event(line(1, '\u001b[36mvite v8.4.0\u001b[39m \u001b[1m\u001b[32mbuilt\u001b[39m\u001b[22m in 1.2s')))
    const vite = await within(log).findByText('vite v8.4.0')
    expect(vite).toHaveStyle({ color: 'rgb(34, 211, 238)' })
    expect(within(log).getByText('built')).toHaveStyle({ fontWeight: '700' })
    expect(log.textContent).not.toContain('\u001b')
    expect(log.textContent).not.toContain('[36m')
    await user.type(screen.getByLabelText('Search the log'), '8.4.0 built')
    expect(await screen.findByText('1 of 1 lines')).toBeInTheDocument()
    // The match spans two coloured runs.
    expect([...log.querySelectorAll('mark')].map((m) => m.textContent).join('')).toBe('8.4.0 built')
  })

  it('says a canceled build was canceled without an error, and points a failure at the log below and the setting', async () => {
    const api = fakeApi()
      .on('GET /api/v1/deployments/d1', () => deployment({ status: 'FAILED', error: 'Output directory `public` not found after the build; set outputDirectory to the folder your build writes. `npm run build` exited; see the log above for the cause.' }))
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => [])
    renderApp(api, '/deployments/d1')
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('set the output directory to the folder')
    expect(alert).toHaveTextContent('see the build log below')
    expect(alert).not.toHaveTextContent('outputDirectory')
    expect(within(alert).getByRole('link', { name: 'Change the build settings' })).toHaveAttribute('href', '/projects/p1/settings')
  })

  it('shows a build the user canceled as canceled, not as an error', async () => {
    const api = fakeApi()
      .on('GET /api/v1/deployments/d1', () => deployment({ status: 'CANCELED', error: 'Canceled by user.' }))
      .on('GET /api/v1/projects/p1', () => project())
      .on('GET /api/v1/projects/p1/deployments', () => [])
    renderApp(api, '/deployments/d1')
    expect(await screen.findByText('Canceled by user.')).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })
})
