// One function per API route the dashboard uses (docs/api.md).
import { api, ApiError } from './api'
import type {
  AuthProviders, CreatedDeployHook, DeployHook, Deployment, DeploymentFunctions, Detection, Domain, EnvVar, EnvVarInput, GitHubRepositoryPage,
  ImportCheck, LogPage, NewProject, Project, ProjectChanges, ProjectListItem, Session, User,
} from './types'

const V1 = '/api/v1'
const enc = encodeURIComponent

export const register = (email: string, password: string) =>
  api<Session>('POST', `${V1}/auth/register`, { email, password }, { anonymous: true })

export const login = (email: string, password: string) =>
  api<Session>('POST', `${V1}/auth/login`, { email, password }, { anonymous: true })

export const me = (signal?: AbortSignal) => api<User>('GET', `${V1}/me`, undefined, { signal })

/**
 * Sign-in methods besides email + password. The server advertises GitHub once an OAuth app is
 * configured; a server that does not know this route (or says nothing) means "email only".
 */
export async function authProviders(signal?: AbortSignal): Promise<AuthProviders> {
  try {
    // The server answers {github: {enabled, signInUrl}}; a bare boolean is accepted too.
    const answer = await api<{ github?: boolean | { enabled?: boolean } }>('GET', `${V1}/auth/providers`, undefined, {
      signal,
      anonymous: true,
    })
    const github = answer?.github
    return { github: github === true || (typeof github === 'object' && github?.enabled === true) }
  } catch (e) {
    if (e instanceof DOMException) throw e
    return { github: false }
  }
}

export const githubSignInUrl = '/oauth/github/start'

export const listProjects = (signal?: AbortSignal) => api<ProjectListItem[]>('GET', `${V1}/projects`, undefined, { signal })
export const getProject = (id: string, signal?: AbortSignal) =>
  api<Project>('GET', `${V1}/projects/${enc(id)}`, undefined, { signal })
export const createProject = (project: NewProject) => api<Project>('POST', `${V1}/projects`, project)
export const updateProject = (id: string, changes: ProjectChanges) =>
  api<Project>('PATCH', `${V1}/projects/${enc(id)}`, changes)
export const deleteProject = (id: string) => api<void>('DELETE', `${V1}/projects/${enc(id)}`)

export const listEnvVars = (projectId: string, signal?: AbortSignal) =>
  api<EnvVar[]>('GET', `${V1}/projects/${enc(projectId)}/env`, undefined, { signal })
/** Replaces the whole set; answers the stored keys (never values). */
export const replaceEnvVars = (projectId: string, vars: EnvVarInput[]) =>
  api<EnvVar[]>('PUT', `${V1}/projects/${enc(projectId)}/env`, vars)

export const listDeployHooks = (projectId: string, signal?: AbortSignal) =>
  api<DeployHook[]>('GET', `${V1}/projects/${enc(projectId)}/hooks`, undefined, { signal })
export const createDeployHook = (projectId: string, hook: { name: string; branch?: string }) =>
  api<CreatedDeployHook>('POST', `${V1}/projects/${enc(projectId)}/hooks`, hook)
export const deleteDeployHook = (projectId: string, hookId: string) =>
  api<void>('DELETE', `${V1}/projects/${enc(projectId)}/hooks/${enc(hookId)}`)

export const listDeployments = (projectId: string, signal?: AbortSignal) =>
  api<Deployment[]>('GET', `${V1}/projects/${enc(projectId)}/deployments`, undefined, { signal })
export const createDeployment = (projectId: string, ref: { branch?: string; commit?: string } = {}) =>
  api<Deployment>('POST', `${V1}/projects/${enc(projectId)}/deployments`, ref)
export const getDeployment = (id: string, signal?: AbortSignal) =>
  api<Deployment>('GET', `${V1}/deployments/${enc(id)}`, undefined, { signal })
export const promoteDeployment = (id: string) => api<Deployment>('POST', `${V1}/deployments/${enc(id)}/promote`)
export const cancelDeployment = (id: string) => api<Deployment>('POST', `${V1}/deployments/${enc(id)}/cancel`)
export const logPage = (id: string, after: number, signal?: AbortSignal) =>
  api<LogPage>('GET', `${V1}/deployments/${enc(id)}/logs?after=${after}`, undefined, { signal })
export const logStreamPath = (id: string) => `${V1}/deployments/${enc(id)}/logs/stream`
export const getDeploymentFunctions = (id: string, signal?: AbortSignal) =>
  api<DeploymentFunctions>('GET', `${V1}/deployments/${enc(id)}/functions`, undefined, { signal })
export const functionLogStreamPath = (id: string) => `${V1}/deployments/${enc(id)}/functions/logs/stream`

/**
 * Framework detection for the import screen. `null` when this server has no detection yet
 * (404): the screen then shows the build settings to fill in, without a summary.
 */
export async function detect(
  input: { gitUrl: string; ref?: string; rootDirectory?: string },
  signal?: AbortSignal,
): Promise<Detection | null> {
  try {
    return await api<Detection>('POST', `${V1}/detect`, input, { signal })
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null
    throw e
  }
}

/**
 * What would go wrong importing this repository (unreachable, no such branch or folder, bad
 * variable names), per field; `null` when this server has no check (the create call then decides).
 */
export type { ImportCheck }

export async function checkImport(
  input: NewProject & { envKeys?: string[] },
  signal?: AbortSignal,
): Promise<ImportCheck | null> {
  try {
    return await api<ImportCheck>('POST', `${V1}/import/check`, input, { signal })
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null
    throw e
  }
}

/** One page (1-based, 100 to a page) of the repositories the user's GitHub account can see. */
export const listGitHubRepositories = (page: number, signal?: AbortSignal) =>
  api<GitHubRepositoryPage>('GET', `${V1}/github/repositories?page=${page}`, undefined, { signal })

/** Starts linking GitHub to the signed-in account: answers the GitHub address to send the browser to. */
export const startGitHubLink = () => api<{ url: string }>('POST', `${V1}/github/link`)

export const listDomains = (projectId: string, signal?: AbortSignal) =>
  api<{ domains: Domain[] }>('GET', `${V1}/projects/${enc(projectId)}/domains`, undefined, { signal }).then((a) => a.domains)
export const addDomain = (projectId: string, hostname: string) =>
  api<Domain>('POST', `${V1}/projects/${enc(projectId)}/domains`, { hostname })
export const getDomain = (id: string, signal?: AbortSignal) =>
  api<Domain>('GET', `${V1}/domains/${enc(id)}`, undefined, { signal })
export const verifyDomain = (id: string) => api<Domain>('POST', `${V1}/domains/${enc(id)}/verify`)
export const removeDomain = (id: string) => api<void>('DELETE', `${V1}/domains/${enc(id)}`)
