import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, useLocation } from 'react-router'
import { App } from '../app'
import { tokens } from '../lib/api'
import type { FakeApi } from './fake-api'
import { user } from './fixtures'
import type { User } from '../lib/types'

let location = ''

function LocationProbe() {
  const l = useLocation()
  location = l.pathname + l.search
  return null
}

/** The whole dashboard at `path`, as a signed-in user (`as`, by default the fixture's) unless `signedIn` is false. */
export function renderApp(api: FakeApi, path: string, { signedIn = true, as = user }: { signedIn?: boolean; as?: User } = {}) {
  if (signedIn) {
    tokens.set('token-1')
    api.on('GET /api/v1/me', () => as)
  }
  const result = render(
    <MemoryRouter initialEntries={[path]}>
      <App />
      <LocationProbe />
    </MemoryRouter>,
  )
  return { ...result, user: userEvent.setup(), location: () => location }
}
