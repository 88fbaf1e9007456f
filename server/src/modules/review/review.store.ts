import { sql, type SqlBool } from 'kysely'
import type { ReviewPhase } from '../../db/schema.js'
import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of the review module. Stories are worked on in the tenant that owns them, so every query
 * filters `tenant_id = scope.tenantId` as a plain parameter (row-level security is the second
 * wall). Decisions, rounds and overrides are only ever inserted; a decision's invalidation marks
 * are the one thing that changes later.
 */

export async function findWorkflow(trx: Tx, scope: TenantScope) {
  requireTenantScope(scope)
  return trx.selectFrom('review_workflows').selectAll().where('tenant_id', '=', scope.tenantId).executeTakeFirst()
}

export async function upsertWorkflow(trx: Tx, scope: TenantScope, w: {
  stages: unknown[]; restartPolicy: 'from_start' | 'from_changed_stage'; proofreadRoundsRequired: number; updatedBy: string; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  const values = {
    stages: JSON.stringify(w.stages), restart_policy: w.restartPolicy, proofread_rounds_required: w.proofreadRoundsRequired,
    updated_by: w.updatedBy, updated_at: w.at,
  }
  await trx.insertInto('review_workflows').values({ tenant_id: scope.tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute()
}

const cycleColumns = [
  'id', 'tenant_id', 'story_id', 'cycle', 'author_id', 'workflow', 'is_head_signoff_required', 'phase', 'stage_index', 'stage_key',
  'stage_name', 'stage_permission', 'stage_entered_at', 'deadline_at', 'proofread_rounds_required', 'proofread_rounds_done',
  'last_proofreader_id', 'submitted_by', 'submitted_by_name', 'submitted_at', 'version_number', 'version_hash', 'rule_set_version',
  'check_hits', 'closed_at',
] as const

/** The story's latest cycle, locked for the rest of the transaction when asked. */
export async function findLatestCycle(trx: Tx, scope: TenantScope, storyId: string, { isForUpdate = false } = {}) {
  requireTenantScope(scope)
  let query = trx.selectFrom('review_cycles').select(cycleColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId).orderBy('cycle', 'desc').limit(1)
  if (isForUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}
export type CycleRow = NonNullable<Awaited<ReturnType<typeof findLatestCycle>>>

export async function listCycles(trx: Tx, scope: TenantScope, storyId: string): Promise<CycleRow[]> {
  requireTenantScope(scope)
  return trx.selectFrom('review_cycles').select(cycleColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId).orderBy('cycle').execute()
}

export interface CyclePosition {
  phase: ReviewPhase
  stageIndex: number
  key: string
  name: string
  permission: string | null
  enteredAt: Date
  deadlineAt: Date | null
  closedAt: Date | null
}

function positionColumns(p: CyclePosition) {
  return {
    phase: p.phase, stage_index: p.stageIndex, stage_key: p.key, stage_name: p.name, stage_permission: p.permission,
    stage_entered_at: p.enteredAt, deadline_at: p.deadlineAt, closed_at: p.closedAt,
  }
}

export async function insertCycle(trx: Tx, scope: TenantScope, c: {
  storyId: string; cycle: number; authorId: string; workflow: Record<string, unknown>; isHeadSignoffRequired: boolean
  position: CyclePosition; proofreadRoundsRequired: number; submittedBy: string; submittedByName: string; at: Date
  versionNumber: number; versionHash: string; ruleSetVersion: string; checkHits: unknown[]
}): Promise<CycleRow> {
  requireTenantScope(scope)
  return trx.insertInto('review_cycles').values({
    tenant_id: scope.tenantId, story_id: c.storyId, cycle: c.cycle, author_id: c.authorId, workflow: JSON.stringify(c.workflow),
    is_head_signoff_required: c.isHeadSignoffRequired, ...positionColumns(c.position), proofread_rounds_required: c.proofreadRoundsRequired,
    submitted_by: c.submittedBy, submitted_by_name: c.submittedByName, submitted_at: c.at, version_number: c.versionNumber,
    version_hash: c.versionHash, rule_set_version: c.ruleSetVersion, check_hits: JSON.stringify(c.checkHits),
  }).returning(cycleColumns).executeTakeFirstOrThrow()
}

export async function moveCycle(trx: Tx, scope: TenantScope, cycleId: string, position: CyclePosition): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('review_cycles').set(positionColumns(position))
    .where('id', '=', cycleId).where('tenant_id', '=', scope.tenantId).execute()
}

export async function recordProofreadCount(trx: Tx, scope: TenantScope, cycleId: string, p: { done: number; lastProofreaderId: string }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('review_cycles').set({ proofread_rounds_done: p.done, last_proofreader_id: p.lastProofreaderId })
    .where('id', '=', cycleId).where('tenant_id', '=', scope.tenantId).execute()
}

export async function setHeadSignoffRequired(trx: Tx, scope: TenantScope, cycleId: string, isRequired: boolean): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('review_cycles').set({ is_head_signoff_required: isRequired })
    .where('id', '=', cycleId).where('tenant_id', '=', scope.tenantId).execute()
}

/**
 * One page of the caller's review queue: open cycles at a stage whose permission the caller holds,
 * or still missing 校对 rounds when the caller may proofread; never the caller's own stories, never
 * a story where the caller acted at another level in this cycle (separation of duties), never a
 * round right after the caller's own. Ordered by deadline (none last), then id.
 */
export async function listQueue(trx: Tx, scope: TenantScope, q: {
  userId: string; permissions: string[]; canProofread: boolean; isOverdueOnly: boolean; now: Date; limit: number
  after?: { deadline: Date | null; id: string }
}) {
  requireTenantScope(scope)
  const sortKey = sql`coalesce(c.deadline_at, 'infinity'::timestamptz)`
  const permissions = q.permissions.length > 0 ? q.permissions : ['']
  const isReviewable = sql<boolean>`(c.stage_permission = any(${permissions}::text[]) and not exists (
    select 1 from review_decisions d where d.story_id = c.story_id and d.cycle = c.cycle and d.tenant_id = c.tenant_id
      and d.user_id = ${q.userId}::uuid and d.stage_index <> c.stage_index))`
  const isProofreadable = q.canProofread
    ? sql<boolean>`(c.proofread_rounds_done < c.proofread_rounds_required and c.last_proofreader_id is distinct from ${q.userId}::uuid)`
    : sql<boolean>`false`
  let query = trx.selectFrom('review_cycles as c')
    .select([...cycleColumns.map((col) => `c.${col}` as const), isReviewable.as('is_reviewable'), isProofreadable.as('is_proofreadable')])
    .where('c.tenant_id', '=', scope.tenantId).where('c.closed_at', 'is', null).where('c.author_id', '<>', q.userId)
    .where(sql<SqlBool>`(${isReviewable} or ${isProofreadable})`)
  if (q.isOverdueOnly) query = query.where('c.deadline_at', '<', q.now)
  if (q.after) query = query.where(sql<SqlBool>`(${sortKey}, c.id) > (${q.after.deadline ?? 'infinity'}::timestamptz, ${q.after.id}::uuid)`)
  return query.orderBy(sortKey).orderBy('c.id').limit(q.limit).execute()
}
export type QueueRow = Awaited<ReturnType<typeof listQueue>>[number]

const decisionColumns = [
  'id', 'story_id', 'cycle', 'stage_index', 'stage_key', 'stage_name', 'decision', 'comment', 'anchors', 'user_id', 'user_name',
  'version_number', 'version_hash', 'at', 'invalidated_at', 'invalidated_by_version',
] as const

/** A story's decisions, oldest first; only those of one cycle when `cycle` is given. */
export async function listDecisions(trx: Tx, scope: TenantScope, storyId: string, { cycle }: { cycle?: number } = {}) {
  requireTenantScope(scope)
  let query = trx.selectFrom('review_decisions').select(decisionColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId)
  if (cycle !== undefined) query = query.where('cycle', '=', cycle)
  return query.orderBy('at').orderBy('id').execute()
}
export type DecisionRow = Awaited<ReturnType<typeof listDecisions>>[number]

export async function insertDecision(trx: Tx, scope: TenantScope, d: {
  storyId: string; cycle: number; stageIndex: number; stageKey: string; stageName: string; decision: 'approve' | 'return' | 'reject'
  comment: string; anchors: unknown[]; userId: string; userName: string; versionNumber: number; versionHash: string; at: Date
}): Promise<DecisionRow> {
  requireTenantScope(scope)
  return trx.insertInto('review_decisions').values({
    tenant_id: scope.tenantId, story_id: d.storyId, cycle: d.cycle, stage_index: d.stageIndex, stage_key: d.stageKey, stage_name: d.stageName,
    decision: d.decision, comment: d.comment, anchors: JSON.stringify(d.anchors), user_id: d.userId, user_name: d.userName,
    version_number: d.versionNumber, version_hash: d.versionHash, at: d.at,
  }).returning(decisionColumns).executeTakeFirstOrThrow()
}

/** Marks the cycle's still-valid approvals at `fromStage` and above as outdated by `byVersion`. */
export async function invalidateApprovals(trx: Tx, scope: TenantScope, i: {
  storyId: string; cycle: number; fromStage: number; byVersion: number; at: Date
}): Promise<number> {
  requireTenantScope(scope)
  const result = await trx.updateTable('review_decisions').set({ invalidated_at: i.at, invalidated_by_version: i.byVersion })
    .where('story_id', '=', i.storyId).where('tenant_id', '=', scope.tenantId).where('cycle', '=', i.cycle)
    .where('decision', '=', 'approve').where('stage_index', '>=', i.fromStage).where('invalidated_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The caller's most recent approval of a story, in any cycle. */
export async function findLastApprovalBy(trx: Tx, scope: TenantScope, storyId: string, userId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('review_decisions').select(decisionColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId).where('user_id', '=', userId).where('decision', '=', 'approve')
    .orderBy('at', 'desc').limit(1).executeTakeFirst()
}

const proofreadColumns = ['id', 'story_id', 'cycle', 'round', 'user_id', 'user_name', 'marks', 'comment', 'version_number', 'version_hash', 'at'] as const

export async function listProofreads(trx: Tx, scope: TenantScope, storyId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('proofread_rounds').select(proofreadColumns)
    .where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId).orderBy('cycle').orderBy('round').execute()
}
export type ProofreadRow = Awaited<ReturnType<typeof listProofreads>>[number]

export async function insertProofread(trx: Tx, scope: TenantScope, p: {
  storyId: string; cycle: number; round: number; userId: string; userName: string; marks: unknown[]; comment: string
  versionNumber: number; versionHash: string; at: Date
}): Promise<ProofreadRow> {
  requireTenantScope(scope)
  return trx.insertInto('proofread_rounds').values({
    tenant_id: scope.tenantId, story_id: p.storyId, cycle: p.cycle, round: p.round, user_id: p.userId, user_name: p.userName,
    marks: JSON.stringify(p.marks), comment: p.comment, version_number: p.versionNumber, version_hash: p.versionHash, at: p.at,
  }).returning(proofreadColumns).executeTakeFirstOrThrow()
}

const overrideColumns = [
  'id', 'story_id', 'version_number', 'version_hash', 'field', 'rule_id', 'start_offset', 'end_offset', 'quote', 'reason', 'user_id', 'user_name', 'at',
] as const

/** A story's check overrides, oldest first; only those made on one version when `versionHash` is given. */
export async function listOverrides(trx: Tx, scope: TenantScope, storyId: string, { versionHash }: { versionHash?: string } = {}) {
  requireTenantScope(scope)
  let query = trx.selectFrom('check_overrides').select(overrideColumns).where('story_id', '=', storyId).where('tenant_id', '=', scope.tenantId)
  if (versionHash !== undefined) query = query.where('version_hash', '=', versionHash)
  return query.orderBy('at').orderBy('id').execute()
}
export type OverrideRow = Awaited<ReturnType<typeof listOverrides>>[number]

export async function insertOverride(trx: Tx, scope: TenantScope, o: {
  storyId: string; versionNumber: number; versionHash: string; field: 'title' | 'body'; ruleId: string; start: number; end: number
  quote: string; reason: string; userId: string; userName: string; at: Date
}): Promise<OverrideRow> {
  requireTenantScope(scope)
  return trx.insertInto('check_overrides').values({
    tenant_id: scope.tenantId, story_id: o.storyId, version_number: o.versionNumber, version_hash: o.versionHash, field: o.field,
    rule_id: o.ruleId, start_offset: o.start, end_offset: o.end, quote: o.quote, reason: o.reason, user_id: o.userId, user_name: o.userName, at: o.at,
  }).returning(overrideColumns).executeTakeFirstOrThrow()
}

/**
 * Display names of users, for the record and the error report. Users are the identity kernel's
 * global table; names only, nothing else of the account is read.
 */
export async function findUserNames(trx: Tx, scope: TenantScope, userIds: readonly string[]): Promise<Map<string, string>> {
  requireTenantScope(scope)
  const ids = [...new Set(userIds)]
  if (ids.length === 0) return new Map()
  const rows = await trx.selectFrom('users').select(['id', 'display_name']).where(sql<SqlBool>`id = any(${ids}::uuid[])`).execute()
  return new Map(rows.map((r) => [r.id, r.display_name]))
}

/** The open cycle of each of the stories (its current stage and deadline). */
export async function listOpenCycles(trx: Tx, scope: TenantScope, storyIds: readonly string[]) {
  requireTenantScope(scope)
  if (storyIds.length === 0) return []
  return trx.selectFrom('review_cycles').select(['story_id', 'stage_key', 'stage_name', 'deadline_at'])
    .where('tenant_id', '=', scope.tenantId).where('story_id', 'in', [...storyIds]).where('closed_at', 'is', null).execute()
}

/** Stories whose open cycle is past its stage's deadline. */
export async function listOverdueStoryIds(trx: Tx, scope: TenantScope, now: Date): Promise<string[]> {
  requireTenantScope(scope)
  const rows = await trx.selectFrom('review_cycles').select('story_id')
    .where('tenant_id', '=', scope.tenantId).where('closed_at', 'is', null).where('deadline_at', '<', now).execute()
  return rows.map((r) => r.story_id)
}
