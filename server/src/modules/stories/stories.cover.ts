import type { TenantScope, Tx } from '../../db/scope.js'

/**
 * The seam between stories and the media library for a story's cover picture. The assets module
 * registers these at app build (from its routes plugin); the stories service calls them inside the
 * transaction that saves the story, so the asset's usage list and the story's cover never disagree.
 * Hooks instead of imports, as with review (stories.hooks.ts): stories does not import assets.
 *
 * Without a registered assets module any cover id is kept as given (nothing to check against).
 */
export interface CoverChange {
  storyId: string
  /** The cover before the change (null: none). */
  from: string | null
  /** The cover after the change (null: cleared). */
  to: string | null
  actorId: string
}

export interface CoverHooks {
  /**
   * Called when a story's cover changes (create, save, restore, delete). Throws an AppError (422)
   * when `to` cannot be a cover for this tenant; the story save is then rolled back with it.
   */
  onCoverChanged(trx: Tx, scope: TenantScope, change: CoverChange): Promise<void>
}

const noAssets: CoverHooks = { async onCoverChanged() {} }

let registered: CoverHooks = noAssets

/**
 * Installs the assets module's cover hooks (the last registration wins).
 * @returns a function that puts back what was registered before (for tests).
 */
export function registerCoverHooks(hooks: CoverHooks): () => void {
  const previous = registered
  registered = hooks
  return () => {
    registered = previous
  }
}

/** Tells the registered hooks about a cover change; does nothing when the cover stayed the same. */
export async function coverChanged(trx: Tx, scope: TenantScope, change: CoverChange): Promise<void> {
  if ((change.from ?? null) === (change.to ?? null)) return
  await registered.onCoverChanged(trx, scope, change)
}
