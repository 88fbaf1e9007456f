import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { AssetKind, AssetsTable, UploadSource } from '../../db/schema.js'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'

export type AssetRow = Selectable<AssetsTable>

/** Registers a blob (or touches it), so the purge job's grace period starts again. */
export async function touchBlob(trx: Tx, scope: Scope, blob: { sha256: string; size: number; mimeType: string; storageKey: string }): Promise<void> {
  requireScope(scope)
  await trx.insertInto('asset_blobs').values({ sha256: blob.sha256, size: blob.size, mime_type: blob.mimeType, storage_key: blob.storageKey })
    .onConflict((oc) => oc.column('sha256').doUpdateSet({ last_used_at: new Date() })).execute()
}

export async function insertAsset(trx: Tx, scope: TenantScope, values: Omit<Insertable<AssetsTable>, 'tenant_id'>): Promise<AssetRow> {
  const s = requireTenantScope(scope)
  return trx.insertInto('assets').values({ ...values, tenant_id: s.tenantId }).returningAll().executeTakeFirstOrThrow()
}

/** One asset of the acting tenant (deleted ones only when asked). */
export async function findAsset(trx: Tx, scope: TenantScope, id: string, { isDeletedIncluded = false, isLocked = false } = {}): Promise<AssetRow | undefined> {
  const s = requireTenantScope(scope)
  let query = trx.selectFrom('assets').selectAll().where('id', '=', id).where('tenant_id', '=', s.tenantId)
  if (!isDeletedIncluded) query = query.where('deleted_at', 'is', null)
  if (isLocked) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function updateAsset(trx: Tx, scope: TenantScope, id: string, values: Updateable<AssetsTable>): Promise<AssetRow> {
  const s = requireTenantScope(scope)
  return trx.updateTable('assets').set({ ...values, updated_at: new Date() }).where('id', '=', id).where('tenant_id', '=', s.tenantId)
    .returningAll().executeTakeFirstOrThrow()
}

/** Rewrites the search vector from the given tokens (positions kept: `to_tsvector`, not an array). */
export async function setSearchTokens(trx: Tx, scope: TenantScope, id: string, tokens: string): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.updateTable('assets').set({ search: sql`to_tsvector('simple', ${tokens})` }).where('id', '=', id).where('tenant_id', '=', s.tenantId).execute()
}

export interface ListFilter {
  kind?: AssetKind
  from?: Date
  to?: Date
  uploadedBy?: string
  uploadedVia?: UploadSource
  licence?: 'none' | 'valid' | 'expiring' | 'expired'
  usage?: 'used' | 'unused'
  isDeleted?: boolean
  /** A to_tsquery text (OR of words); results are then ranked. */
  query?: string | null
  /** Keyset: [created_at iso, id] or, when ranked, [rank, id]. */
  after?: unknown[] | null
  limit: number
  expiringDays: number
}

export type ListedAsset = AssetRow & { rank: number | null }

/** The tenant's assets, filtered, newest first (or best match first), one page past the cursor. */
export async function listAssets(trx: Tx, scope: TenantScope, f: ListFilter): Promise<ListedAsset[]> {
  const s = requireTenantScope(scope)
  const rank = f.query ? sql<number | null>`ts_rank(search, to_tsquery('simple', ${f.query}))::float8` : sql<number | null>`null::float8`
  let query = trx.selectFrom('assets').selectAll().select(rank.as('rank')).where('tenant_id', '=', s.tenantId)
    .where('deleted_at', f.isDeleted ? 'is not' : 'is', null)
  if (f.query) query = query.where(sql<boolean>`search @@ to_tsquery('simple', ${f.query})`)
  if (f.kind) query = query.where('kind', '=', f.kind)
  if (f.from) query = query.where('created_at', '>=', f.from)
  if (f.to) query = query.where('created_at', '<', f.to)
  if (f.uploadedBy) query = query.where('uploaded_by', '=', f.uploadedBy)
  if (f.uploadedVia) query = query.where('upload_source', '=', f.uploadedVia)
  const soon = sql<Date>`now() + make_interval(days => ${f.expiringDays})`
  if (f.licence === 'none') query = query.where('licence_expires_at', 'is', null)
  if (f.licence === 'expired') query = query.where('licence_expires_at', '<=', sql<Date>`now()`)
  if (f.licence === 'expiring') query = query.where('licence_expires_at', '>', sql<Date>`now()`).where('licence_expires_at', '<=', soon)
  if (f.licence === 'valid') query = query.where('licence_expires_at', '>', soon)
  const used = sql<boolean>`exists (select 1 from asset_usages u where u.asset_id = assets.id)`
  if (f.usage === 'used') query = query.where(used)
  if (f.usage === 'unused') query = query.where(sql<boolean>`not ${used}`)
  if (f.query) {
    if (f.after) query = query.where(sql<boolean>`(${rank}, assets.id) < (${Number(f.after[0])}::float8, ${String(f.after[1])}::uuid)`)
    query = query.orderBy(sql`rank`, 'desc').orderBy('id', 'desc')
  } else {
    const column = f.isDeleted ? sql`deleted_at` : sql`created_at`
    if (f.after) query = query.where(sql<boolean>`(${column}, assets.id) < (${String(f.after[0])}::timestamptz, ${String(f.after[1])}::uuid)`)
    query = query.orderBy(column, 'desc').orderBy('id', 'desc')
  }
  return query.limit(f.limit + 1).execute() as Promise<ListedAsset[]>
}

/** Pictures of the tenant within `maxDistance` bits of `phash`, nearest first. */
export async function findSimilar(trx: Tx, scope: TenantScope, { id, phash, maxDistance, limit }: { id: string; phash: string; maxDistance: number; limit: number }): Promise<Array<AssetRow & { distance: number }>> {
  const s = requireTenantScope(scope)
  // Hamming distance: popcount of the XOR (bit(64)'s text form counts on every Postgres version).
  const distance = sql<number>`length(replace(((phash # ${phash}::bigint)::bit(64))::text, '0', ''))`
  return trx.selectFrom('assets').selectAll().select(distance.as('distance'))
    .where('tenant_id', '=', s.tenantId).where('deleted_at', 'is', null).where('phash', 'is not', null).where('id', '<>', id)
    .where(distance, '<=', maxDistance).orderBy(sql`distance`).orderBy('created_at', 'desc').limit(limit).execute()
}

/** Per-kind limits the tenant has set (kinds not listed use the defaults). */
export async function listLimits(trx: Tx, scope: TenantScope): Promise<Array<{ kind: AssetKind; max_bytes: string }>> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_limits').select(['kind', 'max_bytes']).where('tenant_id', '=', s.tenantId).execute()
}

export async function setLimit(trx: Tx, scope: TenantScope, { kind, maxBytes, userId }: { kind: AssetKind; maxBytes: number; userId: string }): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.insertInto('asset_limits').values({ tenant_id: s.tenantId, kind, max_bytes: maxBytes, updated_by: userId })
    .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doUpdateSet({ max_bytes: maxBytes, updated_by: userId, updated_at: new Date() })).execute()
}

/** Assets whose retention ended, in any tenant (the purge job runs in the system scope). */
export async function listPurgeable(trx: Tx, scope: Scope, { before, limit }: { before: Date; limit: number }): Promise<Array<Pick<AssetRow, 'id' | 'tenant_id' | 'sha256' | 'renditions'>>> {
  requireScope(scope)
  return trx.selectFrom('assets').select(['id', 'tenant_id', 'sha256', 'renditions']).where('deleted_at', '<=', before)
    .orderBy('deleted_at').limit(limit).forUpdate().skipLocked().execute()
}

export async function hardDeleteAsset(trx: Tx, scope: Scope, id: string): Promise<void> {
  requireScope(scope)
  await trx.deleteFrom('assets').where('id', '=', id).execute()
}

/**
 * Removes blob rows no asset refers to any more and that were not touched within the grace
 * period (an upload touches its blob before storing it), returning their storage keys.
 */
export async function deleteOrphanBlobs(trx: Tx, scope: Scope, { sha256s, touchedBefore }: { sha256s: string[]; touchedBefore: Date }): Promise<string[]> {
  requireScope(scope)
  if (sha256s.length === 0) return []
  const rows = await trx.deleteFrom('asset_blobs').where('sha256', 'in', sha256s).where('last_used_at', '<', touchedBefore)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('assets').select('id').whereRef('assets.sha256', '=', 'asset_blobs.sha256'))))
    .returning('storage_key').execute()
  return rows.map((r) => r.storage_key)
}

export async function findBlob(trx: Tx, scope: Scope, sha256: string): Promise<{ storage_key: string; size: string } | undefined> {
  requireScope(scope)
  return trx.selectFrom('asset_blobs').select(['storage_key', 'size']).where('sha256', '=', sha256).executeTakeFirst()
}
