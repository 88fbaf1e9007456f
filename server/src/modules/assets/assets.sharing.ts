import { inScope, type TenantScope } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError, isUniqueViolation } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import type { AssetRuntime } from './assets.runtime.js'
import type { Acting } from './assets.service.js'
import * as assets from './assets.store.js'
import { shareView, usageView } from './assets.views.js'
import * as store from './sharing.store.js'

export type Audience = 'parent' | 'children' | 'platform'

/**
 * Where assets are used, and the shared library (资源共享中心). Other modules record and release
 * uses through `recordUse` / `releaseUse` (never by touching the tables); a use of a shared
 * asset goes through an open share and carries the owner's credit.
 */
export function createSharingService(rt: AssetRuntime) {
  const { db } = rt

  /**
   * Records that `refType`/`refId` (e.g. a story, a publication) uses an asset: one of the
   * tenant's own, or another tenant's through an open share offered to it (`shareId`).
   * Idempotent per reference; `isLive` says the use is public now (licence expiry matters).
   */
  async function recordUse({ scope, actorId = null, assetId, refType, refId, isLive = false, shareId }: {
    scope: TenantScope; actorId?: string | null; assetId: string; refType: string; refId: string; isLive?: boolean; shareId?: string
  }) {
    return inScope(db, scope, async (trx) => {
      let owner = scope.tenantId
      let credit = ''
      if (shareId) {
        const share = await store.findOffered(trx, scope, shareId)
        if (!share || share.asset_id !== assetId || share.tenant_id === scope.tenantId) throw new AppError('ASSET_SHARE_NOT_FOUND')
        owner = share.tenant_id
        credit = share.credit || share.owner_name
      } else {
        const own = await assets.findAsset(trx, scope, assetId)
        if (!own) throw new AppError('ASSET_NOT_FOUND')
        credit = own.credit
      }
      const row = await store.upsertUsage(trx, scope, {
        asset_id: assetId, owner_tenant_id: owner, share_id: shareId ?? null, ref_type: refType, ref_id: refId,
        credit, is_live: isLive, created_by: actorId,
      })
      return usageView(row)
    })
  }

  /** Forgets a use (the story dropped the picture, the publication was withdrawn). */
  async function releaseUse({ scope, assetId, refType, refId }: { scope: TenantScope; assetId: string; refType: string; refId: string }): Promise<boolean> {
    return inScope(db, scope, async (trx) => (await store.deleteUsage(trx, scope, { assetId, refType, refId })) > 0)
  }

  /** Uses of an asset: all of them for its owner, the tenant's own uses for a user of a share. */
  async function listUsage(acting: Pick<Acting, 'tenant'>, assetId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const rows = await store.listUsages(trx, scope, assetId)
      const own = await assets.findAsset(trx, scope, assetId, { isDeletedIncluded: true })
      if (!own && rows.length === 0) throw new AppError('ASSET_NOT_FOUND')
      return rows.map(usageView)
    })
  }

  /** Offers an asset of the tenant to its parent, its children or the whole platform. */
  async function share(acting: Acting, { assetId, audience }: { assetId: string; audience: Audience }) {
    const scope = acting.tenant.scope
    if (audience === 'parent' && acting.tenant.path.length < 2) {
      throw new AppError('VALIDATION_FAILED', 'the platform has no parent to share with', { errors: [{ field: 'audience', message: 'this tenant has no parent' }] })
    }
    try {
      return await inScope(db, scope, async (trx) => {
        const asset = await assets.findAsset(trx, scope, assetId)
        if (!asset || asset.tenant_id !== acting.tenant.id) throw new AppError('ASSET_NOT_FOUND')
        const row = await store.insertShare(trx, scope, {
          asset_id: assetId, audience, owner_path: acting.tenant.path, owner_name: acting.tenant.name,
          kind: asset.kind, title: asset.title, caption: asset.caption, credit: asset.credit, width: asset.width, height: asset.height,
          renditions: JSON.stringify(asset.renditions), created_by: acting.userId,
        })
        await appendAudit(trx, withContext(acting.audit, { action: 'asset.share', targetType: 'asset', targetId: assetId, details: { shareId: row.id, audience } }))
        await emitEvent(trx, { type: 'asset.shared', tenantId: acting.tenant.id, payload: { assetId, shareId: row.id, audience } })
        return shareView(row)
      })
    } catch (error) {
      if (isUniqueViolation(error, 'asset_shares_open')) throw new AppError('CONFLICT', `this asset is already offered to ${audience}`)
      throw error
    }
  }

  /** Withdraws a share: no new uses; uses made before keep working. */
  async function withdraw(acting: Acting, shareId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const existing = await store.findOwnShare(trx, scope, shareId)
      if (!existing || existing.tenant_id !== acting.tenant.id) throw new AppError('ASSET_SHARE_NOT_FOUND')
      if (existing.withdrawn_at) return shareView(existing)
      const row = await store.withdrawShare(trx, scope, { id: shareId, userId: acting.userId })
      await appendAudit(trx, withContext(acting.audit, { action: 'asset.share.withdraw', targetType: 'asset', targetId: row.asset_id, details: { shareId } }))
      return shareView(row)
    })
  }

  async function listShares(acting: Pick<Acting, 'tenant'>, assetId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      if (!(await assets.findAsset(trx, scope, assetId, { isDeletedIncluded: true }))) throw new AppError('ASSET_NOT_FOUND')
      return (await store.listOwnShares(trx, scope, assetId)).map(shareView)
    })
  }

  /** What the acting tenant offers to others (我的共享), open and withdrawn, newest first. */
  async function listMyShares(acting: Pick<Acting, 'tenant'>, { cursor, limit }: { cursor?: string; limit: number }) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const rows = await store.listAllOwnShares(trx, scope, { after: decodeCursor(cursor), limit })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        items: page.map(shareView),
        nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.id]) : null,
      }
    })
  }

  /** What other tenants offer to the acting tenant, newest first. */
  async function listOffered(acting: Pick<Acting, 'tenant'>, { cursor, limit }: { cursor?: string; limit: number }) {
    const scope: TenantScope = acting.tenant.scope
    const path = acting.tenant.path
    return inScope(db, scope, async (trx) => {
      const rows = await store.listOffered(trx, scope, {
        tenantId: acting.tenant.id, parentId: path.length >= 2 ? path[path.length - 2] : null, after: decodeCursor(cursor), limit,
      })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        items: page.map(shareView),
        nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.id]) : null,
      }
    })
  }

  /** Uses an asset another tenant offers: the use carries the owner's credit; a withdrawn share refuses. */
  async function useShared(acting: Acting, { shareId, refType, refId, isLive }: { shareId: string; refType: string; refId: string; isLive?: boolean }) {
    const scope = acting.tenant.scope
    const offered = await inScope(db, scope, (trx) => store.findOffered(trx, scope, shareId))
    if (!offered || offered.tenant_id === acting.tenant.id) throw new AppError('ASSET_SHARE_NOT_FOUND')
    return recordUse({ scope, actorId: acting.userId, assetId: offered.asset_id, refType, refId, isLive, shareId })
  }

  return { recordUse, releaseUse, listUsage, share, withdraw, listShares, listMyShares, listOffered, useShared }
}

export type SharingService = ReturnType<typeof createSharingService>
