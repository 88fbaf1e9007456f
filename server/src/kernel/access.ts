import type { TenantScope } from '../db/scope.js'
import { AppError } from './errors.js'
import type { PermissionCode } from './permissions.js'

/** Who is acting: a signed-in user, through a session or a personal API token. */
export interface Actor {
  userId: string
  username: string
  displayName: string
  isDemo: boolean
  via: 'session' | 'token'
  sessionId?: string
  tokenId?: string
}

/** The tenant a request acts in, with the actor's effective permissions there. */
export interface TenantContext {
  id: string
  slug: string
  name: string
  kind: 'platform' | 'center' | 'unit'
  /** Ancestors from the root down to and including this tenant. */
  path: string[]
  permissions: ReadonlySet<string>
  /** The rows this actor may see while acting here (RLS uses the same list). */
  scope: TenantScope
}

/** What a route declares it needs: a permission, any signed-in user, or nobody. */
export type RouteAccess = PermissionCode | 'authenticated' | 'public'

export interface AccessRequest {
  actor: Actor | null | undefined
  tenant: TenantContext | null | undefined
  permission: PermissionCode
  /** Tenant ids the action touches; each must lie inside the actor's scope. */
  ids?: readonly string[]
}

/**
 * The one access check: deny by default. Throws FORBIDDEN when the permission is missing, and
 * NOT_FOUND when an id lies outside the scope (another tenant's object must look absent).
 * @returns the ids, all of them allowed.
 * @example requireAccess({ actor, tenant, permission: 'tenant.manage', ids: [parentId] })
 */
export function requireAccess({ actor, tenant, permission, ids = [] }: AccessRequest): readonly string[] {
  if (!actor || !tenant) throw new AppError('AUTH_REQUIRED')
  if (!tenant.permissions.has(permission)) {
    throw new AppError('FORBIDDEN', `permission ${permission} is needed here`, { extra: { permission } })
  }
  const visible = new Set(tenant.scope.tenantIds)
  for (const id of ids) {
    if (!visible.has(id)) throw new AppError('NOT_FOUND')
  }
  return ids
}

/** True when the actor holds `permission` in the tenant; for shaping replies, not for guarding. */
export function hasPermission(tenant: TenantContext | null | undefined, permission: PermissionCode): boolean {
  return Boolean(tenant?.permissions.has(permission))
}
