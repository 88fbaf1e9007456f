import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

/**
 * 留言设置 for the people who only read it: a department handler sees the catalogue, the reply
 * templates and the time limits, all read-only, and no routing rules; the dispatcher still edits.
 */
describe('tickets settings, read-only for departments', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const openAs = (username: string): Promise<Page> => openConsoleAs(browser, server.baseUrl, username)

  it('shows a department handler the catalogue, templates and time limits without a way to change them', async () => {
    const page = await openAs('district-a.handler')
    await page.goto(`${server.baseUrl}/console/tickets/catalogue`)
    await page.getByRole('tab', { name: '服务目录' }).waitFor({ timeout: 60_000 })
    expect(await page.getByRole('tab', { name: '分办规则' }).count()).toBe(0)
    await page.getByTestId('settings-read-only').waitFor()
    expect(await page.getByTestId('settings-read-only').innerText()).toContain('仅可查看，修改请联系调度员或管理员')
    await page.locator('.ant-table-row').first().waitFor({ timeout: 30_000 })
    expect(await page.getByRole('button', { name: '新增类别' }).count()).toBe(0)

    await page.getByRole('tab', { name: '答复模板' }).click()
    // Inactive tab panels stay in the DOM (hidden), so the catalogue's own 查看 buttons come first.
    const templates = page.getByRole('tabpanel', { name: '答复模板' })
    await templates.locator('.ant-table-row').first().waitFor({ timeout: 30_000 })
    await templates.getByRole('button', { name: /^查\s*看$/ }).first().click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.locator('textarea').first().isDisabled()).toBe(true)
    expect(await dialog.getByTestId('edit-ok').count()).toBe(0)
    await page.keyboard.press('Escape')

    await page.getByRole('tab', { name: '办理设置' }).click()
    const finalClock = page.getByTestId('clock-complaint-final')
    await finalClock.waitFor()
    expect(await finalClock.isDisabled()).toBe(true)
    expect(await page.getByTestId('settings-save').count()).toBe(0)
    expect(await page.getByTestId('handling-settings').getByTestId('settings-read-only').innerText()).toContain('仅可查看')
    await page.context().close()
  }, 120_000)

  it('keeps the dispatcher on the routing rules, with the buttons to change them', async () => {
    const page = await openAs('district-a.dispatcher')
    await page.goto(`${server.baseUrl}/console/tickets/catalogue`)
    await page.getByRole('button', { name: '新增规则' }).waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('settings-read-only').count()).toBe(0)
    await page.getByRole('tab', { name: '办理设置' }).click()
    await page.getByTestId('settings-save').waitFor()
    await page.context().close()
  }, 120_000)
})
