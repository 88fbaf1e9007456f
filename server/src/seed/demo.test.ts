import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../db/scope.js'
import { assertStartable } from '../main.js'
import { buildTestApp, createTestDatabase, DEMO_PASSWORD, type TestApp, type TestDatabase } from '../../test/harness.js'
import { seedDemo } from './demo.js'

const CENTERS = ['district-a', 'district-b']
/** The contract's per-center demo users and the built-in role each holds. */
const CENTER_ROLES: Record<string, string> = {
  reporter: 'reporter', editor: 'editor', section: 'section_head', chief: 'chief_editor', proofreader: 'proofreader',
  operator: 'operator', dispatcher: 'dispatcher', handler: 'department_handler', leader: 'center_leader', inspector: 'inspector',
}

async function state(t: TestDatabase) {
  return inScope(t.db, systemScope, async (trx) => ({
    tenants: await trx.selectFrom('tenants').select(['id', 'slug', 'kind', 'parent_id']).orderBy('slug').execute(),
    users: await trx.selectFrom('users').select(['username', 'password_hash', 'is_demo']).orderBy('username').execute(),
    memberships: await trx.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
      .innerJoin('tenants as t', 't.id', 'm.tenant_id')
      .select(['u.username', 'r.code', 't.slug', 'm.extends_to_descendants']).orderBy('u.username').execute(),
    auditRows: (await trx.selectFrom('audit_log').select('seq').execute()).length,
  }))
}

describe('demo seed', { timeout: 30_000 }, () => {
  let t: TestDatabase
  let first: Awaited<ReturnType<typeof state>>
  beforeAll(async () => {
    t = await createTestDatabase()
    await seedDemo(t.db, { password: DEMO_PASSWORD })
    first = await state(t)
  }, 60_000)
  afterAll(async () => { await t.drop() }, 60_000)

  it('is idempotent: a second run creates nothing and keeps every password', async () => {
    const again = await seedDemo(t.db, { password: 'Another-Password-9' })
    expect(again.createdUsers).toEqual([])
    expect(await state(t)).toEqual(first)
  })

  it('creates the contract tenants: demo → district-a, district-b → at least two units each, with <center>-gov', () => {
    const bySlug = new Map(first.tenants.map((x) => [x.slug, x]))
    expect(bySlug.get('demo')).toMatchObject({ kind: 'platform', parent_id: null })
    for (const center of CENTERS) {
      expect(bySlug.get(center)).toMatchObject({ kind: 'center', parent_id: bySlug.get('demo')!.id })
      const units = first.tenants.filter((x) => x.parent_id === bySlug.get(center)!.id)
      expect(units.length).toBeGreaterThanOrEqual(2)
      expect(units.every((u) => u.kind === 'unit')).toBe(true)
      expect(units.map((u) => u.slug)).toContain(`${center}-gov`)
    }
  })

  it('creates admin and <center>.<role> for every contract role, all marked demo', () => {
    const roleOf = (username: string) => first.memberships.filter((m) => m.username === username).map((m) => m.code)
    expect(roleOf('admin')).toEqual(['platform_admin'])
    expect(first.memberships.find((m) => m.username === 'admin')).toMatchObject({ slug: 'demo', extends_to_descendants: true })
    for (const center of CENTERS) {
      for (const [name, role] of Object.entries(CENTER_ROLES)) {
        const membership = first.memberships.find((m) => m.username === `${center}.${name}`)
        expect(membership, `${center}.${name}`).toBeDefined()
        expect(membership!.code, `${center}.${name}`).toBe(role)
        expect([center, `${center}-gov`]).toContain(membership!.slug)
      }
    }
    expect(first.users.every((u) => u.is_demo)).toBe(true)
  })
})

describe('demo users', { timeout: 60_000 }, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('every demo user signs in with the demo password, without two-factor or a password change', async () => {
    const users = await inScope(t.db, systemScope, (trx) => trx.selectFrom('users').select('username').where('is_demo', '=', true).execute())
    expect(users.length).toBeGreaterThanOrEqual(1 + 2 * Object.keys(CENTER_ROLES).length)
    for (const { username } of users) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })
      expect(res.statusCode, username).toBe(200)
      expect(res.json(), username).toMatchObject({ mustEnrolTotp: false, mustChangePassword: false, user: { username, isDemo: true } })
    }
  })

  it('keep the server from starting in production until they are disabled', async () => {
    await expect(assertStartable(t.db, { nodeEnv: 'development' })).resolves.toBeUndefined()
    await expect(assertStartable(t.db, { nodeEnv: 'production' })).rejects.toThrow(/refusing to start in production with demo users present/)
    await inScope(t.db, systemScope, (trx) => trx.updateTable('users').set({ is_disabled: true }).where('is_demo', '=', true).where('username', '<>', 'admin').execute())
    await expect(assertStartable(t.db, { nodeEnv: 'production' })).rejects.toThrow(/demo users/)
    await inScope(t.db, systemScope, (trx) => trx.updateTable('users').set({ is_disabled: true }).where('username', '=', 'admin').execute())
    await expect(assertStartable(t.db, { nodeEnv: 'production' })).resolves.toBeUndefined()
  })
})
