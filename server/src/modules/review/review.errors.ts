import { AppError } from '../../kernel/errors.js'
import type { Position, ProofreadProblem, SeparationProblem } from './review.machine.js'
import type { StoredHit } from './review.views.js'

/** This module's refusals, each a catalogue code (kernel/errors.ts) with the facts the console shows. */

export function wrongState(state: string, detail: string): AppError {
  return new AppError('REVIEW_WRONG_STATE', detail, { extra: { state } })
}

/** The caller lacks the permission of the stage the story is at; the problem names the stage. */
export function stageForbidden(position: Position): AppError {
  return new AppError('FORBIDDEN', `${position.name}需要“${position.permission}”权限`, {
    extra: { permission: position.permission, stage: { index: position.stageIndex, key: position.key, name: position.name } },
  })
}

const separationDetails: Record<SeparationProblem | ProofreadProblem, string> = {
  REVIEW_OWN_STORY: '作者不能审核或校对自己的稿件',
  REVIEW_SAME_PERSON_TWO_LEVELS: '同一人不能在同一稿件的两个审核级别上操作',
  PROOFREAD_CONSECUTIVE_ROUNDS: '同一人不能连续校对两轮',
}

export function separationError(problem: SeparationProblem | ProofreadProblem, position?: Position): AppError {
  return new AppError(problem, separationDetails[problem], position ? { extra: { stage: { index: position.stageIndex, key: position.key, name: position.name } } } : {})
}

export function checksBlocked(blocked: readonly StoredHit[]): AppError {
  const rules = [...new Set(blocked.map((h) => h.ruleId))]
  return new AppError('STORY_CHECKS_BLOCKED', `稿件有 ${blocked.length} 处必须修改的问题（${rules.join('、')}），修改或经审核人员说明理由放行后才能提交`, {
    extra: { hits: blocked },
  })
}

/** Bad input that only the service can see (ranges against the text): a 400 naming the field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** Ranges (anchors, proofreading marks) must lie in the text and quote it exactly. */
export function checkRanges(ranges: ReadonlyArray<{ start: number; end: number; quote: string }>, text: string, field: string, quoteName: string): void {
  ranges.forEach((r, i) => {
    if (r.end < r.start || r.end > text.length) throw fieldError(`${field}.${i}.end`, `must lie within the text (0..${text.length}) and not before start`)
    if (text.slice(r.start, r.end) !== r.quote) throw fieldError(`${field}.${i}.${quoteName}`, 'does not match the text at start..end of the current version')
  })
}
