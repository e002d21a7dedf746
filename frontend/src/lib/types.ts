// The API's records (README "The API (v1)"), as the dashboard reads them.

export interface User {
  id: string
  email: string
  githubLogin: string | null
  createdAt: string
}

export interface Session {
  token: string
  user: User
}

export interface Project {
  id: string
  name: string
  slug: string
  gitUrl: string
  githubRepository: string | null
  productionBranch: string
  rootDirectory: string | null
  installCommand: string | null
  buildCommand: string | null
  outputDirectory: string | null
  autoPublish: boolean
  liveDeploymentId: string | null
  url: string
  createdAt: string
  updatedAt: string
}

export type DeploymentStatus = 'QUEUED' | 'BUILDING' | 'UPLOADING' | 'READY' | 'FAILED' | 'CANCELED'

export const FINAL_STATUSES: readonly DeploymentStatus[] = ['READY', 'FAILED', 'CANCELED']

export function isFinal(status: DeploymentStatus): boolean {
  return FINAL_STATUSES.includes(status)
}

export interface DeploymentStats {
  files: number
  bytes: number
  uploadedFiles: number
  uploadedBytes: number
}

export interface Deployment {
  id: string
  projectId: string
  status: DeploymentStatus
  target: 'production' | 'preview'
  branch: string
  commit: string | null
  commitMessage: string | null
  url: string
  createdAt: string
  startedAt: string | null
  readyAt: string | null
  finishedAt: string | null
  error: string | null
  live: boolean
  stats: DeploymentStats | null
}

export interface LogLine {
  n: number
  ts: string
  stream: 'stdout' | 'stderr' | 'system' | string
  text: string
}

/** The editable build settings of a project; null means "detected at build time". */
export interface BuildSettings {
  rootDirectory: string | null
  installCommand: string | null
  buildCommand: string | null
  outputDirectory: string | null
}

export interface NewProject extends Partial<BuildSettings> {
  name: string
  gitUrl: string
  productionBranch?: string
  autoPublish?: boolean
}

export type ProjectChanges = Partial<BuildSettings> & {
  name?: string
  productionBranch?: string
  autoPublish?: boolean
}

/**
 * What `POST /api/v1/detect` answers (issue 4; the same as `./miaobu detect`). Only the fields
 * the import screen shows; `framework` may arrive as a name or as an object with one.
 */
export interface Detection {
  framework: string | { id?: string; name?: string } | null
  packageManager: string | null
  installCommand: string | null
  buildCommand: string | null
  outputDirectory: string | null
  supported?: boolean
  reason?: string | null
}

/** Sign-in methods the server advertises besides email + password. */
export interface AuthProviders {
  github: boolean
}

export type EnvTarget = 'production' | 'preview' | 'all'

/** A stored environment variable as the API lists it: its value never comes back. */
export interface EnvVar {
  key: string
  target: EnvTarget
  updatedAt: string
}

/** One entry of the whole set PUT to the API; `value: null` keeps the stored value. */
export interface EnvVarInput {
  key: string
  value: string | null
  target: EnvTarget
}

export interface DeployHook {
  id: string
  projectId: string
  name: string
  branch: string | null
  createdAt: string
}

/** The answer to creating a hook: the only time its secret URL is shown. */
export interface CreatedDeployHook extends DeployHook {
  url: string
}
