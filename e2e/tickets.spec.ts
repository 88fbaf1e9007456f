import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import sharp from 'sharp'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')
const desktop = { width: 1366, height: 900 }
const phone = { width: 390, height: 844 }

/**
 * 留言办理 end to end in a real browser: a citizen writes on the public site (with a picture, FAQ
 * suggestions as they type) and gets a lookup code; the dispatcher routes the message in the
 * console; the department signs for it and replies; the reviewer approves; the reply shows masked
 * on the public list; the citizen finds it on the lookup page and rates it. Every public page is
 * checked with axe at 390 px and 1366 px, in normal and 适老化 mode, and photographed.
 */
describe('citizens\' messages on the public site', () => {
  let server: RunningServer
  let browser: Browser
  let picture = ''
  let number = ''
  let lookupCode = ''
  const stamp = Date.now().toString(36).slice(-5)
  const title = `东湖路井盖缺失${stamp}`
  const citizenPhone = '13912345678'

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
    // A phone photo with the place it was taken in its EXIF.
    picture = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rongmei-e2e-pic-')), 'jinggai.jpg')
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#6a7b8c"/><circle cx="400" cy="320" r="160" fill="#222"/></svg>'
    await sharp(Buffer.from(svg)).withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 16/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 9/1 0/1' } }).jpeg().toFile(picture)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openPublic(viewport = phone, { isElder = false } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    if (isElder) await context.addCookies([{ name: 'rm_elder', value: '1', url: server.baseUrl }])
    const page = await context.newPage()
    page.on('pageerror', (error) => { throw error })
    return page
  }

  async function openAs(username: string): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: desktop })
  }

  async function expectAccessible(page: Page, name: string) {
    const axe = await new AxeBuilder({ page: page as never }).analyze()
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  }

  /** The page `open` leads to, at both widths and in both modes: axe-clean, photographed. */
  async function checkEverywhere(name: string, open: (page: Page) => Promise<unknown>) {
    for (const [size, viewport] of [['390', phone], ['1366', desktop]] as const) {
      for (const isElder of [false, true]) {
        const page = await openPublic(viewport, { isElder })
        await open(page)
        if (isElder) expect(await page.locator('html').getAttribute('class')).toContain('elder')
        await expectAccessible(page, `${name} ${size}${isElder ? ' elder' : ''}`)
        await page.screenshot({ path: path.join(shotsDir, `tickets-public-${name}-${size}${isElder ? '-elder' : ''}.png`), fullPage: true })
        await page.context().close()
      }
    }
  }

  const lookUp = async (page: Page) => {
    await page.goto(`${server.baseUrl}/s/district-a/tickets/lookup`)
    await page.getByLabel('查询码').fill(lookupCode)
    await page.getByLabel('手机号后 4 位').fill(citizenPhone.slice(-4))
    await page.getByRole('button', { name: '查询' }).click()
    await page.getByRole('heading', { name: `第 ${number} 号留言` }).waitFor()
  }

  it('lets a citizen write a message with a picture on a phone and gives the lookup code', async () => {
    await checkEverywhere('form', (page) => page.goto(`${server.baseUrl}/s/district-a/tickets/new`))

    const page = await openPublic(phone)
    await page.goto(`${server.baseUrl}/s/district-a/tickets/new`)
    // A refused try first: the problems are listed and shown beside their fields, in Chinese.
    await page.getByRole('button', { name: '提交留言' }).click()
    await page.locator('#error-summary').waitFor()
    expect(await page.locator('#e-title').innerText()).toContain('标题需要 4–50 个字')
    await expectAccessible(page, 'form with errors')
    await page.screenshot({ path: path.join(shotsDir, 'tickets-public-form-errors-390.png'), fullPage: true })

    await page.locator('input[name="kind"][value="complaint"]').check()
    await page.getByLabel(/事项类别/).selectOption('road')
    // With JavaScript the knowledge base answers while the title is typed.
    await page.getByLabel(/^标题/).fill('')
    await page.getByLabel(/^标题/).pressSequentially('井盖丢失了', { delay: 30 })
    await page.locator('#faq-live .tk-faq-list li').first().waitFor({ timeout: 10_000 })
    await page.locator('#faq-live').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(shotsDir, 'tickets-public-form-faq-390.png'), fullPage: false })
    await page.getByLabel(/^标题/).fill(title)
    const text = `东湖路12号门口的井盖丢失多日，夜间通行很危险，请尽快处理。我是王小明，电话${citizenPhone}。${stamp}`
    await page.getByLabel(/^留言内容/).fill(text)
    expect(await page.locator('[data-counter-for="f-text"]').innerText()).toBe(`已输入 ${[...text].length} / 2000 字`)
    await page.getByLabel(/^地点/).fill('东湖路12号')
    await page.locator('#f-pictures').setInputFiles(picture)
    await page.getByLabel(/^姓名/).fill('王小明')
    await page.getByLabel(/^手机号/).fill(citizenPhone)
    await page.locator('input[name="isNamePublic"][value="1"]').check()
    await page.getByLabel('我已阅读并同意以上说明').check()
    await page.getByRole('button', { name: '提交留言' }).click()
    await page.getByRole('heading', { name: '留言已提交' }).waitFor()
    lookupCode = (await page.locator('#lookup-code').innerText()).trim()
    expect(lookupCode).toMatch(/^[2-9A-Z]{10}$/)
    number = /第 (\d+) 号留言/.exec(await page.locator('.tk-alert-success').innerText())![1]!
    await expectAccessible(page, 'submitted')
    await page.screenshot({ path: path.join(shotsDir, 'tickets-public-submitted-390.png'), fullPage: true })
    await page.context().close()
  })

  it('shows the citizen the case while it is handled, with a clear answer for a wrong code', async () => {
    const page = await openPublic(phone)
    await page.goto(`${server.baseUrl}/s/district-a/tickets/lookup`)
    await page.getByLabel('查询码').fill(lookupCode)
    await page.getByLabel('手机号后 4 位').fill(citizenPhone.slice(-4) === '0000' ? '1111' : '0000')
    await page.getByRole('button', { name: '查询' }).click()
    expect(await page.getByRole('alert').innerText()).toContain('查询码或手机号后 4 位不正确')
    await expectAccessible(page, 'lookup wrong')
    await lookUp(page)
    expect(await page.locator('.tk-status h2').innerText()).toContain('已提交，待审核')
    // The citizen's own picture is shown as the stripped public copy once the worker made it.
    await expect.poll(async () => {
      await lookUp(page)
      return page.locator('.tk-pictures img').count()
    }, { timeout: 30_000, interval: 1000 }).toBe(1)
    expect(await page.locator('.tk-pictures img').getAttribute('src')).toMatch(/^\/media\/[0-9a-f-]+\/[0-9a-f-]+\/web\.jpg$/)
    await page.context().close()
    await checkEverywhere('lookup', (p) => p.goto(`${server.baseUrl}/s/district-a/tickets/lookup?code=${lookupCode}`))
  })

  it('lets the dispatcher route it in the console', async () => {
    const page = await openAs('district-a.dispatcher')
    await page.goto(`${server.baseUrl}/console/tickets/inbox`)
    const row = page.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await row.waitFor()
    await row.getByTestId('ticket-link').click()
    await page.waitForURL(/\/console\/tickets\/[0-9a-f-]{36}$/)
    await page.getByTestId('action-route').click()
    await page.getByTestId('route-ok').click()
    await expect.poll(() => page.getByTestId('ticket-state').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('routed')
    await page.context().close()
  })

  it('lets the department sign for it and reply, and the reviewer approve the reply', async () => {
    const handler = await openAs('district-a.handler')
    await handler.goto(`${server.baseUrl}/console/tickets/workbench`)
    const row = handler.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await row.waitFor()
    await row.getByTestId('ticket-link').click()
    await handler.getByTestId('action-sign-for').click()
    await expect.poll(() => handler.getByTestId('ticket-state').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('signed_for')
    await handler.getByTestId('action-reply').click()
    await handler.getByTestId('reply-body').fill(`王小明您好：您反映的东湖路12号井盖问题，我办已于今日补装。如需联系请拨打${citizenPhone}以外的办公电话。`)
    await handler.getByTestId('reply-ok').click()
    await expect.poll(() => handler.getByTestId('ticket-state').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('reply_review')
    await handler.context().close()

    const reviewer = await openAs('district-a.dispatcher')
    await reviewer.goto(`${server.baseUrl}/console/tickets/review`)
    const pending = reviewer.locator(`[data-testid="ticket-row"][data-number="${number}"]`)
    await pending.waitFor()
    await pending.getByTestId('ticket-link').click()
    await reviewer.getByTestId('action-review').click()
    await reviewer.getByTestId('review-approve').click()
    await expect.poll(() => reviewer.getByTestId('ticket-state').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('replied')
    await reviewer.context().close()
  })

  it('shows the reply masked on the public list and its page', async () => {
    const listUrl = `${server.baseUrl}/s/district-a/tickets`
    const page = await openPublic(desktop)
    await page.goto(listUrl)
    const item = page.locator('.tk-item', { hasText: title })
    await item.waitFor()
    const shown = await item.innerText()
    expect(shown).toContain('王某')
    expect(shown).not.toMatch(/王小明|13912345678/)
    // Search and filters narrow the list; a kind with nothing answered says so.
    await page.getByLabel('关键词').fill(stamp)
    await page.getByRole('button', { name: '搜索' }).click()
    await expect.poll(() => page.locator('.tk-item').count()).toBe(1)
    await page.getByLabel('类型').selectOption('praise')
    await page.getByRole('button', { name: '搜索' }).click()
    await page.getByText('没有找到符合条件的留言').waitFor()
    await page.goto(listUrl)
    await page.getByRole('link', { name: title }).click()
    await page.getByRole('heading', { name: title }).waitFor()
    const detail = await page.locator('main').innerText()
    expect(detail).toContain('王某您好')
    expect(detail).not.toMatch(/王小明|13912345678/)
    await page.context().close()

    await checkEverywhere('list', (p) => p.goto(listUrl))
    await checkEverywhere('detail', (p) => p.goto(`${server.baseUrl}/s/district-a/tickets/${number}`))
  })

  it('lets the citizen read the reply on the lookup page and rate it', async () => {
    await checkEverywhere('case', lookUp)
    const page = await openPublic(phone)
    await lookUp(page)
    expect(await page.locator('.tk-reply').innerText()).toContain('井盖问题')
    await page.locator('input[name="rating"][value="satisfied"]').check()
    await page.getByLabel(/^意见/).fill('处理很及时，谢谢')
    await page.getByRole('button', { name: '提交评价' }).click()
    await page.getByText('感谢您的评价，留言已办结').waitFor()
    expect(await page.locator('.tk-status h2').innerText()).toContain('已办结')
    expect(await page.locator('.tk-rated').innerText()).toContain('处理很及时')
    await expectAccessible(page, 'rated')
    await page.screenshot({ path: path.join(shotsDir, 'tickets-public-rated-390.png'), fullPage: true })
    await page.context().close()
  })
})
