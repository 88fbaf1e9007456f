import type { TenantScope, Tx } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import type { StoryForReview } from '../stories/stories.service.js'
import { wrongState, separationError, stageForbidden } from './review.errors.js'
import { PROOFREADING_KEY, positionAt, proofreadProblem, separationProblem, type CycleDecision, type Position, type Progress } from './review.machine.js'
import * as store from './review.store.js'
import { liveCycle, toCycleDecision } from './review.views.js'
import { workflowFromSnapshot, type ReviewActing } from './review.workflow.js'

/** Glue between stored cycles and the pure rules of review.machine.ts. */

/** Where a cycle stands, as a position of its own workflow snapshot. */
export function positionOfCycle(cycle: store.CycleRow): Position {
  const workflow = workflowFromSnapshot(cycle.workflow)
  const position = positionAt(workflow, cycle.stage_index)
  return position.phase === cycle.phase ? position : { ...position, phase: cycle.phase, permission: null, timeLimitHours: null }
}

export function progressOf(cycle: store.CycleRow, decisions: readonly CycleDecision[]): Progress {
  return {
    workflow: workflowFromSnapshot(cycle.workflow), isHeadSignoffRequired: cycle.is_head_signoff_required,
    proofreadRoundsDone: cycle.proofread_rounds_done, proofreadRoundsRequired: cycle.proofread_rounds_required, decisions,
  }
}

/**
 * The open cycle of a story in review, locked for the rest of the transaction: decisions and
 * rounds on one story queue behind each other instead of racing. 409 when not in review.
 */
export async function openCycle(trx: Tx, scope: TenantScope, story: StoryForReview): Promise<store.CycleRow> {
  if (story.state !== 'in_review') throw wrongState(story.state, '稿件不在审核中')
  const cycle = liveCycle(story.state, await store.findLatestCycle(trx, scope, story.id, { isForUpdate: true }))
  if (!cycle || cycle.stage_index !== story.stageIndex) throw wrongState(story.state, '稿件的审核状态已变化，请刷新后再试')
  return cycle
}

/**
 * Why the caller may not decide at the cycle's current position, or null when they may: the
 * stage's permission (403 naming the stage), waiting for 校对, then separation of duties.
 */
export function decideRefusal({ acting, story, cycle, position, decisions }: {
  acting: ReviewActing; story: StoryForReview; cycle: store.CycleRow; position: Position; decisions: readonly store.DecisionRow[]
}): AppError | null {
  if (position.phase === 'proofreading') return awaitingProofreading(cycle)
  if (!position.permission || !acting.tenant.permissions.has(position.permission)) return stageForbidden(position)
  const problem = separationProblem({
    actorId: acting.actor.userId, authorId: story.authorId, stageIndex: position.stageIndex, decisions: decisions.map(toCycleDecision),
  })
  return problem ? separationError(problem, position) : null
}

function awaitingProofreading(cycle: store.CycleRow): AppError {
  return new AppError('REVIEW_AWAITING_PROOFREADING', `三审已完成，等待校对（已完成 ${cycle.proofread_rounds_done}/${cycle.proofread_rounds_required} 轮）`, {
    extra: { done: cycle.proofread_rounds_done, required: cycle.proofread_rounds_required },
  })
}

/** Why the caller may not record the next 校对 round, or null when they may. */
export function proofreadRefusal({ acting, story, cycle }: { acting: ReviewActing; story: StoryForReview; cycle: store.CycleRow }): AppError | null {
  if (!acting.tenant.permissions.has('story.proofread')) {
    return new AppError('FORBIDDEN', '校对需要“story.proofread”权限', { extra: { permission: 'story.proofread', stage: { key: PROOFREADING_KEY, name: '校对' } } })
  }
  if (cycle.proofread_rounds_done >= cycle.proofread_rounds_required) {
    return wrongState(story.state, `所需的 ${cycle.proofread_rounds_required} 轮校对已全部完成`)
  }
  const problem = proofreadProblem({ actorId: acting.actor.userId, authorId: story.authorId, lastProofreaderId: cycle.last_proofreader_id })
  return problem ? separationError(problem) : null
}
