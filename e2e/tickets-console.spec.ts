import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')
const desktop = { width: 1366, height: 900 }
const phone = { width: 390, height: 844 }

/**
 * The console side of citizens' messages in a real browser: a message arrives through the public
 * API; the dispatcher routes it (suggested department), the department signs for it and replies,
 * the reviewer approves the masked public version; the KPI page counts it.
 */
describe('tickets console', () => {
  let server: RunningServer
  let browser: Browser
  let number = ''
  let ticketId = ''
  let totalBefore = 0
  const stamp = Date.now().toString(36).slice(-5)
  const title = `东湖路井盖缺失${stamp}`

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openAs(username: string, viewport = desktop): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: viewport, acceptDownloads: true })
  }

  async function shoot(page: Page, name: string) {
    await page.waitForLoadState('networkidle')
    // Lists still loading would show as skeletons: wait for every spinner to stop.
    await expect.poll(() => page.locator('.ant-spin-spinning').count(), { timeout: 60_000 }).toBe(0)
    await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true })
  }

  /** Console pages at both widths, for looking at: one sign-in per person and width. */
  async function shootAll(username: string, pages: Array<[url: string, name: string, ready: (p: Page) => Promise<unknown>]>) {
    for (const [size, viewport] of [['1366', desktop], ['390', phone]] as const) {
      const page = await openAs(username, viewport)
      for (const [url, name, ready] of pages) {
        await page.goto(`${server.baseUrl}${url}`)
        await ready(page)
        await shoot(page, `tickets-${name}-${size}`)
      }
      await page.context().close()
    }
  }

  const stateOf = (page: Page) => page.getByTestId('ticket-state').first().getAttribute('data-state')
  const kpiTotal = async (page: Page) => Number((await page.getByTestId('kpi-total').locator('.ant-statistic-content-value').innerText()).trim())

  it('shows the KPI figures before the message arrives', async () => {
    const page = await openAs('district-a.dispatcher')
    await page.goto(`${server.baseUrl}/console/tickets/kpis`)
    await page.getByTestId('kpi-total').waitFor()
    totalBefore = await kpiTotal(page)
    await page.context().close()
  })

  it('takes a message through the public API', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/public/district-a/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'complaint', category: 'road', title, text: `东湖路12号门口的井盖丢失多日，夜间通行很危险，请尽快处理。我是王小明，电话13912345678。${stamp}`,
        address: '东湖路12号', name: '王小明', phone: '13912345678', isNamePublic: false, consent: true,
      }),
    })
    expect(res.status).toBe(201)
    number = (await res.json()).number
  })

  it('lets the dispatcher route it to the suggested department', async () => {
    const page = await openAs('district-a.dispatcher')
    // The 工作台 counts it under 我的待办 and leads to the inbox.
    const inboxTile = page.getByTestId('home-work-ticketsInbox')
    await expect.poll(async () => Number((await inboxTile.locator('.ant-statistic-content-value').innerText()).replace('+', '')), { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    await inboxTile.click()
    await page.waitForURL(/\/console\/tickets\/inbox$/)
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await row.waitFor()
    await shoot(page, 'tickets-inbox-flow')
    await row.getByTestId('ticket-link').click()
    await page.waitForURL(/\/console\/tickets\/[0-9a-f-]{36}$/)
    ticketId = page.url().split('/').pop()!
    await expect.poll(() => stateOf(page)).toBe('submitted')
    await expect.poll(() => page.getByTestId('suggested-department').innerText()).toContain('东湖区人民政府办公室')
    await page.getByTestId('action-route').click()
    await page.getByTestId('route-ok').click()
    await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('routed')
    expect(await page.getByTestId('assignment').first().innerText()).toContain('东湖区人民政府办公室')
    await page.context().close()
  })

  it('lets the department sign for it and reply', async () => {
    const page = await openAs('district-a.handler')
    await page.goto(`${server.baseUrl}/console/tickets/workbench`)
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await row.waitFor()
    await row.getByTestId('ticket-link').click()
    await page.getByTestId('action-sign-for').click()
    await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('signed_for')
    await expect.poll(() => page.getByTestId('clock-signFor').innerText()).toContain('已于')

    await page.getByTestId('action-reply').click()
    await page.getByTestId('reply-body').fill('王小明您好：您反映的东湖路12号井盖问题，我办已于今日补装。如需联系请拨打13912345678以外的办公电话。')
    // A photo of the repaired cover, uploaded to the media library and attached to the reply.
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2a6' } }).png().toBuffer()
    await page.locator('.ant-modal input[type="file"]').setInputFiles({ name: 'repaired.png', mimeType: 'image/png', buffer: photo })
    await expect.poll(() => page.locator('.ant-modal .ant-upload-list-item-done').count(), { timeout: 30_000 }).toBe(1)
    await page.getByTestId('reply-ok').click()
    await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('reply_review')
    await expect.poll(() => page.locator('[data-testid="ticket-reply"] img[src*="/api/v1/tickets/attachments/"]').count()).toBe(1)
    // Handlers see the original next to the masked public version.
    expect(await page.getByTestId('reply-original').innerText()).toContain('王小明')
    const masked = await page.getByTestId('reply-public').innerText()
    expect(masked).toContain('王某您好')
    expect(masked).not.toMatch(/王小明|13912345678/)
    await page.context().close()
  })

  it('lets the reviewer approve the reply, and the KPI page counts it', async () => {
    const page = await openAs('district-a.dispatcher')
    await page.goto(`${server.baseUrl}/console/tickets/review`)
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await row.waitFor()
    await row.getByTestId('ticket-link').click()
    await page.getByTestId('action-review').click()
    expect(await page.getByTestId('review-public').inputValue()).not.toContain('13912345678')
    await page.getByTestId('review-approve').click()
    await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('replied')
    await expect.poll(() => page.locator('[data-testid="ticket-reply"][data-state="published"]').count()).toBe(1)
    expect(await page.locator('[data-testid="timeline-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual([
      'submitted', 'accepted', 'routed', 'signed_for', 'reply_submitted', 'replied',
    ])

    await page.goto(`${server.baseUrl}/console/tickets/kpis`)
    await page.getByTestId('kpi-total').waitFor()
    await expect.poll(() => kpiTotal(page)).toBe(totalBefore + 1)
    const govRow = page.locator('[data-testid="kpi-departments"] tr', { hasText: '东湖区人民政府办公室' })
    await govRow.waitFor()
    const download = page.waitForEvent('download')
    await page.getByTestId('kpi-export').click()
    expect((await download).suggestedFilename()).toMatch(/^留言办理指标_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/)
    await page.context().close()
  })

  it('screenshots the inbox, workbench, detail, supervision board and KPIs at 1366 and 390 px', async () => {
    // One more message so that the inbox has something waiting.
    const res = await fetch(`${server.baseUrl}/api/v1/public/district-a/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'consultation', category: 'education', title: `小学入学材料咨询${stamp}`, text: `请问孩子明年上小学一年级需要准备哪些材料？${Date.now()}`,
        address: '东湖区', name: '李华', phone: `137${String(Date.now()).slice(-8)}`, isNamePublic: true, consent: true,
      }),
    })
    expect(res.status).toBe(201)
    await shootAll('district-a.dispatcher', [
      ['/console/tickets/inbox', 'inbox', (p) => p.getByTestId('ticket-row').first().waitFor({ timeout: 60_000 })],
      [`/console/tickets/${ticketId}`, 'detail', (p) => p.getByTestId('ticket-reply').first().waitFor({ timeout: 60_000 })],
      ['/console/tickets/supervision', 'supervision', (p) => p.locator('.ant-table').first().waitFor({ timeout: 60_000 })],
      ['/console/tickets/kpis', 'kpis', (p) => p.locator('.rm-kpi-chart canvas').first().waitFor({ timeout: 60_000 })],
      ['/console/tickets/calendar', 'calendar', (p) => p.locator('.rm-cal-day.is-holiday').first().waitFor({ timeout: 60_000 })],
    ])
    await shootAll('district-a.handler', [['/console/tickets/workbench', 'workbench', (p) => p.locator('.ant-tabs').waitFor({ timeout: 60_000 })]])
  }, 300_000)

  it('lets the dispatcher change a clock in 办理设置, and keeps it after a reload', async () => {
    const page = await openAs('district-a.dispatcher')
    await page.goto(`${server.baseUrl}/console/tickets/catalogue?tab=handling`)
    const finalClock = page.getByTestId('clock-complaint-final')
    await finalClock.waitFor()
    expect(await finalClock.inputValue()).toBe('13')
    await expect.poll(() => page.getByTestId('settings-save').isDisabled()).toBe(true)
    await finalClock.fill('15')
    await finalClock.blur()
    await page.getByTestId('settings-save').click()
    await page.getByTestId('settings-saved').waitFor({ timeout: 15_000 })
    await page.reload()
    await page.getByTestId('clock-complaint-final').waitFor()
    expect(await page.getByTestId('clock-complaint-final').inputValue()).toBe('15')
    // Only the changed clock moved: its neighbours kept their values.
    expect(await page.getByTestId('clock-complaint-firstResponse').inputValue()).toBe('2')
    const res = await page.evaluate(async () => (await fetch('/api/v1/tickets/settings')).json())
    expect(res.clocks.complaint).toEqual({ signFor: 1, firstResponse: 2, final: 15 })
    await page.context().close()
    await shootAll('district-a.dispatcher', [['/console/tickets/catalogue?tab=handling', 'handling-settings', (p) => p.getByTestId('handling-settings').waitFor({ timeout: 60_000 })]])
  }, 120_000)
})
