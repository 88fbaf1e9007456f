import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import type { AssetRuntime } from './assets.runtime.js'
import { queryText } from './assets.search.js'
import type { Acting } from './assets.service.js'
import * as assets from './assets.store.js'
import { collectionView, type Rendition } from './assets.views.js'
import * as store from './sharing.store.js'

/**
 * Collections of assets, and the public archive (数字资源公共服务平台): a collection marked public
 * is shown read-only at /archive/{tenantSlug}, with its pictures' public renditions only.
 */
export function createCollectionsService(rt: AssetRuntime) {
  const { db } = rt
  const missing = () => new AppError('ASSET_COLLECTION_NOT_FOUND')

  async function create(acting: Acting, input: { title: string; description?: string }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const row = await store.insertCollection(trx, scope, {
        tenant_slug: acting.tenant.slug, title: input.title.trim(), description: input.description?.trim() ?? '', created_by: acting.userId,
      })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.collection.create', targetType: 'asset_collection', targetId: row.id, details: { title: row.title } }))
      return collectionView(row)
    })
  }

  async function list(acting: Pick<Acting, 'tenant'>) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => (await store.listCollections(trx, scope)).map(collectionView))
  }

  /** Edits a collection; making it public (or private again) is audited as a publication. */
  async function update(acting: Acting, id: string, input: { title?: string; description?: string; isPublic?: boolean }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const before = await store.findCollection(trx, scope, id)
      if (!before) throw missing()
      const isPublishing = input.isPublic === true && !before.is_public
      const row = await store.updateCollection(trx, scope, id, {
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.isPublic !== undefined ? { is_public: input.isPublic } : {}),
        ...(isPublishing ? { published_at: new Date() } : {}),
      })
      if (input.isPublic !== undefined && input.isPublic !== before.is_public) {
        const action = input.isPublic ? 'asset.collection.publish' : 'asset.collection.unpublish'
        await appendAudit(trx, withContext(acting.audit, { action, targetType: 'asset_collection', targetId: id, details: { title: row.title } }))
        await emitEvent(trx, { type: action, tenantId: acting.tenant.id, payload: { collectionId: id } })
      }
      return collectionView(row)
    })
  }

  async function addItems(acting: Acting, id: string, assetIds: string[]) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      if (!(await store.findCollection(trx, scope, id))) throw missing()
      for (const assetId of assetIds) {
        if (!(await assets.findAsset(trx, scope, assetId))) {
          throw new AppError('ASSET_NOT_FOUND', `asset ${assetId} not found`, { errors: [{ field: 'assetIds', message: `${assetId} is not an asset here` }] })
        }
      }
      await store.addCollectionItems(trx, scope, id, assetIds)
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.collection.add', targetType: 'asset_collection', targetId: id, details: { assetIds } }))
      return collectionView((await store.listCollections(trx, scope)).find((c) => c.id === id)!)
    })
  }

  async function removeItem(acting: Acting, id: string, assetId: string): Promise<void> {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      if (!(await store.findCollection(trx, scope, id))) throw missing()
      await store.removeCollectionItem(trx, scope, id, assetId)
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.collection.remove', targetType: 'asset_collection', targetId: id, details: { assetId } }))
    })
  }

  // ---- the public side: no actor, no session ------------------------------------------

  /** The tenant id behind an archive slug, or null when it publishes nothing. */
  async function archiveTenant(slug: string): Promise<string | null> {
    return (await inScope(db, systemScope, (trx) => store.tenantOfPublicSlug(trx, systemScope, slug))) ?? null
  }

  /** Public collections and the assets in them matching `q` (at most 60). */
  async function archive(tenantId: string, { q, collectionId }: { q?: string; collectionId?: string }) {
    const scope = tenantScope(tenantId)
    const text = q ? queryText(q) : null
    return inScope(db, scope, async (trx) => {
      const collections = await store.listCollections(trx, scope, { isPublicOnly: true })
      const items = q && !text ? [] : await store.listPublicAssets(trx, scope, { query: text, collectionId, limit: 60 })
      return { collections, items }
    })
  }

  /** One asset of a public collection, or null. */
  async function archiveAsset(tenantId: string, assetId: string) {
    const scope = tenantScope(tenantId)
    return inScope(db, scope, async (trx) => (await store.listPublicAssets(trx, scope, { assetId, limit: 1 }))[0] ?? null)
  }

  /** A rendition anyone may fetch: of an asset not deleted. Never an original. */
  async function publicRendition({ tenantId, assetId, file }: { tenantId: string; assetId: string; file: string }): Promise<Rendition | null> {
    const scope = tenantScope(tenantId)
    const row = await inScope(db, scope, (trx) => assets.findAsset(trx, scope, assetId))
    return (row?.renditions as unknown as Rendition[] | undefined)?.find((r) => r.file === file) ?? null
  }

  return { create, list, update, addItems, removeItem, archiveTenant, archive, archiveAsset, publicRendition }
}

export type CollectionsService = ReturnType<typeof createCollectionsService>
