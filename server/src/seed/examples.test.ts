import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, DEMO_PASSWORD, signIn, type TestApp } from '../../test/harness.js'
import { drain, deliverEvents, runnerDeps } from '../modules/publishing/publishing.testing.js'
import { seedDemoExamples, type ExamplesResult } from './examples.js'

/** The example work `npm start` makes in the demo centers, through the API as the demo users. */
describe('demo examples', { timeout: 120_000 }, () => {
  let t: TestApp
  let made: ExamplesResult

  beforeAll(async () => {
    t = await buildTestApp()
    made = await seedDemoExamples({ config: t.config, db: t.db, password: DEMO_PASSWORD })
  }, 120_000)
  afterAll(async () => { await t?.close() })

  it('makes five stories and five messages in each demo center', () => {
    expect(made).toEqual({ centers: ['district-a', 'district-b'], stories: 10, tickets: 10, skipped: [] })
  })

  it('leaves a story at every step of review, each center seeing only its own', async () => {
    for (const center of ['district-a', 'district-b']) {
      const chief = await signIn(t.app, `${center}.chief`)
      const items = (await chief.get('/api/v1/stories?limit=50')).json().items as Array<{ state: string; title: string }>
      expect(items.map((s) => s.state).sort()).toEqual(['draft', 'in_review', 'in_review', 'signed_off', 'signed_off'])
      const district = center === 'district-a' ? '东湖' : '西山'
      expect(items.every((s) => s.title.startsWith(district))).toBe(true)
    }
  })

  it('queues the published story for the website and the feed; the workers put it on the public site', async () => {
    const operator = await signIn(t.app, 'district-a.operator')
    const queued = (await operator.get('/api/v1/publications')).json().items as Array<{ status: string; storyId: string }>
    expect(queued.map((p) => p.status)).toEqual(['queued', 'queued'])
    await deliverEvents(t)
    await drain(t, runnerDeps(t))
    const live = (await operator.get(`/api/v1/stories/${queued[0]!.storyId}/publications`)).json().items as Array<{ status: string; url: string }>
    expect(live.map((p) => p.status)).toEqual(['live', 'live'])
    const page = await t.app.inject({ method: 'GET', url: live[0]!.url })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('东湖区新增十二处公共充电桩')
  })

  it('leaves a message at every step of handling, the answered one rated', async () => {
    const dispatcher = await signIn(t.app, 'district-b.dispatcher')
    const items = (await dispatcher.get('/api/v1/tickets?limit=50')).json().items as Array<{ id: string; state: string; title: string }>
    expect(items.map((i) => i.state).sort()).toEqual(['closed', 'in_progress', 'reply_review', 'routed', 'submitted'])
    const closed = (await dispatcher.get(`/api/v1/tickets/${items.find((i) => i.state === 'closed')!.id}`)).json()
    expect(closed.ratings).toEqual([expect.objectContaining({ rating: 'satisfied' })])
    // The department sees what was routed to it, not the new message.
    const handler = await signIn(t.app, 'district-b.handler')
    const workbench = (await handler.get('/api/v1/tickets?limit=50')).json().items as Array<{ state: string }>
    expect(workbench.map((i) => i.state).sort()).toEqual(['closed', 'in_progress', 'reply_review', 'routed'])
  })

  it('is made once: a second run finds stories in both centers and adds nothing', async () => {
    expect(await seedDemoExamples({ config: t.config, db: t.db, password: DEMO_PASSWORD })).toEqual({ centers: [], stories: 0, tickets: 0, skipped: ['district-a', 'district-b'] })
    const chief = await signIn(t.app, 'district-a.chief')
    expect((await chief.get('/api/v1/stories?limit=50')).json().items).toHaveLength(5)
  })
})
