import { sql } from 'kysely'
import type { Database } from '../../src/db/database.js'
import { inScope, systemScope } from '../../src/db/scope.js'

/** Ids of every tenant by slug. */
export async function tenantIds(db: Database): Promise<Record<string, string>> {
  const rows = await inScope(db, systemScope, (trx) => trx.selectFrom('tenants').select(['id', 'slug']).execute())
  return Object.fromEntries(rows.map((r) => [r.slug, r.id]))
}

/**
 * Gives an existing user one more role at a tenant, straight in the database (the users module's
 * API is not what these tests are about).
 * @example await grantRole(db, { username: 'district-a.leader', role: 'platform_admin', tenant: 'district-a', extendsToDescendants: true })
 */
export async function grantRole(db: Database, { username, role, tenant, extendsToDescendants = false }: {
  username: string; role: string; tenant: string; extendsToDescendants?: boolean
}): Promise<string> {
  return inScope(db, systemScope, async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()
    const target = await trx.selectFrom('tenants').select(['id', 'path']).where('slug', '=', tenant).executeTakeFirstOrThrow()
    // A built-in role, or a custom role of the tenant or one of its ancestors.
    const roleRow = await trx.selectFrom('roles').select('id').where('code', '=', role)
      .where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', 'in', target.path)]))
      .orderBy(sql`tenant_id is null`).limit(1)
      .executeTakeFirstOrThrow()
    const membership = await trx.insertInto('memberships').values({
      tenant_id: target.id, user_id: user.id, role_id: roleRow.id, extends_to_descendants: extendsToDescendants,
    }).returning('id').executeTakeFirstOrThrow()
    return membership.id
  })
}

/** Removes a membership made by grantRole. */
export async function revokeMembership(db: Database, membershipId: string): Promise<void> {
  await inScope(db, systemScope, (trx) => trx.deleteFrom('memberships').where('id', '=', membershipId).execute())
}

/** The newest audit entries with `action`, newest first. */
export async function auditEntries(db: Database, action: string) {
  return inScope(db, systemScope, (trx) => trx.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').execute())
}
