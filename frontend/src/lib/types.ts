// The API's records as the dashboard reads them: taken from the types generated from the API's own
// OpenAPI document (GET /api/v1/openapi.json; `npm run api-types` writes api-schema.d.ts, and a test
// fails when it is stale), so a field the API changes is a type error here, not a surprise at runtime.
import type { components } from './api-schema'

type Schemas = components['schemas']

export type User = Schemas['User']
export type Session = Schemas['Session']
export type Project = Schemas['Project']
/** A project in the projects list: with its newest deployment and the one visitors see. */
export type ProjectListItem = Schemas['ProjectListItem']
export type DeploymentStatus = Schemas['DeploymentStatus']
export type DeploymentStats = Schemas['DeploymentStats']
export type Deployment = Schemas['Deployment']
export type CommitAuthor = Schemas['CommitAuthor']
export type LogLine = Schemas['LogLine']
export type LogPage = Schemas['LogPage']
export type DeploymentFunctions = Schemas['DeploymentFunctions']
/** The API's refusal: `fields` names each request field at fault (validation errors). */
export type ErrorBody = Schemas['Error']

export const FINAL_STATUSES: readonly DeploymentStatus[] = ['READY', 'FAILED', 'CANCELED']

export function isFinal(status: DeploymentStatus): boolean {
  return FINAL_STATUSES.includes(status)
}

/**
 * What `POST /api/v1/detect` answers (issue 4; the same as `./miaobu detect`). Only the fields
 * the import screen shows; `framework` may arrive as a name or as an object with one.
 */
/** Sign-in methods the server advertises besides email + password. */
export interface AuthProviders {
  github: boolean
}

/** One repository of the signed-in user's GitHub account (GET /api/v1/github/repositories). */

/** The editable build settings of a project; null means "detected at build time". */
export type BuildSettings = Pick<Project, 'rootDirectory' | 'installCommand' | 'buildCommand' | 'outputDirectory'>
export type NewProject = Schemas['NewProject']
export type ProjectChanges = Schemas['ProjectChanges']
/** What `POST /api/v1/detect` answers (the same as `./miaobu detect`). */
export type Detection = Schemas['Detection']
export type EnvTarget = Schemas['EnvTarget']
/** A stored environment variable as the API lists it: its value never comes back. */
export type EnvVar = Schemas['EnvVar']
/** One entry of the whole set PUT to the API; `value: null` keeps the stored value. */
export type EnvVarInput = Schemas['EnvVarInput']
export type DeployHook = Schemas['DeployHook']
/** The answer to creating a hook: the only time its secret URL is shown. */
export type CreatedDeployHook = Schemas['CreatedDeployHook']
export type GitHubRepository = Schemas['GitHubRepository']
export type GitHubRepositoryPage = Schemas['GitHubRepositoryPage']
export type DomainStatus = Schemas['DomainStatus']
export type DnsRecord = Schemas['DnsRecord']
export type DnsRecordStatus = DnsRecord['status']
export type DomainCertificate = Schemas['DomainCertificate']
export type Domain = Schemas['Domain']
/** The import screen's check before a project exists: per-field problems and the address it would get. */
export type ImportCheck = Schemas['ImportCheck']
