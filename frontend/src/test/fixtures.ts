import type { Deployment, Project, ProjectListItem, User } from '../lib/types'

export const user: User = { id: 'u1', email: 'ada@example.com', githubLogin: null, createdAt: '2026-01-01T00:00:00Z' }

export function project(overrides: Partial<Project> = {}): Project {
  return {
    id: 'p1', name: 'My Site', slug: 'my-site', gitUrl: 'https://example.com/my-site.git', githubRepository: null,
    productionBranch: 'main', rootDirectory: null, installCommand: null, buildCommand: null, outputDirectory: null,
    autoPublish: true, liveDeploymentId: null, url: 'http://my-site.localhost:8080',
    createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...overrides,
  }
}

/** A project as the projects list answers it: with its newest and its live deployment. */
export function projectListItem(overrides: Partial<ProjectListItem> = {}): ProjectListItem {
  return { ...project(), latestDeployment: null, liveDeployment: null, ...overrides }
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd1', projectId: 'p1', status: 'READY', target: 'production', branch: 'main', commit: 'a1b2c3d4e5f6',
    commitMessage: 'First version', author: null, trigger: null, triggeredBy: null, hookName: null,
    // As the API answers: a failed or canceled deployment has no files, so no address.
    url: overrides.status === 'FAILED' || overrides.status === 'CANCELED' ? null : 'http://d1--my-site.localhost:8080', branchUrl: null,
    createdAt: '2026-01-01T10:00:00Z', startedAt: '2026-01-01T10:00:01Z', readyAt: '2026-01-01T10:00:09Z',
    finishedAt: '2026-01-01T10:00:09Z', error: null, live: false, functions: 0,
    stats: { files: 3, bytes: 2048, uploadedFiles: 1, uploadedBytes: 512 }, ...overrides,
  }
}
