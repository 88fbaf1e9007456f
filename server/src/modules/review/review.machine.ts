import type { ReviewPhase } from '../../db/schema.js'

/**
 * The rules of 三审三校 as pure functions: where a story goes after each act, who may act, and
 * where an edit sends it back. No database here, so the unit tests can walk every branch.
 *
 * Positions: stage indexes 0..n-1 are the workflow's stages; n is the proofreading pseudo-stage
 * (waiting for the required 校对 rounds), n+1 the head sign-off (单位负责人签发). The same index
 * is stored in `stories.stage_index` while the story is in review.
 */

export const stagePermissions = ['story.review.first', 'story.review.second', 'story.review.final', 'story.signoff.head'] as const
export type StagePermission = typeof stagePermissions[number]
export type RestartPolicy = 'from_start' | 'from_changed_stage'

export interface Stage {
  key: string
  name: string
  permission: StagePermission
  timeLimitHours?: number
  /** The head of the unit must sign off every story reviewed under this workflow, not only 重要信息. */
  requiresHeadSignoff?: boolean
}

export interface Workflow {
  stages: Stage[]
  restartPolicy: RestartPolicy
  proofreadRoundsRequired: number
}

export const defaultWorkflow: Workflow = Object.freeze({
  stages: [
    { key: 'first', name: '初审', permission: 'story.review.first' },
    { key: 'second', name: '复审', permission: 'story.review.second' },
    { key: 'final', name: '终审', permission: 'story.review.final' },
  ],
  restartPolicy: 'from_start',
  proofreadRoundsRequired: 3,
}) as Workflow

/** Keys the pseudo-stages use; a configured stage may not take them. */
export const PROOFREADING_KEY = 'proofreading'
export const HEAD_SIGNOFF_KEY = 'head_signoff'
export const reservedStageKeys: ReadonlySet<string> = new Set([PROOFREADING_KEY, HEAD_SIGNOFF_KEY])

export interface Position {
  phase: ReviewPhase
  stageIndex: number
  key: string
  name: string
  /** Who may act now; null while proofreading and once the cycle is closed. */
  permission: StagePermission | null
  timeLimitHours: number | null
}

/** The position at stage `index` of the workflow, or at one of the pseudo-stages after it. */
export function positionAt(workflow: Workflow, index: number): Position {
  const n = workflow.stages.length
  if (index < n) {
    const stage = workflow.stages[index]
    return { phase: 'stages', stageIndex: index, key: stage.key, name: stage.name, permission: stage.permission, timeLimitHours: stage.timeLimitHours ?? null }
  }
  if (index === n) return { phase: 'proofreading', stageIndex: n, key: PROOFREADING_KEY, name: '校对', permission: null, timeLimitHours: null }
  return { phase: 'head_signoff', stageIndex: n + 1, key: HEAD_SIGNOFF_KEY, name: '负责人签发', permission: 'story.signoff.head', timeLimitHours: null }
}

/** Position of a closed cycle (signed off, returned, rejected): keeps the index it closed at. */
export function closedPosition(phase: 'signed_off' | 'returned' | 'rejected' | 'withdrawn', at: Position): Position {
  return { ...at, phase, permission: null, timeLimitHours: null }
}

/**
 * Whether the head must sign: the story is 重要信息, or the tenant's workflow asks for the head's
 * sign-off on everything (a stage marked requiresHeadSignoff).
 */
export function isHeadSignoffRequired(workflow: Workflow, isImportant: boolean): boolean {
  return isImportant || workflow.stages.some((s) => s.requiresHeadSignoff === true)
}

/** A decision as the rules see it. */
export interface CycleDecision {
  userId: string
  stageIndex: number
  decision: 'approve' | 'return' | 'reject'
  isValid: boolean
}

/**
 * The head's signature is there when a valid approval was given at the head sign-off, or at a
 * configured stage whose permission is the head's own (a workflow with a 签发 stage).
 */
export function hasHeadSignoff(workflow: Workflow, decisions: readonly CycleDecision[]): boolean {
  return decisions.some((d) => d.isValid && d.decision === 'approve'
    && (d.stageIndex === workflow.stages.length + 1 || workflow.stages[d.stageIndex]?.permission === 'story.signoff.head'))
}

export interface Progress {
  workflow: Workflow
  isHeadSignoffRequired: boolean
  proofreadRoundsDone: number
  proofreadRoundsRequired: number
  decisions: readonly CycleDecision[]
}

/**
 * Where the story goes once every configured stage has approved: first the missing 校对 rounds,
 * then the head's sign-off when required and not yet given, then signed off.
 */
export function afterStages(progress: Progress): Position {
  const n = progress.workflow.stages.length
  if (progress.proofreadRoundsDone < progress.proofreadRoundsRequired) return positionAt(progress.workflow, n)
  if (progress.isHeadSignoffRequired && !hasHeadSignoff(progress.workflow, progress.decisions)) return positionAt(progress.workflow, n + 1)
  return closedPosition('signed_off', positionAt(progress.workflow, n + 1))
}

/** Where an approval at `stageIndex` sends the story (`decisions` already include it). */
export function afterApproval(progress: Progress, stageIndex: number): Position {
  const next = stageIndex + 1
  if (next < progress.workflow.stages.length) return positionAt(progress.workflow, next)
  return afterStages(progress)
}

export type SeparationProblem = 'REVIEW_OWN_STORY' | 'REVIEW_SAME_PERSON_TWO_LEVELS'

/**
 * Separation of duties: the author never reviews their own story, and nobody acts at two levels
 * of one story in one cycle. Every decision of the cycle counts, also one an edit invalidated:
 * after a restart the same people act again at the same levels, never at another.
 */
export function separationProblem({ actorId, authorId, stageIndex, decisions }: {
  actorId: string; authorId: string; stageIndex: number; decisions: readonly CycleDecision[]
}): SeparationProblem | null {
  if (actorId === authorId) return 'REVIEW_OWN_STORY'
  if (decisions.some((d) => d.userId === actorId && d.stageIndex !== stageIndex)) return 'REVIEW_SAME_PERSON_TWO_LEVELS'
  return null
}

export type ProofreadProblem = 'REVIEW_OWN_STORY' | 'PROOFREAD_CONSECUTIVE_ROUNDS'

/**
 * Who may proofread the next round: not the author, and not the person who did the round before
 * (a second pair of eyes each round). The same person may come back for a later round (1 and 3),
 * and a reviewer may also proofread (in government new media the three reviewers often do).
 */
export function proofreadProblem({ actorId, authorId, lastProofreaderId }: {
  actorId: string; authorId: string; lastProofreaderId: string | null
}): ProofreadProblem | null {
  if (actorId === authorId) return 'REVIEW_OWN_STORY'
  if (lastProofreaderId === actorId) return 'PROOFREAD_CONSECUTIVE_ROUNDS'
  return null
}

export interface Restart {
  /** Where the story goes. */
  position: Position
  /** Valid approvals at these stage indexes (and above) become invalid. */
  invalidateFromStage: number
}

/**
 * Where an edit sends a story that is in review or signed off, or null when nothing changes
 * (no valid approval in the cycle is older than the edit, e.g. an edit at the first stage).
 *
 * - from_start: every approval of the cycle is invalidated and the story starts again at stage 0.
 * - from_changed_stage: the change belongs to the stage pending when it was made. That stage stays
 *   pending and its reviewer approves the changed text; approvals of earlier stages stay valid
 *   (the later reviewer answers for the change). When no configured stage is pending (proofreading,
 *   head sign-off, signed off), the change belongs to the last stage: its approval and the head's
 *   sign-off are invalidated and the story goes back to that last stage. Approvals of stages after
 *   the changed one are always invalidated.
 */
export function restartAfterEdit({ workflow, current, decisions }: {
  workflow: Workflow; current: Position; decisions: readonly CycleDecision[]
}): Restart | null {
  const n = workflow.stages.length
  const changedStage = workflow.restartPolicy === 'from_start' ? 0 : current.phase === 'stages' ? current.stageIndex : n - 1
  const isOutdated = decisions.some((d) => d.isValid && d.decision === 'approve' && d.stageIndex >= changedStage)
  if (!isOutdated) return null
  return { position: positionAt(workflow, changedStage), invalidateFromStage: changedStage }
}

/** The deadline of a stage entered at `enteredAt`, or null without a time limit. */
export function deadlineOf(position: Position, enteredAt: Date): Date | null {
  return position.timeLimitHours === null ? null : new Date(enteredAt.getTime() + position.timeLimitHours * 3_600_000)
}
