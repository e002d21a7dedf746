// API refusals of project settings, shown under the field they are about and in the words the
// forms use: the API's messages name JSON fields (`outputDirectory`), its codes say which.
import { ApiError } from './api'

const FIELD_OF_CODE: Record<string, string> = {
  invalid_name: 'name', invalid_git_url: 'gitUrl', invalid_branch: 'productionBranch',
  invalid_root_directory: 'rootDirectory', invalid_install_command: 'installCommand',
  invalid_build_command: 'buildCommand', invalid_output_directory: 'outputDirectory', invalid_env: 'env',
}

const SETTING_WORDS: [RegExp, string][] = [
  [/\boutputDirectory\b/g, 'the output directory'],
  [/\bbuildCommand\b/g, 'the build command'],
  [/\binstallCommand\b/g, 'the install command'],
  [/\brootDirectory\b/g, 'the root directory'],
  [/\bproductionBranch\b/g, 'the production branch'],
  [/\bgitUrl\b/g, 'the Git URL'],
]

const FORM_FIELDS = new Set(Object.values(FIELD_OF_CODE))

/**
 * The form field an API error is about, or undefined when it is about no one field: the one field the
 * API names in `error.fields` when the forms have it (a reserved name), else the field its code is about.
 */
export function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  const named = Object.keys(error.fields)
  if (named.length === 1 && FORM_FIELDS.has(named[0])) return named[0]
  return FIELD_OF_CODE[error.code]
}

/** Whether a message names a build setting (then the settings page is where to fix it). */
export function namesSetting(message: string): boolean {
  return SETTING_WORDS.some(([re]) => new RegExp(re.source).test(message))
}

/** The message with API field names in words; a sentence that starts with one gets its capital back. */
export function inUserWords(message: string): string {
  let text = message
  for (const [re, words] of SETTING_WORDS) text = text.replace(re, words)
  return text.replace(/(^|[.!?]\s+)the /g, (_, start: string) => `${start}The `)
}
