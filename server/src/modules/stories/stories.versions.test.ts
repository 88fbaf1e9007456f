import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'

interface Change { type: 'equal' | 'added' | 'removed'; value: string }
const joined = (changes: Change[], type: Change['type']) => changes.filter((c) => c.type === type).map((c) => c.value).join('|')

describe('stories API: versions, diff and restore', () => {
  let t: TestApp
  let reporter: Client
  let storyId: string

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
    storyId = (await reporter.post('/api/v1/stories', {
      title: '市政府召开第十二次常务会议', body: '<p>会议研究部署近期重点工作。</p><p>会议强调安全生产。</p>', tags: ['政务'],
    })).json().id
    const saved = await reporter.put(`/api/v1/stories/${storyId}`, {
      baseVersion: 1, title: '市政府召开第十三次常务会议', body: '<p>会议研究部署下半年重点工作。</p><h2>安全生产</h2><p>会议强调安全生产。</p>', tags: ['政务', '会议'],
    })
    expect(saved.statusCode).toBe(200)
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)

  it('returns any version in full', async () => {
    const res = await reporter.get(`/api/v1/stories/${storyId}/versions/1`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      number: 1, reason: 'save', createdByName: '东湖记者', title: '市政府召开第十二次常务会议',
      body: '<p>会议研究部署近期重点工作。</p><p>会议强调安全生产。</p>', tags: ['政务'], wordCount: 20,
    })
    expect((await reporter.get(`/api/v1/stories/${storyId}/versions/9`)).statusCode).toBe(404)
  })

  it('diffs two versions side by side: title and body word by word, blocks, other fields', async () => {
    const res = await reporter.get(`/api/v1/stories/${storyId}/diff?from=1&to=2`)
    expect(res.statusCode).toBe(200)
    const diff = res.json()
    expect(diff.from).toMatchObject({ number: 1, title: '市政府召开第十二次常务会议' })
    expect(diff.to).toMatchObject({ number: 2, title: '市政府召开第十三次常务会议' })

    expect(diff.title.isApproximate).toBe(false)
    expect(joined(diff.title.changes, 'removed')).toContain('二')
    expect(joined(diff.title.changes, 'added')).toContain('三')
    expect(joined(diff.title.changes, 'equal')).toContain('常务会议')
    // Reading the changes back gives each side exactly.
    expect(diff.title.changes.filter((c: Change) => c.type !== 'added').map((c: Change) => c.value).join('')).toBe(diff.from.title)
    expect(diff.title.changes.filter((c: Change) => c.type !== 'removed').map((c: Change) => c.value).join('')).toBe(diff.to.title)

    expect(joined(diff.body.changes, 'removed')).toContain('近期')
    expect(joined(diff.body.changes, 'added')).toContain('下半年')
    expect(joined(diff.body.changes, 'equal')).toContain('会议强调安全生产。')

    expect(diff.blocks).toEqual([
      { type: 'removed', html: '<p>会议研究部署近期重点工作。</p>' },
      { type: 'added', html: '<p>会议研究部署下半年重点工作。</p>' },
      { type: 'added', html: '<h2>安全生产</h2>' },
      { type: 'equal', html: '<p>会议强调安全生产。</p>' },
    ])
    expect(diff.fields).toEqual([{ field: 'tags', from: ['政务'], to: ['政务', '会议'] }])
    expect((await reporter.get(`/api/v1/stories/${storyId}/diff?from=1&to=7`)).statusCode).toBe(404)
    expect((await reporter.get(`/api/v1/stories/${storyId}/diff?from=1`)).json().errors[0].field).toBe('querystring.to')
  })

  it('restores an old version as the newest, by the rules of a save', async () => {
    const story = (await reporter.get(`/api/v1/stories/${storyId}`)).json()
    const v1 = story.versions.find((v: { number: number }) => v.number === 1)

    const stale = await reporter.post(`/api/v1/stories/${storyId}/versions/1/restore`, { baseVersion: 1 })
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', currentVersion: 2 })

    const res = await reporter.post(`/api/v1/stories/${storyId}/versions/1/restore`, { baseVersion: 2 })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      versionNumber: 3, title: '市政府召开第十二次常务会议', tags: ['政务'], versionHash: v1.hash, wordCount: 20,
    })
    expect(res.json().versions[0]).toMatchObject({ number: 3, reason: 'restore', hash: v1.hash })
    const diff = (await reporter.get(`/api/v1/stories/${storyId}/diff?from=1&to=3`)).json()
    expect(diff.blocks.every((b: { type: string }) => b.type === 'equal')).toBe(true)
    expect(diff.fields).toEqual([])

    // Restoring what is already current changes nothing.
    expect((await reporter.post(`/api/v1/stories/${storyId}/versions/3/restore`, { baseVersion: 3 })).json().versionNumber).toBe(3)
    const audit = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', storyId).where('action', '=', 'story.restore').execute())
    expect(audit).toEqual([{ action: 'story.restore', details: expect.objectContaining({ fromVersion: 2, toVersion: 3, restoredFrom: 1 }) }])
  })

  it('refuses a restore by someone who may not edit the story', async () => {
    const proofreader = await signIn(t.app, 'district-a.proofreader')
    const res = await proofreader.post(`/api/v1/stories/${storyId}/versions/2/restore`, { baseVersion: 3 })
    expect(res.statusCode).toBe(403)
  })
})
