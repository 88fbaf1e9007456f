import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { StoryState } from '../../db/schema.js'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'
import { registerReviewHooks, type StoryEdited } from './stories.hooks.js'
import { setReviewState } from './stories.service.js'

describe('stories API: saving, autosave and the edit lock', () => {
  let t: TestApp
  let reporter: Client
  let editor: Client
  let section: Client
  let unregister: (() => void) | null = null

  beforeAll(async () => {
    t = await buildTestApp()
    reporter = await signIn(t.app, 'district-a.reporter')
    editor = await signIn(t.app, 'district-a.editor')
    section = await signIn(t.app, 'district-a.section')
  }, 60_000)
  afterAll(async () => { await t.close() }, 60_000)
  afterEach(() => {
    unregister?.()
    unregister = null
  })

  async function newStory(client: Client, title = '稿件', body = '<p>第一版正文。</p>') {
    const res = await client.post('/api/v1/stories', { title, body, kind: 'article' })
    expect(res.statusCode).toBe(201)
    return res.json() as { id: string; tenantId: string; versionHash: string }
  }

  async function moveState(story: { id: string; tenantId: string }, expectedState: StoryState, state: StoryState, stageIndex: number | null) {
    await inScope(t.db, tenantScope(story.tenantId), (trx) => setReviewState(trx, tenantScope(story.tenantId), { storyId: story.id, expectedState, state, stageIndex }))
  }

  async function expireLock(storyId: string) {
    await inScope(t.db, systemScope, (trx) => trx.updateTable('stories').set({ lock_expires_at: new Date(Date.now() - 1000) }).where('id', '=', storyId).execute())
  }

  it('saves a new version from the version it started from, and refuses a stale base with 409', async () => {
    const story = await newStory(reporter)
    const saved = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, body: '<p>第二版正文。</p>' })
    expect(saved.statusCode).toBe(200)
    expect(saved.json()).toMatchObject({ versionNumber: 2, body: '<p>第二版正文。</p>', title: '稿件' })
    expect(saved.json().versions.map((v: { number: number; reason: string }) => [v.number, v.reason])).toEqual([[2, 'save'], [1, 'save']])
    expect(saved.json().versionHash).not.toBe(story.versionHash)
    // The saver holds the lock afterwards.
    expect(saved.json().lock).toMatchObject({ holderName: '东湖记者' })

    const stale = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, body: '<p>覆盖？</p>' })
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', baseVersion: 1, currentVersion: 2 })
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json()).toMatchObject({ versionNumber: 2, body: '<p>第二版正文。</p>' })

    // Saving the same content again makes no version.
    const same = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 2, body: '<p>第二版正文。</p>' })
    expect(same.json().versionNumber).toBe(2)
    const events = await inScope(t.db, systemScope, (trx) => trx.selectFrom('outbox_events').select('payload').where('type', '=', 'story.updated').execute())
    expect(events.map((e) => e.payload).filter((p) => p.storyId === story.id)).toEqual([
      { storyId: story.id, versionNumber: 2, previousVersionNumber: 1, changedBy: saved.json().authorId, reason: 'save' },
    ])
  })

  it('gives the lock to one person at a time, names the holder, and frees it when the lease expires', async () => {
    const story = await newStory(reporter)
    const taken = await editor.post(`/api/v1/stories/${story.id}/lock`)
    expect(taken.statusCode).toBe(200)
    expect(taken.json()).toMatchObject({ holderName: '东湖编辑（初审）', versionNumber: 1 })
    const expiresAt = Date.parse(taken.json().expiresAt)
    expect(expiresAt - Date.now()).toBeGreaterThan(100_000)
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(120_000)

    for (const res of [
      await reporter.post(`/api/v1/stories/${story.id}/lock`),
      await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '作者改' }),
      await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 1, title: '作者改' }),
      await reporter.delete(`/api/v1/stories/${story.id}/lock`),
    ]) {
      expect(res.statusCode).toBe(409)
      expect(res.json()).toMatchObject({ code: 'STORY_LOCKED', holderId: taken.json().holderId, holderName: '东湖编辑（初审）', expiresAt: taken.json().expiresAt })
    }
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json().lock).toMatchObject({ holderName: '东湖编辑（初审）' })

    // Renewing extends the holder's own lease.
    expect((await editor.post(`/api/v1/stories/${story.id}/lock`)).statusCode).toBe(200)

    await expireLock(story.id)
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json().lock).toBeNull()
    const after = await reporter.post(`/api/v1/stories/${story.id}/lock`)
    expect(after.statusCode).toBe(200)
    expect(after.json().holderName).toBe('东湖记者')

    expect((await reporter.delete(`/api/v1/stories/${story.id}/lock`)).statusCode).toBe(204)
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json().lock).toBeNull()
    const actions = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select('action').where('target_id', '=', story.id).orderBy('seq').execute())
    expect(actions.map((a) => a.action)).toEqual(['story.create', 'story.lock', 'story.lock', 'story.unlock'])
  })

  it('keeps autosaved text per user: a reload gets it back, a save turns it into a version', async () => {
    const story = await newStory(reporter)
    expect((await reporter.get(`/api/v1/stories/${story.id}/draft`)).json()).toEqual({ draft: null })

    const first = await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 1, title: '草稿标题', body: '<p>正在输入的文字<script>x()</script></p>' })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ baseVersion: 1, wordCount: 7, lock: { holderName: '东湖记者' } })
    expect(first.json().sanitizerRemoved).toEqual([{ tag: 'script', reason: 'tag_not_allowed' }])
    // A later autosave with only the body keeps the title of the earlier one.
    await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 1, body: '<p>正在输入的文字，继续</p>' })

    const draft = (await reporter.get(`/api/v1/stories/${story.id}/draft`)).json().draft
    expect(draft).toMatchObject({ baseVersion: 1, title: '草稿标题', body: '<p>正在输入的文字，继续</p>', wordCount: 9 })
    expect(Date.parse(draft.savedAt)).toBeGreaterThan(Date.now() - 10_000)
    // Autosave makes no version and does not change the story.
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json()).toMatchObject({ versionNumber: 1, title: '稿件' })
    // Someone else's draft is theirs alone.
    expect((await editor.get(`/api/v1/stories/${story.id}/draft`)).json()).toEqual({ draft: null })

    const saved = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: draft.title, body: draft.body })
    expect(saved.json()).toMatchObject({ versionNumber: 2, title: '草稿标题' })
    expect((await reporter.get(`/api/v1/stories/${story.id}/draft`)).json()).toEqual({ draft: null })
    const stale = await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 1, body: '<p>旧版上的草稿</p>' })
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', currentVersion: 2 })
  })

  it('takeover keeps the previous holder’s unsaved draft as a version before the lock moves', async () => {
    const story = await newStory(reporter, '接管测试')
    await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 1, body: '<p>记者还没保存的文字</p>' })

    // Without story.edit a reporter cannot take a lock over (route permission).
    const otherReporterStory = await newStory(editor, '编辑的稿件')
    await editor.post(`/api/v1/stories/${otherReporterStory.id}/lock`)
    const refused = await reporter.post(`/api/v1/stories/${otherReporterStory.id}/lock/takeover`)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN', permission: 'story.edit' })

    const res = await editor.post(`/api/v1/stories/${story.id}/lock/takeover`)
    expect(res.statusCode).toBe(200)
    const reporterId = (await reporter.get('/api/v1/me')).json().user.id
    expect(res.json()).toMatchObject({
      holderName: '东湖编辑（初审）', versionNumber: 2, savedVersion: 2, previousHolder: { id: reporterId, name: '东湖记者' },
    })
    const after = (await editor.get(`/api/v1/stories/${story.id}`)).json()
    expect(after).toMatchObject({ versionNumber: 2, body: '<p>记者还没保存的文字</p>', lock: { holderName: '东湖编辑（初审）' } })
    expect(after.versions[0]).toMatchObject({ number: 2, reason: 'takeover', createdBy: reporterId, createdByName: '东湖记者' })
    // The draft became the version; the previous holder is now locked out.
    expect((await reporter.get(`/api/v1/stories/${story.id}/draft`)).json()).toEqual({ draft: null })
    expect((await reporter.put(`/api/v1/stories/${story.id}/draft`, { baseVersion: 2, body: '<p>继续打字</p>' })).json().code).toBe('STORY_LOCKED')

    const audit = await inScope(t.db, systemScope, (trx) => trx.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', story.id).where('action', '=', 'story.lock_takeover').execute())
    expect(audit).toEqual([{ action: 'story.lock_takeover', details: { previousHolderId: reporterId, savedVersion: 2, isDraftKept: false } }])
  })

  it('lets only the author (draft/returned) or story.edit holders edit, and nobody a rejected story', async () => {
    const story = await newStory(reporter, '审核中')
    await moveState(story, 'draft', 'in_review', 0)
    const byAuthor = await reporter.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '作者改' })
    expect(byAuthor.statusCode).toBe(422)
    expect(byAuthor.json()).toMatchObject({ code: 'STORY_STATE_INVALID', state: 'in_review' })
    expect((await reporter.get(`/api/v1/stories/${story.id}`)).json().canEdit).toBe(false)

    const edits: StoryEdited[] = []
    unregister = registerReviewHooks({
      async onStoryEdited(_trx, _scope, edit) { edits.push(edit) },
      async describe(_trx, _scope, s) {
        return { stage: { index: s.stageIndex ?? 0, key: 'first', name: '初审' }, decisions: [{ userId: 'u', stage: 'first', decision: 'approve', versionHash: 'h', at: '2026-01-01T00:00:00.000Z' }], review: { proofreadRounds: 0 } }
      },
    })
    const bySection = await section.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, title: '部门主任改' })
    expect(bySection.statusCode).toBe(200)
    expect(bySection.json()).toMatchObject({
      state: 'in_review', versionNumber: 2, stage: { index: 0, key: 'first', name: '初审' }, review: { proofreadRounds: 0 },
      decisions: [{ userId: 'u', stage: 'first', decision: 'approve', versionHash: 'h', at: '2026-01-01T00:00:00.000Z' }],
    })
    expect(edits).toEqual([{
      storyId: story.id, fromVersion: 1, toVersion: 2, editorId: bySection.json().versions[0].createdBy,
      audit: expect.objectContaining({ actorId: bySection.json().versions[0].createdBy, requestId: expect.any(String) }),
    }])
    // A draft's edits are none of review's business.
    const draftStory = await newStory(reporter)
    await reporter.put(`/api/v1/stories/${draftStory.id}`, { baseVersion: 1, title: '草稿改' })
    expect(edits).toHaveLength(1)

    await moveState(story, 'in_review', 'rejected', null)
    const rejected = await section.put(`/api/v1/stories/${story.id}`, { baseVersion: 2, title: '否决后再改' })
    expect(rejected.statusCode).toBe(422)
    expect(rejected.json().code).toBe('STORY_NOT_EDITABLE')
    expect((await section.post(`/api/v1/stories/${story.id}/lock`)).statusCode).toBe(422)
  })

  it('lets the author recall a story from review, once, and nobody else', async () => {
    const story = await newStory(reporter, '撤回测试')
    expect((await reporter.post(`/api/v1/stories/${story.id}/recall`)).json().code).toBe('STORY_STATE_INVALID')
    await moveState(story, 'draft', 'in_review', 1)
    expect((await editor.post(`/api/v1/stories/${story.id}/recall`)).statusCode).toBe(403)
    const res = await reporter.post(`/api/v1/stories/${story.id}/recall`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ state: 'draft', stageIndex: null, canEdit: true, canDelete: false })
    expect(res.json().submittedAt).toEqual(expect.any(String))
    const events = await inScope(t.db, systemScope, (trx) => trx.selectFrom('outbox_events').select('payload').where('type', '=', 'story.recalled_from_review').execute())
    expect(events.map((e) => e.payload).filter((p) => p.storyId === story.id)).toEqual([
      { storyId: story.id, versionNumber: 1, stageIndex: 1, recalledBy: res.json().authorId },
    ])
    // Once submitted, a story is part of the record: it can no longer be deleted.
    expect((await reporter.delete(`/api/v1/stories/${story.id}`)).json().code).toBe('STORY_STATE_INVALID')
  })

  it('lets exactly one of two simultaneous lock requests or saves win (real concurrency on Postgres)', async () => {
    const story = await newStory(reporter, '并发测试')
    const locks = await Promise.all([editor.post(`/api/v1/stories/${story.id}/lock`), section.post(`/api/v1/stories/${story.id}/lock`)])
    expect(locks.map((r) => r.statusCode).sort()).toEqual([200, 409])
    const winner = locks[0].statusCode === 200 ? editor : section

    const saves = await Promise.all(['<p>甲</p>', '<p>乙</p>'].map((body) => winner.put(`/api/v1/stories/${story.id}`, { baseVersion: 1, body })))
    expect(saves.map((r) => r.statusCode).sort()).toEqual([200, 409])
    const after = (await reporter.get(`/api/v1/stories/${story.id}`)).json()
    expect(after.versionNumber).toBe(2)
    expect(after.body).toBe(saves.find((r) => r.statusCode === 200)!.json().body)
  })

  it('refuses a review state change from a state the story is no longer in', async () => {
    const story = await newStory(reporter)
    await expect(moveState(story, 'in_review', 'signed_off', null)).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})
