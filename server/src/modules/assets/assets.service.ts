import fs from 'node:fs'
import type { Readable } from 'node:stream'
import type { AssetKind } from '../../db/schema.js'
import { inScope, tenantScope, type TenantScope } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, recordAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import type { AssetRuntime } from './assets.runtime.js'
import { indexTokens, queryText } from './assets.search.js'
import * as store from './assets.store.js'
import { assetView, LICENCE_WARNING_DAYS, type AssetView } from './assets.views.js'
import { receive, tooLarge, type Received } from './ingest.js'
import { inspectFile } from './inspect.js'
import { refreshShares, usageCounts } from './sharing.store.js'
import { originalKey } from './storage/storage.js'
import { assetKinds, defaultLimits } from './types.js'

/** Who acts: the request's tenant (with its scope), user and audit facts. */
export interface Acting {
  tenant: TenantContext
  userId: string
  audit: AuditContext
}

/** Who an upload comes from: a signed-in user, or nobody's account (userId null: a citizen on a public form). */
export type Uploading = Omit<Acting, 'userId'> & { userId: string | null }

/** Descriptive fields an upload or an edit may set. */
export interface AssetMeta {
  title?: string
  caption?: string
  credit?: string
  source?: string
  copyright?: string
  licence?: string
  licenceExpiresAt?: string | null
  tags?: string[]
  people?: string[]
  places?: string[]
  shotAt?: string | null
}

const notFound = () => new AppError('ASSET_NOT_FOUND')

function metaColumns(meta: AssetMeta) {
  const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v))
  return Object.fromEntries(Object.entries({
    title: meta.title?.trim(), caption: meta.caption?.trim(), credit: meta.credit?.trim(), source: meta.source?.trim(),
    copyright: meta.copyright?.trim(), licence: meta.licence?.trim(), licence_expires_at: date(meta.licenceExpiresAt),
    tags: meta.tags, people: meta.people, places: meta.places, shot_at: date(meta.shotAt),
  }).filter(([, v]) => v !== undefined))
}

function searchTokens(row: store.AssetRow): string {
  return indexTokens([row.title, row.caption, row.tags, row.people, row.places, row.credit, row.source])
}

/** A check of the licence a little before it ends (in use then → `asset.licence_expiring`). */
export function licenceCheckEvent(row: store.AssetRow) {
  if (!row.licence_expires_at) return null
  const at = new Date(new Date(row.licence_expires_at).getTime() - LICENCE_WARNING_DAYS * 86_400_000)
  return { type: 'asset.licence_check', tenantId: row.tenant_id, payload: { assetId: row.id, expiresAt: new Date(row.licence_expires_at).toISOString() }, notBefore: at }
}

export function createAssetsService(rt: AssetRuntime) {
  const { db, storage, config } = rt

  /** The tenant's size limit per kind: its own setting or the default, never above the global cap. */
  async function limits(scope: TenantScope): Promise<Record<AssetKind, number>> {
    const own = await inScope(db, scope, (trx) => store.listLimits(trx, scope))
    const result = { ...defaultLimits }
    for (const row of own) result[row.kind] = Number(row.max_bytes)
    for (const kind of assetKinds) result[kind] = Math.min(result[kind], config.assetMaxBytes)
    return result
  }

  /** Streams an upload into a temp file, with the per-kind limit decided from its first bytes. */
  async function receiveUpload(acting: Acting, source: Readable): Promise<Received> {
    const perKind = await limits(acting.tenant.scope)
    const largest = Math.max(...Object.values(perKind))
    return receive(source, { tmpDir: rt.tmpDir, maxBytes: largest, limitFor: (kind) => (kind ? perKind[kind] : largest) })
  }

  /**
   * Turns a received file into an asset: inspect it (refusing hostile files with the reason),
   * store the original once by its SHA-256, record the asset, audit it, and queue derivatives.
   * The temp file is gone afterwards whatever happens.
   */
  async function ingest(acting: Uploading, { received, filename, declaredType, meta }: {
    received: Received; filename: string; declaredType: string; meta: AssetMeta
  }): Promise<AssetView> {
    const scope = acting.tenant.scope
    try {
      const found = await inspectFile({ filePath: received.filePath, size: received.size, declaredType, filename, maxPixels: config.assetMaxPixels })
      const limit = (await limits(scope))[found.kind]
      if (received.size > limit) throw tooLarge(limit)
      const key = originalKey(received.sha256)
      const blob = { sha256: received.sha256, size: received.size, mimeType: found.mimeType, storageKey: key }
      // Touch the blob before looking for the file, so a purge cannot remove it in between.
      await inScope(db, scope, (trx) => store.touchBlob(trx, scope, blob))
      const existing = await storage.head(key)
      if (!existing || existing.size !== received.size) await storage.putFile(key, received.filePath, { contentType: found.mimeType, isMove: true })
      const row = await inScope(db, scope, async (trx) => {
        await store.touchBlob(trx, scope, blob)
        const inserted = await store.insertAsset(trx, scope, {
          kind: found.kind, sha256: received.sha256, mime_type: found.mimeType, size: received.size,
          original_name: filename.slice(0, 255), width: found.width, height: found.height, phash: found.phash,
          metadata: JSON.stringify({ ...found.exif, trailingBytes: found.trailingBytes }),
          shot_at: found.exif?.takenAt ? new Date(found.exif.takenAt) : null,
          uploaded_by: acting.userId, upload_source: acting.userId ? 'staff' : 'citizen', ...metaColumns(meta),
        })
        await store.setSearchTokens(trx, scope, inserted.id, searchTokens(inserted))
        await appendAudit(trx, withContext(acting.audit, {
          action: 'asset.upload', targetType: 'asset', targetId: inserted.id,
          details: { kind: found.kind, mimeType: found.mimeType, size: received.size, sha256: received.sha256, isDuplicateBlob: Boolean(existing) },
        }))
        await emitEvent(trx, { type: 'asset.uploaded', tenantId: inserted.tenant_id, payload: { assetId: inserted.id, kind: inserted.kind } })
        const check = licenceCheckEvent(inserted)
        if (check) await emitEvent(trx, check)
        return inserted
      })
      return assetView(row)
    } catch (error) {
      if (error instanceof AppError) {
        await recordAudit(db, withContext(acting.audit, {
          action: 'asset.upload', outcome: 'failure', targetType: 'asset',
          details: { code: error.code, reason: error.extra?.reason ?? null, filename: filename.slice(0, 255), size: received.size },
        }))
      }
      throw error
    } finally {
      await fs.promises.rm(received.filePath, { force: true })
    }
  }

  async function get(acting: Pick<Acting, 'tenant'>, id: string, { isDeletedIncluded = false } = {}): Promise<AssetView> {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const row = await store.findAsset(trx, scope, id, { isDeletedIncluded })
      if (!row) throw notFound()
      return assetView(row, (await usageCounts(trx, scope, [id])).get(id))
    })
  }

  async function update(acting: Acting, id: string, meta: AssetMeta): Promise<AssetView> {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const before = await store.findAsset(trx, scope, id, { isLocked: true })
      if (!before) throw notFound()
      const columns = metaColumns(meta)
      const row = await store.updateAsset(trx, scope, id, columns)
      await store.setSearchTokens(trx, scope, id, searchTokens(row))
      await refreshShares(trx, scope, row)
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.update', targetType: 'asset', targetId: id, details: { fields: Object.keys(columns) } }))
      const check = licenceCheckEvent(row)
      if (check && 'licence_expires_at' in columns) await emitEvent(trx, check)
      return assetView(row, (await usageCounts(trx, scope, [id])).get(id))
    })
  }

  /** Soft delete; refused while the asset is used somewhere unless `isForced`. */
  async function remove(acting: Acting, id: string, { isForced = false } = {}): Promise<void> {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      const row = await store.findAsset(trx, scope, id, { isLocked: true })
      if (!row) throw notFound()
      const usage = (await usageCounts(trx, scope, [id])).get(id) ?? { count: 0, live: 0 }
      if (usage.count > 0 && !isForced) {
        throw new AppError('ASSET_IN_USE', `素材正被 ${usage.count} 处使用（其中 ${usage.live} 处已发布）；确认后加 force=true 删除`, { extra: { usage } })
      }
      const now = new Date()
      await store.updateAsset(trx, scope, id, { deleted_at: now, deleted_by: acting.userId })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.delete', targetType: 'asset', targetId: id, details: { usage, isForced } }))
      await emitEvent(trx, {
        type: 'asset.purge_due', tenantId: row.tenant_id, payload: { assetId: id },
        notBefore: new Date(now.getTime() + config.assetRetentionDays * 86_400_000),
      })
    })
  }

  /** Brings a deleted asset back within its retention period. */
  async function restore(acting: Acting, id: string): Promise<AssetView> {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const row = await store.findAsset(trx, scope, id, { isDeletedIncluded: true, isLocked: true })
      if (!row || !row.deleted_at) throw notFound()
      const restored = await store.updateAsset(trx, scope, id, { deleted_at: null, deleted_by: null })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.restore', targetType: 'asset', targetId: id }))
      return assetView(restored, (await usageCounts(trx, scope, [id])).get(id))
    })
  }

  async function list(acting: Pick<Acting, 'tenant'>, query: Omit<store.ListFilter, 'after' | 'expiringDays' | 'query'> & { q?: string; cursor?: string }) {
    const scope = acting.tenant.scope
    const text = query.q ? queryText(query.q) : null
    if (query.q && !text) return { items: [], nextCursor: null }
    return inScope(db, scope, async (trx) => {
      const rows = await store.listAssets(trx, scope, { ...query, query: text, after: decodeCursor(query.cursor), expiringDays: LICENCE_WARNING_DAYS })
      const page = rows.slice(0, query.limit)
      const last = page[page.length - 1]
      const counts = await usageCounts(trx, scope, page.map((r) => r.id))
      const key = (r: store.ListedAsset) => (text ? [r.rank, r.id] : [new Date((query.isDeleted ? r.deleted_at : r.created_at)!).toISOString(), r.id])
      return { items: page.map((r) => assetView(r, counts.get(r.id))), nextCursor: rows.length > query.limit && last ? encodeCursor(key(last)) : null }
    })
  }

  async function similar(acting: Pick<Acting, 'tenant'>, id: string, { maxDistance, limit }: { maxDistance: number; limit: number }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const row = await store.findAsset(trx, scope, id)
      if (!row) throw notFound()
      if (!row.phash) return []
      const rows = await store.findSimilar(trx, scope, { id, phash: row.phash, maxDistance, limit })
      return rows.map((r) => ({ distance: Number(r.distance), asset: assetView(r) }))
    })
  }

  /** Sets where the subject is; the crops are made again around it in the background. */
  async function setFocalPoint(acting: Acting, id: string, point: { x: number; y: number }): Promise<AssetView> {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const before = await store.findAsset(trx, scope, id, { isLocked: true })
      if (!before) throw notFound()
      if (before.kind !== 'image') throw new AppError('VALIDATION_FAILED', 'only pictures have a focal point', { errors: [{ field: 'id', message: 'is not a picture' }] })
      const row = await store.updateAsset(trx, scope, id, { focal_x: point.x, focal_y: point.y, derivatives_status: 'pending' })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.focal_point', targetType: 'asset', targetId: id, details: point }))
      await emitEvent(trx, { type: 'asset.focal_point_changed', tenantId: row.tenant_id, payload: { assetId: id } })
      return assetView(row, (await usageCounts(trx, scope, [id])).get(id))
    })
  }

  /** The original's storage key and facts, for a download or a signed link (deleted ones too, for staff). */
  async function original(scope: TenantScope, id: string) {
    const row = await inScope(db, scope, (trx) => store.findAsset(trx, scope, id, { isDeletedIncluded: true }))
    if (!row) throw notFound()
    return { key: originalKey(row.sha256), size: Number(row.size), mimeType: row.mime_type, filename: row.original_name || `${row.id}`, tenantId: row.tenant_id }
  }

  /** The original of an asset by tenant and id, for a signed link already verified (no actor). */
  async function originalOf(tenantId: string, id: string) {
    return original(tenantScope(tenantId), id)
  }

  async function setLimit(acting: Acting, kind: AssetKind, maxBytes: number) {
    const scope = acting.tenant.scope
    await inScope(db, scope, async (trx) => {
      await store.setLimit(trx, scope, { kind, maxBytes, userId: acting.userId })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.limit', targetType: 'tenant', targetId: acting.tenant.id, details: { kind, maxBytes } }))
    })
    return limits(scope)
  }

  return { limits, receiveUpload, ingest, get, update, remove, restore, list, similar, setFocalPoint, original, originalOf, setLimit }
}

export type AssetsService = ReturnType<typeof createAssetsService>
