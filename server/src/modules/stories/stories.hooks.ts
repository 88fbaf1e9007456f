import type { AuditContext } from '../../kernel/audit.js'
import type { TenantScope, Tx } from '../../db/scope.js'

/**
 * The seam between stories and review (docs/design/stories-review.md). The review module
 * registers these at app build, from its routes plugin; the stories service calls them inside
 * its own transaction. Hooks instead of imports, so neither service imports the other: review
 * imports the stories functions it needs, stories only knows these signatures.
 *
 * Without a registered review module the story API still works: no stage, no decisions, and
 * editing a story under review changes nothing about its review state.
 */

/** A story in review or signed off got a new version (save, restore, takeover). */
export interface StoryEdited {
  storyId: string
  fromVersion: number
  toVersion: number
  editorId: string
  /** The editor's request (ip, request id), for the audit entry of a review restart. */
  audit?: AuditContext
}

/** The author took a story out of review (back to draft): close the open cycle. */
export interface StoryRecalled {
  storyId: string
  versionNumber: number
  stageIndex: number | null
  recalledBy: string
}

/** The current stage of a story in review, as the review module names it. */
export interface ReviewStageView {
  index: number
  key: string
  name: string
  [extra: string]: unknown
}

/** One review decision, at least these fields (the contract); the review module may add more. */
export interface ReviewDecisionView {
  userId: string
  stage: string
  decision: string
  versionHash: string
  at: string
  [extra: string]: unknown
}

/** A listed story's current review stage. */
export interface ListStage {
  key: string
  name: string
  deadline: string | null
  isOverdue: boolean
}

/** What `GET /stories/{id}` shows of the review: `review` carries proofreading, checks and the like. */
export interface ReviewDescription {
  stage: ReviewStageView | null
  decisions: ReviewDecisionView[]
  review?: Record<string, unknown> | null
}

export interface ReviewHooks {
  /** Applies the tenant's restart policy; may call `setReviewState` in the same transaction. */
  onStoryEdited(trx: Tx, scope: TenantScope, edit: StoryEdited): Promise<void>
  /** The review side of one story; called for every story detail reply. */
  describe(trx: Tx, scope: TenantScope, story: { id: string; state: string; stageIndex: number | null }): Promise<ReviewDescription>
  /** The current stage (name, deadline) of each listed story that is in review; one query per page. */
  listStages?(trx: Tx, scope: TenantScope, storyIds: readonly string[], now: Date): Promise<Map<string, ListStage>>
  /** Ids of the tenant's stories whose current stage is past its deadline (for `overdue=true`). */
  overdueStoryIds?(trx: Tx, scope: TenantScope, now: Date): Promise<string[]>
  /** Called after the story went from in_review back to draft, in the same transaction. */
  onStoryRecalled?(trx: Tx, scope: TenantScope, recall: StoryRecalled): Promise<void>
}

const noReview: ReviewHooks = {
  async onStoryEdited() {},
  async describe() {
    return { stage: null, decisions: [], review: null }
  },
}

let registered: ReviewHooks = noReview

/**
 * Installs the review module's hooks (the last registration wins: every app build registers the
 * same functions).
 * @returns a function that puts back what was registered before (for tests).
 */
export function registerReviewHooks(hooks: ReviewHooks): () => void {
  const previous = registered
  registered = hooks
  return () => {
    registered = previous
  }
}

/** The hooks in force: the review module's, or the no-review defaults. */
export function reviewHooks(): ReviewHooks {
  return registered
}
