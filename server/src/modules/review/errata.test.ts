import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type TestApp } from '../../../test/harness.js'
import { beijingDay, beijingDayStart } from './errata.service.js'
import { createStory, decide, expectOk, setWorkflow, signInCrew, submit, trailOf, userId, type Crew } from './review.testing.js'

describe('差错管理: errors found in review and after publication, counted per person and period', () => {
  let t: TestApp
  let crew: Crew
  let id: string
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
    await setWorkflow(crew.chief, { proofreadRoundsRequired: 0 })
    for (const name of ['reporter', 'editor', 'section', 'chief', 'proofreader']) ids[name] = await userId(t, `district-a.${name}`)
    id = await createStory(crew.reporter)
    expectOk(await submit(crew.reporter, id))
    expectOk(await decide(crew.editor, id, 'approve'))
    expectOk(await decide(crew.section, id, 'approve'))
    expectOk(await decide(crew.chief, id, 'approve'))
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('records an error with the people answerable, by default the author', async () => {
    const res = await crew.chief.post(`/api/v1/stories/${id}/errors`, {
      foundStage: 'post_publication', category: 'name_title', severity: 'severe', description: '“区人大副主任”应为“区人大常委会副主任”',
      reviewerIds: [ids.editor, ids.section],
    })
    expectOk(res, 201)
    expect(res.json()).toMatchObject({
      storyId: id, foundStage: 'post_publication', category: 'name_title', categoryLabel: '人名、职务、机构名称差错', severity: 'severe',
      foundByName: '东湖总编辑（终审）', versionNumber: 1,
      people: expect.arrayContaining([
        { userId: ids.reporter, name: '东湖记者', role: 'author' },
        { userId: ids.editor, name: '东湖编辑（初审）', role: 'reviewer' },
        { userId: ids.section, name: '东湖部门主任（复审）', role: 'reviewer' },
      ]),
    })
    expectOk(await crew.editor.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'wording', description: '错别字：截止→截至' }), 201)
    const list = (await crew.reporter.get(`/api/v1/stories/${id}/errors`)).json()
    expect(list.items.map((e: { category: string }) => e.category)).toEqual(['name_title', 'wording'])
    expect((await trailOf(t, id)).audit.filter((a) => a === 'story.error.record')).toHaveLength(2)
  })

  it('refuses people who had no hand in the story, and callers who do not review', async () => {
    const stranger = await crew.chief.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'fact', description: '数字有误', reviewerIds: [ids.proofreader] })
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json().errors).toEqual([expect.objectContaining({ field: 'reviewerIds.0' })])
    const notAuthor = await crew.chief.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'fact', description: '数字有误', authorIds: [ids.editor] })
    expect(notAuthor.json().errors).toEqual([expect.objectContaining({ field: 'authorIds.0' })])
    const reporter = await crew.reporter.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'fact', description: '数字有误' })
    expect(reporter.statusCode).toBe(403)
    const badCategory = await crew.chief.post(`/api/v1/stories/${id}/errors`, { foundStage: 'review', category: 'gossip', description: 'x' })
    expect(badCategory.statusCode).toBe(400)
  })

  it('counts errors per author and per reviewer in a period', async () => {
    const today = beijingDay(new Date())
    const byAuthor = await crew.chief.get(`/api/v1/review/error-report?from=${today}&to=${today}&groupBy=author`)
    expectOk(byAuthor)
    expect(byAuthor.json()).toMatchObject({
      from: today, to: today, groupBy: 'author', totals: { errors: 2, severe: 1 },
      items: [{ userId: ids.reporter, name: '东湖记者', total: 2, severe: 1, byCategory: { name_title: 1, wording: 1 }, byMonth: [{ month: today.slice(0, 7), count: 2 }] }],
    })
    const byReviewer = (await crew.chief.get(`/api/v1/review/error-report?from=${today}&to=${today}&groupBy=reviewer`)).json()
    expect(byReviewer.items.map((i: { name: string; total: number }) => [i.name, i.total]).sort()).toEqual([['东湖编辑（初审）', 1], ['东湖部门主任（复审）', 1]])
    const defaults = (await crew.chief.get('/api/v1/review/error-report')).json()
    expect(defaults).toMatchObject({ to: today, groupBy: 'author', totals: { errors: 2 } })

    const past = (await crew.chief.get('/api/v1/review/error-report?from=2020-01-01&to=2020-12-31')).json()
    expect(past).toMatchObject({ totals: { errors: 0, severe: 0 }, items: [] })
    expect((await crew.chief.get('/api/v1/review/error-report?from=2026-02-01&to=2026-01-01')).statusCode).toBe(400)
    expect((await crew.chief.get('/api/v1/review/error-report?from=yesterday')).statusCode).toBe(400)
  })

  it('shows the report to final reviewers and analysts only, and only their own tenant’s errors', async () => {
    expectOk(await (await signIn(t.app, 'district-a.operator')).get('/api/v1/review/error-report'))
    const editor = await crew.editor.get('/api/v1/review/error-report')
    expect(editor.statusCode).toBe(403)
    expect(editor.json().code).toBe('FORBIDDEN')
    const other = (await (await signIn(t.app, 'district-b.chief')).get('/api/v1/review/error-report')).json()
    expect(other.totals.errors).toBe(0)
  })

  it('takes Beijing days for the period', () => {
    expect(beijingDay(new Date('2026-11-05T16:30:00Z'))).toBe('2026-11-06')
    expect(beijingDayStart('2026-11-06').toISOString()).toBe('2026-11-05T16:00:00.000Z')
  })
})
