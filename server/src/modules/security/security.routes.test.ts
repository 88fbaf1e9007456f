import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries } from '../../../test/factories/tenancy.js'
import { sessionIdOf } from '../../../test/factories/users.js'
import { buildTestApp, DEMO_PASSWORD, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { inScope, systemScope } from '../../db/scope.js'
import { defaultPolicy, type SecurityPolicy } from '../identity/policy.js'

describe('security policy', { timeout: 30_000 }, () => {
  let t: TestApp
  let secadmin: Client
  const put = (policy: Partial<SecurityPolicy>) => secadmin.put('/api/v1/security/policy', { ...defaultPolicy, ...policy })
  const ageSession = (client: Client, patch: { last_seen_at?: Date; expires_at?: Date }) =>
    inScope(t.db, systemScope, (trx) => trx.updateTable('sessions').set(patch).where('id', '=', sessionIdOf(client)).execute())
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000)

  beforeAll(async () => {
    t = await buildTestApp()
    secadmin = await signIn(t.app, 'secadmin')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('shows the defaults to the security administrator only', async () => {
    const res = await secadmin.get('/api/v1/security/policy')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(defaultPolicy)
    for (const username of ['admin', 'auditor', 'district-a.leader']) {
      const denied = await (await signIn(t.app, username)).get('/api/v1/security/policy')
      expect(denied.statusCode, username).toBe(403)
    }
    expect((await (await signIn(t.app, 'admin')).put('/api/v1/security/policy', defaultPolicy)).statusCode).toBe(403)
  })

  it('rejects a policy out of range, incomplete or with unknown keys, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...defaultPolicy, lockoutThreshold: 2 }, 'lockoutThreshold'],
      [{ ...defaultPolicy, minLength: 6 }, 'minLength'],
      [{ ...defaultPolicy, idleTimeoutMinutes: 600, absoluteTimeoutHours: 8 }, 'idleTimeoutMinutes'],
      [{ ...defaultPolicy, historySize: undefined }, 'historySize'],
      [{ ...defaultPolicy, colour: 'red' }, 'colour'],
    ]
    for (const [body, field] of cases) {
      const res = await secadmin.put('/api/v1/security/policy', body)
      expect(res.statusCode, field).toBe(400)
      expect(JSON.stringify(res.json().errors), field).toContain(field)
    }
    expect((await secadmin.get('/api/v1/security/policy')).json()).toEqual(defaultPolicy)
  })

  it('needs the CSRF token and the platform root', async () => {
    const noCsrf = await secadmin.request({ method: 'PUT', url: '/api/v1/security/policy', payload: defaultPolicy, headers: { 'x-csrf-token': '' } })
    expect(noCsrf.json().code).toBe('CSRF_INVALID')
    const inCenter = await secadmin.request({ method: 'PUT', url: '/api/v1/security/policy', payload: defaultPolicy, headers: { 'x-tenant': 'district-a' } })
    expect(inCenter.statusCode).toBe(403)
    expect(inCenter.json().code).toBe('FORBIDDEN')
  })

  it('locks an account after the configured number of failures, audited with old and new values', async () => {
    const res = await put({ lockoutThreshold: 3, lockoutMinutes: 10 })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ lockoutThreshold: 3, lockoutMinutes: 10 })
    const entry = (await auditEntries(t.db, 'security.policy.update'))[0]
    expect(entry.details).toMatchObject({ old: { lockoutThreshold: 5 }, new: { lockoutThreshold: 3 } })

    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.editor', password } })
    for (let i = 0; i < 3; i++) expect((await attempt('wrong')).statusCode).toBe(401)
    const locked = await attempt(DEMO_PASSWORD)
    expect(locked.statusCode).toBe(423)
    const until = Date.parse(locked.json().lockedUntil)
    expect(until - Date.now()).toBeGreaterThan(9 * 60_000)
    expect(until - Date.now()).toBeLessThanOrEqual(10 * 60_000)
  })

  it('ends a session idle for longer than the idle timeout', async () => {
    expect((await put({ idleTimeoutMinutes: 10 })).statusCode).toBe(200)
    const idle = await signIn(t.app, 'district-b.editor')
    const active = await signIn(t.app, 'district-b.section')
    await ageSession(idle, { last_seen_at: minutesAgo(11) })
    await ageSession(active, { last_seen_at: minutesAgo(9) })
    const expired = await idle.get('/api/v1/me')
    expect(expired.statusCode).toBe(401)
    expect(expired.json().code).toBe('AUTH_SESSION_EXPIRED')
    expect((await idle.get('/api/v1/me')).statusCode).toBe(401)
    expect((await active.get('/api/v1/me')).statusCode).toBe(200)
  })

  it('ends a session past its absolute lifetime, which new sessions take from the policy', async () => {
    expect((await put({ absoluteTimeoutHours: 2 })).statusCode).toBe(200)
    const client = await signIn(t.app, 'district-b.chief')
    const session = await inScope(t.db, systemScope, (trx) => trx.selectFrom('sessions').select('expires_at').where('id', '=', sessionIdOf(client)).executeTakeFirstOrThrow())
    expect(Math.abs(new Date(session.expires_at).getTime() - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000)
    expect((await client.get('/api/v1/me')).statusCode).toBe(200)
    await ageSession(client, { expires_at: new Date(Date.now() - 1000) })
    const res = await client.get('/api/v1/me')
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('AUTH_SESSION_EXPIRED')
  })
})
