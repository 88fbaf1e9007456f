import type { TenantScope, Tx } from '../../db/scope.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { emitEvent } from '../../kernel/events.js'
import type { ListStage, ReviewDescription, ReviewHooks, StoryEdited } from '../stories/stories.hooks.js'
import { getForReview, setReviewState } from '../stories/stories.service.js'
import { isHeadSignoffRequired, restartAfterEdit } from './review.machine.js'
import { positionOfCycle } from './review.rules.js'
import { entering } from './review.service.js'
import * as store from './review.store.js'
import { decisionView, liveCycle, stageView, toCycleDecision } from './review.views.js'
import { workflowFromSnapshot } from './review.workflow.js'

/**
 * What the stories module calls inside its own transactions (stories.hooks.ts): the restart after
 * an edit, and the review side of `GET /stories/{id}`.
 */

/**
 * An edit of a story in review or signed off: applies the restart policy of the workflow the story
 * was submitted under (see restartAfterEdit). Approvals the edit outdated are marked invalid (kept
 * in the record), the story moves back, and the move is audited and announced as
 * `story.review_restarted` in the editor's transaction.
 */
export async function onStoryEdited(trx: Tx, scope: TenantScope, edit: StoryEdited): Promise<void> {
  const story = await getForReview(trx, scope, edit.storyId)
  const cycle = liveCycle(story.state, await store.findLatestCycle(trx, scope, edit.storyId, { isForUpdate: true }))
  if (!cycle) return
  const workflow = workflowFromSnapshot(cycle.workflow)
  // 重要信息 may be switched on or off by the edit itself.
  const isHeadRequired = isHeadSignoffRequired(workflow, story.isImportant)
  if (isHeadRequired !== cycle.is_head_signoff_required) await store.setHeadSignoffRequired(trx, scope, cycle.id, isHeadRequired)
  const current = positionOfCycle(cycle)
  const decisions = await store.listDecisions(trx, scope, edit.storyId, { cycle: cycle.cycle })
  const restart = restartAfterEdit({ workflow, current, decisions: decisions.map(toCycleDecision) })
  if (!restart) return

  const now = new Date()
  const invalidated = await store.invalidateApprovals(trx, scope, {
    storyId: edit.storyId, cycle: cycle.cycle, fromStage: restart.invalidateFromStage, byVersion: edit.toVersion, at: now,
  })
  await store.moveCycle(trx, scope, cycle.id, entering(restart.position, now))
  await setReviewState(trx, scope, { storyId: edit.storyId, expectedState: story.state, state: 'in_review', stageIndex: restart.position.stageIndex })
  const details = {
    cycle: cycle.cycle, policy: workflow.restartPolicy, from: current.phase === 'stages' ? current.key : current.phase, to: restart.position.key,
    fromVersion: edit.fromVersion, toVersion: edit.toVersion, invalidatedApprovals: invalidated, wasSignedOff: story.state === 'signed_off',
  }
  await emitEvent(trx, { type: 'story.review_restarted', tenantId: scope.tenantId, payload: { storyId: edit.storyId, editedBy: edit.editorId, ...details } })
  // With the editor's request context (ip, request id) like every other audited action.
  const entry = { action: 'review.restart', tenantId: scope.tenantId, actorId: edit.editorId, targetType: 'story', targetId: edit.storyId, details }
  await appendAudit(trx, edit.audit ? withContext(edit.audit, entry) : entry)
}

/** The review side of a story's detail: current stage, every decision, and the cycle's progress. */
export async function describe(trx: Tx, scope: TenantScope, story: { id: string; state: string; stageIndex: number | null }): Promise<ReviewDescription> {
  const latest = await store.findLatestCycle(trx, scope, story.id)
  const decisions = await store.listDecisions(trx, scope, story.id)
  const cycle = liveCycle(story.state as Parameters<typeof liveCycle>[0], latest)
  const now = new Date()
  return {
    stage: cycle && story.state === 'in_review' ? stageView(cycle, now) : null,
    decisions: decisions.map(decisionView),
    review: latest ? {
      cycle: latest.cycle,
      phase: cycle ? cycle.phase : null,
      proofreadRounds: { done: latest.proofread_rounds_done, required: latest.proofread_rounds_required },
      isHeadSignoffRequired: latest.is_head_signoff_required,
      checks: { ruleSetVersion: latest.rule_set_version, hits: latest.check_hits },
    } : null,
  }
}

/** Current stage and deadline of listed stories (only open cycles: a recalled story's is skipped by state). */
async function listStages(trx: Tx, scope: TenantScope, storyIds: readonly string[], now: Date): Promise<Map<string, ListStage>> {
  const rows = await store.listOpenCycles(trx, scope, storyIds)
  return new Map(rows.map((r) => [r.story_id, {
    key: r.stage_key, name: r.stage_name, deadline: r.deadline_at ? new Date(r.deadline_at).toISOString() : null,
    isOverdue: r.deadline_at !== null && new Date(r.deadline_at) < now,
  }]))
}

export const reviewHooks: ReviewHooks = {
  onStoryEdited, describe, listStages, overdueStoryIds: (trx, scope, now) => store.listOverdueStoryIds(trx, scope, now),
}
