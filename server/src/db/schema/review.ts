import type { Generated } from 'kysely'
import type { NullableTimestamp, Json, JsonArray } from './columns.js'

export type ReviewPhase = 'stages' | 'proofreading' | 'head_signoff' | 'signed_off' | 'returned' | 'rejected' | 'withdrawn'

export interface ReviewWorkflowsTable {
  tenant_id: string
  stages: JsonArray
  restart_policy: 'from_start' | 'from_changed_stage'
  proofread_rounds_required: Generated<number>
  updated_by: string | null
  updated_at: Generated<Date>
}

export interface ReviewCyclesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  author_id: string
  workflow: Json
  is_head_signoff_required: boolean
  phase: ReviewPhase
  stage_index: number
  stage_key: string
  stage_name: string
  stage_permission: string | null
  stage_entered_at: Date
  deadline_at: NullableTimestamp
  proofread_rounds_required: number
  proofread_rounds_done: Generated<number>
  last_proofreader_id: string | null
  submitted_by: string
  submitted_by_name: string
  submitted_at: Generated<Date>
  version_number: number
  version_hash: string
  rule_set_version: string
  check_hits: JsonArray
  closed_at: NullableTimestamp
}

export interface ReviewDecisionsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  stage_index: number
  stage_key: string
  stage_name: string
  decision: 'approve' | 'return' | 'reject'
  comment: Generated<string>
  anchors: JsonArray
  user_id: string
  user_name: string
  version_number: number
  version_hash: string
  at: Generated<Date>
  invalidated_at: NullableTimestamp
  invalidated_by_version: number | null
}

export interface ProofreadRoundsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  cycle: number
  round: number
  user_id: string
  user_name: string
  marks: JsonArray
  comment: Generated<string>
  version_number: number
  version_hash: string
  at: Generated<Date>
}

export interface CheckOverridesTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  version_number: number
  version_hash: string
  field: 'title' | 'body'
  rule_id: string
  start_offset: number
  end_offset: number
  quote: string
  reason: string
  user_id: string
  user_name: string
  at: Generated<Date>
}

export interface EditorialErrorsTable {
  id: Generated<string>
  tenant_id: string
  story_id: string
  found_stage: 'review' | 'post_publication'
  category: string
  severity: 'severe' | 'ordinary'
  description: string
  version_number: number
  found_by: string
  found_by_name: string
  found_at: Generated<Date>
}

export interface EditorialErrorPeopleTable {
  error_id: string
  tenant_id: string
  user_id: string
  user_name: string
  role: 'author' | 'reviewer'
}

/** Review (三审三校): workflows, cycles, decisions, proofreading, overrides, 差错 (0004_review.sql). */
export interface ReviewTables {
  review_workflows: ReviewWorkflowsTable
  review_cycles: ReviewCyclesTable
  review_decisions: ReviewDecisionsTable
  proofread_rounds: ProofreadRoundsTable
  check_overrides: CheckOverridesTable
  editorial_errors: EditorialErrorsTable
  editorial_error_people: EditorialErrorPeopleTable
}
