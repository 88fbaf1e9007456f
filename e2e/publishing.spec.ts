import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { request, type APIRequestContext, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { E2E_PASSWORD, launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')
const desktop = { width: 1366, height: 900 }
const phone = { width: 390, height: 844 }

/**
 * 发布中心 in a real browser: a story signed off through the API (reporter → 初审 → 复审 → 终审)
 * is checked in the publish dialog (a Weibo account with a wrong safe domain blocks 发布 with the
 * problem named) and published by the operator to the website and rss accounts; the
 * status board shows it live with its URL and the public page answers; the operator withdraws it
 * with a reason; the board says withdrawn and the public URL answers 410. The accounts register
 * (connection test), the tenant board and the calendar are visited and photographed.
 */
describe('publishing console', () => {
  let server: RunningServer
  let browser: Browser
  const title = `东湖区发布中心测试稿${Date.now().toString(36).slice(-4)}`
  let storyId = ''
  let liveUrl = ''
  const apis: APIRequestContext[] = []

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    // Every test signs several people in; the default of 20 logins a minute per address is for people.
    server = await startServer({ RONGMEI_LOGIN_RATE_LIMIT: '200' })
    browser = await launchBrowser()
  }, 180_000)
  afterAll(async () => {
    for (const a of apis) await a.dispose()
    await browser?.close()
    await server?.stop()
  })

  /** An API session of a demo user: cookie jar plus the CSRF token the server hands out at login. */
  const sessions = new Map<string, ReturnType<typeof login>>()
  /** One API session per user for the whole file (logins are rate limited per address). */
  const apiAs = (username: string) => {
    if (!sessions.has(username)) sessions.set(username, login(username))
    return sessions.get(username)!
  }
  async function login(username: string) {
    const ctx = await request.newContext({ baseURL: server.baseUrl })
    apis.push(ctx)
    const login = await ctx.post('/api/v1/auth/login', { data: { username, password: E2E_PASSWORD } })
    expect(login.status(), await login.text()).toBe(200)
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const send = async (method: 'POST' | 'PUT', url: string, data?: unknown) => {
      const res = await ctx.fetch(url, { method, data: data ?? {}, headers: { 'X-CSRF-Token': csrfToken } })
      expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true)
      return res.json() as Promise<Record<string, unknown>>
    }
    return {
      get: async (url: string) => (await ctx.get(url)).json() as Promise<Record<string, unknown>>,
      post: (url: string, data?: unknown) => send('POST', url, data),
      put: (url: string, data?: unknown) => send('PUT', url, data),
    }
  }

  async function openAs(username: string, viewport = desktop): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: viewport })
  }

  async function expectAccessible(page: Page) {
    const axe = await new AxeBuilder({ page: page as never }).analyze()
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  }

  it('signs a story off through the API: reporter, 初审, 复审, 终审', async () => {
    const chief = await apiAs('district-a.chief')
    // No proofreading rounds here: this test is about publishing, not 校对 (covered in stories.spec).
    await chief.put('/api/v1/review/workflow', {
      stages: [
        { key: 'first', name: '初审', permission: 'story.review.first' },
        { key: 'second', name: '复审', permission: 'story.review.second' },
        { key: 'final', name: '终审', permission: 'story.review.final' },
      ],
      restartPolicy: 'from_start', proofreadRoundsRequired: 0,
    })
    storyId = await signedOffStory(title)
    expect((await chief.get(`/api/v1/stories/${storyId}`)).state).toBe('signed_off')
  }, 60_000)

  /** A story written by the reporter and approved at 初审, 复审 and 终审 (no 校对 rounds configured). */
  async function signedOffStory(storyTitle: string): Promise<string> {
    const reporter = await apiAs('district-a.reporter')
    const created = await reporter.post('/api/v1/stories', {
      title: storyTitle, kind: 'article', section: '时政', summary: '东湖区召开专题会议部署发布工作。',
      body: '<p>3月5日，东湖区召开专题会议，部署全区融媒体发布工作。</p>',
    })
    const id = created.id as string
    await reporter.post(`/api/v1/stories/${id}/submit`)
    for (const who of ['district-a.editor', 'district-a.section', 'district-a.chief']) {
      const reviewer = await apiAs(who)
      await reviewer.post(`/api/v1/stories/${id}/decisions`, { decision: 'approve', comment: '同意' })
    }
    return id
  }

  it('shows the accounts register with the seeded website and rss accounts and tests a connection', async () => {
    const page = await openAs('district-a.operator')
    await page.goto(`${server.baseUrl}/console/publishing/accounts`)
    const website = page.locator('[data-testid="account-row"][data-channel="website"]')
    await website.waitFor()
    expect(await page.locator('[data-testid="account-row"][data-channel="rss"]').count()).toBe(1)
    await expect.poll(() => website.getByTestId('account-status').getAttribute('data-status')).toBe('active')
    await website.getByTestId('account-test').click()
    await page.getByText(/连接正常/).waitFor()
    await website.getByTestId('account-last-test').waitFor()

    // A webhook account asks for its signing secret; the form refuses to save without it.
    await page.getByTestId('account-new').click()
    await page.getByTestId('account-name').fill('合作平台推送')
    await page.getByTestId('account-setting-url').fill('http://127.0.0.1:9/hook')
    await page.getByTestId('account-save').click()
    await page.getByText('请填写签名密钥').waitFor()
    await page.screenshot({ path: path.join(shotsDir, 'publishing-account-form.png') })
    await page.keyboard.press('Escape')

    // A saved channel set of the two site accounts.
    await page.getByTestId('set-new').click()
    await page.getByTestId('set-name').fill('本中心网站与订阅')
    await page.getByTestId('set-accounts').click()
    await page.locator('.ant-select-item-option', { hasText: '网站' }).click()
    await page.locator('.ant-select-item-option', { hasText: 'RSS' }).click()
    await page.keyboard.press('Escape')
    await page.getByTestId('set-save').click()
    await page.locator('[data-testid="set-row"]', { hasText: '本中心网站与订阅' }).waitFor()

    await page.screenshot({ path: path.join(shotsDir, 'publishing-accounts-1366.png'), fullPage: true })
    await expectAccessible(page)
    await page.setViewportSize(phone)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-accounts-390.png'), fullPage: true })
    await page.context().close()
  }, 90_000)

  it('checks before sending: a channel problem blocks the dialog; then the operator publishes to the website and rss, and the board shows it live with the URL', async () => {
    // A Weibo account whose safe domain is not this site's: no platform is called before 发布.
    const operator = await apiAs('district-a.operator')
    await operator.post('/api/v1/accounts', { channel: 'weibo', name: '东湖发布微博', settings: { safeDomain: 'news.example.cn' }, credentials: { accessToken: 'e2e-token' } })
    const page = await openAs('district-a.operator')
    await page.goto(`${server.baseUrl}/console/stories/${storyId}`)
    await page.getByTestId('story-publish').click()
    const dialog = page.getByTestId('publish-dialog')
    await dialog.waitFor()

    // Nothing chosen: the dialog says so instead of sending.
    await page.getByTestId('publish-submit').click()
    await page.getByTestId('publish-error').filter({ hasText: '请至少选择一个账号' }).waitFor()

    // The check before sending: a Weibo account whose safe domain is not this site's is an error
    // the dialog names, with what to do, and 发布 stays blocked while it is chosen.
    const weiboCheck = dialog.locator('[data-testid="publish-check"][data-channel="weibo"]')
    await dialog.locator('[data-testid="publish-account"][data-channel="weibo"]').click()
    await dialog.locator('[data-testid="publish-check"][data-channel="weibo"][data-state="error"]').waitFor()
    await weiboCheck.locator('[data-testid="publish-problem"][data-severity="error"][data-code="WEIBO_LINK_OUTSIDE_SAFE_DOMAIN"]', { hasText: '安全域名' }).waitFor()
    await weiboCheck.getByTestId('publish-preview-text').filter({ hasText: `【${title}】` }).waitFor()
    await page.getByTestId('publish-check-blocked').filter({ hasText: '暂不能发布' }).waitFor()
    expect(await page.getByTestId('publish-submit').isDisabled()).toBe(true)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-dialog-blocked-1366.png') })

    // Without Weibo the check passes for both site accounts, and the publish goes through.
    await dialog.locator('[data-testid="publish-account"][data-channel="weibo"]').click()
    await dialog.locator('[data-testid="publish-account"][data-channel="website"]').click()
    await dialog.locator('[data-testid="publish-account"][data-channel="rss"]').click()
    await dialog.locator('[data-testid="publish-checks"][data-current="true"]').waitFor()
    await expect.poll(() => dialog.locator('[data-testid="publish-check"][data-state="ok"]').count()).toBe(2)
    expect(await weiboCheck.count()).toBe(0)
    expect(await page.getByTestId('publish-check-blocked').count()).toBe(0)
    await dialog.locator('[data-testid="publish-check"][data-channel="website"] [data-testid="publish-preview-title"]', { hasText: title }).waitFor()
    expect(await page.getByTestId('publish-submit').isDisabled()).toBe(false)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-dialog-1366.png') })
    await page.getByTestId('publish-submit').click()

    await page.waitForURL(new RegExp(`/console/publishing/stories/${storyId}$`))
    const rows = page.getByTestId('publication-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2)
    // Live on both, without reloading: the board polls while anything is in flight.
    await expect.poll(() => page.locator('[data-testid="publication-row"][data-status="live"]').count(), { timeout: 30_000 }).toBe(2)
    const url = page.locator('[data-testid="publication-row"][data-channel="website"] [data-testid="publication-url"]')
    liveUrl = (await url.getAttribute('href'))!
    expect(liveUrl).toContain(`/s/district-a/`)
    await expect.poll(() => page.getByTestId('pub-polling').count()).toBe(0)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-story-live-1366.png'), fullPage: true })
    await expectAccessible(page)
    await page.setViewportSize(phone)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-story-live-390.png'), fullPage: true })
    await page.context().close()
  }, 120_000)

  it('serves the story on the public site', async () => {
    // The URL is absolute with the configured public origin; the path is what this server answers.
    const res = await fetch(`${server.baseUrl}${new URL(liveUrl, server.baseUrl).pathname}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(title)
  })

  it('lists the publications on the tenant board and the calendar, a scheduled one as scheduled', async () => {
    // Two days ahead is always inside the six-week month grid that starts this month.
    const scheduledTitle = `${title}定时`
    const scheduledId = await signedOffStory(scheduledTitle)
    const operator = await apiAs('district-a.operator')
    const accounts = (await operator.get('/api/v1/accounts')).items as { id: string; channel: string }[]
    await operator.post(`/api/v1/stories/${scheduledId}/publications`, {
      accounts: [accounts.find((a) => a.channel === 'website')!.id], scheduleAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    })

    const page = await openAs('district-a.operator')
    await page.goto(`${server.baseUrl}/console/publishing`)
    await page.locator('[data-testid="board-story-link"]', { hasText: title }).first().waitFor()
    const scheduledRow = page.locator('[data-testid="publication-row"]', { hasText: scheduledTitle })
    await expect.poll(() => scheduledRow.getByTestId('publication-status').textContent()).toBe('定时待发')
    // The channel filter is applied by the server: only rss rows remain.
    await page.getByTestId('board-channel').click()
    await page.locator('.ant-select-item-option', { hasText: 'RSS/订阅源' }).click()
    await expect.poll(async () => {
      const channels = await page.locator('[data-testid="publication-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel')))
      return channels.length > 0 && channels.every((c) => c === 'rss')
    }).toBe(true)
    await page.getByTestId('board-status').click()
    await page.locator('.ant-select-item-option', { hasText: '发送失败' }).click()
    await page.getByText('没有符合条件的发布').waitFor()
    await page.screenshot({ path: path.join(shotsDir, 'publishing-board-1366.png'), fullPage: true })

    await page.goto(`${server.baseUrl}/console/publishing/calendar`)
    await page.locator('[data-testid="calendar-day"] li', { hasText: title }).first().waitFor()
    await page.locator('[data-testid="calendar-day"] li', { hasText: scheduledTitle }).waitFor()
    await page.screenshot({ path: path.join(shotsDir, 'publishing-calendar-month-1366.png'), fullPage: true })
    await expectAccessible(page)
    await page.getByTestId('calendar-mode').getByText('周').click()
    await page.locator('[data-testid="week-item"]', { hasText: title }).first().waitFor()
    await page.screenshot({ path: path.join(shotsDir, 'publishing-calendar-week-1366.png'), fullPage: true })
    await page.setViewportSize(phone)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-calendar-week-390.png'), fullPage: true })
    await page.context().close()
  }, 90_000)

  it('blocks publishing while an edited story is back in review, and corrects every live publication once it is signed again', async () => {
    const chief = await apiAs('district-a.chief')
    const current = await chief.get(`/api/v1/stories/${storyId}`)
    await chief.put(`/api/v1/stories/${storyId}`, { baseVersion: current.versionNumber, summary: '更正后的摘要：会议部署全区融媒体发布工作。' })
    const page = await openAs('district-a.operator')
    await page.goto(`${server.baseUrl}/console/publishing/stories/${storyId}`)
    await page.getByTestId('open-publish').click()
    await page.getByTestId('publish-blocked').filter({ hasText: '签发后被修改过' }).waitFor()
    await page.keyboard.press('Escape')

    for (const who of ['district-a.editor', 'district-a.section', 'district-a.chief']) {
      await (await apiAs(who)).post(`/api/v1/stories/${storyId}/decisions`, { decision: 'approve', comment: '同意' })
    }
    expect((await chief.get(`/api/v1/stories/${storyId}`)).state).toBe('signed_off')
    // The new sign-off corrects the live publications by itself; the board shows the record.
    await expect.poll(async () => {
      const items = (await chief.get(`/api/v1/stories/${storyId}/publications`)).items as { channel: string; liveVersionNumber: number; corrections: { mode: string }[] }[]
      return items.map((p) => `${p.channel}:${p.liveVersionNumber}:${p.corrections.map((c) => c.mode).join(',')}`).sort()
    }, { timeout: 30_000 }).toEqual(['rss:2:updated', 'website:2:updated'])
    await page.reload()
    const website = page.locator('[data-testid="publication-row"][data-channel="website"]')
    await website.getByText(/第 2 版 · 原文已更新/).waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(shotsDir, 'publishing-story-corrected-1366.png'), fullPage: true })
    // Nothing is left to correct by hand: the dialog says why and offers no button to press.
    await page.getByTestId('open-correct').click()
    await page.getByTestId('correct-nothing').waitFor()
    expect(await page.getByTestId('correct-submit').isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await page.context().close()
  }, 90_000)

  it('withdraws with a reason: the board says withdrawn and the public URL answers 410', async () => {
    const page = await openAs('district-a.operator')
    await page.goto(`${server.baseUrl}/console/publishing/stories/${storyId}`)
    await page.getByTestId('open-withdraw').click()
    // The reason is required: the confirm button stays disabled until one is written.
    await expect.poll(() => page.getByTestId('withdraw-submit').isDisabled()).toBe(true)
    await page.getByTestId('withdraw-reason').fill('稿件数据有误，待核实后重发')
    await page.screenshot({ path: path.join(shotsDir, 'publishing-withdraw-dialog-1366.png') })
    await page.getByTestId('withdraw-submit').click()
    await expect.poll(() => page.locator('[data-testid="publication-row"][data-status="withdrawn"]').count(), { timeout: 30_000 }).toBe(2)
    await page.locator('[data-testid="publication-row"][data-channel="website"] [data-testid="publication-withdrawal"]', { hasText: '稿件数据有误' }).waitFor()
    expect(await page.getByTestId('publication-url').count()).toBe(0)
    await page.screenshot({ path: path.join(shotsDir, 'publishing-story-withdrawn-1366.png'), fullPage: true })

    const res = await fetch(`${server.baseUrl}${new URL(liveUrl, server.baseUrl).pathname}`)
    expect(res.status).toBe(410)
    await page.context().close()
  }, 90_000)

  it('explains in the dialog why a story that is not signed off cannot be published', async () => {
    const reporter = await apiAs('district-a.reporter')
    const draft = await reporter.post('/api/v1/stories', { title: `${title}草稿`, kind: 'article', body: '<p>尚未送审。</p>' })
    const page = await openAs('district-a.operator', phone)
    await page.goto(`${server.baseUrl}/console/stories/${draft.id as string}`)
    await page.getByTestId('story-publish').click()
    await page.getByTestId('publish-blocked').filter({ hasText: '尚未终审签发' }).waitFor()
    // Playwright counts an element at opacity 0 as visible: wait for the modal's opening motion to end.
    await expect.poll(() => page.locator('.ant-modal').evaluate((el) => getComputedStyle(el).opacity)).toBe('1')
    await page.screenshot({ path: path.join(shotsDir, 'publishing-dialog-blocked-390.png') })
    await page.context().close()
  }, 60_000)
})
