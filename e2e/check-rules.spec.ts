import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')

/**
 * 审校规则 in a real browser: the chief editor adds a term of the center's own and saves a new
 * version; the "试一试" box flags it at once with the new version; the story list shows its
 * filters (state, author, stage, overdue) and the deadline column.
 */
describe('check rules console', () => {
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

  async function openAs(username: string, viewport = { width: 1366, height: 860 }): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: viewport })
  }

  it('lets the chief add an own term, save a version and see it flag text at once', async () => {
    const page = await openAs('district-a.chief')
    await page.goto(`${server.baseUrl}/console/review/rules`)
    await expect.poll(() => page.getByTestId('rule-set-version').textContent()).toMatch(/^生效版本：\d{4}\.\d+\.\d+$/)
    await page.getByRole('tab', { name: /本机构词语/ }).click()
    await page.getByTestId('rule-term-add').click()
    await page.getByTestId('rule-term-terms').fill('网红打卡地')
    await page.getByTestId('rule-term-message').fill('本中心要求：政务稿件不用“网红打卡地”')
    await page.getByRole('button', { name: /^确\s*定$|^OK$/ }).click()
    await page.getByLabel('修改说明').fill('增加本地用语')
    await page.getByTestId('rule-set-save').click()
    await expect.poll(() => page.getByTestId('rule-set-version').textContent(), { timeout: 15_000 }).toMatch(/\+district-a\.1$/)

    await page.getByTestId('rule-test-text').fill('这里是新晋网红打卡地，警钟常鸣。')
    await expect.poll(() => page.locator('[data-testid="rule-test-hits"] li').count(), { timeout: 15_000 }).toBe(2)
    await page.getByRole('tab', { name: '版本历史' }).click()
    await page.screenshot({ path: path.join(shotsDir, 'check-rules-desktop.png'), fullPage: true })
    await page.getByRole('button', { name: '与上一版比较' }).first().click()
    await expect.poll(() => page.getByTestId('rule-set-diff').textContent()).toContain('网红打卡地')
    await page.context().close()

    const phone = await openAs('district-a.chief', { width: 390, height: 844 })
    await phone.goto(`${server.baseUrl}/console/review/rules`)
    await phone.getByTestId('rule-test-text').waitFor()
    await phone.screenshot({ path: path.join(shotsDir, 'check-rules-phone.png'), fullPage: true })
    await phone.context().close()
  })

  it('shows the story list with author and overdue filters and the deadline column', async () => {
    const page = await openAs('district-a.editor')
    await page.goto(`${server.baseUrl}/console/stories`)
    await page.getByTestId('stories-author-filter').waitFor()
    await page.getByTestId('stories-overdue').waitFor()
    await expect.poll(() => page.getByRole('columnheader', { name: '本环节时限' }).count()).toBe(1)
    await page.screenshot({ path: path.join(shotsDir, 'stories-list-filters-desktop.png'), fullPage: true })
    await page.getByTestId('stories-overdue').click()
    await page.screenshot({ path: path.join(shotsDir, 'stories-list-overdue-desktop.png'), fullPage: true })
    await page.context().close()
    const phone = await openAs('district-a.editor', { width: 390, height: 844 })
    await phone.goto(`${server.baseUrl}/console/stories`)
    await phone.getByTestId('stories-overdue').waitFor()
    await phone.screenshot({ path: path.join(shotsDir, 'stories-list-filters-phone.png'), fullPage: true })
    await phone.context().close()
  })
})
