// A project's settings, one section each (see SETTINGS_SECTIONS).
import type { ReactNode } from 'react'
import { useParams } from 'react-router'
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../components/ui'
import { getProject } from '../../lib/endpoints'
import { useResource } from '../../lib/use-resource'
import type { Project } from '../../lib/types'
import { BuildSettingsForm } from './build-settings-form'
import { DeleteProject } from './delete-project'
import { DeployHooksSection } from './deploy-hooks-section'
import { DomainsSection } from './domains-section'
import { EnvVarsSection } from './env-vars-section'

export interface SettingsSection {
  id: string
  render(project: Project, onSaved: (p: Project) => void): ReactNode
}

/** The sections, top to bottom; a new kind of setting adds one entry here, above the danger zone. */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'build', render: (project, onSaved) => <BuildSettingsForm project={project} onSaved={onSaved} /> },
  { id: 'env', render: (project) => <EnvVarsSection project={project} /> },
  { id: 'hooks', render: (project) => <DeployHooksSection project={project} /> },
  { id: 'domains', render: (project) => <DomainsSection project={project} /> },
  { id: 'delete', render: (project) => <DeleteProject project={project} /> },
]

export function SettingsPage() {
  const { projectId = '' } = useParams()
  const project = useResource((signal) => getProject(projectId, signal), [projectId])
  if (project.error && !project.data) {
    return <div className="space-y-4"><BackLink to="/">Projects</BackLink><ErrorMessage error={project.error} /></div>
  }
  if (!project.data) return <Loading what="settings" />
  const p = project.data
  return (
    <div className="space-y-6">
      <BackLink to={`/projects/${p.id}`}>{p.name}</BackLink>
      <PageTitle title="Settings" documentTitle={`Settings · ${p.name}`} subtitle={p.gitUrl} />
      {SETTINGS_SECTIONS.map((section) => <div key={section.id}>{section.render(p, project.set)}</div>)}
    </div>
  )
}
