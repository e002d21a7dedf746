import { describe, expect, it } from 'vitest'
import { buildDuration, bytes, nameFromGitUrl, timeAgo } from './format'

describe('format', () => {
  it('guesses a project name from Git URLs and local paths', () => {
    expect(nameFromGitUrl('https://github.com/acme/marketing-site.git')).toBe('marketing-site')
    expect(nameFromGitUrl('git@github.com:acme/docs.git')).toBe('docs')
    expect(nameFromGitUrl('/home/me/projects/blog/')).toBe('blog')
    expect(nameFromGitUrl('')).toBe('')
  })

  it('says how long ago, how long a build took and how big the output is', () => {
    const now = Date.parse('2026-01-01T12:00:00Z')
    expect(timeAgo('2026-01-01T11:59:55Z', now)).toBe('just now')
    expect(timeAgo('2026-01-01T11:15:00Z', now)).toBe('45m ago')
    expect(timeAgo('2025-12-30T12:00:00Z', now)).toBe('2d ago')
    expect(buildDuration({ startedAt: '2026-01-01T11:58:30Z', finishedAt: '2026-01-01T12:00:00Z' })).toBe('1m 30s')
    expect(buildDuration({ startedAt: '2026-01-01T11:59:57Z', finishedAt: null }, now)).toBe('3.0s')
    expect(buildDuration({ startedAt: null, finishedAt: null })).toBe('—')
    expect(bytes(512)).toBe('512 B')
    expect(bytes(3 * 1024 * 1024)).toBe('3.0 MiB')
  })
})
