import type { Database } from '../../db/database.js'
import type { StoryState } from '../../db/schema.js'
import { inScope, type TenantScope, type Tx } from '../../db/scope.js'
import { appendAudit, recordAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { getForReview, setReviewState, type StoryForReview } from '../stories/stories.service.js'
import { checkStory, type ChecksRunner } from './review.checks.js'
import { checkRanges, checksBlocked, fieldError, wrongState } from './review.errors.js'
import {
  afterApproval, afterStages, closedPosition, deadlineOf, isHeadSignoffRequired, positionAt, stagePermissions, type Position,
} from './review.machine.js'
import { decideRefusal, openCycle, positionOfCycle, progressOf, proofreadRefusal } from './review.rules.js'
import type { DecisionInput, OverrideInput, ProofreadInput } from './review.schema.js'
import * as store from './review.store.js'
import { decisionView, overrideView, proofreadView, stageView, toCycleDecision, type StageView } from './review.views.js'
import { loadWorkflow, workflowSnapshot, type ReviewActing } from './review.workflow.js'

const openPhases = new Set(['stages', 'proofreading', 'head_signoff'])

/** The cycle columns for entering `position` now (the deadline starts again, a closing phase closes). */
export function entering(position: Position, now: Date): store.CyclePosition {
  return {
    phase: position.phase, stageIndex: position.stageIndex, key: position.key, name: position.name, permission: position.permission,
    enteredAt: now, deadlineAt: deadlineOf(position, now), closedAt: openPhases.has(position.phase) ? null : now,
  }
}

function storyStateOf(position: Position): StoryState {
  return openPhases.has(position.phase) ? 'in_review' : position.phase as StoryState
}

const closingEvents: Partial<Record<string, string>> = { signed_off: 'story.signed_off', returned: 'story.returned', rejected: 'story.rejected' }

/**
 * Moves the story and its cycle to `next` in the caller's transaction: the cycle's position, the
 * story's state through the stories module, and for a closing move its event (and, for a sign-off,
 * its own audit entry).
 * @returns the story's new state.
 */
export async function moveTo(trx: Tx, scope: TenantScope, { story, cycle, next, now, actorId, audit }: {
  story: StoryForReview; cycle: store.CycleRow; next: Position; now: Date; actorId: string | null; audit: AuditContext
}): Promise<StoryState> {
  await store.moveCycle(trx, scope, cycle.id, entering(next, now))
  const state = storyStateOf(next)
  await setReviewState(trx, scope, { storyId: story.id, expectedState: story.state, state, stageIndex: state === 'in_review' ? next.stageIndex : null })
  const type = closingEvents[next.phase]
  if (type) {
    await emitEvent(trx, {
      type, tenantId: scope.tenantId,
      payload: { storyId: story.id, cycle: cycle.cycle, versionNumber: story.versionNumber, versionHash: story.versionHash, by: actorId },
    })
  }
  if (next.phase === 'signed_off') {
    await appendAudit(trx, withContext(audit, {
      action: 'story.sign_off', targetType: 'story', targetId: story.id,
      details: { cycle: cycle.cycle, versionNumber: story.versionNumber, versionHash: story.versionHash },
    }))
  }
  return state
}

/** 三审三校: submit, decide, proofread, override a check. Each is one transaction with its audit and events. */
export function createReviewService({ db, checks }: { db: Database; checks: ChecksRunner }) {
  /**
   * Sends a draft or returned story into review at the first stage of a new cycle. The checks run
   * on title and body; a blocking hit without an override refuses the submission (422, listing
   * the hits); the other hits are kept with the cycle for the reviewers.
   */
  async function submit(acting: ReviewActing, storyId: string) {
    const scope = acting.tenant.scope
    try {
      return await inScope(db, scope, async (trx) => {
        const story = await getForReview(trx, scope, storyId)
        if (story.authorId !== acting.actor.userId && !acting.tenant.permissions.has('story.edit')) {
          throw new AppError('FORBIDDEN', '只有作者或有“编辑他人稿件”权限的人可以提交这篇稿件', { extra: { permission: 'story.edit' } })
        }
        if (story.state !== 'draft' && story.state !== 'returned') throw wrongState(story.state, '只有草稿或退回修改的稿件可以提交审核')
        const overrides = await store.listOverrides(trx, scope, storyId, { versionHash: story.versionHash })
        const checked = await checkStory({ trx, checks, tenant: acting.tenant, title: story.title, bodyText: story.bodyText, bodyHtml: story.bodyHtml, overrides })
        if (checked.blocked.length > 0) throw checksBlocked(checked.blocked)

        const now = new Date()
        const previous = await store.findLatestCycle(trx, scope, storyId, { isForUpdate: true })
        // A cycle left open by a withdrawal closes now: the new submission starts afresh.
        if (previous && previous.closed_at === null) await store.moveCycle(trx, scope, previous.id, entering(closedPosition('withdrawn', positionOfCycle(previous)), now))
        const workflow = await loadWorkflow(trx, scope)
        const first = positionAt(workflow, 0)
        const cycle = await store.insertCycle(trx, scope, {
          storyId, cycle: (previous?.cycle ?? 0) + 1, authorId: story.authorId, workflow: workflowSnapshot(workflow),
          isHeadSignoffRequired: isHeadSignoffRequired(workflow, story.isImportant), position: entering(first, now),
          proofreadRoundsRequired: workflow.proofreadRoundsRequired, submittedBy: acting.actor.userId, submittedByName: acting.actor.displayName,
          at: now, versionNumber: story.versionNumber, versionHash: story.versionHash, ruleSetVersion: checked.ruleSetVersion, checkHits: checked.hits,
        })
        await setReviewState(trx, scope, { storyId, expectedState: story.state, state: 'in_review', stageIndex: 0 })
        await emitEvent(trx, {
          type: 'story.submitted', tenantId: scope.tenantId,
          payload: { storyId, cycle: cycle.cycle, versionNumber: story.versionNumber, versionHash: story.versionHash, submittedBy: acting.actor.userId },
        })
        await appendAudit(trx, withContext(acting.audit, {
          action: 'story.submit', targetType: 'story', targetId: storyId,
          details: {
            cycle: cycle.cycle, versionNumber: story.versionNumber, versionHash: story.versionHash, ruleSetVersion: checked.ruleSetVersion,
            hits: checked.hits.length, overridden: checked.hits.filter((h) => h.overrideId !== null).map((h) => h.overrideId),
          },
        }))
        return { storyId, state: 'in_review', cycle: cycle.cycle, stage: stageView(cycle, now), checks: { ruleSetVersion: checked.ruleSetVersion, hits: checked.hits } }
      })
    } catch (error) {
      if (error instanceof AppError && error.code === 'STORY_CHECKS_BLOCKED') {
        const hits = (error.extra?.hits ?? []) as Array<{ ruleId: string }>
        await recordAudit(db, withContext(acting.audit, {
          action: 'story.submit', outcome: 'failure', targetType: 'story', targetId: storyId, details: { blockedBy: hits.map((h) => h.ruleId) },
        }))
      }
      throw error
    }
  }

  /**
   * A reviewer's decision at the story's current stage, signed against the exact version.
   * approve moves on (to the next stage, the missing 校对 rounds, the head's sign-off, or signed
   * off); return sends it back to the author; reject ends it.
   */
  async function decide(acting: ReviewActing, storyId: string, input: DecisionInput) {
    const comment = (input.comment ?? '').trim()
    if (input.decision !== 'approve' && comment === '') throw fieldError('comment', '退回或否决时须填写意见')
    const anchors = (input.anchors ?? []).map((a) => ({ start: a.start, end: a.end, quote: a.quote, note: a.note }))
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId)
      const cycle = await openCycle(trx, scope, story)
      const position = positionOfCycle(cycle)
      const decisions = await store.listDecisions(trx, scope, storyId, { cycle: cycle.cycle })
      const refusal = decideRefusal({ acting, story, cycle, position, decisions })
      if (refusal) throw refusal
      checkRanges(anchors, story.bodyText, 'anchors', 'quote')

      const now = new Date()
      const row = await store.insertDecision(trx, scope, {
        storyId, cycle: cycle.cycle, stageIndex: position.stageIndex, stageKey: position.key, stageName: position.name,
        decision: input.decision, comment, anchors, userId: acting.actor.userId, userName: acting.actor.displayName,
        versionNumber: story.versionNumber, versionHash: story.versionHash, at: now,
      })
      let next: Position
      if (input.decision === 'approve') {
        const progress = progressOf(cycle, [...decisions, row].map(toCycleDecision))
        next = position.phase === 'head_signoff' ? afterStages(progress) : afterApproval(progress, position.stageIndex)
        await emitEvent(trx, {
          type: 'story.approved', tenantId: scope.tenantId,
          payload: {
            storyId, cycle: cycle.cycle, stage: position.key, stageIndex: position.stageIndex,
            versionNumber: story.versionNumber, versionHash: story.versionHash, approvedBy: acting.actor.userId,
          },
        })
      } else {
        next = closedPosition(input.decision === 'return' ? 'returned' : 'rejected', position)
      }
      await appendAudit(trx, withContext(acting.audit, {
        action: `story.${input.decision}`, targetType: 'story', targetId: storyId,
        details: {
          cycle: cycle.cycle, stage: position.key, stageName: position.name, versionNumber: story.versionNumber,
          versionHash: story.versionHash, comment, anchors: anchors.length, next: next.phase === 'stages' ? next.key : next.phase,
        },
      }))
      const state = await moveTo(trx, scope, { story, cycle, next, now, actorId: acting.actor.userId, audit: acting.audit })
      return { storyId, state, stage: state === 'in_review' ? stageAt(next, now) : null, decision: decisionView(row) }
    })
  }

  /**
   * Records one 校对 round on the current version. When the story was only waiting for rounds,
   * the last required one moves it on (to the head's sign-off, or signed off).
   */
  async function proofread(acting: ReviewActing, storyId: string, input: ProofreadInput) {
    const marks = input.marks.map((m) => ({ start: m.start, end: m.end, original: m.original, correction: m.correction, note: m.note ?? '' }))
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId)
      const cycle = await openCycle(trx, scope, story)
      const refusal = proofreadRefusal({ acting, story, cycle })
      if (refusal) throw refusal
      checkRanges(marks.map((m) => ({ ...m, quote: m.original })), story.bodyText, 'marks', 'original')

      const now = new Date()
      const round = cycle.proofread_rounds_done + 1
      const row = await store.insertProofread(trx, scope, {
        storyId, cycle: cycle.cycle, round, userId: acting.actor.userId, userName: acting.actor.displayName, marks,
        comment: (input.comment ?? '').trim(), versionNumber: story.versionNumber, versionHash: story.versionHash, at: now,
      })
      await store.recordProofreadCount(trx, scope, cycle.id, { done: round, lastProofreaderId: acting.actor.userId })
      await emitEvent(trx, {
        type: 'story.proofread', tenantId: scope.tenantId,
        payload: { storyId, cycle: cycle.cycle, round, versionNumber: story.versionNumber, versionHash: story.versionHash, by: acting.actor.userId },
      })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'story.proofread', targetType: 'story', targetId: storyId,
        details: { cycle: cycle.cycle, round, marks: marks.length, versionNumber: story.versionNumber, versionHash: story.versionHash },
      }))
      let state: StoryState = 'in_review'
      let stage: StageView | null = stageView(cycle, now)
      if (cycle.phase === 'proofreading' && round >= cycle.proofread_rounds_required) {
        const decisions = await store.listDecisions(trx, scope, storyId, { cycle: cycle.cycle })
        const next = afterStages({ ...progressOf(cycle, decisions.map(toCycleDecision)), proofreadRoundsDone: round })
        state = await moveTo(trx, scope, { story, cycle, next, now, actorId: acting.actor.userId, audit: acting.audit })
        stage = state === 'in_review' ? stageAt(next, now) : null
      }
      return { storyId, state, stage, proofread: proofreadView(row) }
    })
  }

  /**
   * A reviewer lets one blocking hit of the current version stand, with a reason; the submission
   * of that exact version then passes that hit. Not for the reviewer's own story.
   */
  async function override(acting: ReviewActing, storyId: string, input: OverrideInput) {
    const held = stagePermissions.filter((p) => p !== 'story.signoff.head' && acting.tenant.permissions.has(p))
    if (held.length === 0) throw new AppError('FORBIDDEN', '只有审核人员可以放行检查结果', { extra: { permission: 'story.review.*' } })
    const field = input.field ?? 'body'
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId)
      if (story.authorId === acting.actor.userId) throw new AppError('REVIEW_OWN_STORY', '作者不能放行自己稿件的检查结果')
      if (!['draft', 'returned', 'in_review'].includes(story.state)) throw wrongState(story.state, '稿件已结束审核，不能再放行检查结果')
      const text = field === 'title' ? story.title : story.bodyText
      const hit = (await checks.check({ trx, tenant: acting.tenant, text })).hits
        .find((h) => h.severity === 'block' && h.ruleId === input.ruleId && h.start === input.start && h.end === input.end)
      if (!hit) {
        throw new AppError('CHECK_OVERRIDE_NO_HIT', `当前版本的${field === 'title' ? '标题' : '正文'}在 ${input.start}–${input.end} 处没有规则 ${input.ruleId} 的必改问题`)
      }
      const reason = input.reason.trim()
      if (reason.length < 5) throw fieldError('reason', 'must have at least 5 characters besides spaces')
      const row = await store.insertOverride(trx, scope, {
        storyId, versionNumber: story.versionNumber, versionHash: story.versionHash, field, ruleId: hit.ruleId, start: hit.start, end: hit.end,
        quote: text.slice(hit.start, hit.end), reason, userId: acting.actor.userId, userName: acting.actor.displayName, at: new Date(),
      })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'story.check_override', targetType: 'story', targetId: storyId,
        details: { ruleId: hit.ruleId, field, start: hit.start, end: hit.end, quote: row.quote, reason, versionHash: story.versionHash },
      }))
      return overrideView(row)
    })
  }

  return { submit, decide, proofread, override }
}

export type ReviewService = ReturnType<typeof createReviewService>

/** The stage view of a position just entered. */
function stageAt(position: Position, now: Date): StageView {
  const deadline = deadlineOf(position, now)
  return {
    index: position.stageIndex, key: position.key, name: position.name, permission: position.permission,
    enteredAt: now.toISOString(), deadline: deadline?.toISOString() ?? null, isOverdue: false,
  }
}
