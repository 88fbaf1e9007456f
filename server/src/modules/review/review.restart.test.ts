import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { createStory, decide, editStory, expectOk, setWorkflow, signInCrew, submit, trailOf, type Crew } from './review.testing.js'
import { auditEntries } from '../../../test/factories/tenancy.js'

type Decision = { stage: string; isValid: boolean; versionNumber: number }
const validity = (story: { decisions: Decision[] }) => story.decisions.map((d) => `${d.stage}:${d.isValid ? 'valid' : 'outdated'}`)

describe('re-review after an edit, per the tenant’s restart policy', () => {
  let t: TestApp
  let crew: Crew

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('from_start: an edit after approvals sends the story back to 初审 and shows the reviewer the diff', async () => {
    await setWorkflow(crew.chief, { restartPolicy: 'from_start', proofreadRoundsRequired: 0 })
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve'))
    expectOk(await decide(crew.section, id, 'approve'))

    // The chief edits while 终审 is pending: every approval of the cycle is outdated.
    const edited = await editStory(crew.chief, id, { body: '<p>会议听取了全区经济运行情况汇报，研究部署第四季度重点工作。</p>' })
    expect(edited).toMatchObject({ state: 'in_review', stage: { index: 0, key: 'first' }, versionNumber: 2 })
    expect(validity(edited)).toEqual(['first:outdated', 'second:outdated'])

    const view = (await crew.editor.get(`/api/v1/stories/${id}/review`)).json()
    expect(view.diffSinceMyLastApproval).toMatchObject({ fromVersion: 1, toVersion: 2, stage: 'first' })
    expect(view).toMatchObject({ canDecide: true, stage: { key: 'first' } })
    expect(view.stages.slice(0, 3).map((s: { status: string }) => s.status)).toEqual(['pending', 'outdated', 'waiting'])
    const diff = await crew.editor.get(`/api/v1/stories/${id}/diff?from=${view.diffSinceMyLastApproval.fromVersion}&to=${view.diffSinceMyLastApproval.toVersion}`)
    expectOk(diff)

    // The same people act again at the same levels (separation of duties holds across the restart).
    expectOk(await decide(crew.editor, id, 'approve'))
    expectOk(await decide(crew.section, id, 'approve'))
    expect((await decide(crew.chief, id, 'approve')).json().state).toBe('signed_off')
    expect((await trailOf(t, id)).events).toContain('story.review_restarted')
    expect((await trailOf(t, id)).audit).toContain('review.restart')
    // The restart entry carries the editor's request like the other audited actions.
    const [restart] = (await auditEntries(t.db, 'review.restart')).filter((e) => e.target_id === id)
    expect(restart).toMatchObject({ ip: expect.any(String), request_id: expect.any(String), actor_name: expect.any(String) })

    // Signed off and then edited: back into review from the start.
    const reopened = await editStory(crew.chief, id, { title: '区政府召开常务会议研究部署第四季度重点工作' })
    expect(reopened).toMatchObject({ state: 'in_review', stage: { key: 'first' }, versionNumber: 3 })
    expect(validity(reopened)).toEqual(['first:outdated', 'second:outdated', 'first:outdated', 'second:outdated', 'final:outdated'])
  })

  it('from_start: an edit before any approval changes nothing about the review', async () => {
    await setWorkflow(crew.chief, { restartPolicy: 'from_start', proofreadRoundsRequired: 0 })
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    const edited = await editStory(crew.editor, id, { body: '<p>初审时改了一句话。</p>' })
    expect(edited).toMatchObject({ state: 'in_review', stage: { key: 'first' } })
    expect((await trailOf(t, id)).events).not.toContain('story.review_restarted')
  })

  it('from_changed_stage: the pending stage stays, earlier approvals stand; after the last stage it goes back to 终审', async () => {
    await setWorkflow(crew.chief, { restartPolicy: 'from_changed_stage', proofreadRoundsRequired: 0 })
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve'))

    // The section head edits while 复审 is pending: 初审's approval stands, 复审 approves the changed text.
    const atSecond = await editStory(crew.section, id, { body: '<p>复审时修改了表述。</p>' })
    expect(atSecond).toMatchObject({ state: 'in_review', stage: { key: 'second' } })
    expect(validity(atSecond)).toEqual(['first:valid'])
    expect((await trailOf(t, id)).events).not.toContain('story.review_restarted')

    expectOk(await decide(crew.section, id, 'approve'))
    expect((await decide(crew.chief, id, 'approve')).json().state).toBe('signed_off')

    // Signed off, then edited: the change belongs to the last stage; 初审 and 复审 stand.
    const reopened = await editStory(crew.section, id, { body: '<p>签发后又改了一处。</p>' })
    expect(reopened).toMatchObject({ state: 'in_review', stage: { index: 2, key: 'final' } })
    expect(validity(reopened)).toEqual(['first:valid', 'second:valid', 'final:outdated'])
    const chiefView = (await crew.chief.get(`/api/v1/stories/${id}/review`)).json()
    expect(chiefView.diffSinceMyLastApproval).toMatchObject({ fromVersion: 2, toVersion: 3, stage: 'final' })
    expect((await decide(crew.chief, id, 'approve')).json().state).toBe('signed_off')
    const record = (await crew.chief.get(`/api/v1/stories/${id}/record`)).json()
    expect(record.signOff).toMatchObject({ versionNumber: 3 })
  })
})
