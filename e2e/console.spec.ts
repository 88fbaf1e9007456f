import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { E2E_PASSWORD, launchBrowser, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')

/** The foundation's end-to-end path in a real browser against the real server on PGlite. */
describe('admin console', () => {
  let server: RunningServer
  let browser: Browser
  const run = Date.now().toString(36).slice(-5)

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    page.on('pageerror', (error) => { throw error })
    return page
  }

  async function signIn(page: Page, username: string, password = E2E_PASSWORD) {
    await page.goto(`${server.baseUrl}/console/login`)
    await page.getByLabel('用户名').fill(username)
    await page.getByLabel('密码').fill(password)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('dashboard-greeting').waitFor()
  }

  it('shows a readable error for a wrong password', async () => {
    const page = await openPage({ width: 390, height: 844 })
    await page.goto(`${server.baseUrl}/console/login`)
    await page.getByLabel('用户名').fill('admin')
    await page.getByLabel('密码').fill('not-the-password')
    await page.getByTestId('login-submit').click()
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/用户名或密码/)
    await page.screenshot({ path: path.join(shotsDir, 'login-error-phone.png') })
    const axe = await new AxeBuilder({ page: page as never }).analyze()
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
    await page.context().close()
  })

  it('lets the admin create a unit and invite a user, and the auditor sees both in the audit log', async () => {
    const page = await openPage()
    await signIn(page, 'admin')

    await page.goto(`${server.baseUrl}/console/tenants`)
    await page.getByTestId('tenant-node-district-a').click()
    await page.getByTestId('tenant-create-child').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('机构名称').fill(`东湖区水务局${run}`)
    await dialog.getByLabel('机构标识').fill(`water-${run}`)
    await dialog.getByText('单位', { exact: true }).click()
    await dialog.getByRole('button', { name: /创\s*建/ }).click()
    await page.getByTestId(`tenant-node-water-${run}`).waitFor()
    await page.screenshot({ path: path.join(shotsDir, 'tenants.png') })

    await page.goto(`${server.baseUrl}/console/users`)
    await page.getByTestId('user-invite').click()
    const invite = page.getByRole('dialog')
    await invite.getByLabel('用户名').fill(`clerk${run}`)
    await invite.getByLabel('姓名').fill('水务局办理员')
    await invite.getByLabel('第 1 行机构').click()
    await page.keyboard.type(`水务局${run}`)
    await page.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper', { hasText: `水务局${run}` }).first().click()
    await invite.getByLabel('第 1 行角色').click()
    // The option list is virtual: type to bring the role into view.
    await page.keyboard.type('部门办理员')
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '部门办理员' }).first().click()
    await invite.getByRole('button', { name: /发送邀请/ }).click()
    const secret = page.getByTestId('one-time-secret')
    await secret.waitFor().catch(async (error) => {
      await page.screenshot({ path: path.join(shotsDir, 'FAILED-invite.png') })
      throw error
    })
    expect((await secret.textContent())!.trim()).toMatch(/^\S{16}$/)
    await page.getByRole('button', { name: '我已妥善保存' }).click()
    await page.getByTestId(`user-row-clerk${run}`).waitFor()
    await page.context().close()

    const auditorPage = await openPage()
    await signIn(auditorPage, 'auditor')
    await auditorPage.goto(`${server.baseUrl}/console/audit`)
    await auditorPage.locator('[data-testid="audit-row"][data-action="tenant.create"]').first().waitFor()
    await auditorPage.locator('[data-testid="audit-row"][data-action="user.create"]').first().waitFor()
    const text = await auditorPage.locator('.ant-table-tbody').textContent()
    expect(text).toContain(`clerk${run}`)
    await auditorPage.screenshot({ path: path.join(shotsDir, 'audit.png') })
    await auditorPage.context().close()
  })

  it('keeps the admin out of the audit log (separation of duties)', async () => {
    const page = await openPage()
    await signIn(page, 'admin')
    await page.goto(`${server.baseUrl}/console/audit`)
    await expect.poll(() => page.textContent('body')).toMatch(/无权访问/)
    await page.context().close()
  })
})
