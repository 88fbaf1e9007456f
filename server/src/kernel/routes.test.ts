import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteEntry } from '../app.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../test/harness.js'

/**
 * Walks every route the app registers (today's and every one a module adds later) and proves
 * none is open by accident: each declares its access, answers 401 to strangers, and answers 403
 * to a signed-in user who lacks its permission.
 */

// The only routes anyone may call without signing in. A new public route must be added here,
// on purpose, in review.
const PUBLIC_ROUTES = [
  'POST /api/v1/auth/login',
  // Citizens' messages (issue 5): the working-day calculator and the public form's API, per center.
  'GET /api/v1/calendar/workdays',
  'GET /api/v1/public/:center/tickets/form', 'POST /api/v1/public/:center/tickets', 'POST /api/v1/public/:center/verification-codes',
  'POST /api/v1/public/:center/tickets/lookup', 'POST /api/v1/public/:center/tickets/rating', 'GET /api/v1/public/:center/tickets',
  'GET /api/v1/public/:center/faq/suggest', 'POST /api/v1/public/:center/tickets/uploads',
  // Publishing (issue 4): WeChat's server calls this; it verifies WeChat's signature itself.
  'GET /api/v1/publishing/callbacks/wechat/:id', 'POST /api/v1/publishing/callbacks/wechat/:id',
]

// Signed-in users with little power; for each guarded route one of them lacks the permission.
const WEAK_USERS = ['district-a.grid', 'district-a.reporter']

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const SOME_ID = '00000000-0000-4000-8000-000000000000'

const label = (r: RouteEntry) => `${r.method} ${r.url}`

/** A concrete URL for a route pattern: every parameter gets a well-formed id nobody owns. */
function concreteUrl(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, SOME_ID).replace(/\*$/, 'x')
}

function requestOf(route: RouteEntry) {
  return {
    method: route.method as 'GET',
    url: concreteUrl(route.url),
    ...(UNSAFE.has(route.method) ? { payload: {} } : {}),
  }
}

describe('route walk', () => {
  let t: TestApp
  let routes: RouteEntry[]

  beforeAll(async () => {
    t = await buildTestApp()
    // HEAD twins of GET routes behave like them; one walk over the GETs covers both.
    routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD')
  })
  afterAll(async () => { await t.close() })

  it('sees the routes of the kernel and the modules', () => {
    const seen = routes.map(label)
    for (const expected of ['POST /api/v1/auth/login', 'GET /api/v1/me', 'GET /api/v1/tenants', 'PATCH /api/v1/tenants/:id', 'DELETE /api/v1/roles/:id']) {
      expect(seen).toContain(expected)
    }
  })

  it('has every API route declare its access level and its response schemas', () => {
    const undeclared = routes.filter((r) => !r.access).map(label)
    expect(undeclared).toEqual([])
    const unschemed = routes.filter((r) => !r.hasResponseSchema).map(label)
    expect(unschemed).toEqual([])
  })

  it('keeps the public routes to the allow-list', () => {
    expect(routes.filter((r) => r.access === 'public').map(label).sort()).toEqual([...PUBLIC_ROUTES].sort())
  })

  it('answers 401 problem+json to a caller without credentials, or with a forged token, on every other route', async () => {
    const failures: string[] = []
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const anonymous = await t.app.inject(requestOf(route))
      const forged = await t.app.inject({ ...requestOf(route), headers: { authorization: 'Bearer rmt_forged-token' } })
      for (const [who, res] of [['anonymous', anonymous], ['forged token', forged]] as const) {
        const isProblem = String(res.headers['content-type']).startsWith('application/problem+json')
        if (res.statusCode !== 401 || !isProblem) failures.push(`${label(route)} (${who}): ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('answers 403 to a signed-in user lacking the permission a route declares', async () => {
    const users: Array<{ client: Client; permissions: Set<string> }> = []
    for (const username of WEAK_USERS) {
      const client = await signIn(t.app, username)
      users.push({ client, permissions: new Set((await client.get('/api/v1/me')).json().permissions) })
    }
    const guarded = routes.filter((r) => r.access !== 'public' && r.access !== 'authenticated')
    expect(guarded.length).toBeGreaterThan(0)
    const failures: string[] = []
    for (const route of guarded) {
      const user = users.find((u) => !u.permissions.has(route.access!))
      if (!user) {
        failures.push(`${label(route)}: every weak user holds ${route.access}; add a weaker one`)
        continue
      }
      const res = await user.client.request(requestOf(route))
      const body = res.json()
      if (res.statusCode !== 403 || body.code !== 'FORBIDDEN' || body.permission !== route.access) {
        failures.push(`${label(route)}: ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  })
})
