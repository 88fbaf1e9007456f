import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import { getForReview } from '../stories/stories.service.js'
import { hasHeadSignoff, stagePermissions, type Workflow } from './review.machine.js'
import { decideRefusal, positionOfCycle, proofreadRefusal } from './review.rules.js'
import type { QueueQuery } from './review.schema.js'
import * as store from './review.store.js'
import {
  decisionView, iso, liveCycle, overrideView, proofreadView, stageView, toCycleDecision, type StoredHit,
} from './review.views.js'
import { workflowFromSnapshot, type ReviewActing } from './review.workflow.js'

type StageStatus = 'approved' | 'pending' | 'waiting' | 'outdated' | 'not_required'

/** Each stage of the cycle with where it stands (the review page's progress bar). */
function stageStatuses(workflow: Workflow, cycle: store.CycleRow | null, decisions: readonly store.DecisionRow[]) {
  const n = workflow.stages.length
  const rows = [
    ...workflow.stages.map((s, index) => ({ index, key: s.key, name: s.name, permission: s.permission as string | null })),
    { index: n, key: 'proofreading', name: '校对', permission: 'story.proofread' },
    { index: n + 1, key: 'head_signoff', name: '负责人签发', permission: 'story.signoff.head' },
  ]
  return rows.map((row) => {
    const mine = decisions.filter((d) => d.stage_index === row.index && d.decision === 'approve')
    let status: StageStatus = 'waiting'
    if (!cycle) status = 'waiting'
    else if (row.index === n) status = cycle.proofread_rounds_required === 0 ? 'not_required' : cycle.proofread_rounds_done >= cycle.proofread_rounds_required ? 'approved' : 'waiting'
    else if (row.index === n + 1 && (!cycle.is_head_signoff_required || (hasHeadSignoff(workflow, decisions.map(toCycleDecision)) && mine.length === 0))) status = 'not_required'
    else if (mine.some((d) => d.invalidated_at === null)) status = 'approved'
    else if (mine.length > 0) status = 'outdated'
    if (cycle && cycle.closed_at === null && cycle.stage_index === row.index) status = 'pending'
    return { ...row, status }
  })
}

/** Reading the review: a reviewer's view of one story and the caller's queue. */
export function createReviewQueries({ db }: { db: Database }) {
  /**
   * Everything a reviewer needs beside the text: the stage, the whole history of decisions,
   * rounds and overrides, the check hits of the submission, whether the caller may act now (and
   * why not), and the versions to diff since the caller's own last approval.
   */
  async function view(acting: ReviewActing, storyId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId, { isForUpdate: false })
      const latest = await store.findLatestCycle(trx, scope, storyId)
      const cycle = liveCycle(story.state, latest)
      const decisions = await store.listDecisions(trx, scope, storyId)
      const proofreads = await store.listProofreads(trx, scope, storyId)
      const overrides = await store.listOverrides(trx, scope, storyId)
      const mine = await store.findLastApprovalBy(trx, scope, storyId, acting.actor.userId)
      const now = new Date()
      const cycleDecisions = cycle ? decisions.filter((d) => d.cycle === cycle.cycle) : []
      const isOpen = cycle !== null && story.state === 'in_review'
      const decideError = isOpen
        ? decideRefusal({ acting, story, cycle, position: positionOfCycle(cycle), decisions: cycleDecisions })
        : new AppError('REVIEW_WRONG_STATE', '稿件不在审核中')
      const proofreadError = isOpen ? proofreadRefusal({ acting, story, cycle }) : new AppError('REVIEW_WRONG_STATE', '稿件不在审核中')
      const workflow = latest ? workflowFromSnapshot(latest.workflow) : null
      return {
        storyId, state: story.state, versionNumber: story.versionNumber, versionHash: story.versionHash,
        title: story.title, bodyText: story.bodyText,
        // The signature as it was at submission (the person may have been renamed since).
        submitter: latest ? { id: latest.submitted_by, name: latest.submitted_by_name, at: iso(latest.submitted_at) } : null,
        cycle: latest?.cycle ?? null,
        stage: isOpen ? stageView(cycle, now) : null,
        stages: workflow ? stageStatuses(workflow, cycle, cycleDecisions) : [],
        proofreadRounds: { done: latest?.proofread_rounds_done ?? 0, required: latest?.proofread_rounds_required ?? 0 },
        isHeadSignoffRequired: latest?.is_head_signoff_required ?? story.isImportant,
        decisions: decisions.map(decisionView),
        proofreads: proofreads.map(proofreadView),
        checks: latest ? { ruleSetVersion: latest.rule_set_version, hits: latest.check_hits as StoredHit[] } : null,
        overrides: overrides.map(overrideView),
        diffSinceMyLastApproval: mine && mine.version_number !== story.versionNumber
          ? { fromVersion: mine.version_number, toVersion: story.versionNumber, approvedAt: iso(mine.at), stage: mine.stage_key }
          : null,
        canDecide: decideError === null,
        decideRefusal: decideError ? { code: decideError.code, detail: decideError.message } : null,
        canProofread: proofreadError === null,
        proofreadRefusal: proofreadError ? { code: proofreadError.code, detail: proofreadError.message } : null,
      }
    })
  }

  /**
   * The caller's queue in the acting tenant: what they may act on now (review, head sign-off or a
   * 校对 round), soonest deadline first; `overdue` keeps only stages past their deadline.
   */
  async function queue(acting: ReviewActing, query: QueueQuery) {
    const limit = query.limit ?? 50
    const key = decodeCursor(query.cursor)
    const isCursorValid = key !== null && (key[0] === null || (typeof key[0] === 'string' && !Number.isNaN(Date.parse(key[0]))))
      && typeof key[1] === 'string' && /^[0-9a-f-]{36}$/.test(key[1])
    if (query.cursor && !isCursorValid) throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
    const scope = acting.tenant.scope
    const now = new Date()
    return inScope(db, scope, async (trx) => {
      const rows = await store.listQueue(trx, scope, {
        userId: acting.actor.userId, permissions: stagePermissions.filter((p) => acting.tenant.permissions.has(p)),
        canProofread: acting.tenant.permissions.has('story.proofread'), isOverdueOnly: query.overdue === true, now, limit: limit + 1,
        after: query.cursor ? { deadline: key![0] === null ? null : new Date(key![0] as string), id: key![1] as string } : undefined,
      })
      const page = rows.slice(0, limit)
      const names = await store.findUserNames(trx, scope, page.map((r) => r.author_id))
      const items = []
      for (const row of page) {
        const story = await getForReview(trx, scope, row.story_id, { isForUpdate: false })
        // A story its author withdrew keeps its cycle open until resubmitted: not a task.
        if (story.state !== 'in_review' || story.stageIndex !== row.stage_index) continue
        const stage = stageView(row, now)
        items.push({
          storyId: row.story_id, title: story.title, authorId: row.author_id, authorName: names.get(row.author_id) ?? '',
          cycle: row.cycle, versionNumber: story.versionNumber, submittedAt: iso(row.submitted_at),
          task: row.is_reviewable ? (row.stage_key === 'head_signoff' ? 'head_signoff' as const : 'review' as const) : 'proofread' as const,
          stage, deadline: stage.deadline, isOverdue: stage.isOverdue,
          proofreadRounds: { done: row.proofread_rounds_done, required: row.proofread_rounds_required },
        })
      }
      const last = page[page.length - 1]
      return { items, nextCursor: rows.length > limit ? encodeCursor([last.deadline_at ? iso(last.deadline_at) : null, last.id]) : null }
    })
  }

  return { view, queue }
}

export type ReviewQueries = ReturnType<typeof createReviewQueries>
