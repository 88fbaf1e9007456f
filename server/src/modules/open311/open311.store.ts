import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/** SQL of Open311 API keys (sha256 only) and of the tokens batch services hand out. */

const keyColumns = ['id', 'tenant_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'] as const

export async function findKey(trx: Tx, scope: TenantScope, { centerId, keyHash }: { centerId: string; keyHash: string }) {
  requireTenantScope(scope)
  return trx.selectFrom('open311_keys').select(keyColumns).where('tenant_id', '=', centerId).where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst()
}

export type KeyRow = NonNullable<Awaited<ReturnType<typeof findKey>>>

export async function listKeys(trx: Tx, scope: TenantScope, centerId: string): Promise<KeyRow[]> {
  requireTenantScope(scope)
  return trx.selectFrom('open311_keys').select(keyColumns).where('tenant_id', '=', centerId).orderBy('created_at', 'desc').execute()
}

export async function insertKey(trx: Tx, scope: TenantScope, k: { centerId: string; name: string; keyHash: string; prefix: string; createdBy: string }): Promise<KeyRow> {
  requireTenantScope(scope)
  return trx.insertInto('open311_keys').values({ tenant_id: k.centerId, name: k.name, key_hash: k.keyHash, prefix: k.prefix, created_by: k.createdBy })
    .returning(keyColumns).executeTakeFirstOrThrow()
}

/** @returns whether a live key was revoked. */
export async function revokeKey(trx: Tx, scope: TenantScope, { centerId, id }: { centerId: string; id: string }): Promise<boolean> {
  requireTenantScope(scope)
  const result = await trx.updateTable('open311_keys').set({ revoked_at: new Date() })
    .where('id', '=', id).where('tenant_id', '=', centerId).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function touchKey(trx: Tx, scope: TenantScope, { id, at }: { id: string; at: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('open311_keys').set({ last_used_at: at }).where('id', '=', id).execute()
}

export async function insertToken(trx: Tx, scope: TenantScope, t: { centerId: string; token: string; ticketId: string }): Promise<void> {
  requireTenantScope(scope)
  await trx.insertInto('open311_tokens').values({ tenant_id: t.centerId, token: t.token, ticket_id: t.ticketId }).execute()
}

export async function findToken(trx: Tx, scope: TenantScope, { centerId, token }: { centerId: string; token: string }) {
  requireTenantScope(scope)
  return trx.selectFrom('open311_tokens').select(['token', 'ticket_id']).where('tenant_id', '=', centerId).where('token', '=', token).executeTakeFirst()
}
