import type { Database } from '../../db/database.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError, isUniqueViolation } from '../../kernel/errors.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import { generateTemporaryPassword, hashPassword } from '../identity/password.js'
import {
  loadAllGrants, loadAuthority, normalizeContact, requireCanGrant, requireCanManageAccount, requireNotSelf,
  requireTenantsInScope, type Acting, type Authority,
} from './users.rules.js'
import * as store from './users.store.js'

export type { Acting } from './users.rules.js'

export interface UserWithMemberships {
  user: store.UserAdminRow
  memberships: store.MembershipRow[]
}

export interface MembershipRequest {
  tenantId: string
  roleId: string
  extendsToDescendants?: boolean
}

/** User administration: invite, edit, disable, reset, unlock, and roles per tenant. */
export function createUsersService({ db }: { db: Database }) {
  async function loadVisible(trx: Tx, scope: TenantScope, userId: string): Promise<UserWithMemberships> {
    const user = await store.findVisibleUser(trx, scope, userId)
    if (!user) throw new AppError('USER_NOT_FOUND')
    return { user, memberships: await store.listVisibleMemberships(trx, scope, [userId]) }
  }

  /** The role to grant at `tenantId`: built-in, or a custom role of that tenant or an ancestor. */
  async function grantableRole(trx: Tx, acting: Acting, authority: Authority, { tenantId, roleId }: MembershipRequest) {
    const tenant = await store.findTenant(trx, acting.tenant.scope, tenantId)
    if (!tenant) throw new AppError('TENANT_NOT_FOUND')
    const role = await store.findRole(trx, acting.tenant.scope, roleId, tenant.path)
    if (!role || (role.tenant_id !== null && !tenant.path.includes(role.tenant_id))) throw new AppError('ROLE_NOT_FOUND')
    requireCanGrant(authority, role)
    return role
  }

  async function addGrant(trx: Tx, acting: Acting, userId: string, m: MembershipRequest, role: store.RoleRow, isPrimary: boolean): Promise<string> {
    const scope = acting.tenant.scope
    if (await store.membershipExists(trx, scope, { userId, tenantId: m.tenantId, roleId: m.roleId })) throw new AppError('MEMBERSHIP_EXISTS')
    const id = await store.insertMembership(trx, scope, {
      tenant_id: m.tenantId, user_id: userId, role_id: m.roleId, extends_to_descendants: Boolean(m.extendsToDescendants),
      is_primary: isPrimary, created_by: acting.actorId,
    })
    await appendAudit(trx, withContext(acting.audit, {
      action: 'membership.add', targetType: 'user', targetId: userId,
      details: { membershipId: id, tenantId: m.tenantId, roleId: role.id, roleCode: role.code, extendsToDescendants: Boolean(m.extendsToDescendants) },
    }))
    return id
  }

  /** Users visible in the acting scope, by username, one page at a time. */
  async function listUsers(acting: Acting, { q, tenantId, limit = 50, cursor }: { q?: string; tenantId?: string; limit?: number; cursor?: string }) {
    if (tenantId) requireTenantsInScope(acting, [tenantId])
    const key = decodeCursor(cursor)
    if (cursor && (!key || typeof key[0] !== 'string')) {
      throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
    }
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const rows = await store.listUsers(trx, scope, { q: q?.trim() || undefined, tenantId, afterUsername: key?.[0] as string | undefined, limit: limit + 1 })
      const page = rows.slice(0, limit)
      const memberships = await store.listVisibleMemberships(trx, scope, page.map((u) => u.id))
      const items: UserWithMemberships[] = page.map((user) => ({ user, memberships: memberships.filter((m) => m.user_id === user.id) }))
      return { items, nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].username]) : null }
    })
  }

  /** One user; a user outside the acting scope answers 404. */
  async function getUser(acting: Acting, userId: string): Promise<UserWithMemberships> {
    return inScope(db, acting.tenant.scope, (trx) => loadVisible(trx, acting.tenant.scope, userId))
  }

  /**
   * Invites a user: a generated temporary password they must change at first sign-in, and the
   * given memberships. The home tenant is the first membership's tenant (or the acting tenant).
   */
  async function createUser(acting: Acting, input: {
    username: string; displayName: string; email?: string | null; phone?: string | null; memberships: MembershipRequest[]
  }): Promise<UserWithMemberships & { temporaryPassword: string }> {
    const { email = null, phone = null } = normalizeContact(input)
    const username = input.username.toLowerCase()
    const seen = new Set<string>()
    for (const m of input.memberships) {
      const key = `${m.tenantId}/${m.roleId}`
      if (seen.has(key)) throw new AppError('MEMBERSHIP_EXISTS', 'the same role is listed twice for one tenant')
      seen.add(key)
    }
    requireTenantsInScope(acting, input.memberships.map((m) => m.tenantId))
    const temporaryPassword = generateTemporaryPassword()
    const passwordHash = await hashPassword(temporaryPassword)
    const scope = acting.tenant.scope
    try {
      return await inScope(db, scope, async (trx) => {
        if (await store.findUserIdByUsername(trx, scope, username)) throw new AppError('USERNAME_TAKEN')
        const authority = await loadAuthority(trx, acting)
        const roles = []
        for (const m of input.memberships) roles.push(await grantableRole(trx, acting, authority, m))
        const homeTenantId = input.memberships[0]?.tenantId ?? acting.tenant.id
        const userId = await store.insertUser(trx, scope, {
          username, display_name: input.displayName.trim(), email, phone, home_tenant_id: homeTenantId, password_hash: passwordHash,
        })
        await store.insertPasswordHistory(trx, scope, userId, passwordHash)
        await appendAudit(trx, withContext(acting.audit, {
          action: 'user.create', targetType: 'user', targetId: userId, details: { username, homeTenantId },
        }))
        for (const [i, m] of input.memberships.entries()) await addGrant(trx, acting, userId, m, roles[i], i === 0)
        return { ...(await loadVisible(trx, scope, userId)), temporaryPassword }
      })
    } catch (error) {
      if (isUniqueViolation(error, 'users_username')) throw new AppError('USERNAME_TAKEN')
      throw error
    }
  }

  /** Edits contact details and disables/enables an account; disabling ends its sessions. */
  async function updateUser(acting: Acting, userId: string, input: { displayName?: string; email?: string | null; phone?: string | null; isDisabled?: boolean }) {
    const patch = normalizeContact(input)
    if (patch.isDisabled === true) requireNotSelf(acting, userId, 'disable')
    const grants = await loadAllGrants(db, userId)
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const { user } = await loadVisible(trx, scope, userId)
      requireCanManageAccount(await loadAuthority(trx, acting), scope, grants)
      const changes: Parameters<typeof store.updateUser>[3] = {}
      if (patch.displayName !== undefined && patch.displayName.trim() !== user.display_name) changes.display_name = patch.displayName.trim()
      if (patch.email !== undefined && patch.email !== user.email) changes.email = patch.email
      if (patch.phone !== undefined && patch.phone !== user.phone) changes.phone = patch.phone
      const fields = Object.keys(changes)
      const isDisabling = patch.isDisabled === true && !user.is_disabled
      const isEnabling = patch.isDisabled === false && user.is_disabled
      if (isDisabling) {
        for (const g of grants.filter((g) => g.role_code === 'platform_admin' && g.is_builtin && g.tenant_kind === 'platform')) {
          const others = await store.countOtherHolders(trx, scope, { tenantId: g.tenant_id, code: 'platform_admin', exceptUserId: userId })
          if (others === 0) throw new AppError('MEMBERSHIP_LAST_ADMIN', 'the last platform administrator cannot be disabled')
        }
      }
      if (fields.length === 0 && !isDisabling && !isEnabling) return loadVisible(trx, scope, userId)
      await store.updateUser(trx, scope, userId, { ...changes, ...(isDisabling || isEnabling ? { is_disabled: isDisabling } : {}) })
      if (fields.length > 0) {
        // Contact details are personal data: the log names the fields, not their values.
        const details: Record<string, unknown> = { fields }
        if (changes.display_name) details.displayName = { old: user.display_name, new: changes.display_name }
        await appendAudit(trx, withContext(acting.audit, { action: 'user.update', targetType: 'user', targetId: userId, details }))
      }
      if (isDisabling) {
        await store.revokeSessions(trx, scope, userId)
        await appendAudit(trx, withContext(acting.audit, { action: 'user.disable', targetType: 'user', targetId: userId, details: { username: user.username } }))
      }
      if (isEnabling) {
        await appendAudit(trx, withContext(acting.audit, { action: 'user.enable', targetType: 'user', targetId: userId, details: { username: user.username } }))
      }
      return loadVisible(trx, scope, userId)
    })
  }

  /**
   * Gives the account a new temporary password, ends its sessions and lifts a lockout (the
   * administrator handing out a password has identified the person). Two-factor stays as it is.
   * Not for oneself: that would skip proving the current password (POST /auth/password does).
   */
  async function resetPassword(acting: Acting, userId: string): Promise<{ temporaryPassword: string; username: string }> {
    requireNotSelf(acting, userId, 'reset the password of')
    const grants = await loadAllGrants(db, userId)
    const temporaryPassword = generateTemporaryPassword()
    const passwordHash = await hashPassword(temporaryPassword)
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const { user } = await loadVisible(trx, scope, userId)
      requireCanManageAccount(await loadAuthority(trx, acting), scope, grants)
      await store.updateUser(trx, scope, userId, {
        password_hash: passwordHash, password_changed_at: new Date(), must_change_password: true, failed_attempts: 0, locked_until: null,
      })
      await store.insertPasswordHistory(trx, scope, userId, passwordHash)
      await store.revokeSessions(trx, scope, userId)
      await appendAudit(trx, withContext(acting.audit, { action: 'user.password_reset', targetType: 'user', targetId: userId, details: { username: user.username } }))
      return { temporaryPassword, username: user.username }
    })
  }

  /** Lifts a lockout before it runs out. */
  async function unlockUser(acting: Acting, userId: string): Promise<void> {
    const grants = await loadAllGrants(db, userId)
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      const { user } = await loadVisible(trx, scope, userId)
      requireCanManageAccount(await loadAuthority(trx, acting), scope, grants)
      await store.updateUser(trx, scope, userId, { failed_attempts: 0, locked_until: null })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'user.unlock', targetType: 'user', targetId: userId,
        details: { username: user.username, lockedUntil: user.locked_until ? new Date(user.locked_until).toISOString() : null },
      }))
    })
  }

  /** Grants a role at a tenant (a "role change", audited as membership.add). */
  async function addMembership(acting: Acting, userId: string, input: MembershipRequest): Promise<store.MembershipRow> {
    requireNotSelf(acting, userId, 'change the roles of')
    requireTenantsInScope(acting, [input.tenantId])
    const scope = acting.tenant.scope
    try {
      return await inScope(db, scope, async (trx) => {
        await loadVisible(trx, scope, userId)
        const role = await grantableRole(trx, acting, await loadAuthority(trx, acting), input)
        const id = await addGrant(trx, acting, userId, input, role, false)
        const rows = await store.listVisibleMemberships(trx, scope, [userId])
        return rows.find((r) => r.id === id)!
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('MEMBERSHIP_EXISTS')
      throw error
    }
  }

  /** Takes a role away; the platform root always keeps one enabled platform administrator. */
  async function removeMembership(acting: Acting, userId: string, membershipId: string): Promise<void> {
    requireNotSelf(acting, userId, 'change the roles of')
    const grants = await loadAllGrants(db, userId)
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      await loadVisible(trx, scope, userId)
      const membership = await store.findMembership(trx, scope, userId, membershipId)
      const grant = grants.find((g) => g.id === membershipId)
      if (!membership || !grant) throw new AppError('NOT_FOUND', 'membership not found')
      requireCanGrant(await loadAuthority(trx, acting), { code: grant.role_code, is_builtin: grant.is_builtin, permissions: grant.permissions })
      if (grant.is_builtin && grant.role_code === 'platform_admin' && membership.tenant_kind === 'platform') {
        const others = await store.countOtherHolders(trx, scope, { tenantId: membership.tenant_id, code: 'platform_admin', exceptMembershipId: membershipId })
        if (others === 0) throw new AppError('MEMBERSHIP_LAST_ADMIN')
      }
      await store.deleteMembership(trx, scope, membershipId)
      await appendAudit(trx, withContext(acting.audit, {
        action: 'membership.remove', targetType: 'user', targetId: userId,
        details: { membershipId, tenantId: membership.tenant_id, roleId: grant.role_id, roleCode: grant.role_code },
      }))
    })
  }

  return { listUsers, getUser, createUser, updateUser, resetPassword, unlockUser, addMembership, removeMembership }
}

export type UsersService = ReturnType<typeof createUsersService>
