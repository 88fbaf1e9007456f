import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries } from '../../../test/factories/tenancy.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { inScope, systemScope } from '../../db/scope.js'
import { tokenHash } from '../../kernel/secrets.js'

describe('personal API tokens', { timeout: 30_000 }, () => {
  let t: TestApp
  let admin: Client
  const bearer = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as Record<string, unknown> } : {}) })

  beforeAll(async () => {
    t = await buildTestApp()
    admin = await signIn(t.app, 'admin')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('creates a scoped token shown once, which reads users without CSRF but cannot write', async () => {
    const res = await admin.post('/api/v1/me/tokens', { name: '数据同步', scopes: ['user.read'] })
    expect(res.statusCode, res.body).toBe(201)
    const created = res.json()
    expect(created.token).toMatch(/^rmt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/)
    expect(created).toMatchObject({ name: '数据同步', scopes: ['user.read'], revokedAt: null, expiresAt: null, lastUsedAt: null })
    expect(created.token.startsWith(`${created.prefix}_`)).toBe(true)
    const stored = await inScope(t.db, systemScope, (trx) => trx.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow())
    expect(stored.token_hash).toBe(tokenHash(created.token))
    expect(JSON.stringify(stored)).not.toContain(created.token)

    const list = await bearer(created.token, 'GET', '/api/v1/users')
    expect(list.statusCode).toBe(200)
    expect(list.json().items.length).toBeGreaterThan(10)
    const write = await bearer(created.token, 'POST', '/api/v1/users', { username: 'via-token', displayName: 'x', memberships: [] })
    expect(write.statusCode).toBe(403)
    expect(write.json().code).toBe('FORBIDDEN')

    const mine = await admin.get('/api/v1/me/tokens')
    expect(mine.statusCode).toBe(200)
    const item = mine.json().items.find((i: { id: string }) => i.id === created.id)
    expect(item).toMatchObject({ name: '数据同步', tenantId: created.tenantId })
    expect(item.lastUsedAt).not.toBeNull()
    expect(mine.body).not.toContain(created.token)
    expect((await auditEntries(t.db, 'token.create'))[0]).toMatchObject({ target_id: created.id, details: expect.objectContaining({ scopes: ['user.read'] }) })
  })

  it('refuses scopes the owner does not hold, past expiry dates and bad bodies, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', scopes: ['audit.read'] }, 'scopes'],
      [{ name: 'x', scopes: ['no.such.permission'] }, 'scopes'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['user.read'], expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ name: 'x', scopes: ['user.read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ scopes: ['user.read'] }, 'name'],
    ]
    for (const [body, field] of cases) {
      const res = await admin.post('/api/v1/me/tokens', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field)
    }
  })

  it('binds a token to the acting tenant and honours its expiry', async () => {
    const leader = await signIn(t.app, 'district-a.leader', { tenant: 'district-a-edu' })
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString()
    const res = await leader.post('/api/v1/me/tokens', { name: '报表', scopes: ['analytics.read'], expiresAt })
    expect(res.statusCode).toBe(201)
    const { token, tenantId, id } = res.json()
    expect(res.json().expiresAt).toBe(expiresAt)
    const me = await bearer(token, 'GET', '/api/v1/me')
    expect(me.json()).toMatchObject({ tenant: { id: tenantId, slug: 'district-a-edu' }, permissions: ['analytics.read'] })
    const elsewhere = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}`, 'x-tenant': 'district-a' } })
    expect(elsewhere.statusCode).toBe(404)
    await inScope(t.db, systemScope, (trx) => trx.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', id).execute())
    expect((await bearer(token, 'GET', '/api/v1/me')).json().code).toBe('AUTH_TOKEN_INVALID')
  })

  it('revokes a token at once; only its owner can, and a token cannot mint tokens', async () => {
    const { token, id } = (await admin.post('/api/v1/me/tokens', { name: '临时', scopes: ['user.read', 'tenant.read'] })).json()
    const minted = await bearer(token, 'POST', '/api/v1/me/tokens', { name: 'child', scopes: ['user.read'] })
    expect(minted.statusCode).toBe(403)

    const stranger = await signIn(t.app, 'secadmin')
    expect((await stranger.delete(`/api/v1/me/tokens/${id}`)).statusCode).toBe(404)
    const noCsrf = await admin.request({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: { 'x-csrf-token': '' } })
    expect(noCsrf.json().code).toBe('CSRF_INVALID')
    expect((await bearer(token, 'GET', '/api/v1/users')).statusCode).toBe(200)

    expect((await admin.delete(`/api/v1/me/tokens/${id}`)).statusCode).toBe(204)
    const after = await bearer(token, 'GET', '/api/v1/users')
    expect(after.statusCode).toBe(401)
    expect(after.json().code).toBe('AUTH_TOKEN_INVALID')
    expect((await admin.delete(`/api/v1/me/tokens/${id}`)).statusCode).toBe(204)
    expect((await auditEntries(t.db, 'token.revoke')).filter((e) => e.target_id === id)).toHaveLength(1)
    const listed = (await admin.get('/api/v1/me/tokens')).json().items.find((i: { id: string }) => i.id === id)
    expect(listed.revokedAt).not.toBeNull()
    expect((await admin.delete('/api/v1/me/tokens/not-a-uuid')).statusCode).toBe(400)
  })

  it('keeps credential changes to signed-in sessions', async () => {
    const { token } = (await admin.post('/api/v1/me/tokens', { name: '只读', scopes: ['user.read'] })).json()
    const res = await bearer(token, 'POST', '/api/v1/auth/password', { currentPassword: 'x', newPassword: 'y' })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('FORBIDDEN')
  })
})
