import { sql } from 'kysely'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL for roles. Built-in roles (tenant_id null) are visible everywhere; custom roles are
 * tenant-owned and visible to the tenants below their owner. Queries name the scope's tenants as a plain parameter as well as relying on
 * row-level security, and writes touch only custom rows.
 */

const roleColumns = [
  'id', 'tenant_id', 'code', 'name', 'description', 'permissions', 'is_builtin', 'is_totp_required', 'created_at', 'updated_at',
] as const

/** Built-in roles, the scope's own custom roles and those of the scope's ancestors (inherited, read-only). */
function visibleTo(scope: TenantScope) {
  const ids = [...scope.tenantIds]
  return sql<boolean>`(tenant_id is null or tenant_id = any(${ids}::uuid[])
    or tenant_id in (select unnest(t.path) from tenants t where t.id = any(${ids}::uuid[])))`
}

function ownedBy(scope: TenantScope) {
  return sql<boolean>`(tenant_id = any(${[...scope.tenantIds]}::uuid[]) and not is_builtin)`
}

/** Built-in roles, the custom roles of the scope's tenants and of their ancestors. */
export async function listRoles(trx: Tx, scope: TenantScope) {
  requireTenantScope(scope)
  return trx.selectFrom('roles').select(roleColumns).where(visibleTo(scope))
    .orderBy('is_builtin', 'desc').orderBy('tenant_id').orderBy('code')
    .execute()
}

export type RoleRow = Awaited<ReturnType<typeof listRoles>>[number]

export async function findRole(trx: Tx, scope: TenantScope, id: string): Promise<RoleRow | undefined> {
  requireTenantScope(scope)
  return trx.selectFrom('roles').select(roleColumns).where('id', '=', id).where(visibleTo(scope)).executeTakeFirst()
}

/** True when `code` is a built-in role's or already a custom role's in the acting tenant. */
export async function isCodeTaken(trx: Tx, scope: TenantScope, code: string): Promise<boolean> {
  const { tenantId } = requireTenantScope(scope)
  const row = await trx.selectFrom('roles').select('id').where('code', '=', code)
    .where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)]))
    .executeTakeFirst()
  return Boolean(row)
}

/** Creates a custom role owned by the scope's acting tenant. */
export async function insertRole(trx: Tx, scope: TenantScope, role: {
  code: string; name: string; description: string; permissions: string[]; isTotpRequired: boolean
}): Promise<RoleRow> {
  const { tenantId } = requireTenantScope(scope)
  return trx.insertInto('roles').values({
    tenant_id: tenantId, code: role.code, name: role.name, description: role.description,
    permissions: role.permissions, is_builtin: false, is_totp_required: role.isTotpRequired,
  }).returning(roleColumns).executeTakeFirstOrThrow()
}

export async function updateRole(trx: Tx, scope: TenantScope, id: string, patch: {
  name?: string; description?: string; permissions?: string[]; is_totp_required?: boolean
}): Promise<RoleRow | undefined> {
  requireTenantScope(scope)
  return trx.updateTable('roles').set({ ...patch, updated_at: new Date() })
    .where('id', '=', id).where(ownedBy(scope))
    .returning(roleColumns).executeTakeFirst()
}

/** Deletes a custom role; the memberships foreign key refuses while any membership still uses it. */
export async function deleteRole(trx: Tx, scope: TenantScope, id: string): Promise<boolean> {
  requireTenantScope(scope)
  const result = await trx.deleteFrom('roles').where('id', '=', id).where(ownedBy(scope)).executeTakeFirst()
  return result.numDeletedRows > 0n
}
