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
  /** Only in the projects list: the newest deployment, null when never deployed. */
  latestDeployment?: Deployment | null
  /** In the projects list: the deployment visitors see (after a rollback, not the newest). */
  liveDeployment?: Deployment | null
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
  /** Who wrote the commit: the name from Git, the login and avatar when GitHub said. */
  author?: CommitAuthor | null
  url: string
  /** What started it; null for deployments made before Miaobu recorded it. */
  trigger?: 'push' | 'hook' | 'redeploy' | 'manual' | 'cli' | null
  /** The signed-in user who started it (deploy, redeploy, CLI); null for pushes and hooks. */
  triggeredBy?: { login: string; avatarUrl: string | null } | null
  /** The deploy hook that started it, by the name it had then. */
  hookName?: string | null
  /** A preview's branch address (always its newest ready deployment); null for production. */
  branchUrl?: string | null
  createdAt: string
  startedAt: string | null
  readyAt: string | null
  finishedAt: string | null
  error: string | null
  live: boolean
  stats: DeploymentStats | null
}

export interface CommitAuthor {
  name: string | null
  login: string | null
  avatarUrl: string | null
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
  name?: string
  gitUrl?: string
  /** "owner/name": the API fills in the clone URL and production branch and adds the webhook. */
  githubRepository?: string
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

/** One repository of the signed-in user's GitHub account (GET /api/v1/github/repositories). */
export interface GitHubRepository {
  id: number
  fullName: string
  private: boolean
  defaultBranch: string
  cloneUrl: string
  htmlUrl: string
  admin: boolean
  pushedAt: string | null
}

export interface GitHubRepositoryPage {
  repositories: GitHubRepository[]
  page: number
  nextPage: number | null
}

export type DomainStatus = 'PENDING_DNS' | 'VERIFIED' | 'ISSUING' | 'ACTIVE' | 'ERROR'
export type DnsRecordStatus = 'OK' | 'MISSING' | 'WRONG'

export interface DnsRecord {
  type: string
  /** The full name, e.g. www.example.com. */
  name: string
  /** The name as registrars' forms ask for it: `www`, `@` for the domain itself, `_miaobu.www`. */
  host?: string
  value: string
  purpose: string
  status: DnsRecordStatus
  found: string | null
}

export interface DomainCertificate {
  status: 'ISSUING' | 'ACTIVE' | 'ERROR'
  issuer: string | null
  notBefore: string | null
  notAfter: string | null
  renewAfter: string | null
}

/** A custom domain of a project (contract: issue 7's domains API). */
export interface Domain {
  id: string
  projectId: string
  hostname: string
  status: DomainStatus
  message: string | null
  apex: boolean
  dnsRecords: DnsRecord[]
  certificate: DomainCertificate | null
  icpRequired: boolean
  /** `*.example.com`: serves every name one label under example.com. */
  wildcard: boolean
  /** null for a wildcard, which has no single URL */
  url: string | null
  lastCheckedAt: string | null
  nextCheckAt: string | null
  createdAt: string
}
