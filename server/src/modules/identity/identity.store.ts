import { sql } from 'kysely'
import { requireScope, type Scope, type Tx } from '../../db/scope.js'

/** SQL for sign-in, sessions, tokens and effective permissions. Users are global; memberships are tenant-owned. */

const userColumns = [
  'id', 'username', 'display_name', 'email', 'phone', 'home_tenant_id', 'password_hash', 'password_changed_at',
  'must_change_password', 'totp_secret_enc', 'totp_enabled_at', 'totp_last_step', 'failed_attempts', 'locked_until',
  'is_disabled', 'is_demo', 'last_login_at', 'created_at', 'updated_at',
] as const

export async function findUserByUsername(trx: Tx, scope: Scope, username: string) {
  requireScope(scope)
  return trx.selectFrom('users').select(userColumns).where(sql<boolean>`lower(username) = ${username.toLowerCase()}`).executeTakeFirst()
}

export async function findUserById(trx: Tx, scope: Scope, userId: string) {
  requireScope(scope)
  return trx.selectFrom('users').select(userColumns).where('id', '=', userId).executeTakeFirst()
}

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>

export async function updateUserSignInState(trx: Tx, scope: Scope, userId: string, patch: {
  failed_attempts?: number; locked_until?: Date | null; last_login_at?: Date; totp_last_step?: string | null
}): Promise<void> {
  requireScope(scope)
  await trx.updateTable('users').set(patch).where('id', '=', userId).execute()
}

/** Every role a user holds, with the tenant it is held in. */
export async function listUserRoles(trx: Tx, scope: Scope, userId: string) {
  requireScope(scope)
  return trx.selectFrom('memberships as m')
    .innerJoin('roles as r', 'r.id', 'm.role_id')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select([
      'm.id', 'm.tenant_id', 'm.extends_to_descendants', 'm.is_primary', 'm.created_at',
      't.slug as tenant_slug', 't.name as tenant_name', 't.kind as tenant_kind', 't.path as tenant_path', 't.is_disabled as tenant_is_disabled',
      'r.id as role_id', 'r.code as role_code', 'r.name as role_name', 'r.permissions', 'r.is_totp_required',
    ])
    .where('m.user_id', '=', userId)
    .orderBy('m.is_primary', 'desc').orderBy('m.created_at')
    .execute()
}
export type UserRoleRow = Awaited<ReturnType<typeof listUserRoles>>[number]

export async function findTenantByRef(trx: Tx, scope: Scope, ref: string) {
  requireScope(scope)
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)
  return trx.selectFrom('tenants').selectAll()
    .where(isUuid ? 'id' : 'slug', '=', isUuid ? ref.toLowerCase() : ref)
    .executeTakeFirst()
}

/** True when any tenant on `path` (a tenant's ancestors and itself) is disabled. */
export async function hasDisabledAncestor(trx: Tx, scope: Scope, path: readonly string[]): Promise<boolean> {
  requireScope(scope)
  if (path.length === 0) return false
  const row = await trx.selectFrom('tenants').select('id').where('id', 'in', [...path]).where('is_disabled', '=', true).limit(1).executeTakeFirst()
  return Boolean(row)
}

/** Ids of a tenant's descendants (not the tenant itself). */
export async function listDescendantIds(trx: Tx, scope: Scope, tenantId: string): Promise<string[]> {
  requireScope(scope)
  const rows = await trx.selectFrom('tenants').select('id')
    .where(sql<boolean>`path @> array[${tenantId}]::uuid[]`).where('id', '<>', tenantId).execute()
  return rows.map((r) => r.id)
}

export async function insertSession(trx: Tx, scope: Scope, session: {
  id: string; user_id: string; csrf_token: string; is_mfa_passed: boolean; ip: string | null; user_agent: string | null; expires_at: Date
}): Promise<void> {
  requireScope(scope)
  await trx.insertInto('sessions').values(session).execute()
}

export async function findSession(trx: Tx, scope: Scope, sessionId: string) {
  requireScope(scope)
  return trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst()
}

export async function touchSession(trx: Tx, scope: Scope, sessionId: string, at: Date): Promise<void> {
  requireScope(scope)
  await trx.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute()
}

export async function revokeSession(trx: Tx, scope: Scope, sessionId: string, at = new Date()): Promise<void> {
  requireScope(scope)
  await trx.updateTable('sessions').set({ revoked_at: at }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute()
}

/** Ends every live session of a user (password reset, disabling, role removal by an admin). */
export async function revokeUserSessions(trx: Tx, scope: Scope, userId: string, { exceptSessionId }: { exceptSessionId?: string } = {}): Promise<void> {
  requireScope(scope)
  let query = trx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null)
  if (exceptSessionId) query = query.where('id', '<>', exceptSessionId)
  await query.execute()
}

export async function findApiTokenByHash(trx: Tx, scope: Scope, hash: string) {
  requireScope(scope)
  return trx.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()
}

export async function touchApiToken(trx: Tx, scope: Scope, tokenId: string, at: Date): Promise<void> {
  requireScope(scope)
  await trx.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute()
}
