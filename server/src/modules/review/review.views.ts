import type { StoryState } from '../../db/schema.js'
import type { Hit } from '../checks/checks.types.js'
import type { CycleDecision } from './review.machine.js'
import type { CycleRow, DecisionRow, OverrideRow, ProofreadRow } from './review.store.js'

/** Review rows as the API writes them: camelCase, ISO timestamps. */

export const iso = (d: Date | string) => new Date(d).toISOString()
export const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d))

/** A check hit as stored with a submission: which field, the flagged text, and its override if any. */
export interface StoredHit extends Hit {
  /** 'image': `start`/`end` count the images of the body (images.ts), `image` says which one. */
  field: 'title' | 'body' | 'image'
  image?: { index: number; src: string; alt: string }
  quote: string
  overrideId: string | null
}

export function stageView(cycle: Pick<CycleRow, 'stage_index' | 'stage_key' | 'stage_name' | 'stage_permission' | 'stage_entered_at' | 'deadline_at'>, now: Date) {
  return {
    index: cycle.stage_index, key: cycle.stage_key, name: cycle.stage_name, permission: cycle.stage_permission,
    enteredAt: iso(cycle.stage_entered_at), deadline: isoOrNull(cycle.deadline_at),
    isOverdue: cycle.deadline_at !== null && new Date(cycle.deadline_at) < now,
  }
}
export type StageView = ReturnType<typeof stageView>

export function decisionView(d: DecisionRow) {
  return {
    id: d.id, cycle: d.cycle, userId: d.user_id, userName: d.user_name, stage: d.stage_key, stageIndex: d.stage_index, stageName: d.stage_name,
    decision: d.decision, comment: d.comment, anchors: d.anchors as Array<{ start: number; end: number; quote: string; note: string }>,
    versionNumber: d.version_number, versionHash: d.version_hash, at: iso(d.at),
    isValid: d.invalidated_at === null, invalidatedAt: isoOrNull(d.invalidated_at),
  }
}
export type DecisionView = ReturnType<typeof decisionView>

export function proofreadView(p: ProofreadRow) {
  return {
    id: p.id, cycle: p.cycle, round: p.round, userId: p.user_id, userName: p.user_name,
    marks: p.marks as Array<{ start: number; end: number; original: string; correction: string; note?: string }>,
    comment: p.comment, versionNumber: p.version_number, versionHash: p.version_hash, at: iso(p.at),
  }
}
export type ProofreadView = ReturnType<typeof proofreadView>

export function overrideView(o: OverrideRow) {
  return {
    id: o.id, field: o.field, ruleId: o.rule_id, start: o.start_offset, end: o.end_offset, quote: o.quote, reason: o.reason,
    userId: o.user_id, userName: o.user_name, versionNumber: o.version_number, versionHash: o.version_hash, at: iso(o.at),
  }
}
export type OverrideView = ReturnType<typeof overrideView>

export function toCycleDecision(d: DecisionRow): CycleDecision {
  return { userId: d.user_id, stageIndex: d.stage_index, decision: d.decision, isValid: d.invalidated_at === null }
}

/**
 * The cycle that describes the story's review now: the latest one, when it matches the story's
 * state (a story withdrawn by its author leaves its cycle open until the next submission).
 */
export function liveCycle(state: StoryState, cycle: CycleRow | undefined): CycleRow | null {
  if (!cycle) return null
  if (state === 'in_review') return ['stages', 'proofreading', 'head_signoff'].includes(cycle.phase) ? cycle : null
  if (state === 'signed_off') return cycle.phase === 'signed_off' ? cycle : null
  return null
}
