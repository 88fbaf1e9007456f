import { describe, expect, it } from 'vitest'
import {
  afterApproval, afterStages, defaultWorkflow, deadlineOf, hasHeadSignoff, isHeadSignoffRequired, positionAt, proofreadProblem,
  restartAfterEdit, separationProblem, type CycleDecision, type Progress, type Workflow,
} from './review.machine.js'

const approve = (userId: string, stageIndex: number, isValid = true): CycleDecision => ({ userId, stageIndex, decision: 'approve', isValid })

function progress(overrides: Partial<Progress> = {}): Progress {
  return { workflow: defaultWorkflow, isHeadSignoffRequired: false, proofreadRoundsDone: 3, proofreadRoundsRequired: 3, decisions: [], ...overrides }
}

describe('the 三审三校 state machine', () => {
  it('walks the default workflow 初审 → 复审 → 终审 → signed off', () => {
    expect(positionAt(defaultWorkflow, 0)).toMatchObject({ phase: 'stages', key: 'first', name: '初审', permission: 'story.review.first' })
    expect(afterApproval(progress(), 0)).toMatchObject({ phase: 'stages', stageIndex: 1, key: 'second', permission: 'story.review.second' })
    expect(afterApproval(progress(), 1)).toMatchObject({ phase: 'stages', stageIndex: 2, key: 'final', permission: 'story.review.final' })
    expect(afterApproval(progress(), 2)).toMatchObject({ phase: 'signed_off', permission: null })
  })

  it('waits for the missing 校对 rounds, then for the head, before signing off', () => {
    expect(afterApproval(progress({ proofreadRoundsDone: 2 }), 2)).toMatchObject({ phase: 'proofreading', stageIndex: 3, key: 'proofreading', permission: null })
    expect(afterApproval(progress({ isHeadSignoffRequired: true }), 2)).toMatchObject({ phase: 'head_signoff', stageIndex: 4, permission: 'story.signoff.head' })
    expect(afterApproval(progress({ isHeadSignoffRequired: true, proofreadRoundsDone: 0 }), 2)).toMatchObject({ phase: 'proofreading' })
    const signed = progress({ isHeadSignoffRequired: true, decisions: [approve('head', 4)] })
    expect(afterStages(signed)).toMatchObject({ phase: 'signed_off' })
    const outdated = progress({ isHeadSignoffRequired: true, decisions: [approve('head', 4, false)] })
    expect(afterStages(outdated)).toMatchObject({ phase: 'head_signoff' })
    expect(afterStages(progress({ proofreadRoundsRequired: 0, proofreadRoundsDone: 0 }))).toMatchObject({ phase: 'signed_off' })
  })

  it('counts a configured 签发 stage held by the head as the head’s signature', () => {
    const withHead: Workflow = { ...defaultWorkflow, stages: [...defaultWorkflow.stages, { key: 'sign', name: '签发', permission: 'story.signoff.head', requiresHeadSignoff: true }] }
    expect(isHeadSignoffRequired(withHead, false)).toBe(true)
    expect(isHeadSignoffRequired(defaultWorkflow, false)).toBe(false)
    expect(isHeadSignoffRequired(defaultWorkflow, true)).toBe(true)
    expect(hasHeadSignoff(withHead, [approve('head', 3)])).toBe(true)
    expect(afterApproval(progress({ workflow: withHead, isHeadSignoffRequired: true, decisions: [approve('head', 3)] }), 3)).toMatchObject({ phase: 'signed_off' })
  })

  it('never lets the author review, nor one person act at two levels of a cycle', () => {
    expect(separationProblem({ actorId: 'a', authorId: 'a', stageIndex: 0, decisions: [] })).toBe('REVIEW_OWN_STORY')
    expect(separationProblem({ actorId: 'e', authorId: 'a', stageIndex: 1, decisions: [approve('e', 0)] })).toBe('REVIEW_SAME_PERSON_TWO_LEVELS')
    // An approval an edit invalidated still counts: after a restart people come back to their own level only.
    expect(separationProblem({ actorId: 'e', authorId: 'a', stageIndex: 1, decisions: [approve('e', 0, false)] })).toBe('REVIEW_SAME_PERSON_TWO_LEVELS')
    expect(separationProblem({ actorId: 'e', authorId: 'a', stageIndex: 0, decisions: [approve('e', 0, false)] })).toBeNull()
    expect(separationProblem({ actorId: 's', authorId: 'a', stageIndex: 1, decisions: [approve('e', 0)] })).toBeNull()
  })

  it('lets a proofreader come back, but not for two rounds in a row', () => {
    expect(proofreadProblem({ actorId: 'p', authorId: 'a', lastProofreaderId: null })).toBeNull()
    expect(proofreadProblem({ actorId: 'p', authorId: 'a', lastProofreaderId: 'p' })).toBe('PROOFREAD_CONSECUTIVE_ROUNDS')
    expect(proofreadProblem({ actorId: 'p', authorId: 'a', lastProofreaderId: 'q' })).toBeNull()
    expect(proofreadProblem({ actorId: 'a', authorId: 'a', lastProofreaderId: null })).toBe('REVIEW_OWN_STORY')
  })

  describe('restart after an edit', () => {
    const fromStart: Workflow = { ...defaultWorkflow, restartPolicy: 'from_start' }
    const fromChanged: Workflow = { ...defaultWorkflow, restartPolicy: 'from_changed_stage' }
    const twoApproved = [approve('e', 0), approve('s', 1)]

    it('from_start: back to stage 0 with every approval outdated; nothing to do before the first approval', () => {
      expect(restartAfterEdit({ workflow: fromStart, current: positionAt(fromStart, 2), decisions: twoApproved }))
        .toMatchObject({ position: { stageIndex: 0, key: 'first' }, invalidateFromStage: 0 })
      expect(restartAfterEdit({ workflow: fromStart, current: positionAt(fromStart, 0), decisions: [] })).toBeNull()
      expect(restartAfterEdit({ workflow: fromStart, current: positionAt(fromStart, 0), decisions: [approve('e', 0, false)] })).toBeNull()
    })

    it('from_changed_stage: the pending stage stays and earlier approvals stand', () => {
      expect(restartAfterEdit({ workflow: fromChanged, current: positionAt(fromChanged, 2), decisions: twoApproved })).toBeNull()
      expect(restartAfterEdit({ workflow: fromChanged, current: positionAt(fromChanged, 1), decisions: [approve('e', 0)] })).toBeNull()
    })

    it('from_changed_stage: past the last stage, the last stage and the head sign-off start again', () => {
      const all = [...twoApproved, approve('c', 2)]
      for (const current of [positionAt(fromChanged, 3), positionAt(fromChanged, 4), { ...positionAt(fromChanged, 4), phase: 'signed_off' as const }]) {
        expect(restartAfterEdit({ workflow: fromChanged, current, decisions: [...all, approve('h', 4)] }))
          .toMatchObject({ position: { stageIndex: 2, key: 'final' }, invalidateFromStage: 2 })
      }
    })
  })

  it('computes a stage’s deadline from its time limit', () => {
    const timed: Workflow = { ...defaultWorkflow, stages: defaultWorkflow.stages.map((s, i) => (i === 0 ? { ...s, timeLimitHours: 2 } : s)) }
    const entered = new Date('2026-11-05T01:00:00Z')
    expect(deadlineOf(positionAt(timed, 0), entered)?.toISOString()).toBe('2026-11-05T03:00:00.000Z')
    expect(deadlineOf(positionAt(timed, 1), entered)).toBeNull()
  })
})
