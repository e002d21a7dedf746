// A real Git repository on disk for the import test: a tiny site with a build script that writes
// to stdout and stderr (one line in ANSI colours), so the log shows both, and publishes the
// SITE_GREETING it was built with; its page loads a module script and a style sheet as a Vite build's does.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const git = (dir, ...args) => execFileSync('git', args, {
  cwd: dir,
  env: { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'E2E', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
  stdio: 'pipe',
})

export function createSiteRepository() {
  const dir = mkdtempSync(join(tmpdir(), 'miaobu-e2e-repo-'))
  git(dir, 'init', '-q', '-b', 'main')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'e2e-site', private: true, version: '1.0.0', scripts: { build: 'node build.js' },
  }, null, 2))
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({
    name: 'e2e-site', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: { '': { name: 'e2e-site', version: '1.0.0' } },
  }, null, 2))
  writeFileSync(join(dir, 'build.js'), [
    "const fs = require('fs')",
    "const version = fs.readFileSync('VERSION', 'utf8').trim()",
    "console.log('building the site, ' + version)",
    "// Coloured as vite and npm colour theirs: the dashboard shows colours, not escape codes.",
    "console.log('\\u001b[36mvite v8.4.0\\u001b[39m \\u001b[32mbuilding for production...\\u001b[39m')",
    "console.error('warning: this line goes to stderr')",
    "fs.mkdirSync('dist', { recursive: true })",
    "fs.writeFileSync('dist/index.html', '<!doctype html><title>E2E site</title>' +",
    "  '<body style=\"margin:0;height:100vh;display:grid;place-items:center;font-family:sans-serif;background:linear-gradient(135deg,#e0e7ff,#fce7f3)\">' +",
    "  '<h1 style=\"font-size:96px;color:#312e81\">hello ' + version + '</h1>' +",
    "  '<script type=module crossorigin src=/assets/app.js></script><link rel=stylesheet crossorigin href=/assets/app.css></body>')",
    "fs.writeFileSync('dist/about.html', '<h1>about</h1>')",
    "// Like a Vite build: a module script and a style sheet marked crossorigin, which an opaque-origin preview cannot load.",
    "fs.mkdirSync('dist/assets', { recursive: true })",
    "fs.writeFileSync('dist/assets/app.js', \"document.body.insertAdjacentHTML('beforeend', '<p id=rendered>rendered by a module script</p>')\\n\")",
    "fs.writeFileSync('dist/assets/app.css', 'h1 { letter-spacing: 2px }\\n')",
    "// What the project's environment gave this build (set on the import screen before the first one).",
    "fs.writeFileSync('dist/greeting.txt', process.env.SITE_GREETING || 'unset')",
    "console.log('wrote dist/')",
  ].join('\n') + '\n')
  return {
    dir,
    commit(version, message) {
      writeFileSync(join(dir, 'VERSION'), version + '\n')
      git(dir, 'add', '-A')
      git(dir, 'commit', '-q', '-m', message)
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
