import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, DEMO_PASSWORD, signIn, type TestApp } from '../../../test/harness.js'

describe('sign-in', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('signs in with a session cookie and a CSRF token, and /me tells who and where', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.reporter', password: DEMO_PASSWORD } })
    expect(res.statusCode).toBe(200)
    const cookie = res.cookies.find((c) => c.name === 'rongmei_session')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Strict')
    expect(res.json().csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/)

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `rongmei_session=${cookie.value}` } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ user: { username: 'district-a.reporter', isDemo: true }, tenant: { slug: 'district-a' } })
    expect(me.json().permissions).toContain('story.create')
    expect(me.json().permissions).not.toContain('user.manage')
  })

  it('answers 401 problem+json for a wrong password and for an unknown user alike', async () => {
    for (const username of ['district-a.editor', 'nobody-here']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password' } })
      expect(res.statusCode).toBe(401)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json()).toMatchObject({ status: 401, code: 'AUTH_INVALID_CREDENTIALS' })
    }
  })

  it('locks the account after 5 failures: 423 even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-b.editor', password: 'wrong' } })
      expect(res.statusCode).toBe(401)
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-b.editor', password: DEMO_PASSWORD } })
    expect(res.statusCode).toBe(423)
    expect(res.json()).toMatchObject({ code: 'AUTH_LOCKED' })
    expect(Date.parse(res.json().lockedUntil)).toBeGreaterThan(Date.now())
  })

  it('refuses unsafe requests without the CSRF header, but not bearer-token requests', async () => {
    const client = await signIn(t.app, 'admin')
    const res = await client.request({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-csrf-token': '' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('CSRF_INVALID')
    const ok = await client.post('/api/v1/auth/logout')
    expect(ok.statusCode).toBe(204)
    const after = await client.get('/api/v1/me')
    expect(after.statusCode).toBe(401)
  })

  it('answers 404 for a tenant the caller holds no role in', async () => {
    const client = await signIn(t.app, 'district-a.reporter')
    const res = await client.request({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'district-b' } })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('TENANT_NOT_FOUND')
  })

  it('rejects a body that is not valid, naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'password' })])
  })
})

describe('disabled tenants', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('closes the units under a disabled center too', async () => {
    const handler = await signIn(t.app, 'district-a.handler')
    expect((await handler.get('/api/v1/me')).json().tenant.slug).toBe('district-a-gov')
    const admin = await signIn(t.app, 'admin')
    const tenants = (await admin.get('/api/v1/tenants')).json().items as Array<{ id: string; slug: string }>
    const center = tenants.find((x) => x.slug === 'district-a')!
    expect((await admin.patch(`/api/v1/tenants/${center.id}`, { isDisabled: true })).statusCode).toBe(200)
    const res = await handler.get('/api/v1/me')
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('TENANT_DISABLED')
  })
})

describe('limits', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ config: { loginRateLimitPerMinute: 3, bodyLimitBytes: 4096 } }) })
  afterAll(async () => { await t.close() })

  it('answers 429 problem+json once an address exceeds the sign-in rate', async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' }, remoteAddress: '203.0.113.9' })
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401)
    const limited = await attempt()
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['content-type']).toContain('application/problem+json')
    expect(limited.json().code).toBe('RATE_LIMITED')
    // Another address is not affected.
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' }, remoteAddress: '203.0.113.10' })
    expect(other.statusCode).toBe(401)
  })

  it('answers 413 problem+json for a body over the limit, and stores nothing', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'x'.repeat(5000) } })
    expect(res.statusCode).toBe(413)
    expect(res.json().code).toBe('BODY_TOO_LARGE')
  })
})
