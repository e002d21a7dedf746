// A deployment's serverless functions: the routes its build found (and its web app), then the live
// function log. Shown only for deployments that run functions.
import { Card, ErrorMessage, Spinner } from '../../components/ui'
import { getDeploymentFunctions } from '../../lib/endpoints'
import type { Deployment } from '../../lib/types'
import { useResource } from '../../lib/use-resource'
import { BuildLog } from './build-log'

export function FunctionsPanel({ deployment }: { deployment: Deployment }) {
  const listing = useResource((signal) => getDeploymentFunctions(deployment.id, signal), [deployment.id])
  const data = listing.data
  return (
    <div className="space-y-3">
      <Card className="p-4 sm:p-6" aria-label="Functions">
        <h2 className="text-base font-semibold">Functions</h2>
        <ErrorMessage error={listing.error} />
        {!data && !listing.error && <Spinner small label="Loading functions…" />}
        {data && data.functions.length > 0 && (
          <table className="mt-3 w-full text-left text-sm">
            <thead className="text-xs text-zinc-500">
              <tr><th className="py-1 pr-4 font-medium">Route</th><th className="py-1 pr-4 font-medium">Runtime</th><th className="py-1 font-medium">Source</th></tr>
            </thead>
            <tbody>
              {data.functions.map((f) => (
                <tr key={f.name} className="border-t border-zinc-100">
                  <td className="py-1.5 pr-4 font-mono">{f.route}</td>
                  <td className="py-1.5 pr-4">{f.runtime === 'node' ? 'Node.js' : 'Python'}</td>
                  <td className="py-1.5 font-mono text-zinc-600">{f.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.app && (
          <p className="mt-3 text-sm text-zinc-700">
            A {data.app.runtime === 'python' ? 'Python' : data.app.runtime} web app (<code className="font-mono">{data.app.entry}</code>
            {data.app.startCommand ? <>, started with <code className="font-mono">{data.app.startCommand}</code></> : null}) answers every
            other path{data.app.staticDirs.length > 0 && <>, except files under {data.app.staticDirs.map((d) => `/${d}`).join(', ')}</>}.
          </p>
        )}
      </Card>
      <BuildLog deploymentId={deployment.id} kind="functions" />
    </div>
  )
}
