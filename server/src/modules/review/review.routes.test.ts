import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import {
  createStory, decide, editStory, expectOk, grantRole, proofread, setWorkflow, signInCrew, submit, trailOf, userId, type Crew,
} from './review.testing.js'

describe('三审三校 over HTTP: submit, three levels, 校对, sign-off', () => {
  let t: TestApp
  let crew: Crew

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
    // A second proofreader, so three rounds need not be done by one person twice in a row.
    await grantRole(t, { username: 'district-a.operator', role: 'proofreader', tenant: 'district-a' })
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('takes a story from the reporter through 初审, 复审, 终审 and three 校对 rounds to signed_off', async () => {
    const operator = await signIn(t.app, 'district-a.operator')
    const id = await createStory(crew.reporter)

    const submitted = await submit(crew.reporter, id)
    expectOk(submitted)
    expect(submitted.json()).toMatchObject({ state: 'in_review', cycle: 1, stage: { index: 0, key: 'first', name: '初审', deadline: null, isOverdue: false } })
    const detail = (await crew.reporter.get(`/api/v1/stories/${id}`)).json()
    expect(detail).toMatchObject({ state: 'in_review', stage: { index: 0, key: 'first', name: '初审' }, decisions: [] })

    expectOk(await decide(crew.editor, id, 'approve'))
    expect((await crew.reporter.get(`/api/v1/stories/${id}`)).json().stage).toMatchObject({ index: 1, key: 'second', name: '复审' })
    expectOk(await decide(crew.section, id, 'approve'))
    const final = await decide(crew.chief, id, 'approve', { comment: '同意签发' })
    expectOk(final)
    // Three levels done, three 校对 rounds still missing: the story waits at the proofreading pseudo-stage.
    expect(final.json()).toMatchObject({ state: 'in_review', stage: { index: 3, key: 'proofreading', name: '校对' } })
    const early = await decide(crew.chief, id, 'approve')
    expect(early.statusCode).toBe(409)
    expect(early.json().code).toBe('REVIEW_AWAITING_PROOFREADING')

    expectOk(await proofread(crew.proofreader, id))
    const twice = await proofread(crew.proofreader, id)
    expect(twice.statusCode).toBe(403)
    expect(twice.json().code).toBe('PROOFREAD_CONSECUTIVE_ROUNDS')
    expectOk(await proofread(operator, id, { marks: [], comment: '二校无误' }))
    const last = await proofread(crew.proofreader, id, { marks: [], comment: '三校' })
    expectOk(last)
    expect(last.json()).toMatchObject({ state: 'signed_off', stage: null, proofread: { round: 3, userName: '东湖校对' } })

    const story = (await crew.reporter.get(`/api/v1/stories/${id}`)).json()
    expect(story.state).toBe('signed_off')
    expect(story.stage).toBeNull()
    const ids = { editor: await userId(t, 'district-a.editor'), section: await userId(t, 'district-a.section'), chief: await userId(t, 'district-a.chief') }
    expect(story.decisions).toEqual([
      expect.objectContaining({ userId: ids.editor, stage: 'first', decision: 'approve', versionHash: story.versionHash, at: expect.any(String) }),
      expect.objectContaining({ userId: ids.section, stage: 'second', decision: 'approve', versionHash: story.versionHash }),
      expect.objectContaining({ userId: ids.chief, stage: 'final', decision: 'approve', versionHash: story.versionHash, comment: '同意签发' }),
    ])
    expect(story.review).toMatchObject({ cycle: 1, phase: 'signed_off', proofreadRounds: { done: 3, required: 3 } })
    expect(story.signedOffAt).not.toBeNull()

    const trail = await trailOf(t, id)
    expect(trail.events).toEqual([
      'story.created', 'story.submitted', 'story.approved', 'story.approved', 'story.approved',
      'story.proofread', 'story.proofread', 'story.proofread', 'story.signed_off',
    ])
    expect(trail.audit).toEqual([
      'story.create', 'story.submit', 'story.approve', 'story.approve', 'story.approve',
      'story.proofread', 'story.proofread', 'story.proofread', 'story.sign_off',
    ])
  })

  it('refuses a decision by the wrong role with 403 naming the stage, and one on a story not in review with 409', async () => {
    const id = await createStory(crew.reporter)
    const draft = await decide(crew.editor, id, 'approve')
    expect(draft.statusCode).toBe(409)
    expect(draft.json().code).toBe('REVIEW_WRONG_STATE')

    expectOk(await submit(crew.reporter, id))
    for (const who of [crew.section, crew.chief, crew.reporter, crew.proofreader]) {
      const res = await decide(who, id, 'approve')
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.review.first', stage: { key: 'first', name: '初审' } })
      expect(res.json().detail).toContain('初审')
    }
    const other = await signIn(t.app, 'district-b.editor')
    expect((await decide(other, id, 'approve')).statusCode).toBe(404)
  })

  it('keeps separation of duties: no author reviews their own story, nobody acts at two levels', async () => {
    await grantRole(t, { username: 'district-a.editor', role: 'section_head', tenant: 'district-a' })
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve'))
    const second = await decide(crew.editor, id, 'approve')
    expect(second.statusCode).toBe(403)
    expect(second.json()).toMatchObject({ code: 'REVIEW_SAME_PERSON_TWO_LEVELS', stage: { key: 'second' } })
    // The editor's queue does not offer the 复审 they may not do.
    const queue = (await crew.editor.get('/api/v1/review/queue')).json()
    expect(queue.items.map((i: { storyId: string }) => i.storyId)).not.toContain(id)
    expectOk(await decide(crew.section, id, 'approve'))

    const own = await createStory(crew.editor, { title: '编辑自己写的稿件' })
    expectOk(await submit(crew.editor, own))
    const mine = await decide(crew.editor, own, 'approve')
    expect(mine.statusCode).toBe(403)
    expect(mine.json().code).toBe('REVIEW_OWN_STORY')
    const view = (await crew.editor.get(`/api/v1/stories/${own}/review`)).json()
    expect(view).toMatchObject({ canDecide: false, decideRefusal: { code: 'REVIEW_OWN_STORY' } })
  })

  it('lets only one of two simultaneous decisions at one stage through', async () => {
    // Two people who may do 初审 and nothing else (the demo editor was given 复审 above).
    const first: Client[] = []
    for (const username of ['district-a.dispatcher', 'district-a.inspector']) {
      await grantRole(t, { username, role: 'editor', tenant: 'district-a' })
      first.push(await signIn(t.app, username))
    }
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    const results = await Promise.all(first.map((client) => decide(client, id, 'approve')))
    // The second waits for the first, then finds the story at 复审, which it may not do.
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 403])
    const story = (await crew.reporter.get(`/api/v1/stories/${id}`)).json()
    expect(story.decisions).toHaveLength(1)
    expect(story.stage.key).toBe('second')
  })

  it('returns with anchored comments, takes the edit and the resubmission as a new cycle', async () => {
    const body = '<p>会议强调，要警钟长鸣，切实抓好安全生产工作。</p>'
    const id = await createStory(crew.reporter, { body })
    expectOk(await submit(crew.reporter, id))

    const noComment = await crew.editor.post(`/api/v1/stories/${id}/decisions`, { decision: 'return' })
    expect(noComment.statusCode).toBe(400)
    expect(noComment.json().errors).toEqual([expect.objectContaining({ field: 'comment' })])
    const badAnchor = await decide(crew.editor, id, 'return', { anchors: [{ start: 0, end: 4, quote: '不是原文', note: '?' }] })
    expect(badAnchor.statusCode).toBe(400)
    expect(badAnchor.json().errors).toEqual([expect.objectContaining({ field: 'anchors.0.quote' })])

    const returned = await decide(crew.editor, id, 'return', { comment: '请补充具体措施', anchors: [{ start: 0, end: 4, quote: '会议强调', note: '谁的会议？' }] })
    expectOk(returned)
    expect(returned.json()).toMatchObject({ state: 'returned', stage: null, decision: { decision: 'return', anchors: [{ quote: '会议强调' }] } })

    await editStory(crew.reporter, id, { body: '<p>区安委会会议强调，要警钟长鸣，切实抓好安全生产工作。</p>' })
    const again = await submit(crew.reporter, id)
    expectOk(again)
    expect(again.json()).toMatchObject({ cycle: 2, stage: { key: 'first' } })
    expectOk(await decide(crew.editor, id, 'approve'))
    const story = (await crew.reporter.get(`/api/v1/stories/${id}`)).json()
    expect(story.decisions.map((d: { cycle: number; decision: string; versionHash: string }) => [d.cycle, d.decision, d.versionHash === story.versionHash]))
      .toEqual([[1, 'return', false], [2, 'approve', true]])
    expect((await trailOf(t, id)).events).toContain('story.returned')
  })

  it('rejects for good: a rejected story cannot be submitted again', async () => {
    const id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    expect((await decide(crew.editor, id, 'reject', { comment: '选题重复' })).json().state).toBe('rejected')
    const res = await submit(crew.reporter, id)
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('REVIEW_WRONG_STATE')
  })

  it('makes 重要信息 wait for the head of the unit after 终审', async () => {
    await setWorkflow(crew.chief, { proofreadRoundsRequired: 0 })
    const id = await createStory(crew.reporter, { isImportant: true })
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve'))
    expectOk(await decide(crew.section, id, 'approve'))
    const final = await decide(crew.chief, id, 'approve')
    expect(final.json()).toMatchObject({ state: 'in_review', stage: { key: 'head_signoff', permission: 'story.signoff.head' } })
    const queue = (await crew.leader.get('/api/v1/review/queue')).json()
    expect(queue.items).toEqual(expect.arrayContaining([expect.objectContaining({ storyId: id, task: 'head_signoff' })]))
    const chiefAgain = await decide(crew.chief, id, 'approve')
    expect(chiefAgain.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.signoff.head' })
    const signed = await decide(crew.leader, id, 'approve', { comment: '同意发布' })
    expect(signed.json()).toMatchObject({ state: 'signed_off', decision: { stage: 'head_signoff', stageName: '负责人签发' } })
  })
})
