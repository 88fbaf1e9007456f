import { requireScope, type Scope, type Tx } from '../../db/scope.js'

/**
 * SQL of a user's own account (password, two-factor). These rows are not tenant-owned and the
 * caller may have no acting tenant yet, so the services call it in the system scope, always
 * filtered by the signed-in user's id.
 */

/** How many old password hashes are kept: the policy's largest history size. */
export const HISTORY_KEPT = 24

export async function findAccount(trx: Tx, scope: Scope, userId: string) {
  requireScope(scope)
  return trx.selectFrom('users')
    .select(['id', 'username', 'password_hash', 'totp_secret_enc', 'totp_enabled_at', 'is_demo', 'home_tenant_id'])
    .where('id', '=', userId).executeTakeFirst()
}

/** The newest `limit` password hashes, newest first. */
export async function listPasswordHistory(trx: Tx, scope: Scope, userId: string, limit: number): Promise<string[]> {
  requireScope(scope)
  if (limit <= 0) return []
  const rows = await trx.selectFrom('password_history').select('password_hash')
    .where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => r.password_hash)
}

/** Sets a password the user chose, records it in the history and forgets the oldest entries. */
export async function setOwnPassword(trx: Tx, scope: Scope, userId: string, passwordHash: string, at: Date): Promise<void> {
  requireScope(scope)
  await trx.updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: at, must_change_password: false, updated_at: at })
    .where('id', '=', userId).execute()
  await trx.insertInto('password_history').values({ user_id: userId, password_hash: passwordHash }).execute()
  const kept = trx.selectFrom('password_history').select('id')
    .where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(HISTORY_KEPT)
  await trx.deleteFrom('password_history').where('user_id', '=', userId).where('id', 'not in', kept).execute()
}

/** Ends the user's sessions except the one making the change. */
export async function revokeOtherSessions(trx: Tx, scope: Scope, userId: string, exceptSessionId: string | null): Promise<void> {
  requireScope(scope)
  let query = trx.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null)
  if (exceptSessionId) query = query.where('id', '<>', exceptSessionId)
  await query.execute()
}

export async function setTotpState(trx: Tx, scope: Scope, userId: string, state: {
  totp_secret_enc?: string | null; totp_enabled_at: Date | null; totp_last_step: string | null
}): Promise<void> {
  requireScope(scope)
  await trx.updateTable('users').set({ ...state, updated_at: new Date() }).where('id', '=', userId).execute()
}

/** After enrolling, the session that proved the code counts as a two-factor session. */
export async function markSessionMfaPassed(trx: Tx, scope: Scope, sessionId: string): Promise<void> {
  requireScope(scope)
  await trx.updateTable('sessions').set({ is_mfa_passed: true }).where('id', '=', sessionId).execute()
}

/** True when any role the user holds requires two-factor sign-in. */
export async function hasTotpRequiredRole(trx: Tx, scope: Scope, userId: string): Promise<boolean> {
  requireScope(scope)
  const row = await trx.selectFrom('memberships as m').innerJoin('roles as r', 'r.id', 'm.role_id').select('m.id')
    .where('m.user_id', '=', userId).where('r.is_totp_required', '=', true).executeTakeFirst()
  return Boolean(row)
}
