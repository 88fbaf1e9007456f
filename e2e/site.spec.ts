import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_WITHDRAWN_INDEX, demoStoryId } from '../server/src/modules/site/site.demo.js'
import { launchBrowser, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')
const viewports = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1366, height: 900 }] as const

/**
 * The public site in a real browser on the demo content: home, a story, search with results and
 * without, and a withdrawn story's 410 page — on a phone and a desktop, in normal and 适老化 mode,
 * each free of serious or critical axe-core violations and of CSP violations; screenshots of each.
 */
describe('public site', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function open(viewport: { width: number; height: number }, isElder: boolean): Promise<{ page: Page; cspErrors: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: true })
    if (isElder) await context.addCookies([{ name: 'rm_elder', value: '1', url: `${server.baseUrl}/s/` }])
    const page = await context.newPage()
    const cspErrors: string[] = []
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()) })
    page.on('pageerror', (error) => { throw error })
    return { page, cspErrors }
  }

  async function expectAccessible(page: Page) {
    const axe = await new AxeBuilder({ page: page as never }).analyze()
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  }

  const pages = [
    { name: 'home', path: '/s/district-a/', status: 200, expectText: '最新发布' },
    { name: 'story', path: `/s/district-a/stories/${demoStoryId('district-a', 2)}`, status: 200, expectText: '更正：' },
    { name: 'search', path: `/s/district-a/search?q=${encodeURIComponent('社保卡怎么办理')}`, status: 200, expectText: '找到' },
    { name: 'no-results', path: `/s/district-a/search?q=${encodeURIComponent('火星移民计划')}`, status: 200, expectText: '没有找到' },
    { name: 'withdrawn', path: `/s/district-a/stories/${demoStoryId('district-a', DEMO_WITHDRAWN_INDEX)}`, status: 410, expectText: '已撤回' },
  ]

  for (const viewport of viewports) {
    for (const isElder of [false, true]) {
      it(`${viewport.name} ${isElder ? '适老化' : 'normal'}: every page renders, passes axe and the CSP`, async () => {
        const { page, cspErrors } = await open(viewport, isElder)
        for (const p of pages) {
          const response = await page.goto(`${server.baseUrl}${p.path}`)
          expect(response!.status(), p.name).toBe(p.status)
          await expect(page.locator('main').innerText()).resolves.toContain(p.expectText)
          expect(await page.locator('html').getAttribute('class')).toBe(isElder ? 'elder' : null)
          if (isElder) {
            const size = await page.locator('body').evaluate((b) => parseFloat(getComputedStyle(b).fontSize))
            expect(size).toBeGreaterThanOrEqual(20)
          }
          await expectAccessible(page)
          await page.screenshot({ path: path.join(shotsDir, `site-${p.name}-${viewport.name}${isElder ? '-elder' : ''}.png`), fullPage: true })
        }
        expect(cspErrors).toEqual([])
        await page.context().close()
      })
    }
  }

  it('the 适老化 switch is a plain link that is remembered, and search highlights the words', async () => {
    const { page } = await open({ width: 390, height: 844 }, false)
    await page.goto(`${server.baseUrl}/s/district-a/`)
    await page.getByRole('link', { name: '长辈模式（大字）' }).click()
    await page.waitForURL(`${server.baseUrl}/s/district-a/`)
    expect(await page.locator('html').getAttribute('class')).toBe('elder')
    await page.goto(`${server.baseUrl}/s/district-a/search`)
    expect(await page.locator('html').getAttribute('class')).toBe('elder')
    await page.getByLabel('搜索词').fill('社保卡')
    await page.getByRole('button', { name: '搜索' }).click()
    await expect(page.locator('mark').first().innerText()).resolves.toBe('社保卡')
    await page.getByRole('link', { name: '退出长辈模式' }).click()
    expect(await page.locator('html').getAttribute('class')).toBeNull()
    await page.context().close()
  })
})
