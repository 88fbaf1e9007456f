import type { Database } from '../../db/database.js'
import { inScope, systemScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import type { AuditContext } from '../../kernel/audit.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import * as store from './users.store.js'

/**
 * Who performs a user-administration action. `actorId` is null for the command-line operator,
 * whose tenant context carries every permission at the platform root.
 */
export interface Acting {
  actorId: string | null
  tenant: Pick<TenantContext, 'id' | 'kind' | 'permissions' | 'scope'>
  audit: AuditContext
}

/**
 * Separation of duties (三员分立), the one rule of this module:
 * a role may be granted (or taken away) only by someone who holds every *administrative*
 * permission it carries: tenant.manage, user.manage, role.manage, security.policy.manage,
 * audit.read, audit.export. Editorial permissions (story.*, ticket.* …) are what an
 * administrator hands out every day, so they are not guarded: the platform administrator holds
 * none of them and must still be able to make someone a reporter.
 * One exception: the platform administrator (built-in platform_admin held at the platform root)
 * may grant the built-in security_admin and auditor roles, because someone has to create those
 * accounts; doing so is audited and the auditor sees it.
 * Account-wide actions (disable, reset password, unlock, edit) follow from it: they are allowed
 * only when every role the account holds, anywhere, lies inside the actor's scope and is one the
 * actor could have granted, so a district administrator cannot take over an auditor's account.
 */
export const guardedPermissions: ReadonlySet<string> = new Set([
  'tenant.manage', 'user.manage', 'role.manage', 'security.policy.manage', 'audit.read', 'audit.export',
])
const securityRoles: ReadonlySet<string> = new Set(['security_admin', 'auditor'])

export interface Authority {
  permissions: ReadonlySet<string>
  isPlatformAdmin: boolean
}

export interface GrantableRole {
  code: string
  is_builtin: boolean
  permissions: string[]
}

export async function loadAuthority(trx: Tx, acting: Acting): Promise<Authority> {
  if (acting.actorId === null) return { permissions: acting.tenant.permissions, isPlatformAdmin: true }
  const isPlatformAdmin = acting.tenant.kind === 'platform'
    && await store.holdsBuiltinRoleAt(trx, acting.tenant.scope, { userId: acting.actorId, tenantId: acting.tenant.id, code: 'platform_admin' })
  return { permissions: acting.tenant.permissions, isPlatformAdmin }
}

export function canGrant(authority: Authority, role: GrantableRole): boolean {
  const isMissingAny = role.permissions.some((p) => guardedPermissions.has(p) && !authority.permissions.has(p))
  if (!isMissingAny) return true
  return authority.isPlatformAdmin && role.is_builtin && securityRoles.has(role.code)
}

export function requireCanGrant(authority: Authority, role: GrantableRole): void {
  if (!canGrant(authority, role)) {
    throw new AppError('FORBIDDEN', `role ${role.code} carries administrative permissions you do not hold`, { extra: { roleCode: role.code } })
  }
}

/** Every role an account holds anywhere. Read in the system scope: RLS would hide the ones outside the actor's reach. */
export function loadAllGrants(db: Database, userId: string): Promise<store.GrantRow[]> {
  return inScope(db, systemScope, (trx) => store.listAllGrants(trx, systemScope, userId))
}

/** Refuses account-wide actions on an account holding a role outside the actor's reach. */
export function requireCanManageAccount(authority: Authority, scope: TenantScope, grants: readonly store.GrantRow[]): void {
  const inReach = new Set(scope.tenantIds)
  const isBeyond = grants.some((g) => !inReach.has(g.tenant_id) || !canGrant(authority, { code: g.role_code, is_builtin: g.is_builtin, permissions: g.permissions }))
  if (isBeyond) throw new AppError('FORBIDDEN', 'this account holds roles outside your reach')
}

/** The actor never changes their own roles: another administrator must. */
export function requireNotSelf(acting: Acting, userId: string, what: string): void {
  if (acting.actorId !== null && acting.actorId === userId) throw new AppError('FORBIDDEN', `you cannot ${what} yourself`)
}

/** Tenant ids outside the acting scope answer 404, exactly like ids that do not exist. */
export function requireTenantsInScope(acting: Acting, tenantIds: readonly string[]): void {
  const inReach = new Set(acting.tenant.scope.tenantIds)
  if (tenantIds.some((id) => !inReach.has(id))) throw new AppError('TENANT_NOT_FOUND')
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/
// Mainland mobile (optionally +86) or a landline with area code and optional extension.
const phonePattern = /^(?:(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$/

/** Trims contact fields ('' clears them) and checks their formats, naming each bad field. */
export function normalizeContact<T extends { email?: string | null; phone?: string | null }>(input: T): T {
  const errors: FieldError[] = []
  const clean = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null)
  const email = clean(input.email)
  const phone = clean(input.phone)
  if (email && !emailPattern.test(email)) errors.push({ field: 'email', message: '邮箱格式不正确' })
  if (phone && !phonePattern.test(phone)) errors.push({ field: 'phone', message: '电话格式不正确（手机号或带区号的座机）' })
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
  return { ...input, ...(email !== undefined ? { email } : {}), ...(phone !== undefined ? { phone } : {}) }
}
