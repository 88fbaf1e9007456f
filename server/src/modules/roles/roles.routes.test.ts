import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, grantRole, revokeMembership, tenantIds } from '../../../test/factories/tenancy.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { userIdOf } from '../../../test/factories/users.js'
import { builtinRoles, permissions } from '../../kernel/permissions.js'
import { isTotpRequiredFor } from './roles.service.js'

interface Role { id: string; tenantId: string | null; code: string; permissions: string[]; isBuiltin: boolean; isInherited: boolean }

describe('custom roles and two-factor', () => {
  it('requires two-factor sign-in for a custom role that grants what only two-factor roles grant', () => {
    expect(isTotpRequiredFor(['user.manage'])).toBe(true)
    expect(isTotpRequiredFor(['tenant.manage', 'story.read'])).toBe(true)
    expect(isTotpRequiredFor(['tenant.read', 'story.read', 'planning.manage'])).toBe(false)
  })
})

describe('permissions and roles API', () => {
  let t: TestApp
  let ids: Record<string, string>
  let secadmin: Client
  let centerSecadmin: Client

  const roleCodes = async (client: Client) => ((await client.get('/api/v1/roles')).json().items as Role[]).map((r) => r.code)

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    // A center's own security administrator: role.manage at district-a and below only.
    await grantRole(t.db, { username: 'district-a.inspector', role: 'security_admin', tenant: 'district-a', extendsToDescendants: true })
    secadmin = await signIn(t.app, 'secadmin', { tenant: 'district-a' })
    centerSecadmin = await signIn(t.app, 'district-a.inspector')
  })
  afterAll(async () => { await t.close() })

  it('lists the permission catalogue to any signed-in user, marking reserved permissions', async () => {
    const res = await (await signIn(t.app, 'district-a.grid')).get('/api/v1/permissions')
    expect(res.statusCode).toBe(200)
    const items = res.json().items
    expect(items).toHaveLength(permissions.length)
    expect(items).toContainEqual({ code: 'story.review.final', group: 'review', name: '终审', isReserved: false })
    expect(items).toContainEqual(expect.objectContaining({ code: 'audit.read', isReserved: true }))
  })

  it('lists built-in roles first, in catalogue order, to holders of user.read only', async () => {
    const res = await (await signIn(t.app, 'admin')).get('/api/v1/roles')
    expect(res.statusCode).toBe(200)
    const items = res.json().items as Role[]
    expect(items.slice(0, builtinRoles.length).map((r) => r.code)).toEqual(builtinRoles.map((r) => r.code))
    expect(items[0]).toMatchObject({ tenantId: null, isBuiltin: true, isTotpRequired: true, permissions: expect.arrayContaining(['tenant.manage']) })
    const reporter = await (await signIn(t.app, 'district-a.reporter')).get('/api/v1/roles')
    expect(reporter.statusCode).toBe(403)
    expect(reporter.json().code).toBe('FORBIDDEN')
  })

  it('creates a custom role in the acting tenant, audited, and its holders get its permissions', async () => {
    const res = await secadmin.post('/api/v1/roles', {
      code: 'topic_planner', name: ' 选题策划 ', description: '策划选题', permissions: ['story.read', 'planning.manage', 'story.read'],
    })
    expect(res.statusCode).toBe(201)
    const role = res.json()
    expect(role).toMatchObject({
      tenantId: ids['district-a'], code: 'topic_planner', name: '选题策划', description: '策划选题',
      permissions: ['story.read', 'planning.manage'], isBuiltin: false, isTotpRequired: false,
    })
    const [entry] = await auditEntries(t.db, 'role.create')
    expect(entry).toMatchObject({ target_id: role.id, actor_name: 'secadmin', tenant_id: ids['district-a'] })
    expect(entry.details).toMatchObject({ code: 'topic_planner', permissions: ['story.read', 'planning.manage'] })

    const admin = await signIn(t.app, 'admin', { tenant: 'district-a' })
    expect(await roleCodes(admin)).toContain('topic_planner')
    expect(await roleCodes(await signIn(t.app, 'admin', { tenant: 'district-b' }))).not.toContain('topic_planner')

    const membership = await grantRole(t.db, { username: 'district-a.grid', role: 'topic_planner', tenant: 'district-a' })
    const grid = await signIn(t.app, 'district-a.grid', { tenant: 'district-a' })
    expect((await grid.get('/api/v1/me')).json().permissions).toEqual(['planning.manage', 'story.read'])
    await revokeMembership(t.db, membership)

    const admins = await secadmin.post('/api/v1/roles', { code: 'people_admin', name: '人事管理', permissions: ['user.read', 'user.manage'] })
    expect(admins.json().isTotpRequired).toBe(true)
  })

  it('answers 400 naming the field for bad codes and unknown permissions', async () => {
    const code = await secadmin.post('/api/v1/roles', { code: 'Bad-Code', name: '坏', permissions: [] })
    expect(code.statusCode).toBe(400)
    expect(code.json().errors).toEqual([expect.objectContaining({ field: 'code' })])
    const unknown = await secadmin.post('/api/v1/roles', { code: 'ghost', name: '幽灵', permissions: ['story.read', 'story.delete.all'] })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'permissions', message: expect.stringContaining('story.delete.all') }] })
    const missing = await secadmin.post('/api/v1/roles', { code: 'ghost', name: '幽灵' })
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'permissions' })])
    expect(await roleCodes(secadmin)).not.toContain('ghost')
  })

  it('refuses reserved permissions and taken codes', async () => {
    const reserved = await secadmin.post('/api/v1/roles', { code: 'shadow_auditor', name: '影子审计', permissions: ['story.read', 'audit.read'] })
    expect(reserved.statusCode).toBe(422)
    expect(reserved.json()).toMatchObject({ code: 'ROLE_PERMISSION_RESERVED', permissions: ['audit.read'] })
    for (const code of ['topic_planner', 'editor']) {
      const taken = await secadmin.post('/api/v1/roles', { code, name: '重复', permissions: ['story.read'] })
      expect(taken.statusCode, code).toBe(409)
      expect(taken.json()).toMatchObject({ code: 'ROLE_CODE_TAKEN', errors: [{ field: 'code' }] })
    }
    // The same code is free in another tenant: codes are unique per tenant.
    const elsewhere = await (await signIn(t.app, 'secadmin', { tenant: 'district-b' })).post('/api/v1/roles', { code: 'topic_planner', name: '选题策划', permissions: ['story.read'] })
    expect(elsewhere.statusCode).toBe(201)
  })

  it('answers 403 without role.manage: the platform admin does not define roles', async () => {
    const admin = await signIn(t.app, 'admin')
    const res = await admin.post('/api/v1/roles', { code: 'sneaky', name: '越权', permissions: ['story.read'] })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'role.manage' })
    const [denied] = await auditEntries(t.db, 'access.denied')
    expect(denied).toMatchObject({ actor_name: 'admin', outcome: 'denied' })
  })

  it('updates a custom role, auditing the permission difference; built-in roles stay read-only', async () => {
    const planner = ((await secadmin.get('/api/v1/roles')).json().items as Role[]).find((r) => r.code === 'topic_planner' && r.tenantId === ids['district-a'])!
    const res = await secadmin.patch(`/api/v1/roles/${planner.id}`, { code: 'topic_planner', name: '选题策划组', permissions: ['planning.manage', 'lead.read'] })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ name: '选题策划组', permissions: ['planning.manage', 'lead.read'] })
    const [entry] = await auditEntries(t.db, 'role.update')
    expect(entry).toMatchObject({ target_id: planner.id })
    expect(entry.details).toEqual({ code: 'topic_planner', name: { from: '选题策划', to: '选题策划组' }, added: ['lead.read'], removed: ['story.read'] })

    const rename = await secadmin.patch(`/api/v1/roles/${planner.id}`, { code: 'planner' })
    expect(rename.statusCode).toBe(400)
    expect(rename.json().errors).toEqual([expect.objectContaining({ field: 'code' })])
    const reserved = await secadmin.patch(`/api/v1/roles/${planner.id}`, { permissions: ['role.manage'] })
    expect(reserved.json().code).toBe('ROLE_PERMISSION_RESERVED')

    const editor = ((await secadmin.get('/api/v1/roles')).json().items as Role[]).find((r) => r.code === 'editor' && r.isBuiltin)!
    for (const res of [await secadmin.patch(`/api/v1/roles/${editor.id}`, { name: '改内置' }), await secadmin.delete(`/api/v1/roles/${editor.id}`)]) {
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ROLE_BUILTIN_READONLY')
    }
  })

  it('answers 404 for another tenant\'s role, never showing it', async () => {
    const other = ((await (await signIn(t.app, 'secadmin', { tenant: 'district-b' })).get('/api/v1/roles')).json().items as Role[])
      .find((r) => r.tenantId === ids['district-b'])!
    const listed = (await centerSecadmin.get('/api/v1/roles')).json().items as Role[]
    expect(listed.some((r) => r.tenantId === ids['district-b'])).toBe(false)
    expect(listed.some((r) => r.tenantId === ids['district-a'])).toBe(true)
    const patch = await centerSecadmin.patch(`/api/v1/roles/${other.id}`, { name: '越权' })
    expect(patch.statusCode).toBe(404)
    expect(patch.json().code).toBe('ROLE_NOT_FOUND')
    expect(patch.body).not.toContain('选题策划')
    expect((await centerSecadmin.delete(`/api/v1/roles/${other.id}`)).statusCode).toBe(404)
  })

  it("shows a unit its center's custom roles as inherited: grantable there, changed only at the center", async () => {
    const created = await secadmin.post('/api/v1/roles', { code: 'grid_desk', name: '网格信息员', permissions: ['story.read'] })
    expect(created.statusCode).toBe(201)
    expect(created.json().isInherited).toBe(false)
    const roleId = created.json().id as string

    const unitAdmin = await signIn(t.app, 'admin', { tenant: 'district-a-gov' })
    const atUnit = ((await unitAdmin.get('/api/v1/roles')).json().items as Role[]).find((r) => r.code === 'grid_desk')
    expect(atUnit).toMatchObject({ id: roleId, tenantId: ids['district-a'], isBuiltin: false, isInherited: true })
    // Another center's units do not see it.
    expect(await roleCodes(await signIn(t.app, 'admin', { tenant: 'district-b-gov' }))).not.toContain('grid_desk')

    const unitSecadmin = await signIn(t.app, 'secadmin', { tenant: 'district-a-gov' })
    for (const res of [await unitSecadmin.patch(`/api/v1/roles/${roleId}`, { name: '改名' }), await unitSecadmin.delete(`/api/v1/roles/${roleId}`)]) {
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ROLE_INHERITED_READONLY')
    }

    const granted = await unitAdmin.post(`/api/v1/users/${await userIdOf(t.db, 'district-a.grid')}/memberships`, { tenantId: ids['district-a-gov'], roleId })
    expect(granted.statusCode, granted.body).toBe(201)
    const grid = await signIn(t.app, 'district-a.grid', { tenant: 'district-a-gov' })
    expect((await grid.get('/api/v1/me')).json().permissions).toContain('story.read')
    // Not in a sibling center's unit: the role belongs to district-a's tree only.
    const elsewhere = await (await signIn(t.app, 'admin', { tenant: 'district-b-gov' })).post(`/api/v1/users/${await userIdOf(t.db, 'district-b.grid')}/memberships`, { tenantId: ids['district-b-gov'], roleId })
    expect(elsewhere.statusCode).toBe(404)
  })

  it('deletes a custom role only once nobody holds it', async () => {
    const planner = ((await centerSecadmin.get('/api/v1/roles')).json().items as Role[]).find((r) => r.code === 'topic_planner')!
    // The deleting caller manages roles at district-a alone; the role is held below it, in a unit
    // whose memberships that caller cannot even read. The refusal must not depend on seeing them.
    await grantRole(t.db, { username: 'district-a.proofreader', role: 'security_admin', tenant: 'district-a' })
    const narrow = await signIn(t.app, 'district-a.proofreader')
    const membership = await grantRole(t.db, { username: 'district-a.handler', role: 'topic_planner', tenant: 'district-a-gov' })
    const inUse = await narrow.delete(`/api/v1/roles/${planner.id}`)
    expect(inUse.statusCode).toBe(409)
    expect(inUse.json().code).toBe('ROLE_IN_USE')
    expect(await roleCodes(centerSecadmin)).toContain('topic_planner')

    await revokeMembership(t.db, membership)
    const gone = await narrow.delete(`/api/v1/roles/${planner.id}`)
    expect(gone.statusCode).toBe(204)
    expect(await roleCodes(centerSecadmin)).not.toContain('topic_planner')
    const [entry] = await auditEntries(t.db, 'role.delete')
    expect(entry).toMatchObject({ target_id: planner.id, actor_name: 'district-a.proofreader' })
    expect((await centerSecadmin.delete(`/api/v1/roles/${planner.id}`)).statusCode).toBe(404)
  })
})
