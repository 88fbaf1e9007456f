import type { Database } from '../../db/database.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import { requireAccess, type Actor, type TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError, isForeignKeyViolation, isUniqueViolation } from '../../kernel/errors.js'
import { builtinRoles, isPermissionCode, permissions, reservedPermissions, type PermissionCode } from '../../kernel/permissions.js'
import type { CreateRoleInput, UpdateRoleInput } from './roles.schema.js'
import * as store from './roles.store.js'

/**
 * Permissions that only two-factor built-in roles grant (managing tenants and people, reading
 * user data). A custom role granting any of them requires two-factor sign-in too, so a custom
 * role cannot become an administrator without the protection the built-in one has.
 */
const totpGuardedPermissions: ReadonlySet<string> = (() => {
  const guarded = new Set<string>(builtinRoles.filter((r) => r.isTotpRequired).flatMap((r) => r.permissions))
  for (const role of builtinRoles.filter((r) => !r.isTotpRequired)) for (const p of role.permissions) guarded.delete(p)
  return guarded
})()

const builtinOrder = new Map(builtinRoles.map((r, i) => [r.code, i]))

/** The catalogue as the console shows it, with the permissions a custom role may not hold marked. */
export function listPermissions() {
  return permissions.map((p) => ({ ...p, isReserved: reservedPermissions.has(p.code as PermissionCode) }))
}

/**
 * Checks a custom role's permission list: unknown codes are bad input (400 naming the field),
 * reserved ones are refused (422). Returns the list without duplicates, in catalogue order.
 */
export function checkCustomPermissions(codes: readonly string[]): PermissionCode[] {
  const unknown = codes.filter((c) => !isPermissionCode(c))
  if (unknown.length > 0) {
    const message = `unknown permission: ${unknown.join(', ')}`
    throw new AppError('VALIDATION_FAILED', `permissions: ${message}`, { errors: [{ field: 'permissions', message }] })
  }
  const reserved = codes.filter((c) => reservedPermissions.has(c as PermissionCode))
  if (reserved.length > 0) {
    const message = `reserved for built-in roles: ${reserved.join(', ')}`
    throw new AppError('ROLE_PERMISSION_RESERVED', message, { errors: [{ field: 'permissions', message }], extra: { permissions: reserved } })
  }
  const wanted = new Set(codes)
  return permissions.map((p) => p.code as PermissionCode).filter((c) => wanted.has(c))
}

export function isTotpRequiredFor(codes: readonly string[]): boolean {
  return codes.some((c) => totpGuardedPermissions.has(c))
}

/** Built-in roles and the custom roles tenants define for themselves. */
export function createRolesService({ db }: { db: Database }) {
  /** Built-in roles (in catalogue order) and the custom roles of the tenants in the caller's scope. */
  async function list({ actor, tenant }: { actor: Actor; tenant: TenantContext | null }): Promise<store.RoleRow[]> {
    requireAccess({ actor, tenant, permission: 'user.read' })
    const scope = tenant!.scope
    const rows = await inScope(db, scope, (trx) => store.listRoles(trx, scope))
    const rank = (r: store.RoleRow) => (r.is_builtin ? builtinOrder.get(r.code) ?? builtinOrder.size : builtinOrder.size + 1)
    return rows.sort((a, b) => rank(a) - rank(b))
  }

  /** Creates a custom role in the acting tenant; its memberships may use it there and below. */
  async function create({ actor, tenant, input, audit }: {
    actor: Actor; tenant: TenantContext | null; input: CreateRoleInput; audit: AuditContext
  }): Promise<store.RoleRow> {
    requireAccess({ actor, tenant, permission: 'role.manage' })
    const scope = tenant!.scope
    const granted = checkCustomPermissions(input.permissions)
    const name = input.name.trim()
    try {
      return await inScope(db, scope, async (trx) => {
        if (await store.isCodeTaken(trx, scope, input.code)) throw codeTaken(input.code)
        const role = await store.insertRole(trx, scope, {
          code: input.code, name, description: input.description?.trim() ?? '', permissions: granted, isTotpRequired: isTotpRequiredFor(granted),
        })
        await appendAudit(trx, withContext(audit, {
          action: 'role.create', targetType: 'role', targetId: role.id,
          details: { code: role.code, name, permissions: granted },
        }))
        return role
      })
    } catch (error) {
      if (isUniqueViolation(error, 'roles_code')) throw codeTaken(input.code)
      throw error
    }
  }

  /** Renames a custom role or changes its permissions; the audit entry records the difference. */
  async function update({ actor, tenant, id, input, audit }: {
    actor: Actor; tenant: TenantContext | null; id: string; input: UpdateRoleInput; audit: AuditContext
  }): Promise<store.RoleRow> {
    requireAccess({ actor, tenant, permission: 'role.manage' })
    const scope = tenant!.scope
    const granted = input.permissions === undefined ? undefined : checkCustomPermissions(input.permissions)
    return inScope(db, scope, async (trx) => {
      const current = await findCustomRole(trx, scope, id)
      if (input.code !== undefined && input.code !== current.code) {
        const message = 'cannot be changed once the role exists'
        throw new AppError('VALIDATION_FAILED', `code: ${message}`, { errors: [{ field: 'code', message }] })
      }
      const name = input.name?.trim()
      const description = input.description?.trim()
      const added = granted?.filter((p) => !current.permissions.includes(p)) ?? []
      const removed = granted ? current.permissions.filter((p) => !granted.includes(p as PermissionCode)) : []
      const details: Record<string, unknown> = { code: current.code }
      if (name !== undefined && name !== current.name) details.name = { from: current.name, to: name }
      if (description !== undefined && description !== current.description) details.description = { from: current.description, to: description }
      if (added.length > 0 || removed.length > 0) Object.assign(details, { added, removed })
      if (Object.keys(details).length === 1) return current

      const role = await store.updateRole(trx, scope, id, {
        name, description, ...(granted ? { permissions: granted, is_totp_required: isTotpRequiredFor(granted) } : {}),
      })
      await appendAudit(trx, withContext(audit, { action: 'role.update', targetType: 'role', targetId: id, details }))
      return role!
    })
  }

  /** Deletes a custom role that no membership uses any more. */
  async function remove({ actor, tenant, id, audit }: {
    actor: Actor; tenant: TenantContext | null; id: string; audit: AuditContext
  }): Promise<void> {
    requireAccess({ actor, tenant, permission: 'role.manage' })
    const scope = tenant!.scope
    try {
      await inScope(db, scope, async (trx) => {
        const current = await findCustomRole(trx, scope, id)
        await store.deleteRole(trx, scope, id)
        await appendAudit(trx, withContext(audit, {
          action: 'role.delete', targetType: 'role', targetId: id,
          details: { code: current.code, name: current.name, permissions: current.permissions },
        }))
      })
    } catch (error) {
      // The foreign key sees every membership, also those in tenants outside the caller's scope.
      if (isForeignKeyViolation(error)) throw new AppError('ROLE_IN_USE', 'the role is still assigned; remove it from its members first')
      throw error
    }
  }

  return { list, create, update, remove }
}

export type RolesService = ReturnType<typeof createRolesService>

async function findCustomRole(trx: Tx, scope: TenantScope, id: string): Promise<store.RoleRow> {
  const role = await store.findRole(trx, scope, id)
  if (!role) throw new AppError('ROLE_NOT_FOUND')
  if (role.is_builtin) throw new AppError('ROLE_BUILTIN_READONLY')
  // A role inherited from an ancestor is changed where it was defined.
  if (!scope.tenantIds.includes(role.tenant_id!)) throw new AppError('ROLE_INHERITED_READONLY')
  return role
}

function codeTaken(code: string): AppError {
  return new AppError('ROLE_CODE_TAKEN', `role code ${code} is already used here`, { errors: [{ field: 'code', message: 'is taken' }] })
}
