import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, tenantIds } from '../../../test/factories/tenancy.js'
import { activate, builtinRoleIds, invite, userIdOf, type Activated } from '../../../test/factories/users.js'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, DEMO_PASSWORD, signIn, type Client, type TestApp } from '../../../test/harness.js'

interface UserItem {
  id: string
  username: string
  isDisabled: boolean
  lockedUntil: string | null
  mustChangePassword: boolean
  memberships: Array<{ id: string; tenantId: string; tenantSlug: string; roleCode: string }>
}

describe('users administration API', { timeout: 30_000 }, () => {
  let t: TestApp
  let ids: Record<string, string>
  let roles: Record<string, string>
  let admin: Client
  let centerAdmin: Activated

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    roles = await builtinRoleIds(t.db)
    admin = await signIn(t.app, 'admin')
    // A real (non-demo) center administrator, made the way the console makes one.
    const invited = await invite(admin, {
      username: 'da-admin', memberships: [{ tenantId: ids['district-a'], roleId: roles.platform_admin, extendsToDescendants: true }],
    })
    centerAdmin = await activate(t.app, { username: 'da-admin', temporaryPassword: invited.temporaryPassword })
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('lists users page by page with their memberships, searching username and display name', async () => {
    const seen: UserItem[] = []
    let cursor: string | null = null
    do {
      const res = await admin.get(`/api/v1/users?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).toBe(200)
      seen.push(...res.json().items)
      cursor = res.json().nextCursor
    } while (cursor)
    const names = seen.map((u) => u.username)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual([...names].sort())
    expect(names).toEqual(expect.arrayContaining(['admin', 'secadmin', 'district-a.reporter', 'district-b.grid', 'da-admin']))
    const reporter = seen.find((u) => u.username === 'district-a.reporter')!
    expect(reporter.memberships).toEqual([expect.objectContaining({ tenantSlug: 'district-a', roleCode: 'reporter' })])

    const byName = await admin.get(`/api/v1/users?q=${encodeURIComponent('西山记者')}`)
    expect(byName.json().items.map((u: UserItem) => u.username)).toEqual(['district-b.reporter'])
    const byTenant = await admin.get(`/api/v1/users?tenantId=${ids['district-a-gov']}`)
    expect(byTenant.json().items.map((u: UserItem) => u.username).sort()).toEqual(['district-a.grid', 'district-a.handler'])
  })

  it('shows a center administrator only the users and memberships inside the center', async () => {
    const res = await centerAdmin.client.get('/api/v1/users?limit=200')
    expect(res.statusCode).toBe(200)
    const items = res.json().items as UserItem[]
    expect(items.some((u) => u.username === 'district-a.editor')).toBe(true)
    expect(items.some((u) => u.username.startsWith('district-b.') || u.username === 'admin')).toBe(false)
    const self = items.find((u) => u.username === 'da-admin')!
    expect(self.memberships.every((m) => m.tenantSlug.startsWith('district-a'))).toBe(true)
  })

  it('answers 404 for another center\'s user, tenant or filter, never their data', async () => {
    const other = await userIdOf(t.db, 'district-b.reporter')
    for (const res of [
      await centerAdmin.client.get(`/api/v1/users/${other}`),
      await centerAdmin.client.patch(`/api/v1/users/${other}`, { displayName: '改名' }),
      await centerAdmin.client.post(`/api/v1/users/${other}/reset-password`),
      await centerAdmin.client.post(`/api/v1/users/${other}/unlock`),
      await centerAdmin.client.post(`/api/v1/users/${other}/memberships`, { tenantId: ids['district-a'], roleId: roles.reporter }),
    ]) {
      expect(res.statusCode, res.body).toBe(404)
      expect(res.json().code).toBe('USER_NOT_FOUND')
      expect(res.body).not.toContain('district-b.reporter')
    }
    const invite = await centerAdmin.client.post('/api/v1/users', {
      username: 'sneaky', displayName: '越权', memberships: [{ tenantId: ids['district-b'], roleId: roles.reporter }],
    })
    expect(invite.statusCode).toBe(404)
    expect(invite.json().code).toBe('TENANT_NOT_FOUND')
    expect((await centerAdmin.client.get(`/api/v1/users?tenantId=${ids['district-b']}`)).statusCode).toBe(404)
  })

  it('invites a user with a temporary password, audited as user.create and membership.add', async () => {
    const res = await centerAdmin.client.post('/api/v1/users', {
      username: 'da-writer', displayName: ' 东湖写手 ', email: 'writer@example.cn', phone: '13800138000',
      memberships: [{ tenantId: ids['district-a-edu'], roleId: roles.reporter }, { tenantId: ids['district-a'], roleId: roles.proofreader }],
    })
    expect(res.statusCode, res.body).toBe(201)
    const { user, temporaryPassword } = res.json()
    expect(user).toMatchObject({ username: 'da-writer', displayName: '东湖写手', email: 'writer@example.cn', isDisabled: false, mustChangePassword: true })
    expect(user.homeTenantId).toBe(ids['district-a-edu'])
    expect(user.memberships.map((m: UserItem['memberships'][number]) => m.roleCode).sort()).toEqual(['proofreader', 'reporter'])
    expect(temporaryPassword).toMatch(/^.{16}$/)

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'da-writer', password: temporaryPassword } })
    expect(login.json()).toMatchObject({ mustChangePassword: true, mustEnrolTotp: false })
    const created = (await auditEntries(t.db, 'user.create')).find((e) => e.target_id === user.id)!
    expect(created).toMatchObject({ actor_id: centerAdmin.userId, outcome: 'success' })
    expect((await auditEntries(t.db, 'membership.add')).filter((e) => e.target_id === user.id)).toHaveLength(2)

    const again = await admin.post('/api/v1/users', { username: 'da-writer', displayName: 'x', memberships: [] })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('USERNAME_TAKEN')
  })

  it('rejects bad input with 400 naming the field, and unknown roles with 404', async () => {
    const base = { username: 'valid-name', displayName: '有效', memberships: [{ tenantId: ids['district-a'], roleId: roles.reporter }] }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, username: 'Bad Name' }, 'username'],
      [{ ...base, displayName: undefined }, 'displayName'],
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, phone: '12345' }, 'phone'],
      [{ ...base, memberships: [{ tenantId: 'nope', roleId: roles.reporter }] }, 'memberships.0.tenantId'],
    ]
    for (const [body, field] of cases) {
      const res = await admin.post('/api/v1/users', body)
      expect(res.statusCode, field).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
    const unknownRole = await admin.post('/api/v1/users', { ...base, memberships: [{ tenantId: ids['district-a'], roleId: ids.demo }] })
    expect(unknownRole.statusCode).toBe(404)
    expect(unknownRole.json().code).toBe('ROLE_NOT_FOUND')
    const patch = await admin.patch(`/api/v1/users/${await userIdOf(t.db, 'district-a.editor')}`, { phone: '1380013800' })
    expect(patch.statusCode).toBe(400)
    expect(patch.json().errors).toEqual([expect.objectContaining({ field: 'phone' })])
  })

  it('refuses writes without user.manage (403) and without the CSRF token (403)', async () => {
    const reporter = await signIn(t.app, 'district-a.reporter')
    const target = await userIdOf(t.db, 'district-a.editor')
    const membership = ((await admin.get(`/api/v1/users/${target}`)).json() as UserItem).memberships[0].id
    const auditor = await signIn(t.app, 'auditor')
    expect((await auditor.get('/api/v1/users')).statusCode).toBe(200)
    expect((await auditor.get(`/api/v1/users/${target}`)).statusCode).toBe(200)
    const writes = (client: Client) => [
      client.post('/api/v1/users', { username: 'x-y', displayName: 'x', memberships: [] }),
      client.patch(`/api/v1/users/${target}`, { displayName: 'x' }),
      client.post(`/api/v1/users/${target}/reset-password`),
      client.post(`/api/v1/users/${target}/unlock`),
      client.post(`/api/v1/users/${target}/memberships`, { tenantId: ids['district-a'], roleId: roles.reporter }),
      client.delete(`/api/v1/users/${target}/memberships/${membership}`),
    ]
    const answers = await Promise.all([reporter.get('/api/v1/users'), reporter.get(`/api/v1/users/${target}`), ...writes(reporter), ...writes(auditor)])
    for (const [i, answer] of answers.entries()) {
      expect(answer.statusCode, `request ${i}`).toBe(403)
      expect(answer.json().code).toBe('FORBIDDEN')
    }
    const noCsrf = await admin.request({ method: 'PATCH', url: `/api/v1/users/${target}`, payload: { displayName: 'x' }, headers: { 'x-csrf-token': '' } })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().code).toBe('CSRF_INVALID')
  })

  it('edits, disables (ending sessions) and re-enables an account, each audited', async () => {
    const id = await userIdOf(t.db, 'district-a.section')
    const victim = await signIn(t.app, 'district-a.section')
    const edited = await centerAdmin.client.patch(`/api/v1/users/${id}`, { displayName: '东湖新主任', email: 'head@example.cn', phone: '' })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ displayName: '东湖新主任', email: 'head@example.cn', phone: null })
    const update = (await auditEntries(t.db, 'user.update'))[0]
    expect(update.details).toMatchObject({ fields: ['display_name', 'email'], displayName: { new: '东湖新主任' } })

    const disabled = await centerAdmin.client.patch(`/api/v1/users/${id}`, { isDisabled: true })
    expect(disabled.json().isDisabled).toBe(true)
    expect((await victim.get('/api/v1/me')).statusCode).toBe(401)
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.section', password: DEMO_PASSWORD } })
    expect(login.json().code).toBe('AUTH_DISABLED')
    expect((await auditEntries(t.db, 'user.disable'))[0].target_id).toBe(id)

    expect((await centerAdmin.client.patch(`/api/v1/users/${id}`, { isDisabled: false })).json().isDisabled).toBe(false)
    expect((await auditEntries(t.db, 'user.enable'))[0].target_id).toBe(id)
    await signIn(t.app, 'district-a.section')
    const self = await centerAdmin.client.patch(`/api/v1/users/${centerAdmin.userId}`, { isDisabled: true })
    expect(self.statusCode).toBe(403)
  })

  it('resets a password: new temporary password, old one and old sessions dead, must change', async () => {
    const id = await userIdOf(t.db, 'district-a.chief')
    const old = await signIn(t.app, 'district-a.chief')
    const res = await centerAdmin.client.post(`/api/v1/users/${id}/reset-password`)
    expect(res.statusCode).toBe(200)
    const { temporaryPassword } = res.json()
    expect((await old.get('/api/v1/me')).statusCode).toBe(401)
    const stale = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.chief', password: DEMO_PASSWORD } })
    expect(stale.statusCode).toBe(401)
    const fresh = await signIn(t.app, 'district-a.chief', { password: temporaryPassword })
    expect((await fresh.get('/api/v1/me')).json().mustChangePassword).toBe(true)
    expect((await auditEntries(t.db, 'user.password_reset'))[0]).toMatchObject({ target_id: id, actor_id: centerAdmin.userId })
    expect((await centerAdmin.client.post(`/api/v1/users/${centerAdmin.userId}/reset-password`)).statusCode).toBe(403)
  })

  it('unlocks a locked account before its lockout runs out', async () => {
    const id = await userIdOf(t.db, 'district-a.operator')
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district-a.operator', password: 'wrong' } })
    }
    expect((await admin.get(`/api/v1/users/${id}`)).json().lockedUntil).not.toBeNull()
    const res = await admin.post(`/api/v1/users/${id}/unlock`)
    expect(res.statusCode).toBe(204)
    expect((await admin.get(`/api/v1/users/${id}`)).json().lockedUntil).toBeNull()
    await signIn(t.app, 'district-a.operator')
    expect((await auditEntries(t.db, 'user.unlock'))[0].target_id).toBe(id)
  })

  it('adds and removes roles, refusing duplicates, oneself and unknown memberships', async () => {
    const id = await userIdOf(t.db, 'district-a.proofreader')
    const added = await centerAdmin.client.post(`/api/v1/users/${id}/memberships`, { tenantId: ids['district-a-gov'], roleId: roles.dispatcher, extendsToDescendants: false })
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({ tenantSlug: 'district-a-gov', roleCode: 'dispatcher', extendsToDescendants: false })
    const proof = await signIn(t.app, 'district-a.proofreader', { tenant: 'district-a-gov' })
    expect((await proof.get('/api/v1/me')).json().permissions).toContain('ticket.dispatch')

    const dup = await centerAdmin.client.post(`/api/v1/users/${id}/memberships`, { tenantId: ids['district-a-gov'], roleId: roles.dispatcher })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('MEMBERSHIP_EXISTS')
    const membershipId = added.json().id
    expect((await centerAdmin.client.delete(`/api/v1/users/${id}/memberships/${membershipId}`)).statusCode).toBe(204)
    expect((await proof.get('/api/v1/me')).statusCode).toBe(404)
    const gone = await centerAdmin.client.delete(`/api/v1/users/${id}/memberships/${membershipId}`)
    expect(gone.statusCode).toBe(404)
    const removed = (await auditEntries(t.db, 'membership.remove'))[0]
    expect(removed).toMatchObject({ target_id: id, details: expect.objectContaining({ roleCode: 'dispatcher', membershipId }) })

    const self = await centerAdmin.client.post(`/api/v1/users/${centerAdmin.userId}/memberships`, { tenantId: ids['district-a-gov'], roleId: roles.reporter })
    expect(self.statusCode).toBe(403)
    expect(self.json().code).toBe('FORBIDDEN')
  })

  it('keeps separation of duties: security roles only from the platform administrator', async () => {
    const id = await userIdOf(t.db, 'district-a.leader')
    for (const role of ['auditor', 'security_admin']) {
      const res = await centerAdmin.client.post(`/api/v1/users/${id}/memberships`, { tenantId: ids['district-a'], roleId: roles[role] })
      expect(res.statusCode, role).toBe(403)
      expect(res.json().code).toBe('FORBIDDEN')
    }
    const byRoot = await admin.post(`/api/v1/users/${id}/memberships`, { tenantId: ids['district-a'], roleId: roles.auditor })
    expect(byRoot.statusCode).toBe(201)
    // The leader now holds a role the center administrator could not grant: the account is out of their reach.
    const reset = await centerAdmin.client.post(`/api/v1/users/${id}/reset-password`)
    expect(reset.statusCode).toBe(403)
    expect((await centerAdmin.client.delete(`/api/v1/users/${id}/memberships/${byRoot.json().id}`)).statusCode).toBe(403)
    expect((await admin.delete(`/api/v1/users/${id}/memberships/${byRoot.json().id}`)).statusCode).toBe(204)
  })

  it('never removes or disables the last enabled platform administrator at the root', async () => {
    const adminId = await userIdOf(t.db, 'admin')
    const invited = await invite(admin, { username: 'root-two', memberships: [{ tenantId: ids.demo, roleId: roles.platform_admin, extendsToDescendants: true }] })
    const rootTwo = await activate(t.app, { username: 'root-two', temporaryPassword: invited.temporaryPassword })
    // With two administrators, one may disable the other.
    expect((await rootTwo.client.patch(`/api/v1/users/${adminId}`, { isDisabled: true })).statusCode).toBe(200)

    // A user officer at the root (a custom role with user.manage) now faces the last enabled administrator.
    const officerRole = await inScope(t.db, systemScope, (trx) => trx.insertInto('roles').values({
      tenant_id: ids.demo, code: 'user_officer', name: '用户专员', permissions: ['tenant.read', 'tenant.manage', 'user.read', 'user.manage'],
    }).returning('id').executeTakeFirstOrThrow())
    const officerInvite = await invite(rootTwo.client, { username: 'root-officer', memberships: [{ tenantId: ids.demo, roleId: officerRole.id, extendsToDescendants: true }] })
    const officer = await activate(t.app, { username: 'root-officer', temporaryPassword: officerInvite.temporaryPassword })
    const rootTwoMembership = ((await officer.client.get(`/api/v1/users/${rootTwo.userId}`)).json() as UserItem).memberships[0]
    const disable = await officer.client.patch(`/api/v1/users/${rootTwo.userId}`, { isDisabled: true })
    expect(disable.statusCode).toBe(409)
    expect(disable.json().code).toBe('MEMBERSHIP_LAST_ADMIN')
    const remove = await officer.client.delete(`/api/v1/users/${rootTwo.userId}/memberships/${rootTwoMembership.id}`)
    expect(remove.statusCode).toBe(409)
    expect(remove.json().code).toBe('MEMBERSHIP_LAST_ADMIN')

    // Once the first administrator is back, the second one's role may go.
    expect((await officer.client.patch(`/api/v1/users/${adminId}`, { isDisabled: false })).statusCode).toBe(200)
    expect((await officer.client.delete(`/api/v1/users/${rootTwo.userId}/memberships/${rootTwoMembership.id}`)).statusCode).toBe(204)
    admin = await signIn(t.app, 'admin')
  })
})
