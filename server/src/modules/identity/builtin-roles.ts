import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import { inScope, systemScope } from '../../db/scope.js'
import { builtinRoles } from '../../kernel/permissions.js'

/**
 * Makes the built-in roles in the database match the code (run at every start), so a new
 * permission added to a built-in role reaches existing installations without a data migration.
 */
export async function syncBuiltinRoles(db: Database): Promise<void> {
  await inScope(db, systemScope, async (trx) => {
    for (const role of builtinRoles) {
      await trx.insertInto('roles').values({
        tenant_id: null, code: role.code, name: role.name, description: role.description,
        permissions: role.permissions, is_builtin: true, is_totp_required: role.isTotpRequired,
      }).onConflict((oc) => oc.expression(sql`coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), code`).doUpdateSet({
        name: role.name, description: role.description, permissions: role.permissions,
        is_builtin: true, is_totp_required: role.isTotpRequired, updated_at: new Date(),
      })).execute()
    }
  })
}
