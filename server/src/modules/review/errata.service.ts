import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import type { PermissionCode } from '../../kernel/permissions.js'
import { appendAudit, withContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { getForReview, listVersions } from '../stories/stories.service.js'
import * as store from './errata.store.js'
import { errorCategories, type ErrorCategory, type ErrorInput, type ErrorReportQuery } from './errata.schema.js'
import { fieldError } from './review.errors.js'
import * as reviewStore from './review.store.js'
import { iso } from './review.views.js'
import type { ReviewActing } from './review.workflow.js'

/** Who finds errors: reviewers, proofreaders, the head who signs, and whoever publishes. */
const finderPermissions: PermissionCode[] = ['story.review.first', 'story.review.second', 'story.review.final', 'story.signoff.head', 'story.proofread', 'publication.manage']
const reportPermissions: PermissionCode[] = ['story.review.final', 'analytics.read']

const DAY_MS = 86_400_000
const BEIJING_OFFSET_MS = 8 * 3_600_000

/** `YYYY-MM-DD` of a moment in Beijing time. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant a Beijing-time day starts. */
export function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS)
}

export function errorView({ row, people }: { row: store.ErrorRow; people: Array<{ user_id: string; user_name: string; role: 'author' | 'reviewer' }> }) {
  return {
    id: row.id, storyId: row.story_id, foundStage: row.found_stage, category: row.category,
    categoryLabel: errorCategories[row.category as ErrorCategory] ?? row.category, severity: row.severity, description: row.description,
    versionNumber: row.version_number, foundBy: row.found_by, foundByName: row.found_by_name, foundAt: iso(row.found_at),
    people: people.map((p) => ({ userId: p.user_id, name: p.user_name, role: p.role })),
  }
}

function requireAny(acting: ReviewActing, codes: readonly PermissionCode[]): void {
  if (!codes.some((c) => acting.tenant.permissions.has(c))) {
    throw new AppError('FORBIDDEN', `one of ${codes.join(', ')} is needed here`, { extra: { permission: codes[0], permissions: codes } })
  }
}

/** 差错管理: record errors found in review or after publication, and count them per person and period. */
export function createErrataService({ db }: { db: Database }) {
  /**
   * Records an error of a story. The people answerable must have had a hand in it: authors are the
   * story's author or someone who saved a version; reviewers are people who decided on it or
   * proofread it. Names are kept as they were, like the signatures of the record.
   */
  async function record(acting: ReviewActing, storyId: string, input: ErrorInput) {
    requireAny(acting, finderPermissions)
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId, { isForUpdate: false })
      const writers = new Set([story.authorId, ...(await listVersions(trx, scope, storyId)).map((v) => v.createdBy)])
      const reviewers = new Map<string, string>()
      for (const d of await reviewStore.listDecisions(trx, scope, storyId)) reviewers.set(d.user_id, d.user_name)
      for (const p of await reviewStore.listProofreads(trx, scope, storyId)) reviewers.set(p.user_id, p.user_name)
      const authorIds = [...new Set(input.authorIds ?? [story.authorId])]
      const reviewerIds = [...new Set(input.reviewerIds ?? [])]
      authorIds.forEach((id, i) => { if (!writers.has(id)) throw fieldError(`authorIds.${i}`, 'did not write this story') })
      reviewerIds.forEach((id, i) => { if (!reviewers.has(id)) throw fieldError(`reviewerIds.${i}`, 'did not review or proofread this story') })
      const names = await reviewStore.findUserNames(trx, scope, authorIds)
      const people = [
        ...authorIds.map((id) => ({ userId: id, name: names.get(id) ?? '', role: 'author' as const })),
        ...reviewerIds.map((id) => ({ userId: id, name: reviewers.get(id)!, role: 'reviewer' as const })),
      ]
      const row = await store.insertError(trx, scope, {
        storyId, foundStage: input.foundStage, category: input.category, severity: input.severity ?? 'ordinary',
        description: input.description.trim(), versionNumber: story.versionNumber, foundBy: acting.actor.userId,
        foundByName: acting.actor.displayName, at: new Date(), people,
      })
      await emitEvent(trx, { type: 'story.error_recorded', tenantId: scope.tenantId, payload: { storyId, errorId: row.id, category: row.category, severity: row.severity } })
      await appendAudit(trx, withContext(acting.audit, {
        action: 'story.error.record', targetType: 'story', targetId: storyId,
        details: { errorId: row.id, foundStage: row.found_stage, category: row.category, severity: row.severity, authorIds, reviewerIds },
      }))
      return errorView({ row, people: people.map((p) => ({ user_id: p.userId, user_name: p.name, role: p.role })) })
    })
  }

  async function listForStory(acting: ReviewActing, storyId: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      await getForReview(trx, scope, storyId, { isForUpdate: false })
      return { items: (await store.listStoryErrors(trx, scope, storyId)).map(errorView) }
    })
  }

  /**
   * Errors per author or per reviewer between two Beijing-time days (both included; by default the
   * current month up to today), with their categories and months.
   */
  async function report(acting: ReviewActing, query: ErrorReportQuery) {
    requireAny(acting, reportPermissions)
    const today = beijingDay(new Date())
    const from = query.from ?? `${today.slice(0, 8)}01`
    const to = query.to ?? today
    if (Number.isNaN(beijingDayStart(from).getTime())) throw fieldError('from', 'is not a date')
    if (Number.isNaN(beijingDayStart(to).getTime())) throw fieldError('to', 'is not a date')
    if (to < from) throw fieldError('to', 'must not be before from')
    const groupBy = query.groupBy ?? 'author'
    const range = { from: beijingDayStart(from), to: new Date(beijingDayStart(to).getTime() + DAY_MS) }
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const rows = await store.countErrors(trx, scope, { role: groupBy, ...range })
      const totals = await store.totalErrors(trx, scope, range)
      const people = new Map<string, { userId: string; name: string; total: number; severe: number; byCategory: Record<string, number>; months: Map<string, number> }>()
      for (const r of rows) {
        const count = Number(r.count)
        let person = people.get(r.user_id)
        if (!person) people.set(r.user_id, person = { userId: r.user_id, name: r.user_name, total: 0, severe: 0, byCategory: {}, months: new Map() })
        person.total += count
        if (r.severity === 'severe') person.severe += count
        person.byCategory[r.category] = (person.byCategory[r.category] ?? 0) + count
        person.months.set(r.month, (person.months.get(r.month) ?? 0) + count)
      }
      const items = [...people.values()]
        .sort((a, b) => b.total - a.total || b.severe - a.severe || a.name.localeCompare(b.name, 'zh'))
        .map(({ months, ...p }) => ({ ...p, byMonth: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, count]) => ({ month, count })) }))
      return { from, to, groupBy, totals: { errors: Number(totals.errors), severe: Number(totals.severe) }, items }
    })
  }

  return { record, listForStory, report }
}
