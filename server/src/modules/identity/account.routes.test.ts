import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, tenantIds } from '../../../test/factories/tenancy.js'
import { activate, builtinRoleIds, invite, NEW_PASSWORD } from '../../../test/factories/users.js'
import { buildTestApp, DEMO_PASSWORD, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { inScope, systemScope } from '../../db/scope.js'
import { totpCode } from './totp.js'

const login = (t: TestApp, payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload })

describe('account self-service: password and two-factor', { timeout: 30_000 }, () => {
  let t: TestApp
  let ids: Record<string, string>
  let roles: Record<string, string>
  let admin: Client

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    roles = await builtinRoleIds(t.db)
    admin = await signIn(t.app, 'admin')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('takes a new platform administrator from invitation to a two-factor sign-in', async () => {
    const { temporaryPassword, user } = await invite(admin, {
      username: 'new-root', memberships: [{ tenantId: ids.demo, roleId: roles.platform_admin, extendsToDescendants: true }],
    })
    const first = await login(t, { username: 'new-root', password: temporaryPassword })
    expect(first.json()).toMatchObject({ mustChangePassword: true, mustEnrolTotp: true })
    const client = await signIn(t.app, 'new-root', { password: temporaryPassword })
    expect((await client.get('/api/v1/users')).json().code).toBe('PASSWORD_CHANGE_REQUIRED')

    const wrong = await client.post('/api/v1/auth/password', { currentPassword: 'not-it', newPassword: NEW_PASSWORD })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json()).toMatchObject({ code: 'PASSWORD_WRONG', errors: [{ field: 'currentPassword' }] })
    const weak = await client.post('/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'short' })
    expect(weak.statusCode).toBe(400)
    expect(weak.json().code).toBe('PASSWORD_POLICY')
    expect(weak.json().errors.every((e: { field: string }) => e.field === 'newPassword')).toBe(true)
    const same = await client.post('/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: temporaryPassword })
    expect(same.json()).toMatchObject({ code: 'PASSWORD_POLICY', errors: [{ field: 'newPassword' }] })
    expect((await client.post('/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: NEW_PASSWORD })).statusCode).toBe(204)

    // The password is done; two-factor enrolment is what remains.
    expect((await client.get('/api/v1/users')).json().code).toBe('MFA_ENROLMENT_REQUIRED')
    const setup = await client.post('/api/v1/auth/totp/setup')
    expect(setup.statusCode).toBe(200)
    const { secret, otpauthUrl, qrSvg } = setup.json()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*new-root.*secret=/)
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    // Set up but not enabled: signing in still needs no code.
    expect((await login(t, { username: 'new-root', password: NEW_PASSWORD })).statusCode).toBe(200)

    const bad = await client.post('/api/v1/auth/totp/enable', { otp: totpCode(secret, Date.now() - 10 * 60_000) })
    expect(bad.json().code).toBe('AUTH_OTP_INVALID')
    expect((await client.post('/api/v1/auth/totp/enable', { otp: 'abc' })).json().errors[0].field).toBe('otp')
    expect((await client.post('/api/v1/auth/totp/enable', { otp: totpCode(secret) })).statusCode).toBe(204)

    // The same session is now a normal one, computed afresh on this request.
    const users = await client.get('/api/v1/users')
    expect(users.statusCode).toBe(200)
    expect((await client.get('/api/v1/me')).json()).toMatchObject({ mustEnrolTotp: false, mustChangePassword: false, user: { totpEnabled: true } })

    expect((await login(t, { username: 'new-root', password: NEW_PASSWORD })).json().code).toBe('AUTH_OTP_REQUIRED')
    // The code just used is spent; the next time step's code signs in.
    const next = await login(t, { username: 'new-root', password: NEW_PASSWORD, otp: totpCode(secret, Date.now() + 30_000) })
    expect(next.statusCode, next.body).toBe(200)
    expect(next.json().mustEnrolTotp).toBe(false)

    const refused = await client.post('/api/v1/auth/totp/disable', { password: NEW_PASSWORD })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('TOTP_REQUIRED_FOR_ROLE')
    const again = await client.post('/api/v1/auth/totp/setup')
    expect(again.json().code).toBe('TOTP_ALREADY_ENABLED')

    const actions = await Promise.all(['auth.password_change', 'auth.totp_setup', 'auth.totp_enable'].map((a) => auditEntries(t.db, a)))
    for (const entries of actions) expect(entries.some((e) => e.actor_id === user.id && e.outcome === 'success')).toBe(true)
    expect((await auditEntries(t.db, 'auth.totp_enable')).some((e) => e.actor_id === user.id && e.outcome === 'failure')).toBe(true)
  })

  it('ends the other sessions on a password change and refuses recently used passwords', async () => {
    const { temporaryPassword } = await invite(admin, { username: 'pw-user', memberships: [{ tenantId: ids['district-a'], roleId: roles.reporter }] })
    const { client } = await activate(t.app, { username: 'pw-user', temporaryPassword })
    const other = await signIn(t.app, 'pw-user', { password: NEW_PASSWORD })
    const second = 'Second-Pass-2026?'
    expect((await client.post('/api/v1/auth/password', { currentPassword: NEW_PASSWORD, newPassword: second })).statusCode).toBe(204)
    expect((await other.get('/api/v1/me')).statusCode).toBe(401)
    expect((await client.get('/api/v1/me')).statusCode).toBe(200)
    for (const reused of [NEW_PASSWORD, temporaryPassword]) {
      const res = await client.post('/api/v1/auth/password', { currentPassword: second, newPassword: reused })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'PASSWORD_POLICY', errors: [expect.objectContaining({ field: 'newPassword' })] })
    }
    const row = await inScope(t.db, systemScope, (trx) => trx.selectFrom('users').select(['must_change_password', 'password_changed_at']).where('username', '=', 'pw-user').executeTakeFirstOrThrow())
    expect(row.must_change_password).toBe(false)
    expect(Date.now() - new Date(row.password_changed_at).getTime()).toBeLessThan(60_000)
  })

  it('lets a user whose roles do not require it switch two-factor on and off, proving the password', async () => {
    const client = await signIn(t.app, 'district-b.reporter')
    expect((await client.post('/api/v1/auth/totp/disable', { password: DEMO_PASSWORD })).json().code).toBe('TOTP_NOT_SET_UP')
    expect((await client.post('/api/v1/auth/totp/enable', { otp: '123456' })).json().code).toBe('TOTP_NOT_SET_UP')
    const { secret } = (await client.post('/api/v1/auth/totp/setup')).json()
    expect((await client.post('/api/v1/auth/totp/enable', { otp: totpCode(secret) })).statusCode).toBe(204)
    const wrong = await client.post('/api/v1/auth/totp/disable', { password: 'not-mine' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json()).toMatchObject({ code: 'PASSWORD_WRONG', errors: [{ field: 'password' }] })
    expect((await client.post('/api/v1/auth/totp/disable', {})).json().errors[0].field).toBe('password')
    expect((await client.post('/api/v1/auth/totp/disable', { password: DEMO_PASSWORD })).statusCode).toBe(204)
    expect((await login(t, { username: 'district-b.reporter', password: DEMO_PASSWORD })).statusCode).toBe(200)
    expect((await auditEntries(t.db, 'auth.totp_disable'))[0].outcome).toBe('success')
  })

  it('needs a session and the CSRF token for every change', async () => {
    const client = await signIn(t.app, 'district-b.editor')
    for (const url of ['/api/v1/auth/password', '/api/v1/auth/totp/setup', '/api/v1/auth/totp/enable', '/api/v1/auth/totp/disable']) {
      const res = await client.request({ method: 'POST', url, payload: {}, headers: { 'x-csrf-token': 'wrong' } })
      expect(res.statusCode, url).toBe(403)
      expect(res.json().code).toBe('CSRF_INVALID')
      const anonymous = await t.app.inject({ method: 'POST', url, payload: {} })
      expect(anonymous.statusCode, url).toBe(401)
    }
  })
})
