import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { auditEntries, grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { placementProblem } from './tenancy.service.js'

async function pathOf(t: TestApp, id: string): Promise<string[]> {
  const row = await inScope(t.db, systemScope, (trx) => trx.selectFrom('tenants').select('path').where('id', '=', id).executeTakeFirstOrThrow())
  return row.path
}

function slugsOf(res: { json(): { items: Array<{ slug: string }> } }): string[] {
  return res.json().items.map((i) => i.slug).sort()
}

describe('placement rules', () => {
  it('keeps the platform at the root, centers under it and units under centers or units', () => {
    expect(placementProblem('platform', 'platform')).not.toBeNull()
    expect(placementProblem('center', 'platform')).toBeNull()
    expect(placementProblem('center', 'center')).not.toBeNull()
    expect(placementProblem('unit', 'center')).toBeNull()
    expect(placementProblem('unit', 'unit')).toBeNull()
    expect(placementProblem('unit', 'platform')).not.toBeNull()
  })
})

describe('tenants API', () => {
  let t: TestApp
  let ids: Record<string, string>
  let admin: Client
  let centerAdmin: Client

  beforeAll(async () => {
    t = await buildTestApp()
    ids = await tenantIds(t.db)
    // A center administrator: platform_admin held at district-a over its subtree only.
    await grantRole(t.db, { username: 'district-a.leader', role: 'platform_admin', tenant: 'district-a', extendsToDescendants: true })
    admin = await signIn(t.app, 'admin')
    centerAdmin = await signIn(t.app, 'district-a.leader')
  })
  afterAll(async () => { await t.close() })

  it('lists the tenants each caller may see', async () => {
    const all = await admin.get('/api/v1/tenants')
    expect(all.statusCode).toBe(200)
    expect(all.json().items).toHaveLength(9)
    expect(all.json().items[0]).toEqual({
      id: ids.demo, slug: 'demo', name: '示例市融媒体中心', kind: 'platform', parentId: null, isDisabled: false, createdAt: expect.any(String),
    })
    expect(all.json().items.find((i: { slug: string }) => i.slug === 'district-a-gov')).toMatchObject({ kind: 'unit', parentId: ids['district-a'] })

    const reporter = await signIn(t.app, 'district-a.reporter')
    expect(slugsOf(await reporter.get('/api/v1/tenants'))).toEqual(['district-a'])
    expect(slugsOf(await (await signIn(t.app, 'district-b.leader')).get('/api/v1/tenants')))
      .toEqual(['district-b', 'district-b-gov', 'district-b-housing', 'district-b-qingshi'])
  })

  it('creates a unit under a center in scope, audited', async () => {
    const res = await admin.post('/api/v1/tenants', { slug: 'district-a-culture', name: ' 东湖区文化旅游局 ', kind: 'unit', parentId: ids['district-a'] })
    expect(res.statusCode).toBe(201)
    const created = res.json()
    expect(created).toMatchObject({ slug: 'district-a-culture', name: '东湖区文化旅游局', kind: 'unit', parentId: ids['district-a'], isDisabled: false })
    expect(await pathOf(t, created.id)).toEqual([ids.demo, ids['district-a'], created.id])
    const [entry] = await auditEntries(t.db, 'tenant.create')
    expect(entry).toMatchObject({ target_id: created.id, actor_name: 'admin', tenant_id: ids.demo, outcome: 'success' })
    expect(entry.details).toMatchObject({ slug: 'district-a-culture', kind: 'unit', parentId: ids['district-a'] })
    expect(slugsOf(await centerAdmin.get('/api/v1/tenants'))).toContain('district-a-culture')
  })

  it('answers 400 naming the field for bad input, and stores nothing', async () => {
    const bad = await admin.post('/api/v1/tenants', { slug: 'Bad Slug', name: '坏', kind: 'unit', parentId: ids['district-a'] })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'slug' })])
    const missing = await admin.post('/api/v1/tenants', { slug: 'district-a-x', name: '某单位', kind: 'unit' })
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'parentId' })])
    const kind = await admin.post('/api/v1/tenants', { slug: 'district-a-x', name: '某单位', kind: 'team', parentId: ids['district-a'] })
    expect(kind.statusCode).toBe(400)
    expect(kind.json().errors.map((e: { field: string }) => e.field)).toContain('kind')
    const patch = await admin.patch(`/api/v1/tenants/${ids['district-a-gov']}`, { name: '' })
    expect(patch.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]))
    const id = await admin.patch('/api/v1/tenants/district-a', { name: '按 slug 找' })
    expect(id.statusCode).toBe(400)
    expect(id.json().errors).toEqual([expect.objectContaining({ field: 'params.id' })])
    expect(slugsOf(await admin.get('/api/v1/tenants'))).not.toContain('district-a-x')
  })

  it('keeps kinds in their places and slugs unique', async () => {
    const cases = [
      { slug: 'another-platform', kind: 'platform', parent: 'demo' },
      { slug: 'district-a-center', kind: 'center', parent: 'district-a' },
      { slug: 'demo-unit', kind: 'unit', parent: 'demo' },
    ]
    for (const c of cases) {
      const res = await admin.post('/api/v1/tenants', { slug: c.slug, name: '不该存在', kind: c.kind, parentId: ids[c.parent] })
      expect(res.statusCode, c.slug).toBe(422)
      expect(res.json().code).toBe('TENANT_INVALID_PARENT')
    }
    const taken = await admin.post('/api/v1/tenants', { slug: 'district-b-gov', name: '重复', kind: 'unit', parentId: ids['district-a'] })
    expect(taken.statusCode).toBe(409)
    expect(taken.json()).toMatchObject({ code: 'TENANT_SLUG_TAKEN', errors: [{ field: 'slug' }] })
  })

  it('answers 403 to a caller without tenant.manage', async () => {
    const reporter = await signIn(t.app, 'district-a.reporter')
    const create = await reporter.post('/api/v1/tenants', { slug: 'district-a-y', name: '某单位', kind: 'unit', parentId: ids['district-a'] })
    expect(create.statusCode).toBe(403)
    expect(create.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'tenant.manage' })
    const rename = await reporter.patch(`/api/v1/tenants/${ids['district-a']}`, { name: '改名' })
    expect(rename.statusCode).toBe(403)
  })

  it('answers 404, with none of its data, for a tenant outside the caller\'s scope', async () => {
    const rename = await centerAdmin.patch(`/api/v1/tenants/${ids['district-b-gov']}`, { name: '越权改名' })
    expect(rename.statusCode).toBe(404)
    expect(rename.body).not.toContain('西山')
    const create = await centerAdmin.post('/api/v1/tenants', { slug: 'district-b-z', name: '越权新建', kind: 'unit', parentId: ids['district-b'] })
    expect(create.statusCode).toBe(404)
    const moveOut = await centerAdmin.patch(`/api/v1/tenants/${ids['district-a-edu']}`, { parentId: ids['district-b'] })
    expect(moveOut.statusCode).toBe(404)
    const unknown = await admin.patch('/api/v1/tenants/00000000-0000-4000-8000-000000000000', { name: '无' })
    expect(unknown.statusCode).toBe(404)

    const inScopeRename = await centerAdmin.patch(`/api/v1/tenants/${ids['district-a-edu']}`, { name: '东湖区教育和体育局' })
    expect(inScopeRename.statusCode).toBe(200)
    expect(inScopeRename.json()).toMatchObject({ id: ids['district-a-edu'], name: '东湖区教育和体育局' })
    const [entry] = await auditEntries(t.db, 'tenant.update')
    expect(entry).toMatchObject({ target_id: ids['district-a-edu'], actor_name: 'district-a.leader', tenant_id: ids['district-a'] })
    expect(entry.details).toMatchObject({ name: { from: '东湖区教育局', to: '东湖区教育和体育局' } })
  })

  it('moves a whole subtree, rewriting every path below it', async () => {
    const make = async (slug: string, parentId: string) => {
      const res = await admin.post('/api/v1/tenants', { slug, name: slug, kind: 'unit', parentId })
      expect(res.statusCode).toBe(201)
      return res.json().id as string
    }
    const x = await make('move-x', ids['district-a'])
    const y = await make('move-y', x)
    const z = await make('move-z', y)

    const moved = await admin.patch(`/api/v1/tenants/${x}`, { parentId: ids['district-b'] })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ id: x, parentId: ids['district-b'] })
    expect(await pathOf(t, x)).toEqual([ids.demo, ids['district-b'], x])
    expect(await pathOf(t, y)).toEqual([ids.demo, ids['district-b'], x, y])
    expect(await pathOf(t, z)).toEqual([ids.demo, ids['district-b'], x, y, z])
    expect(await pathOf(t, ids['district-a-gov'])).toEqual([ids.demo, ids['district-a'], ids['district-a-gov']])

    const listed = (await admin.get('/api/v1/tenants')).json().items as Array<{ id: string; parentId: string }>
    expect(listed.find((i) => i.id === x)?.parentId).toBe(ids['district-b'])
    expect(listed.find((i) => i.id === z)?.parentId).toBe(y)
    expect(slugsOf(await centerAdmin.get('/api/v1/tenants'))).not.toContain('move-y')
    expect(slugsOf(await (await signIn(t.app, 'district-b.leader')).get('/api/v1/tenants'))).toEqual(expect.arrayContaining(['move-x', 'move-y', 'move-z']))
    const [entry] = await auditEntries(t.db, 'tenant.move')
    expect(entry).toMatchObject({ target_id: x })
    expect(entry.details).toMatchObject({ from: ids['district-a'], to: ids['district-b'], movedTenants: 3 })

    for (const parentId of [x, z]) {
      const loop = await admin.patch(`/api/v1/tenants/${x}`, { parentId })
      expect(loop.statusCode).toBe(422)
      expect(loop.json()).toMatchObject({ code: 'TENANT_INVALID_PARENT', errors: [{ field: 'parentId' }] })
    }
    const centerUnderCenter = await admin.patch(`/api/v1/tenants/${ids['district-a']}`, { parentId: ids['district-b'] })
    expect(centerUnderCenter.json().code).toBe('TENANT_INVALID_PARENT')
    const platform = await admin.patch(`/api/v1/tenants/${ids.demo}`, { parentId: ids['district-a'] })
    expect(platform.json().code).toBe('TENANT_INVALID_PARENT')
    expect(await pathOf(t, z)).toEqual([ids.demo, ids['district-b'], x, y, z])
  })

  it('lets only one of two crossing moves win, so the tree never gets a cycle', async () => {
    const make = async (slug: string) => (await admin.post('/api/v1/tenants', { slug, name: slug, kind: 'unit', parentId: ids['district-a'] })).json().id as string
    const p = await make('cross-p')
    const q = await make('cross-q')
    const results = await Promise.all([
      admin.patch(`/api/v1/tenants/${p}`, { parentId: q }),
      admin.patch(`/api/v1/tenants/${q}`, { parentId: p }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 422])
    const [pPath, qPath] = [await pathOf(t, p), await pathOf(t, q)]
    expect(pPath.includes(q) !== qPath.includes(p)).toBe(true)
    expect(pPath.at(-1)).toBe(p)
    expect(qPath.at(-1)).toBe(q)
  })

  it('disables and enables a tenant; nobody can act in a disabled one', async () => {
    const target = ids['district-a-health']
    const off = await admin.patch(`/api/v1/tenants/${target}`, { isDisabled: true })
    expect(off.statusCode).toBe(200)
    expect(off.json().isDisabled).toBe(true)
    const inside = await admin.request({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'district-a-health' } })
    expect(inside.statusCode).toBe(403)
    expect(inside.json().code).toBe('TENANT_DISABLED')
    expect((await auditEntries(t.db, 'tenant.disable'))[0]).toMatchObject({ target_id: target })

    const on = await admin.patch(`/api/v1/tenants/${target}`, { isDisabled: false })
    expect(on.json().isDisabled).toBe(false)
    expect((await admin.request({ method: 'GET', url: '/api/v1/me', headers: { 'x-tenant': 'district-a-health' } })).statusCode).toBe(200)
    expect((await auditEntries(t.db, 'tenant.enable'))[0]).toMatchObject({ target_id: target })
  })

  it('refuses to disable the platform or the tenant the caller acts in', async () => {
    const root = await admin.patch(`/api/v1/tenants/${ids.demo}`, { isDisabled: true })
    expect(root.statusCode).toBe(422)
    expect(root.json()).toMatchObject({ code: 'TENANT_DISABLE_REFUSED', errors: [{ field: 'isDisabled' }] })
    const own = await centerAdmin.patch(`/api/v1/tenants/${ids['district-a']}`, { isDisabled: true })
    expect(own.statusCode).toBe(422)
    expect(own.json().code).toBe('TENANT_DISABLE_REFUSED')
    expect((await admin.get('/api/v1/tenants')).json().items.every((i: { isDisabled: boolean }) => !i.isDisabled)).toBe(true)
  })
})
