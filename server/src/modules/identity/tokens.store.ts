import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of personal API tokens. A token is created in its tenant's scope (RLS checks it); listing
 * and revoking are the owner's business across all their tenants, so those take any scope and
 * always filter by the owner's id.
 */

const tokenColumns = ['id', 'user_id', 'tenant_id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'] as const

export async function insertToken(trx: Tx, scope: TenantScope, token: {
  user_id: string; tenant_id: string; name: string; token_hash: string; prefix: string; scopes: string[]; expires_at: Date | null
}) {
  const { tenantId } = requireTenantScope(scope)
  if (token.tenant_id !== tenantId) throw new Error('a token is created in its own tenant scope')
  return trx.insertInto('api_tokens').values(token).returning(tokenColumns).executeTakeFirstOrThrow()
}
export type TokenRow = Awaited<ReturnType<typeof insertToken>>

/** The owner's tokens, newest first. */
export async function listTokens(trx: Tx, scope: Scope, userId: string): Promise<TokenRow[]> {
  requireScope(scope)
  return trx.selectFrom('api_tokens').select(tokenColumns).where('user_id', '=', userId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute()
}

export async function findToken(trx: Tx, scope: Scope, userId: string, tokenId: string): Promise<TokenRow | undefined> {
  requireScope(scope)
  return trx.selectFrom('api_tokens').select(tokenColumns).where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst()
}

export async function revokeToken(trx: Tx, scope: Scope, userId: string, tokenId: string, at: Date): Promise<void> {
  requireScope(scope)
  await trx.updateTable('api_tokens').set({ revoked_at: at })
    .where('id', '=', tokenId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
}
