import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeApi } from '../../test/fake-api'
import { deployment, project } from '../../test/fixtures'
import { renderApp } from '../../test/render'
import { controllableStream, lineEvent } from '../../test/sse-stream'

const event = lineEvent
const stream = controllableStream

function deploymentWithFunctions(d = deployment({ functions: 3 })) {
  const buildLog = stream()
  const functionLog = stream()
  const api = fakeApi()
    .on('GET /api/v1/deployments/d1', () => d)
    .on('GET /api/v1/projects/p1', () => project())
    .on('GET /api/v1/projects/p1/deployments', () => [d])
    .on('GET /api/v1/deployments/d1/logs/stream', () => buildLog.response)
    .on('GET /api/v1/deployments/d1/functions/logs/stream', () => functionLog.response)
    .on('GET /api/v1/deployments/d1/functions', () => ({
      functions: [
        { name: 'api/hello', route: '/api/hello', runtime: 'node', source: 'api/hello.ts' },
        { name: 'api/users/[id]', route: '/api/users/[id]', runtime: 'node', source: 'api/users/[id].js' },
      ],
      app: { runtime: 'python', entry: 'main:app', protocol: 'asgi', startCommand: null, staticDirs: ['static/'], pythonVersion: '3.11' },
    }))
  return { api, functionLog }
}

describe('FunctionsPanel', () => {
  it('lists the routes of a deployment with functions and streams what they print', async () => {
    const { api, functionLog } = deploymentWithFunctions()
    renderApp(api, '/deployments/d1')

    const panel = await screen.findByRole('region', { name: 'Functions' })
    expect(await within(panel).findByText('/api/users/[id]')).toBeInTheDocument()
    expect(within(panel).getByText('api/hello.ts')).toBeInTheDocument()
    expect(panel).toHaveTextContent(/Python web app \(main:app\) answers every other path, except files under \/static\//)

    const log = await screen.findByRole('region', { name: 'Function log' })
    expect(within(log).getByText('Waiting for requests…')).toBeInTheDocument()
    functionLog.push(event({ n: 7, ts: '2026-01-01T10:01:00.000Z', stream: 'stdout', text: 'miaobu-request GET /api/hello 200 3ms api/hello' })
      + event({ n: 9, ts: '2026-01-01T10:01:01.000Z', stream: 'stderr', text: 'TypeError: boom' }))
    expect(await within(log).findByText('TypeError: boom')).toBeInTheDocument()
    expect(within(log).getByText('TypeError: boom').closest('[data-stream]')).toHaveAttribute('data-stream', 'stderr')
    expect(api.callsTo('GET /api/v1/deployments/d1/functions/logs/stream')[0].headers.authorization).toBe('Bearer token-1')
  })

  it('is not shown for a static site', async () => {
    const { api } = deploymentWithFunctions(deployment())
    renderApp(api, '/deployments/d1')

    expect(await screen.findByRole('region', { name: 'Build log' })).toBeInTheDocument()
    expect(screen.queryByRole('region', { name: 'Functions' })).not.toBeInTheDocument()
    expect(api.callsTo('GET /api/v1/deployments/d1/functions')).toHaveLength(0)
  })
})
