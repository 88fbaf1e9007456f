import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { inScope, systemScope } from '../../db/scope.js'
import { seedDemo } from '../../seed/demo.js'
import { createTestDatabase, DEMO_PASSWORD, testDbKind, type TestApp, type TestDatabase } from '../../../test/harness.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/vendors/webhook.js'
import { startWechatServer, type WechatServer } from '../../../test/vendors/wechat.js'
import { photoWithGps, runWorker, upload } from '../assets/fixtures/files.js'
import { expectOk } from '../review/review.testing.js'
import { accountIds, newsroom, signedOffStory, type Newsroom } from './publishing.testing.js'

const SECRET_KEY = 'restart-test-secret-key-0123456789abcdef'

/**
 * Kill the worker mid-publish (SIGKILL while the partner's server holds the request), start it
 * again: nothing is lost and nothing is published twice. Needs real processes sharing a Postgres
 * server (the embedded database is one process by design).
 */
describe.runIf(testDbKind === 'postgres')('publishing survives a killed worker', () => {
  let testDb: TestDatabase
  let t: TestApp
  let room: Newsroom
  let hook: WebhookReceiver
  let wx: WechatServer
  const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-worker-'))
  const children: ChildProcess[] = []

  function startWorker(env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
    let log = ''
    const child = spawn(process.execPath, ['bin/rongmei.js', 'worker'], {
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: testDb.url!, RONGMEI_SECRET_KEY: SECRET_KEY, RONGMEI_DATA_DIR: workerDir,
        RONGMEI_PUBLISH_INTERVAL_MS: '200', RONGMEI_PUBLISH_LEASE_MS: '3000', ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (d) => { log += d })
    child.stderr!.on('data', (d) => { log += d })
    children.push(child)
    return { child, output: () => log }
  }

  beforeAll(async () => {
    testDb = await createTestDatabase()
    await seedDemo(testDb.db, { password: DEMO_PASSWORD })
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-test-'))
    const config = loadConfig({ NODE_ENV: 'test', RONGMEI_DATA_DIR: dataDir, RONGMEI_SECRET_KEY: SECRET_KEY }, { loginRateLimitPerMinute: 1000 })
    const app = await buildApp({ config, db: testDb.db })
    await app.ready()
    t = { app, db: testDb.db, config, dataDir, close: async () => { await app.close(); await testDb.drop(); fs.rmSync(dataDir, { recursive: true, force: true }) } }
    room = await newsroom(t)
    hook = await startWebhookReceiver()
    wx = await startWechatServer()
  }, 180_000)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await hook.close()
    await wx.close()
    await t.close()
    fs.rmSync(workerDir, { recursive: true, force: true })
  }, 60_000)

  it('re-sends after the lease ends with the same idempotency key; the partner applies it once', async () => {
    const ids = await accountIds(room.operator)
    const created = await room.operator.post('/api/v1/accounts', { channel: 'webhook', name: '合作平台', settings: { url: hook.url }, credentials: { secret: hook.secret } })
    expectOk(created, 201)
    const webhookId = created.json().id
    const storyId = await signedOffStory(room)

    const held = hook.holdNext()
    expectOk(await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [webhookId, ids.website] }), 202)
    const first = startWorker()
    await Promise.race([held.arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no delivery:\n${first.output()}`)), 240_000))])
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    held.release()

    const status = async () => (await room.operator.get(`/api/v1/stories/${storyId}/publications`)).json().items as Array<{ channel: string; status: string }>
    expect((await status()).find((p) => p.channel === 'webhook')!.status).toBe('sending')

    const second = startWorker()
    const deadline = Date.now() + 240_000
    while (!(await status()).every((p) => p.status === 'live')) {
      if (Date.now() > deadline) throw new Error(`not live after restart: ${JSON.stringify(await status())}\n${second.output()}`)
      await new Promise((r) => setTimeout(r, 300))
    }
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))

    // The partner saw the delivery twice (the first answer was lost with the process) and applied it once.
    expect(hook.deliveries.filter((d) => d.body.event === 'publication.publish')).toHaveLength(2)
    expect(new Set(hook.deliveries.map((d) => d.key)).size).toBe(1)
    expect(hook.applied.size).toBe(1)
    const trail = await inScope(t.db, systemScope, async (trx) => ({
      sent: await trx.selectFrom('audit_log').select('action').where('action', '=', 'publication.sent').execute(),
      jobs: await trx.selectFrom('publication_jobs').select(['state', 'attempts', 'action']).where('action', '=', 'publish').execute(),
      live: await trx.selectFrom('outbox_events').select('payload').where('type', '=', 'publication.live').execute(),
    }))
    expect(trail.sent).toHaveLength(2)
    expect(trail.live).toHaveLength(2)
    expect(trail.jobs.map((j) => j.state)).toEqual(['done', 'done'])
    expect(Math.max(...trail.jobs.map((j) => j.attempts))).toBe(2)
  }, 600_000)

  it('a WeChat submit whose answer died with the worker is found with batchget after the restart, and published once', async () => {
    const created = await room.operator.post('/api/v1/accounts', { channel: 'wechat_oa', name: '东湖发布', settings: { apiBase: wx.apiBase }, credentials: { appId: wx.appId, appSecret: wx.appSecret } })
    expectOk(created, 201)
    const uploaded = await upload(room.crew.reporter, { file: await photoWithGps(), fields: { title: '会议现场', caption: '常务会议现场' } })
    expectOk(uploaded, 201)
    await runWorker(t.db)
    const storyId = await signedOffStory(room, { title: '区政府召开防汛工作会议', coverAssetId: uploaded.json().id })

    // WeChat carries out the submit and holds its answer; the worker dies waiting for it.
    const held = wx.holdNext('/cgi-bin/freepublish/submit')
    expectOk(await room.operator.post(`/api/v1/stories/${storyId}/publications`, { accounts: [created.json().id] }), 202)
    // The worker reads the cover from the app's files and the public address from its own environment.
    const env = { RONGMEI_DATA_DIR: t.dataDir, RONGMEI_PUBLIC_URL: 'https://news.donghu.example.cn' }
    const first = startWorker(env)
    await Promise.race([held.arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no submit:\n${first.output()}`)), 240_000))])
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    held.release()
    expect(wx.submits).toBe(1)
    expect(wx.drafts[0].article.content_source_url).toBe(`https://news.donghu.example.cn/s/district-a/stories/${storyId}`)

    // What survived the process: the draft and the submit under way, recorded before the call; no publish_id.
    const remote = async () => inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('publications').select(['remote', 'status', 'url']).where('story_id', '=', storyId).executeTakeFirstOrThrow()))
    const died = await remote()
    expect(died.status).toBe('sending')
    expect(died.remote).toMatchObject({ draftMediaId: wx.drafts[0].mediaId, submittedAt: expect.any(String), publishId: null })

    // WeChat finishes publishing; the restarted worker finds the article instead of submitting again.
    const done = wx.finish([...wx.jobs.keys()][0], 0)
    const second = startWorker(env)
    const deadline = Date.now() + 240_000
    while ((await remote()).status !== 'live') {
      if (Date.now() > deadline) throw new Error(`not live after restart: ${JSON.stringify(await remote())}\n${second.output()}`)
      await new Promise((r) => setTimeout(r, 300))
    }
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))

    expect(await remote()).toMatchObject({ status: 'live', url: done.url, remote: { articleId: done.articleId } })
    expect([wx.submits, wx.drafts.length, wx.thumbs]).toEqual([1, 1, 1])
    expect(wx.calls).toContain('/cgi-bin/freepublish/batchget')
  }, 600_000)
})
