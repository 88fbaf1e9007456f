import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, systemScope } from '../../db/scope.js'
import { requireAccess, type Actor, type TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError, isUniqueViolation } from '../../kernel/errors.js'
import type { AuthService } from '../identity/auth.service.js'
import type { CreateTenantInput, TenantKind, UpdateTenantInput } from './tenancy.schema.js'
import * as store from './tenancy.store.js'

// The tenants table has no row-level security: this service is the wall, checking every id it
// touches against the caller's scope with requireAccess before the store sees it.
const scope = systemScope

/**
 * Why a tenant of `kind` cannot hang under a parent of `parentKind`, or null when it can:
 * the platform is the one root, centers sit under the platform, units under a center or a unit.
 */
export function placementProblem(kind: TenantKind, parentKind: TenantKind): string | null {
  if (kind === 'platform') return 'a platform is the root of the tree and has no parent'
  if (kind === 'center' && parentKind !== 'platform') return 'a center belongs directly under the platform'
  if (kind === 'unit' && parentKind === 'platform') return 'a unit belongs under a center or another unit'
  return null
}

function assertPlacement(kind: TenantKind, parentKind: TenantKind): void {
  const problem = placementProblem(kind, parentKind)
  if (problem) throw new AppError('TENANT_INVALID_PARENT', problem, { errors: [{ field: 'parentId', message: problem }] })
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)]
}

/** The tenant tree: listing what a caller may see, creating, renaming, moving, disabling. */
export function createTenancyService({ db, auth }: { db: Database; auth: Pick<AuthService, 'describeActor'> }) {
  /**
   * Every tenant the caller holds a role in, and the whole subtree below each role that extends
   * to descendants. An API token sees only the scope of the tenant it is bound to.
   */
  async function listVisible({ actor, tenant }: { actor: Actor; tenant: TenantContext | null }): Promise<store.TenantRow[]> {
    if (actor.via === 'token') {
      const ids = tenant?.scope.tenantIds ?? []
      return inScope(db, scope, (trx) => store.listTenants(trx, scope, { ids, subtreeRoots: [] }))
    }
    const { roles } = await auth.describeActor(actor)
    const ids = unique(roles.map((r) => r.tenant_id))
    const subtreeRoots = unique(roles.filter((r) => r.extends_to_descendants).map((r) => r.tenant_id))
    return inScope(db, scope, (trx) => store.listTenants(trx, scope, { ids, subtreeRoots }))
  }

  /** Creates a center or unit under a parent inside the caller's scope. */
  async function create({ actor, tenant, input, audit }: {
    actor: Actor; tenant: TenantContext | null; input: CreateTenantInput; audit: AuditContext
  }): Promise<store.TenantRow> {
    requireAccess({ actor, tenant, permission: 'tenant.manage', ids: [input.parentId] })
    const id = crypto.randomUUID()
    const name = input.name.trim()
    try {
      return await inScope(db, scope, async (trx) => {
        await store.lockTree(trx, scope, 'shared')
        const parent = await store.findTenant(trx, scope, input.parentId)
        if (!parent) throw new AppError('TENANT_NOT_FOUND')
        assertPlacement(input.kind, parent.kind)
        if (await store.isSlugTaken(trx, scope, input.slug)) throw slugTaken(input.slug)
        const row = await store.insertTenant(trx, scope, { id, slug: input.slug, name, kind: input.kind, parentId: parent.id, path: [...parent.path, id] })
        await appendAudit(trx, withContext(audit, {
          action: 'tenant.create', targetType: 'tenant', targetId: id,
          details: { slug: input.slug, name, kind: input.kind, parentId: parent.id },
        }))
        return row
      })
    } catch (error) {
      // Two creations racing for one slug: the unique index settles it.
      if (isUniqueViolation(error, 'tenants_slug_key')) throw slugTaken(input.slug)
      throw error
    }
  }

  /**
   * Renames, moves and disables or enables a tenant; each change is audited on its own, and all
   * of them commit together or not at all.
   */
  async function update({ actor, tenant, id, input, audit }: {
    actor: Actor; tenant: TenantContext | null; id: string; input: UpdateTenantInput; audit: AuditContext
  }): Promise<store.TenantRow> {
    requireAccess({ actor, tenant, permission: 'tenant.manage', ids: input.parentId ? [id, input.parentId] : [id] })
    return inScope(db, scope, async (trx) => {
      if (input.parentId !== undefined) await store.lockTree(trx, scope, 'exclusive')
      const current = await store.findTenant(trx, scope, id)
      if (!current) throw new AppError('TENANT_NOT_FOUND')
      const entry = (action: string, details: Record<string, unknown>) =>
        withContext(audit, { action, targetType: 'tenant', targetId: id, details: { slug: current.slug, ...details } })

      const name = input.name?.trim()
      if (name !== undefined && name !== current.name) {
        await store.updateTenant(trx, scope, id, { name })
        await appendAudit(trx, entry('tenant.update', { name: { from: current.name, to: name } }))
      }

      if (input.parentId !== undefined && input.parentId !== current.parent_id) {
        const refuse = (message: string) => new AppError('TENANT_INVALID_PARENT', message, { errors: [{ field: 'parentId', message }] })
        if (current.parent_id === null) throw refuse('the platform is the root of the tree and cannot be moved')
        const parent = await store.findTenant(trx, scope, input.parentId)
        if (!parent) throw new AppError('TENANT_NOT_FOUND')
        if (parent.path.includes(id)) throw refuse('a tenant cannot move under itself or one of its descendants')
        assertPlacement(current.kind, parent.kind)
        const moved = await store.moveSubtree(trx, scope, { id, parentId: parent.id, parentPath: parent.path })
        await appendAudit(trx, entry('tenant.move', { from: current.parent_id, to: parent.id, movedTenants: moved }))
      }

      if (input.isDisabled !== undefined && input.isDisabled !== current.is_disabled) {
        if (input.isDisabled) {
          const refuse = (message: string) => new AppError('TENANT_DISABLE_REFUSED', message, { errors: [{ field: 'isDisabled', message }] })
          if (current.parent_id === null) throw refuse('the platform cannot be disabled')
          if (tenant && current.id === tenant.id) throw refuse('the tenant you are acting in cannot be disabled from inside it')
        }
        await store.updateTenant(trx, scope, id, { is_disabled: input.isDisabled })
        await appendAudit(trx, entry(input.isDisabled ? 'tenant.disable' : 'tenant.enable', {}))
      }

      return (await store.findTenant(trx, scope, id))!
    })
  }

  return { listVisible, create, update }
}

export type TenancyService = ReturnType<typeof createTenancyService>

function slugTaken(slug: string): AppError {
  return new AppError('TENANT_SLUG_TAKEN', `slug ${slug} is already used by another tenant`, { errors: [{ field: 'slug', message: 'is taken' }] })
}
