// A local server speaking the parts of GitHub's API and OAuth flow Miaobu uses (the same ones as
// the Java FakeGitHub in shared/testkit): the browser's authorize page (signed in as one user, it
// consents at once), the token exchange, the user, their repositories 100 to a page with a Link
// header, and repository webhooks and commit statuses.
import { randomBytes } from 'node:crypto'
import http from 'node:http'

export const CLIENT_ID = 'Iv1.e2e0123456789'
export const CLIENT_SECRET = 'e2e-client-secret-0123456789abcdef'

export async function startFakeGitHub({ user, repos }) {
  const codes = new Map()
  const tokens = new Map()
  const hooks = new Map()
  const requests = []
  let base = ''
  const api = () => `${base}/api/v3`

  const repoJson = (r) => ({
    id: r.id, name: r.fullName.split('/')[1], full_name: r.fullName, private: r.private,
    owner: { login: r.fullName.split('/')[0], id: 1, type: 'User' }, html_url: `${base}/${r.fullName}`,
    url: `${api()}/repos/${r.fullName}`, clone_url: r.cloneUrl, default_branch: r.defaultBranch,
    pushed_at: r.pushedAt, visibility: r.private ? 'private' : 'public',
    permissions: { admin: r.admin, maintain: r.admin, push: r.admin, triage: r.admin, pull: true },
  })

  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks).toString()
    const url = new URL(req.url, 'http://github.local')
    requests.push({ method: req.method, path: url.pathname, query: url.search })
    const send = (status, json, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(json === undefined ? '' : JSON.stringify(json))
    }
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== CLIENT_ID) return send(404, { message: 'Not Found' })
      const code = randomBytes(10).toString('hex')
      codes.set(code, user.login)
      const back = `${url.searchParams.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(url.searchParams.get('state'))}`
      res.writeHead(302, { location: back })
      return res.end()
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(body)
      const login = codes.get(form.get('code'))
      codes.delete(form.get('code'))
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET || !login) {
        return send(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' })
      }
      const token = 'gho_' + randomBytes(18).toString('hex')
      tokens.set(token, login)
      return send(200, { access_token: token, token_type: 'bearer', scope: 'admin:repo_hook,read:user,repo,user:email' })
    }
    if (!url.pathname.startsWith('/api/v3/')) return send(404, { message: 'Not Found' })
    const path = url.pathname.slice('/api/v3'.length)
    const auth = req.headers.authorization ?? ''
    const login = tokens.get(auth.replace(/^(Bearer|token) /, ''))
    if (!login) return send(401, { message: 'Bad credentials' })
    if (req.method === 'GET' && path === '/user') {
      return send(200, { login: user.login, id: user.id, name: user.name, email: user.email,
        avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`, type: 'User' })
    }
    if (req.method === 'GET' && path === '/user/emails') {
      return send(200, [{ email: user.email, primary: true, verified: true, visibility: 'private' }])
    }
    if (req.method === 'GET' && path === '/user/repos') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const sorted = [...repos].sort((a, b) => a.fullName.localeCompare(b.fullName))
      const last = Math.max(1, Math.ceil(sorted.length / perPage))
      const links = page < last
        ? { link: `<${api()}/user/repos?per_page=${perPage}&page=${page + 1}>; rel="next", <${api()}/user/repos?per_page=${perPage}&page=${last}>; rel="last"` }
        : {}
      return send(200, sorted.slice((page - 1) * perPage, page * perPage).map(repoJson), links)
    }
    const m = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(path)
    const repo = m && repos.find((r) => r.fullName.toLowerCase() === m[1].toLowerCase())
    if (!repo) return send(404, { message: 'Not Found' })
    const rest = m[2] ?? ''
    if (rest === '' && req.method === 'GET') return send(200, repoJson(repo))
    if (rest === '/hooks' && req.method === 'GET') return send(200, hooks.get(repo.fullName) ?? [])
    if (rest === '/hooks' && req.method === 'POST') {
      if (!repo.admin) return send(404, { message: 'Not Found' })
      const { config, events } = JSON.parse(body)
      const hook = { id: Math.floor(Math.random() * 1e9), name: 'web', active: true, events, config: { url: config.url, content_type: 'json' } }
      hooks.set(repo.fullName, [...(hooks.get(repo.fullName) ?? []), hook])
      return send(201, hook)
    }
    if (rest.startsWith('/hooks/') && req.method === 'DELETE') {
      hooks.set(repo.fullName, (hooks.get(repo.fullName) ?? []).filter((h) => String(h.id) !== rest.slice(7)))
      res.writeHead(204)
      return res.end()
    }
    if (rest.startsWith('/statuses/') && req.method === 'POST') return send(201, { id: 1, ...JSON.parse(body) })
    return send(404, { message: 'Not Found' })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${server.address().port}`
  return {
    url: base,
    env: { MIAOBU_GITHUB_URL: base, MIAOBU_GITHUB_API_URL: api(), MIAOBU_GITHUB_CLIENT_ID: CLIENT_ID, MIAOBU_GITHUB_CLIENT_SECRET: CLIENT_SECRET },
    requests,
    hooks: (fullName) => hooks.get(fullName) ?? [],
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
