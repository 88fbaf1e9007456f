import type { TenantScope, Tx } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import type { CoverChange, CoverHooks } from '../stories/stories.cover.js'
import * as assets from './assets.store.js'
import * as store from './sharing.store.js'

/** Usage rows for covers are `ref_type = 'story'`, `ref_id = <story id>`. */
const refType = 'story'

function invalidCover(message: string): AppError {
  return new AppError('ASSET_COVER_INVALID', `coverAssetId: ${message}`, { errors: [{ field: 'coverAssetId', message }] })
}

/**
 * Records `to` as used by the story, inside the caller's transaction. A cover is a picture of the
 * acting tenant, or another tenant's picture offered to it through an open share (the use then
 * carries the owner's credit, as `useShared` does), or one the story already uses through a share
 * that was withdrawn since (uses made before a withdrawal keep working).
 */
async function recordCover(trx: Tx, scope: TenantScope, { storyId, to, actorId }: CoverChange & { to: string }): Promise<void> {
  const own = await assets.findAsset(trx, scope, to)
  if (own && own.tenant_id === scope.tenantId) {
    if (own.kind !== 'image') throw invalidCover(`must be a picture, not ${own.kind}`)
    await store.upsertUsage(trx, scope, {
      asset_id: to, owner_tenant_id: scope.tenantId, share_id: null, ref_type: refType, ref_id: storyId, credit: own.credit, created_by: actorId,
    })
    return
  }
  const existing = await store.findUsage(trx, scope, { assetId: to, refType, refId: storyId })
  if (existing) return
  const share = await store.findOfferedForAsset(trx, scope, to)
  if (!share) throw invalidCover('is not a picture of this unit nor one offered to it in the shared library')
  if (share.kind !== 'image') throw invalidCover(`must be a picture, not ${share.kind}`)
  await store.upsertUsage(trx, scope, {
    asset_id: to, owner_tenant_id: share.tenant_id, share_id: share.id, ref_type: refType, ref_id: storyId,
    credit: share.credit || share.owner_name, created_by: actorId,
  })
}

/** What the assets module tells the stories module to do when a story's cover changes. */
export const coverHooks: CoverHooks = {
  async onCoverChanged(trx, scope, change) {
    // Record the new cover first: a refused cover must leave the old use in place (the save rolls back anyway).
    if (change.to) await recordCover(trx, scope, { ...change, to: change.to })
    if (change.from) await store.deleteUsage(trx, scope, { assetId: change.from, refType, refId: change.storyId })
  },
}
