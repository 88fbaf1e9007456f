import { sql, type Expression, type SqlBool } from 'kysely'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of user administration. Users are global rows; what an administrator sees of them is
 * decided by memberships (tenant-owned, RLS) and the home tenant, both filtered here by the
 * scope's tenant ids as plain parameters too.
 */

// Never the password hash or the TOTP seed: nothing read here needs them.
const userColumns = [
  'u.id', 'u.username', 'u.display_name', 'u.email', 'u.phone', 'u.home_tenant_id', 'u.must_change_password',
  'u.totp_enabled_at', 'u.failed_attempts', 'u.locked_until', 'u.is_disabled', 'u.is_demo', 'u.last_login_at', 'u.created_at',
] as const

function anyOf(column: string, ids: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = any(${[...ids]}::uuid[])`
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** A user is visible in a scope through their home tenant or any membership inside it. */
function visibleIn(scope: TenantScope) {
  return sql<SqlBool>`(${anyOf('u.home_tenant_id', scope.tenantIds)} or exists (
    select 1 from memberships vm where vm.user_id = u.id and ${anyOf('vm.tenant_id', scope.tenantIds)}))`
}

/** One page of users visible in the scope, by username. */
export async function listUsers(trx: Tx, scope: TenantScope, { q, tenantId, afterUsername, limit }: {
  q?: string; tenantId?: string; afterUsername?: string; limit: number
}) {
  requireTenantScope(scope)
  let query = trx.selectFrom('users as u').select(userColumns).where(visibleIn(scope))
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    query = query.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]))
  }
  if (tenantId) {
    query = query.where(sql<SqlBool>`(u.home_tenant_id = ${tenantId} or exists (
      select 1 from memberships fm where fm.user_id = u.id and fm.tenant_id = ${tenantId}))`)
  }
  if (afterUsername !== undefined) query = query.where('u.username', '>', afterUsername)
  return query.orderBy('u.username').limit(limit).execute()
}

export async function findVisibleUser(trx: Tx, scope: TenantScope, userId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('users as u').select(userColumns).where('u.id', '=', userId).where(visibleIn(scope)).executeTakeFirst()
}
export type UserAdminRow = NonNullable<Awaited<ReturnType<typeof findVisibleUser>>>

export async function findUserIdByUsername(trx: Tx, scope: Scope, username: string): Promise<string | undefined> {
  requireScope(scope)
  const row = await trx.selectFrom('users').select('id').where(sql<SqlBool>`lower(username) = ${username.toLowerCase()}`).executeTakeFirst()
  return row?.id
}

/** Memberships of these users that lie inside the scope, with their tenant and role. */
export async function listVisibleMemberships(trx: Tx, scope: TenantScope, userIds: readonly string[]) {
  requireTenantScope(scope)
  if (userIds.length === 0) return []
  return trx.selectFrom('memberships as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    // A custom role of an ancestor tenant may lie outside the scope (RLS hides it): keep the membership.
    .leftJoin('roles as r', 'r.id', 'm.role_id')
    .select([
      'm.id', 'm.user_id', 'm.tenant_id', 'm.role_id', 'm.extends_to_descendants', 'm.is_primary',
      't.slug as tenant_slug', 't.name as tenant_name', 't.kind as tenant_kind',
      'r.code as role_code', 'r.name as role_name',
    ])
    .where(anyOf('m.user_id', userIds))
    .where(anyOf('m.tenant_id', scope.tenantIds))
    .orderBy('m.user_id').orderBy('m.is_primary', 'desc').orderBy('m.created_at').orderBy('m.id')
    .execute()
}
export type MembershipRow = Awaited<ReturnType<typeof listVisibleMemberships>>[number]

/**
 * Every role a user holds anywhere, with its tenant. Called in the system scope only, to prove
 * that an account lies wholly inside an administrator's reach before they reset or disable it.
 */
export async function listAllGrants(trx: Tx, scope: Scope, userId: string) {
  requireScope(scope)
  return trx.selectFrom('memberships as m').innerJoin('roles as r', 'r.id', 'm.role_id').innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select(['m.id', 'm.tenant_id', 't.kind as tenant_kind', 'r.id as role_id', 'r.code as role_code', 'r.tenant_id as role_tenant_id', 'r.is_builtin', 'r.permissions'])
    .where('m.user_id', '=', userId).execute()
}
export type GrantRow = Awaited<ReturnType<typeof listAllGrants>>[number]

export async function findTenant(trx: Tx, scope: TenantScope, tenantId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('tenants').select(['id', 'slug', 'kind', 'path', 'is_disabled'])
    .where('id', '=', tenantId).where(anyOf('id', scope.tenantIds)).executeTakeFirst()
}

/**
 * A built-in role, or a custom role of a tenant inside the scope or of an ancestor of `tenantPath`
 * (the path of the tenant the membership is for: a unit may grant its center's custom roles).
 */
export async function findRole(trx: Tx, scope: TenantScope, roleId: string, tenantPath: readonly string[] = []) {
  requireTenantScope(scope)
  return trx.selectFrom('roles').select(['id', 'tenant_id', 'code', 'name', 'permissions', 'is_builtin'])
    .where('id', '=', roleId)
    .where((eb) => eb.or([eb('tenant_id', 'is', null), anyOf('tenant_id', [...scope.tenantIds, ...tenantPath])]))
    .executeTakeFirst()
}
export type RoleRow = NonNullable<Awaited<ReturnType<typeof findRole>>>

/** A role by code for the CLI: a custom role of the tenant or an ancestor wins over a built-in one. */
export async function findRoleByCode(trx: Tx, scope: TenantScope, code: string, tenantPath: readonly string[]) {
  requireTenantScope(scope)
  const rows = await trx.selectFrom('roles').select(['id', 'tenant_id'])
    .where('code', '=', code)
    .where((eb) => eb.or([eb('tenant_id', 'is', null), anyOf('tenant_id', tenantPath.filter((id) => scope.tenantIds.includes(id)))]))
    .execute()
  return rows.find((r) => r.tenant_id !== null) ?? rows[0]
}

export async function findTenantBySlug(trx: Tx, scope: TenantScope, slug: string) {
  requireTenantScope(scope)
  return trx.selectFrom('tenants').select(['id', 'slug', 'path']).where('slug', '=', slug).where(anyOf('id', scope.tenantIds)).executeTakeFirst()
}

/** The platform root and every tenant under it: the reach of the command-line operator. */
export async function listPlatformTenantIds(trx: Tx, scope: Scope): Promise<{ rootId: string; ids: string[] } | undefined> {
  requireScope(scope)
  const root = await trx.selectFrom('tenants').select('id').where('kind', '=', 'platform').orderBy('created_at').executeTakeFirst()
  if (!root) return undefined
  const rows = await trx.selectFrom('tenants').select('id').where(sql<SqlBool>`path @> array[${root.id}]::uuid[]`).execute()
  return { rootId: root.id, ids: rows.map((r) => r.id) }
}

export async function insertUser(trx: Tx, scope: TenantScope, user: {
  username: string; display_name: string; email: string | null; phone: string | null; home_tenant_id: string; password_hash: string
}): Promise<string> {
  requireTenantScope(scope)
  const row = await trx.insertInto('users').values({ ...user, must_change_password: true }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function updateUser(trx: Tx, scope: TenantScope, userId: string, patch: {
  display_name?: string; email?: string | null; phone?: string | null; is_disabled?: boolean
  password_hash?: string; password_changed_at?: Date; must_change_password?: boolean; failed_attempts?: number; locked_until?: Date | null
}): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('users').set({ ...patch, updated_at: new Date() }).where('id', '=', userId).execute()
}

export async function insertPasswordHistory(trx: Tx, scope: TenantScope, userId: string, passwordHash: string): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('password_history').values({ user_id: userId, password_hash: passwordHash }).execute()
}

export async function insertMembership(trx: Tx, scope: TenantScope, membership: {
  tenant_id: string; user_id: string; role_id: string; extends_to_descendants: boolean; is_primary: boolean; created_by: string | null
}): Promise<string> {
  requireTenantScope(scope)
  const row = await trx.insertInto('memberships').values(membership).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function membershipExists(trx: Tx, scope: TenantScope, { userId, tenantId, roleId }: { userId: string; tenantId: string; roleId: string }): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('memberships').select('id')
    .where('user_id', '=', userId).where('tenant_id', '=', tenantId).where('role_id', '=', roleId).executeTakeFirst()
  return Boolean(row)
}

export async function findMembership(trx: Tx, scope: TenantScope, userId: string, membershipId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('memberships as m').innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select(['m.id', 'm.tenant_id', 'm.role_id', 't.kind as tenant_kind'])
    .where('m.id', '=', membershipId).where('m.user_id', '=', userId).where(anyOf('m.tenant_id', scope.tenantIds))
    .executeTakeFirst()
}

export async function deleteMembership(trx: Tx, scope: TenantScope, membershipId: string): Promise<void> {
  requireTenantScope(scope)
  await trx.deleteFrom('memberships').where('id', '=', membershipId).where(anyOf('tenant_id', scope.tenantIds)).execute()
}

/** True when the user holds the built-in role `code` directly at the tenant. */
export async function holdsBuiltinRoleAt(trx: Tx, scope: TenantScope, { userId, tenantId, code }: { userId: string; tenantId: string; code: string }): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('memberships as m').innerJoin('roles as r', 'r.id', 'm.role_id').select('m.id')
    .where('m.user_id', '=', userId).where('m.tenant_id', '=', tenantId)
    .where('r.code', '=', code).where('r.is_builtin', '=', true).executeTakeFirst()
  return Boolean(row)
}

/** Enabled users other than `exceptUserId` holding the built-in role `code` directly at the tenant. */
export async function countOtherHolders(trx: Tx, scope: TenantScope, { tenantId, code, exceptUserId, exceptMembershipId }: {
  tenantId: string; code: string; exceptUserId?: string; exceptMembershipId?: string
}): Promise<number> {
  requireTenantScope(scope)
  let query = trx.selectFrom('memberships as m')
    .innerJoin('roles as r', 'r.id', 'm.role_id').innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => eb.fn.count<string>('m.id').as('n'))
    .where('m.tenant_id', '=', tenantId).where('r.code', '=', code).where('r.is_builtin', '=', true).where('u.is_disabled', '=', false)
  if (exceptUserId) query = query.where('m.user_id', '<>', exceptUserId)
  if (exceptMembershipId) query = query.where('m.id', '<>', exceptMembershipId)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Ends every live session of the user (password reset, disabling). */
export async function revokeSessions(trx: Tx, scope: TenantScope, userId: string): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
}
