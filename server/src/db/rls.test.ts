import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/harness.js'
import { tenantIds } from '../../test/factories/tenancy.js'
import { appendAudit, verifyAuditChain } from '../kernel/audit.js'
import { seedDemo } from '../seed/demo.js'
import type { DB } from './schema.js'
import { inScope, systemScope, tenantScope } from './scope.js'

/**
 * Row-level security is the wall underneath the stores. These tests bypass every store and run
 * raw SQL without a WHERE clause, as a careless or compromised query would, and show the
 * database itself still hands out only the scope's rows.
 */

const tenantOwned = ['memberships', 'roles', 'audit_log', 'api_tokens'] as const

type Row = { tenant_id: string | null }

async function rawRows(runner: Kysely<DB>, table: string): Promise<Row[]> {
  return (await sql.raw<Row>(`select * from ${table}`).execute(runner)).rows
}

describe('row-level security', () => {
  let t: TestDatabase
  let a: string
  let b: string
  let roleB: string

  beforeAll(async () => {
    t = await createTestDatabase()
    await seedDemo(t.db, { password: 'Rls-Test-Pass-1' })
    const ids = await tenantIds(t.db)
    a = ids['district-a']
    b = ids['district-b']
    // Rows of both tenants in every tenant-owned table (memberships come from the demo seed).
    roleB = await inScope(t.db, systemScope, async (trx) => {
      await trx.insertInto('roles').values({ tenant_id: a, code: 'a_custom', name: 'A 自定义', permissions: ['story.read'] }).execute()
      const role = await trx.insertInto('roles').values({ tenant_id: b, code: 'b_custom', name: 'B 自定义', permissions: ['story.read'] })
        .returning('id').executeTakeFirstOrThrow()
      for (const [tenant, username] of [[a, 'district-a.reporter'], [b, 'district-b.reporter']]) {
        const user = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()
        await trx.insertInto('api_tokens').values({
          user_id: user.id, tenant_id: tenant, name: 'rls', token_hash: `hash-${username}`, prefix: 'rmt_x', scopes: ['story.read'],
        }).execute()
        await appendAudit(trx, { action: 'rls.test', tenantId: tenant, actorId: user.id, actorName: username })
      }
      return role.id
    })
  })
  afterAll(async () => { await t.drop() })

  it('runs application queries as a role that can neither bypass RLS nor own the tables', async () => {
    const [role] = (await sql<{ name: string; rolsuper: boolean; rolbypassrls: boolean }>`
      select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(t.db.kysely)).rows
    expect(role).toEqual({ name: 'rongmei_app', rolsuper: false, rolbypassrls: false })
  })

  it('shows a tenant scope only its own rows, with no WHERE clause at all', async () => {
    for (const table of tenantOwned) {
      const rows = await inScope(t.db, tenantScope(a), (trx) => rawRows(trx, table))
      const owned = rows.filter((r) => r.tenant_id !== null)
      expect(owned.length, table).toBeGreaterThan(0)
      expect(owned.every((r) => r.tenant_id === a), table).toBe(true)
      // Only built-in roles are shared, and they carry no tenant.
      if (table !== 'roles') expect(rows.length, table).toBe(owned.length)
    }
  })

  it('shows nothing tenant-owned when no scope is set', async () => {
    for (const table of tenantOwned) {
      const outside = await rawRows(t.db.kysely, table)
      const inBareTransaction = await t.db.kysely.transaction().execute((trx) => rawRows(trx, table))
      for (const rows of [outside, inBareTransaction]) {
        expect(rows.filter((r) => r.tenant_id !== null), table).toEqual([])
        if (table !== 'roles') expect(rows, table).toEqual([])
      }
    }
  })

  it('shows the system scope every tenant\'s rows', async () => {
    for (const table of tenantOwned) {
      const tenants = new Set((await inScope(t.db, systemScope, (trx) => rawRows(trx, table))).map((r) => r.tenant_id))
      expect(tenants.has(a) && tenants.has(b), table).toBe(true)
    }
  })

  it('refuses to write a row for another tenant while scoped to one', async () => {
    const asA = tenantScope(a)
    await expect(inScope(t.db, asA, (trx) => trx.insertInto('roles')
      .values({ tenant_id: b, code: 'planted', name: '植入', permissions: ['story.read'] }).execute()))
      .rejects.toThrow(/row-level security/)
    const user = await inScope(t.db, systemScope, (trx) => trx.selectFrom('users').select('id').where('username', '=', 'district-a.reporter').executeTakeFirstOrThrow())
    await expect(inScope(t.db, asA, (trx) => trx.insertInto('memberships')
      .values({ tenant_id: b, user_id: user.id, role_id: roleB }).execute()))
      .rejects.toThrow(/row-level security/)
    // Moving one's own row into another tenant is the same write in disguise.
    await expect(inScope(t.db, asA, (trx) => sql`update roles set tenant_id = ${b} where code = 'a_custom'`.execute(trx)))
      .rejects.toThrow(/row-level security/)

    const changed = await inScope(t.db, asA, async (trx) => {
      const updated = await sql`update roles set name = '篡改' where tenant_id = ${b}`.execute(trx)
      const deleted = await sql`delete from memberships where tenant_id = ${b}`.execute(trx)
      return Number(updated.numAffectedRows ?? 0n) + Number(deleted.numAffectedRows ?? 0n)
    })
    expect(changed).toBe(0)
    const roleName = await inScope(t.db, systemScope, (trx) => trx.selectFrom('roles').select('name').where('id', '=', roleB).executeTakeFirstOrThrow())
    expect(roleName.name).toBe('B 自定义')
  })

  it('keeps the audit log append-only: no UPDATE or DELETE for the app, a trigger stops even the owner', async () => {
    for (const statement of ["update audit_log set action = 'erased'", 'delete from audit_log']) {
      await expect(inScope(t.db, systemScope, (trx) => sql.raw(statement).execute(trx)), statement).rejects.toThrow(/permission denied/)
      await expect(t.db.runAsOwner((owner) => sql.raw(statement).execute(owner)), statement).rejects.toThrow(/append-only/)
    }
    const chain = await verifyAuditChain(t.db)
    expect(chain).toMatchObject({ ok: true, checked: 3 })
  })
})
