import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type TestApp } from '../../../test/harness.js'
import { createStory, decide, expectOk, signInCrew, submit, trailOf, type Crew } from './review.testing.js'
import { inScope, systemScope } from '../../db/scope.js'

const stages = [
  { key: 'first', name: '初审', permission: 'story.review.first' },
  { key: 'second', name: '复审', permission: 'story.review.second', timeLimitHours: 8 },
  { key: 'final', name: '终审', permission: 'story.review.final', timeLimitHours: 24 },
  { key: 'sign', name: '签发', permission: 'story.signoff.head', requiresHeadSignoff: true },
]

describe('the review workflow of a tenant', () => {
  let t: TestApp
  let crew: Crew

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('is 初审 → 复审 → 终审, from the start, three 校对 rounds until a tenant sets its own', async () => {
    const res = await crew.reporter.get('/api/v1/review/workflow')
    expectOk(res)
    expect(res.json()).toEqual({
      stages: [
        { key: 'first', name: '初审', permission: 'story.review.first' },
        { key: 'second', name: '复审', permission: 'story.review.second' },
        { key: 'final', name: '终审', permission: 'story.review.final' },
      ],
      restartPolicy: 'from_start', proofreadRoundsRequired: 3, isDefault: true, updatedAt: null, updatedBy: null,
    })
  })

  it('is changed only by holders of story.rules.manage, with an audit entry', async () => {
    const denied = await crew.editor.put('/api/v1/review/workflow', { stages, restartPolicy: 'from_changed_stage' })
    expect(denied.statusCode).toBe(403)
    expect(denied.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.rules.manage' })

    const res = await crew.chief.put('/api/v1/review/workflow', { stages, restartPolicy: 'from_changed_stage', proofreadRoundsRequired: 2 })
    expectOk(res)
    expect(res.json()).toMatchObject({ stages, restartPolicy: 'from_changed_stage', proofreadRoundsRequired: 2, isDefault: false })
    expect((await crew.reporter.get('/api/v1/review/workflow')).json().stages).toEqual(stages)
    // Another tenant keeps its own (default) workflow.
    expect((await (await signIn(t.app, 'district-b.reporter')).get('/api/v1/review/workflow')).json().isDefault).toBe(true)
    const entries = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'review.workflow.update').execute())
    expect(entries).toHaveLength(1)
    expect(entries[0].details).toMatchObject({ from: { restartPolicy: 'from_start' }, to: { restartPolicy: 'from_changed_stage', proofreadRoundsRequired: 2 } })
  })

  it('refuses bad workflows with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ stages: stages.slice(0, 2), restartPolicy: 'from_start' }, 'stages'],
      [{ stages: [...stages.slice(0, 3), { ...stages[0] }], restartPolicy: 'from_start' }, 'stages.3.key'],
      [{ stages: [...stages.slice(0, 3), { key: 'proofreading', name: '校对', permission: 'story.review.first' }], restartPolicy: 'from_start' }, 'stages.3.key'],
      [{ stages: [...stages.slice(0, 2), { key: 'x', name: '终审', permission: 'story.read' }], restartPolicy: 'from_start' }, 'stages.2.permission'],
      [{ stages, restartPolicy: 'sometimes' }, 'restartPolicy'],
      [{ stages, restartPolicy: 'from_start', proofreadRoundsRequired: 4 }, 'proofreadRoundsRequired'],
      [{ stages: stages.map((s, i) => (i === 1 ? { ...s, timeLimitHours: 0 } : s)), restartPolicy: 'from_start' }, 'stages.1.timeLimitHours'],
    ]
    for (const [body, field] of cases) {
      const res = await crew.chief.put('/api/v1/review/workflow', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field)
    }
  })

  it('keeps a story in review on the workflow it was submitted under', async () => {
    // The four-stage workflow above is in force: 签发 by the head is the fourth stage.
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    await crew.chief.put('/api/v1/review/workflow', { stages: stages.slice(0, 3), restartPolicy: 'from_start', proofreadRoundsRequired: 0 })
    expectOk(await decide(crew.editor, id, 'approve'))
    expectOk(await decide(crew.section, id, 'approve'))
    const final = await decide(crew.chief, id, 'approve')
    expect(final.json()).toMatchObject({ state: 'in_review', stage: { key: 'sign', name: '签发' } })
    // The head signs at the configured stage; that counts as the head's sign-off, then two 校对 rounds remain.
    const signed = await decide(crew.leader, id, 'approve')
    expect(signed.json()).toMatchObject({ state: 'in_review', stage: { key: 'proofreading' } })
    expect((await trailOf(t, id)).events.filter((e) => e === 'story.approved')).toHaveLength(4)
  })
})
