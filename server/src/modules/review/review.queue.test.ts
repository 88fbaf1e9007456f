import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { createStory, decide, expectOk, grantRole, proofread, setWorkflow, signInCrew, submit, type Crew } from './review.testing.js'

type Item = { storyId: string; task: string; stage: { key: string }; deadline: string | null; isOverdue: boolean }

async function queueOf(client: Client, query = ''): Promise<Item[]> {
  const res = await client.get(`/api/v1/review/queue${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}
const idsOf = (items: Item[]) => items.map((i) => i.storyId)

describe('the review queue: what each person may act on now, with deadlines', () => {
  let t: TestApp
  let crew: Crew
  let a: string
  let b: string

  beforeAll(async () => {
    t = await buildTestApp()
    crew = await signInCrew(t)
    await grantRole(t, { username: 'district-a.operator', role: 'proofreader', tenant: 'district-a' })
    // 初审 has a time limit of about a second, so a story can be overdue within the test.
    await setWorkflow(crew.chief, {
      stages: [
        { key: 'first', name: '初审', permission: 'story.review.first', timeLimitHours: 0.0003 },
        { key: 'second', name: '复审', permission: 'story.review.second', timeLimitHours: 24 },
        { key: 'final', name: '终审', permission: 'story.review.final' },
      ],
    })
    a = await createStory(crew.reporter, { title: '第一篇待审稿件' })
    b = await createStory(crew.reporter, { title: '第二篇待审稿件' })
    expectOk(await submit(crew.reporter, a))
    expectOk(await submit(crew.reporter, b))
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('offers a stage to those holding its permission, never to the author or another tenant', async () => {
    expect(idsOf(await queueOf(crew.editor))).toEqual(expect.arrayContaining([a, b]))
    expect(await queueOf(crew.section)).toEqual([])
    expect(await queueOf(crew.reporter)).toEqual([])
    expect(await queueOf(await signIn(t.app, 'district-b.editor'))).toEqual([])

    expectOk(await decide(crew.editor, a, 'approve'))
    expect(idsOf(await queueOf(crew.editor))).toEqual([b])
    const section = await queueOf(crew.section)
    expect(section).toEqual([expect.objectContaining({ storyId: a, task: 'review', stage: expect.objectContaining({ key: 'second' }), isOverdue: false })])
    expect(Date.parse(section[0].deadline!) - Date.now()).toBeGreaterThan(23 * 3_600_000)
  })

  it('offers 校对 rounds to proofreaders, but not the next round to the one who did the last', async () => {
    const operator = await signIn(t.app, 'district-a.operator')
    const before = await queueOf(crew.proofreader)
    expect(before.map((i) => [i.storyId, i.task]).sort()).toEqual([[a, 'proofread'], [b, 'proofread']].sort())
    expectOk(await proofread(crew.proofreader, b))
    expect(idsOf(await queueOf(crew.proofreader))).toEqual([a])
    expect(idsOf(await queueOf(operator))).toEqual(expect.arrayContaining([a, b]))
  })

  it('marks stages past their deadline and filters them with overdue=true', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1300))
    const all = await queueOf(crew.editor)
    expect(all).toEqual([expect.objectContaining({ storyId: b, isOverdue: true, stage: expect.objectContaining({ key: 'first', isOverdue: true }) })])
    expect(idsOf(await queueOf(crew.editor, '?overdue=true'))).toEqual([b])
    expect(await queueOf(crew.section, '?overdue=true')).toEqual([])
    expect(idsOf(await queueOf(crew.section))).toEqual([a])

    // The story list shows each story's stage and deadline, and filters by stage and overdue.
    const list = async (query: string) => (await crew.editor.get(`/api/v1/stories${query}`)).json().items as Array<{ id: string; stage: Item['stage'] & { name: string; isOverdue: boolean; deadline: string | null } | null }>
    const overdue = await list('?overdue=true')
    expect(overdue.map((s) => s.id)).toEqual([b])
    expect(overdue[0].stage).toEqual({ key: 'first', name: expect.any(String), deadline: expect.any(String), isOverdue: true })
    const listed = await list('')
    expect(listed.find((s) => s.id === a)?.stage).toMatchObject({ key: 'second', isOverdue: false })
    expect((await list('?stage=1')).map((s) => s.id)).toEqual([a])
    expect((await list('?stage=0')).map((s) => s.id)).toEqual([b])
    expect(await list('?overdue=true&state=draft')).toEqual(overdue.map(() => expect.objectContaining({ id: b })))
    expect((await (await signIn(t.app, 'district-b.editor')).get('/api/v1/stories?overdue=true')).json().items).toEqual([])
  })

  it('pages with a cursor, soonest deadline first', async () => {
    const operator = await signIn(t.app, 'district-a.operator')
    const first = (await operator.get('/api/v1/review/queue?limit=1')).json()
    expect(first.items).toHaveLength(1)
    expect(first.items[0].storyId).toBe(b)
    const second = (await operator.get(`/api/v1/review/queue?limit=1&cursor=${first.nextCursor}`)).json()
    expect(second.items.map((i: Item) => i.storyId)).toEqual([a])
    expect(second.nextCursor).toBeNull()
    expect((await operator.get('/api/v1/review/queue?cursor=nonsense')).statusCode).toBe(400)
  })

  it('keeps a recalled story out of every queue', async () => {
    expectOk(await crew.reporter.post(`/api/v1/stories/${b}/recall`))
    expect(idsOf(await queueOf(crew.editor))).not.toContain(b)
    expect(idsOf(await queueOf(crew.proofreader))).not.toContain(b)
    const again = await submit(crew.reporter, b)
    expectOk(again)
    expect(again.json().cycle).toBe(2)
    expect(idsOf(await queueOf(crew.editor))).toContain(b)
  })
})
