import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import { countText } from '../../kernel/text/count.js'
import { getForReview, getVersion, listVersions } from '../stories/stories.service.js'
import * as store from './review.store.js'
import { decisionView, iso, isoOrNull, overrideView, proofreadView, type StoredHit } from './review.views.js'
import { workflowFromSnapshot, type ReviewActing } from './review.workflow.js'

/**
 * The signed review record (信息发布登记审核表) of one story as data: the story, its versions,
 * every cycle with its checks, decisions and 校对 rounds, the overrides, and the sign-off. The
 * JSON reply, the .docx and the PDF are all made from this one object.
 */
export interface ReviewRecord {
  generatedAt: string
  tenant: { id: string; name: string }
  story: {
    id: string; title: string; authorId: string; authorName: string; byline: string; section: string; source: string
    wordCount: number; charCount: number; state: string; isImportant: boolean; versionNumber: number; versionHash: string
  }
  versions: Array<{ number: number; hash: string; reason: string; createdBy: string; createdByName: string; createdAt: string }>
  cycles: Array<{
    cycle: number; phase: string; submittedAt: string; submittedBy: string; submittedByName: string; versionNumber: number; versionHash: string
    stages: Array<{ index: number; key: string; name: string; permission: string }>
    proofreadRounds: { done: number; required: number }
    isHeadSignoffRequired: boolean
    checks: { ruleSetVersion: string; hits: StoredHit[] }
    decisions: ReturnType<typeof decisionView>[]
    proofreads: ReturnType<typeof proofreadView>[]
    closedAt: string | null
  }>
  overrides: ReturnType<typeof overrideView>[]
  /** The sign-off: when, which version, and who signed last (the last stage, the head). */
  signOff: {
    at: string; cycle: number; versionNumber: number; versionHash: string
    signers: Array<{ stage: string; stageName: string; userId: string; userName: string; at: string }>
  } | null
}

/** The valid approvals that signed a cycle off: the last configured stage's, and the head's. */
function signersOf(cycle: store.CycleRow, decisions: readonly store.DecisionRow[]) {
  const stages = workflowFromSnapshot(cycle.workflow).stages
  return decisions
    .filter((d) => d.cycle === cycle.cycle && d.decision === 'approve' && d.invalidated_at === null)
    .filter((d) => d.stage_index >= stages.length - 1 || stages[d.stage_index]?.permission === 'story.signoff.head')
    .map((d) => ({ stage: d.stage_key, stageName: d.stage_name, userId: d.user_id, userName: d.user_name, at: iso(d.at) }))
}

export function createRecordService({ db }: { db: Database }) {
  /** The record of a story of the acting tenant (404 for another tenant's). */
  async function build(acting: ReviewActing, storyId: string): Promise<ReviewRecord> {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const story = await getForReview(trx, scope, storyId, { isForUpdate: false })
      const current = await getVersion(trx, scope, storyId, story.versionNumber)
      const versions = (await listVersions(trx, scope, storyId)).sort((a, b) => a.number - b.number)
      const cycles = await store.listCycles(trx, scope, storyId)
      const decisions = await store.listDecisions(trx, scope, storyId)
      const proofreads = await store.listProofreads(trx, scope, storyId)
      const overrides = await store.listOverrides(trx, scope, storyId)
      const names = await store.findUserNames(trx, scope, [story.authorId, ...versions.map((v) => v.createdBy)])
      const counts = countText(story.bodyText)
      const signed = story.state === 'signed_off' ? cycles.filter((c) => c.phase === 'signed_off').at(-1) : undefined
      return {
        generatedAt: new Date().toISOString(),
        tenant: { id: acting.tenant.id, name: acting.tenant.name },
        story: {
          id: story.id, title: story.title, authorId: story.authorId, authorName: names.get(story.authorId) ?? '',
          byline: current.content.byline, section: current.content.section, source: current.content.source,
          wordCount: counts.wordCount, charCount: counts.characters, state: story.state, isImportant: story.isImportant,
          versionNumber: story.versionNumber, versionHash: story.versionHash,
        },
        versions: versions.map((v) => ({
          number: v.number, hash: v.hash, reason: v.reason, createdBy: v.createdBy, createdByName: names.get(v.createdBy) ?? '', createdAt: iso(v.createdAt),
        })),
        cycles: cycles.map((c) => ({
          cycle: c.cycle, phase: c.phase, submittedAt: iso(c.submitted_at), submittedBy: c.submitted_by, submittedByName: c.submitted_by_name,
          versionNumber: c.version_number, versionHash: c.version_hash,
          stages: workflowFromSnapshot(c.workflow).stages.map((s, index) => ({ index, key: s.key, name: s.name, permission: s.permission })),
          proofreadRounds: { done: c.proofread_rounds_done, required: c.proofread_rounds_required },
          isHeadSignoffRequired: c.is_head_signoff_required,
          checks: { ruleSetVersion: c.rule_set_version, hits: c.check_hits as StoredHit[] },
          decisions: decisions.filter((d) => d.cycle === c.cycle).map(decisionView),
          proofreads: proofreads.filter((p) => p.cycle === c.cycle).map(proofreadView),
          closedAt: isoOrNull(c.closed_at),
        })),
        overrides: overrides.map(overrideView),
        signOff: signed && signed.closed_at ? {
          at: iso(signed.closed_at), cycle: signed.cycle, versionNumber: story.versionNumber, versionHash: story.versionHash,
          signers: signersOf(signed, decisions),
        } : null,
      }
    })
  }

  return { build }
}

export type RecordService = ReturnType<typeof createRecordService>
