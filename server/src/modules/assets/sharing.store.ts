import { sql, type Insertable, type Selectable } from 'kysely'
import type { AssetCollectionsTable, AssetSharesTable, AssetUploadsTable, AssetUsagesTable } from '../../db/schema.js'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'
import type { AssetRow } from './assets.store.js'

export type UsageRow = Selectable<AssetUsagesTable>
export type ShareRow = Selectable<AssetSharesTable>
export type CollectionRow = Selectable<AssetCollectionsTable>
export type UploadRow = Selectable<AssetUploadsTable>

// ---- usage: where assets are used -------------------------------------------------------

/** Records a use (idempotent per tenant, asset and reference); returns the row. */
export async function upsertUsage(trx: Tx, scope: TenantScope, values: Omit<Insertable<AssetUsagesTable>, 'tenant_id'>): Promise<UsageRow> {
  const s = requireTenantScope(scope)
  return trx.insertInto('asset_usages').values({ ...values, tenant_id: s.tenantId })
    .onConflict((oc) => oc.columns(['tenant_id', 'asset_id', 'ref_type', 'ref_id']).doUpdateSet({ is_live: values.is_live ?? false }))
    .returningAll().executeTakeFirstOrThrow()
}

export async function deleteUsage(trx: Tx, scope: TenantScope, { assetId, refType, refId }: { assetId: string; refType: string; refId: string }): Promise<number> {
  const s = requireTenantScope(scope)
  const result = await trx.deleteFrom('asset_usages').where('tenant_id', '=', s.tenantId).where('asset_id', '=', assetId)
    .where('ref_type', '=', refType).where('ref_id', '=', refId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Every use of an asset the caller may see: its own and, as the owner, other tenants'. */
export async function listUsages(trx: Tx, scope: TenantScope, assetId: string): Promise<UsageRow[]> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_usages').selectAll().where('asset_id', '=', assetId)
    .where((eb) => eb.or([eb('tenant_id', '=', s.tenantId), eb('owner_tenant_id', '=', s.tenantId)]))
    .orderBy('created_at', 'desc').limit(500).execute()
}

/** How many uses an asset has, and how many of them are live (for warnings). */
export async function usageCounts(trx: Tx, scope: Scope, assetIds: string[]): Promise<Map<string, { count: number; live: number }>> {
  requireScope(scope)
  if (assetIds.length === 0) return new Map()
  const rows = await trx.selectFrom('asset_usages').select(['asset_id'])
    .select(sql<string>`count(*)`.as('count')).select(sql<string>`count(*) filter (where is_live)`.as('live'))
    .where('asset_id', 'in', assetIds).groupBy('asset_id').execute()
  return new Map(rows.map((r) => [r.asset_id, { count: Number(r.count), live: Number(r.live) }]))
}

// ---- shares: assets offered to other tenants -------------------------------------------

export async function insertShare(trx: Tx, scope: TenantScope, values: Omit<Insertable<AssetSharesTable>, 'tenant_id'>): Promise<ShareRow> {
  const s = requireTenantScope(scope)
  return trx.insertInto('asset_shares').values({ ...values, tenant_id: s.tenantId }).returningAll().executeTakeFirstOrThrow()
}

export async function findOwnShare(trx: Tx, scope: TenantScope, id: string): Promise<ShareRow | undefined> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_shares').selectAll().where('id', '=', id).where('tenant_id', '=', s.tenantId).executeTakeFirst()
}

export async function listOwnShares(trx: Tx, scope: TenantScope, assetId: string): Promise<ShareRow[]> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_shares').selectAll().where('asset_id', '=', assetId).where('tenant_id', '=', s.tenantId)
    .orderBy('created_at', 'desc').execute()
}

/** Every share the tenant made (open and withdrawn), newest first, one page past the cursor. */
export async function listAllOwnShares(trx: Tx, scope: TenantScope, { after, limit }: { after: unknown[] | null; limit: number }): Promise<ShareRow[]> {
  const s = requireTenantScope(scope)
  let query = trx.selectFrom('asset_shares').selectAll().where('tenant_id', '=', s.tenantId)
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`)
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

export async function withdrawShare(trx: Tx, scope: TenantScope, { id, userId }: { id: string; userId: string }): Promise<ShareRow> {
  const s = requireTenantScope(scope)
  return trx.updateTable('asset_shares').set({ withdrawn_at: new Date(), withdrawn_by: userId })
    .where('id', '=', id).where('tenant_id', '=', s.tenantId).returningAll().executeTakeFirstOrThrow()
}

/** Keeps the open shares of an asset in step with it (what the targets see is a copy). */
export async function refreshShares(trx: Tx, scope: TenantScope, asset: AssetRow): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.updateTable('asset_shares').set({
    title: asset.title, caption: asset.caption, credit: asset.credit, width: asset.width, height: asset.height,
    renditions: JSON.stringify(asset.renditions),
  }).where('asset_id', '=', asset.id).where('tenant_id', '=', s.tenantId).where('withdrawn_at', 'is', null).execute()
}

/**
 * Open shares offered to `tenantId` (whose parent is `parentId`): to the whole platform, to it
 * as the parent of the owner, or to it as a child of the owner. Not its own.
 */
export async function listOffered(trx: Tx, scope: TenantScope, { tenantId, parentId, after, limit }: {
  tenantId: string; parentId: string | null; after: unknown[] | null; limit: number
}): Promise<ShareRow[]> {
  requireTenantScope(scope)
  let query = trx.selectFrom('asset_shares').selectAll().where('withdrawn_at', 'is', null).where('tenant_id', '<>', tenantId)
    .where((eb) => eb.or([
      eb('audience', '=', 'platform'),
      eb.and([eb('audience', '=', 'parent'), eb(sql`owner_path[array_length(owner_path, 1) - 1]`, '=', tenantId)]),
      ...(parentId ? [eb.and([eb('audience', '=', 'children'), eb('tenant_id', '=', parentId)])] : []),
    ]))
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`)
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

/** One open share offered to the tenant (RLS decides which are readable; withdrawn ones are not). */
export async function findOffered(trx: Tx, scope: TenantScope, id: string): Promise<ShareRow | undefined> {
  requireTenantScope(scope)
  return trx.selectFrom('asset_shares').selectAll().where('id', '=', id).where('withdrawn_at', 'is', null).executeTakeFirst()
}

// ---- collections and the public archive ------------------------------------------------

export async function insertCollection(trx: Tx, scope: TenantScope, values: Omit<Insertable<AssetCollectionsTable>, 'tenant_id'>): Promise<CollectionRow> {
  const s = requireTenantScope(scope)
  return trx.insertInto('asset_collections').values({ ...values, tenant_id: s.tenantId }).returningAll().executeTakeFirstOrThrow()
}

export async function findCollection(trx: Tx, scope: TenantScope, id: string): Promise<CollectionRow | undefined> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_collections').selectAll().where('id', '=', id).where('tenant_id', '=', s.tenantId).executeTakeFirst()
}

export async function listCollections(trx: Tx, scope: TenantScope, { isPublicOnly = false } = {}): Promise<Array<CollectionRow & { items: string }>> {
  const s = requireTenantScope(scope)
  let query = trx.selectFrom('asset_collections').selectAll()
    .select(sql<string>`(select count(*) from asset_collection_items i where i.collection_id = asset_collections.id)`.as('items'))
    .where('tenant_id', '=', s.tenantId)
  if (isPublicOnly) query = query.where('is_public', '=', true)
  return query.orderBy('created_at', 'desc').limit(200).execute()
}

export async function updateCollection(trx: Tx, scope: TenantScope, id: string, values: Partial<Pick<CollectionRow, 'title' | 'description' | 'is_public' | 'published_at'>>): Promise<CollectionRow> {
  const s = requireTenantScope(scope)
  return trx.updateTable('asset_collections').set({ ...values, updated_at: new Date() }).where('id', '=', id).where('tenant_id', '=', s.tenantId)
    .returningAll().executeTakeFirstOrThrow()
}

export async function addCollectionItems(trx: Tx, scope: TenantScope, collectionId: string, assetIds: string[]): Promise<void> {
  const s = requireTenantScope(scope)
  if (assetIds.length === 0) return
  await trx.insertInto('asset_collection_items').values(assetIds.map((assetId) => ({ collection_id: collectionId, asset_id: assetId, tenant_id: s.tenantId })))
    .onConflict((oc) => oc.doNothing()).execute()
}

export async function removeCollectionItem(trx: Tx, scope: TenantScope, collectionId: string, assetId: string): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.deleteFrom('asset_collection_items').where('collection_id', '=', collectionId).where('asset_id', '=', assetId).where('tenant_id', '=', s.tenantId).execute()
}

/** The tenant behind a public archive slug (system scope: the visitor has no tenant). */
export async function tenantOfPublicSlug(trx: Tx, scope: Scope, slug: string): Promise<string | undefined> {
  requireScope(scope)
  const row = await trx.selectFrom('asset_collections').select('tenant_id').where('tenant_slug', '=', slug).where('is_public', '=', true).limit(1).executeTakeFirst()
  return row?.tenant_id
}

/** Assets of the tenant's public collections, optionally matching a query, newest first. */
export async function listPublicAssets(trx: Tx, scope: TenantScope, { query, collectionId, assetId, limit }: {
  query?: string | null; collectionId?: string; assetId?: string; limit: number
}): Promise<AssetRow[]> {
  const s = requireTenantScope(scope)
  let q = trx.selectFrom('assets').selectAll().where('tenant_id', '=', s.tenantId).where('deleted_at', 'is', null)
    .where(({ exists, selectFrom }) => exists(selectFrom('asset_collection_items as i').innerJoin('asset_collections as c', 'c.id', 'i.collection_id')
      .select('i.asset_id').whereRef('i.asset_id', '=', 'assets.id').where('c.is_public', '=', true)
      .$if(Boolean(collectionId), (sub) => sub.where('c.id', '=', collectionId!))))
  if (query) q = q.where(sql<boolean>`search @@ to_tsquery('simple', ${query})`)
  if (assetId) q = q.where('id', '=', assetId)
  return q.orderBy('created_at', 'desc').limit(limit).execute()
}

// ---- resumable uploads -----------------------------------------------------------------

export async function insertUpload(trx: Tx, scope: TenantScope, values: Omit<Insertable<AssetUploadsTable>, 'tenant_id'>): Promise<UploadRow> {
  const s = requireTenantScope(scope)
  return trx.insertInto('asset_uploads').values({ ...values, tenant_id: s.tenantId }).returningAll().executeTakeFirstOrThrow()
}

export async function findUpload(trx: Tx, scope: TenantScope, { id, userId, isLocked = false }: { id: string; userId: string; isLocked?: boolean }): Promise<UploadRow | undefined> {
  const s = requireTenantScope(scope)
  let query = trx.selectFrom('asset_uploads').selectAll().where('id', '=', id).where('tenant_id', '=', s.tenantId)
    .where('created_by', '=', userId).where('expires_at', '>', new Date())
  if (isLocked) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function setUploadReceived(trx: Tx, scope: TenantScope, id: string, received: number): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.updateTable('asset_uploads').set({ received }).where('id', '=', id).where('tenant_id', '=', s.tenantId).execute()
}

export async function deleteUpload(trx: Tx, scope: TenantScope, id: string): Promise<void> {
  const s = requireTenantScope(scope)
  await trx.deleteFrom('asset_uploads').where('id', '=', id).where('tenant_id', '=', s.tenantId).execute()
}

// ---- story covers ------------------------------------------------------------------------

/** The tenant's own record of one use (e.g. a story using a shared picture), if any. */
export async function findUsage(trx: Tx, scope: TenantScope, { assetId, refType, refId }: { assetId: string; refType: string; refId: string }): Promise<UsageRow | undefined> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_usages').selectAll().where('tenant_id', '=', s.tenantId).where('asset_id', '=', assetId)
    .where('ref_type', '=', refType).where('ref_id', '=', refId).executeTakeFirst()
}

/** An open share of `assetId` by another tenant that this tenant may read (RLS decides), newest first. */
export async function findOfferedForAsset(trx: Tx, scope: TenantScope, assetId: string): Promise<ShareRow | undefined> {
  const s = requireTenantScope(scope)
  return trx.selectFrom('asset_shares').selectAll().where('asset_id', '=', assetId).where('withdrawn_at', 'is', null)
    .where('tenant_id', '<>', s.tenantId).orderBy('created_at', 'desc').limit(1).executeTakeFirst()
}
