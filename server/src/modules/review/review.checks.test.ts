import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/harness.js'
import { createStory, decide, editStory, expectOk, signInCrew, submit, trailOf, type Crew } from './review.testing.js'

describe('checks on submit: blocks stop it until fixed or overridden with a reason', () => {
  let t: TestApp
  let crew: Crew

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('refuses a blocked submission listing the hits, then passes it once a reviewer overrides with a reason', async () => {
    const id = await createStory(crew.reporter, { body: '<p>外电报道称台湾总统出席了活动，本台记者现场报道。</p>' })
    const blocked = await submit(crew.reporter, id)
    expect(blocked.statusCode).toBe(422)
    expect(blocked.json()).toMatchObject({
      code: 'STORY_CHECKS_BLOCKED',
      hits: [expect.objectContaining({ ruleId: 'territory.taiwan-leader', field: 'body', start: 5, end: 9, quote: '台湾总统', severity: 'block', suggestion: '台湾地区领导人' })],
    })
    expect((await crew.reporter.get(`/api/v1/stories/${id}`)).json().state).toBe('draft')

    const byAuthor = await crew.reporter.post(`/api/v1/stories/${id}/check-overrides`, { ruleId: 'territory.taiwan-leader', start: 5, end: 9, reason: '引用外电原文' })
    expect(byAuthor.statusCode).toBe(403)
    const tooShort = await crew.editor.post(`/api/v1/stories/${id}/check-overrides`, { ruleId: 'territory.taiwan-leader', start: 5, end: 9, reason: '可以' })
    expect(tooShort.statusCode).toBe(400)
    expect(tooShort.json().errors).toEqual([expect.objectContaining({ field: 'reason' })])
    const noHit = await crew.editor.post(`/api/v1/stories/${id}/check-overrides`, { ruleId: 'territory.taiwan-leader', start: 4, end: 9, reason: '引用外电原文，已核实' })
    expect(noHit.statusCode).toBe(422)
    expect(noHit.json().code).toBe('CHECK_OVERRIDE_NO_HIT')

    const override = await crew.editor.post(`/api/v1/stories/${id}/check-overrides`, { ruleId: 'territory.taiwan-leader', start: 5, end: 9, reason: '转引外电原话，发布前改为间接引语' })
    expectOk(override, 201)
    expect(override.json()).toMatchObject({ field: 'body', quote: '台湾总统', userName: '东湖编辑（初审）', versionNumber: 1 })

    const passed = await submit(crew.reporter, id)
    expectOk(passed)
    expect(passed.json().checks.hits).toEqual([expect.objectContaining({ ruleId: 'territory.taiwan-leader', overrideId: override.json().id })])
    const view = (await crew.section.get(`/api/v1/stories/${id}/review`)).json()
    expect(view).toMatchObject({ submitter: { id: expect.any(String), name: expect.any(String), at: expect.any(String) }, bodyText: expect.any(String), title: expect.any(String) })
    expect(view.bodyText.length).toBeGreaterThan(0)
    expect(view.checks.hits).toHaveLength(1)
    expect(view.overrides).toEqual([expect.objectContaining({ reason: '转引外电原话，发布前改为间接引语' })])
    expect((await trailOf(t, id)).audit).toEqual(['story.create', 'story.submit:failure', 'story.check_override', 'story.submit'])
  })

  it('ties an override to the exact version: an edit needs a new one', async () => {
    const id = await createStory(crew.reporter, { title: '哇塞，活动很精彩', body: '<p>活动现场气氛热烈。</p>' })
    const first = await submit(crew.reporter, id)
    expect(first.json().hits).toEqual([expect.objectContaining({ ruleId: 'vulgar.wasai', field: 'title', start: 0, end: 2 })])
    expectOk(await crew.editor.post(`/api/v1/stories/${id}/check-overrides`, { field: 'title', ruleId: 'vulgar.wasai', start: 0, end: 2, reason: '栏目名称如此，已请示' }), 201)
    await editStory(crew.reporter, id, { body: '<p>活动现场气氛热烈，群众纷纷点赞。</p>' })
    const again = await submit(crew.reporter, id)
    expect(again.statusCode).toBe(422)
    await editStory(crew.reporter, id, { title: '活动很精彩' })
    expectOk(await submit(crew.reporter, id))
  })

  it('keeps hits for the reviewers that need a look but do not block', async () => {
    const id = await createStory(crew.reporter, { body: '<p>会议要求各部门警钟常鸣，抓好安全生产。</p>' })
    const res = await submit(crew.reporter, id)
    expectOk(res)
    expect(res.json().checks.hits).toEqual([expect.objectContaining({ ruleId: expect.stringMatching(/^typo\./), quote: '警钟常鸣', overrideId: null })])
    expect(res.json().checks.hits[0].severity).not.toBe('block')
    expectOk(await decide(crew.editor, id, 'approve'))
  })

  it('flags body images without caption or credit (ranged over the images) and records the tenant\'s rule-set version', async () => {
    const img = 'src="https://img.example.gov.cn/a.jpg"'
    const id = await createStory(crew.reporter, {
      body: `<p>会议现场气氛热烈。</p><figure><img ${img} alt="会场" /><figcaption>会议现场（记者 李四 摄）</figcaption></figure><p><img ${img} alt="主席台" /></p>`,
    })
    // The center makes 某某热词 a block of its own, then the author removes it; the version is in force at submit.
    const saved = await crew.chief.post('/api/v1/checks/rule-set/versions', {
      changes: { disabled: [], severities: [], allow: [], exceptions: [], terms: [{ category: 'cautious', severity: 'hint', terms: ['气氛热烈'], message: '本中心提示：少用套话', suggestion: null }] },
      expectedVersion: 0, note: '套话提示',
    })
    expectOk(saved, 201)
    const res = await submit(crew.reporter, id)
    expectOk(res)
    const { ruleSetVersion, hits } = res.json().checks
    expect(ruleSetVersion).toMatch(/\+district-a\.1$/)
    expect(hits).toEqual([
      expect.objectContaining({ ruleId: saved.json().changes.terms[0].id, field: 'body', quote: '气氛热烈', severity: 'hint' }),
      expect.objectContaining({ ruleId: 'link.image-caption', field: 'image', start: 1, end: 2, quote: '主席台', severity: 'review', image: expect.objectContaining({ index: 1 }) }),
    ])
    const record = (await crew.chief.get(`/api/v1/stories/${id}/record`)).json()
    expect(JSON.stringify(record)).toContain(ruleSetVersion)
  })
})
