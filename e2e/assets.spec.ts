import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { photoWithGps, pngPicture } from '../server/src/modules/assets/fixtures/files.js'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')
const desktop = { width: 1366, height: 900 }
const phone = { width: 390, height: 844 }

/**
 * 素材中心 in a real browser: an editor uploads a photo carrying GPS and camera EXIF (and a file
 * that only pretends to be a JPEG, which is refused with its reason), opens it, and the public
 * rendition fetched without a session carries no EXIF at all; the focal point is set in the crop
 * editor; the photo becomes a story's cover and the library lists that use.
 */
describe('media library', () => {
  let server: RunningServer
  let browser: Browser
  let assetId = ''

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    // E2E_BASE_URL: run against a server already started (same demo password), e.g. on a busy machine.
    const running = process.env.E2E_BASE_URL
    server = running ? { baseUrl: running, dataDir: '', output: () => '', stop: async () => {} } : await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openAs(username: string, viewport = desktop): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: viewport })
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotsDir, `assets-${name}.png`) })

  it('uploads many files at once: the photo is accepted, the fake JPEG refused with its reason', async () => {
    const page = await openAs('district-a.editor')
    await page.goto(`${server.baseUrl}/console/assets`)
    await page.getByTestId('asset-upload').waitFor()
    const photo = await photoWithGps({ width: 1600, height: 1000 })
    await page.locator('[data-testid="asset-upload"] input[type=file]').setInputFiles([
      { name: '春耕.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: '通知.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
    ])
    const done = page.locator('[data-testid="upload-item"][data-state="done"]')
    const refused = page.locator('[data-testid="upload-item"][data-state="refused"]')
    await done.waitFor({ timeout: 120_000 })
    await refused.waitFor({ timeout: 120_000 })
    expect(await done.textContent()).toContain('春耕.jpg')
    expect(await refused.getByTestId('upload-reason').textContent()).toMatch(/未能上传：.+/)

    // The card appears; its thumbnail once the worker made the derivatives.
    const card = page.getByTestId('asset-card').first()
    await card.locator('img').waitFor({ timeout: 150_000 })
    await shot(page, 'grid-1366')
    await page.locator('.rm-assets-view').getByText('列表').click()
    await page.getByTestId('asset-row').first().waitFor()
    await shot(page, 'list-1366')
    await page.locator('.rm-assets-view').getByText('网格').click()

    await card.click()
    const drawer = page.locator('.rm-asset-drawer')
    await drawer.getByTestId('asset-preview').waitFor({ timeout: 150_000 })
    assetId = new URL(page.url()).searchParams.get('asset')!
    expect(assetId).toMatch(/^[0-9a-f-]{36}$/)
    // The original keeps its GPS (shown to staff as such); derivatives are listed with their sizes.
    expect(await drawer.textContent()).toContain('原件含 GPS 位置')
    await drawer.getByRole('tab', { name: '衍生文件' }).click()
    const derivatives = drawer.getByTestId('asset-derivatives')
    await derivatives.waitFor()
    expect(await derivatives.textContent()).toMatch(/缩略图.*JPEG.*320 × 200/s)
    await shot(page, 'detail-1366')

    // What the public gets: fetched without any session, parsed, no EXIF of any kind.
    const src = await drawer.getByTestId('asset-preview').getAttribute('src')
    expect(src).toMatch(new RegExp(`^/media/[^/]+/${assetId}/web\\.jpe?g$`))
    const res = await fetch(`${server.baseUrl}${src}`)
    expect(res.status).toBe(200)
    const body = Buffer.from(await res.arrayBuffer())
    const meta = await sharp(body).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.width).toBe(1600)
    expect(meta.exif).toBeUndefined()
    expect(body.includes(Buffer.from('Exif\0\0'))).toBe(false)
    expect(body.includes(Buffer.from('TestCam'))).toBe(false)
    // The original stays private.
    expect((await fetch(`${server.baseUrl}/api/v1/assets/${assetId}/original`)).status).toBe(401)

    // The crop editor: click the subject, every channel crop previews around it, save.
    await drawer.getByTestId('asset-crop').click()
    const editor = page.locator('.rm-crop-modal')
    const stage = editor.getByTestId('crop-stage')
    await stage.locator('img').waitFor()
    // Wait until the modal's opening zoom has settled: the picture's box stops changing.
    let box = (await stage.boundingBox())!
    for (let i = 0; i < 50; i++) {
      await page.waitForTimeout(100)
      const next = (await stage.boundingBox())!
      if (next.width === box.width && next.x === box.x && next.y === box.y && next.height > 0) break
      box = next
    }
    await stage.click({ position: { x: box.width * 0.8, y: box.height * 0.3 } })
    // The point lands at about 80 %, 30 % (right of and above the centre); rounding and borders allow a little play.
    const [x, y] = (await stage.getAttribute('aria-valuetext'))!.split(',').map((v) => Number.parseInt(v, 10))
    expect(x).toBeGreaterThan(60)
    expect(x).toBeLessThan(95)
    expect(y).toBeGreaterThan(10)
    expect(y).toBeLessThan(45)
    expect(await editor.getByTestId('crop-preview').count()).toBe(4)
    await shot(page, 'crop-1366')
    await editor.getByTestId('crop-save').click()
    await page.getByText('焦点已保存').waitFor()
    await page.context().close()
  }, 600_000)

  it('shows the grid, detail and crop editor on a phone', async () => {
    const page = await openAs('district-a.editor', phone)
    await page.goto(`${server.baseUrl}/console/assets`)
    await page.getByTestId('asset-card').first().locator('img').waitFor({ timeout: 150_000 })
    await shot(page, 'grid-390')
    await page.goto(`${server.baseUrl}/console/assets?asset=${assetId}`)
    await page.getByTestId('asset-preview').waitFor({ timeout: 150_000 })
    await shot(page, 'detail-390')
    await page.getByTestId('asset-crop').click()
    await page.getByTestId('crop-stage').locator('img').waitFor()
    await shot(page, 'crop-390')
    // No horizontal scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width)
    await page.context().close()
  }, 600_000)

  it('uses the photo as a story cover, and the library lists that use', async () => {
    const page = await openAs('district-a.editor')
    await page.goto(`${server.baseUrl}/console/stories`)
    await page.getByTestId('story-new').click()
    await page.getByTestId('new-story-title').fill('春耕时节田间忙')
    await page.getByTestId('new-story-ok').click()
    await page.getByTestId('story-save').waitFor()
    const storyId = page.url().split('/').pop()!

    // The cover lives with the story's particulars (a collapsed panel).
    await page.locator('form[id="story-fields"] .ant-collapse-header').click()
    await page.getByTestId('cover-choose').click()
    const modal = page.locator('.rm-cover-modal')
    await modal.getByTestId('cover-option').first().click()
    await page.getByTestId('cover-image').waitFor()
    await page.getByTestId('story-save').click()
    // Saved with the cover: the story says so through the API (the page's own session).
    await expect.poll(async () => (await (await page.request.get(`${server.baseUrl}/api/v1/stories/${storyId}`)).json()).coverAssetId, { timeout: 15_000 }).toBe(assetId)
    await shot(page, 'story-cover-1366')

    await page.goto(`${server.baseUrl}/console/assets?asset=${assetId}`)
    const drawer = page.locator('.rm-asset-drawer')
    await drawer.getByRole('tab', { name: /使用情况 \(1\)/ }).click()
    const use = drawer.getByTestId('usage-item')
    await use.waitFor()
    expect(await use.textContent()).toContain('稿件')
    expect(await use.getByRole('link').getAttribute('href')).toBe(`/console/stories/${storyId}`)
    await shot(page, 'usage-1366')

    // Deleting it now warns about the use.
    await drawer.getByTestId('asset-delete').click()
    await page.getByText(/正被 1 处使用/).waitFor()
    await page.context().close()
  }, 600_000)

  it('shows a citizen\'s picture on a public message as such, with its own uploader filter', async () => {
    // What the public message form sends: no session, no account.
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(await pngPicture(120, 90))], { type: 'image/png' }), '路灯.png')
    const upload = await fetch(`${server.baseUrl}/api/v1/public/district-a/tickets/uploads`, { method: 'POST', body: form })
    expect(upload.status).toBe(201)
    const citizenId = ((await upload.json()) as { id: string }).id

    const page = await openAs('district-a.editor')
    await page.goto(`${server.baseUrl}/console/assets`)
    await page.getByTestId('asset-card').first().waitFor()
    await page.getByRole('combobox', { name: '上传人' }).click()
    await page.locator('.ant-select-item-option').filter({ hasText: '市民上传' }).click()
    // Only citizens' pictures are left (the editor's photo is not), each marked, the newest first.
    const cards = page.getByTestId('asset-card')
    await expect.poll(async () => (await cards.allTextContents()).every((text) => text.includes('市民上传（留言附件）')), { timeout: 15_000 }).toBe(true)
    await cards.first().click()
    await expect.poll(() => new URL(page.url()).searchParams.get('asset')).toBe(citizenId)
    const uploader = page.locator('.rm-asset-drawer').getByTestId('asset-uploader')
    await uploader.waitFor()
    expect(await uploader.textContent()).toBe('市民上传（留言附件）')
    await shot(page, 'citizen-upload-1366')

    // The editor's own photo reads as theirs.
    await page.goto(`${server.baseUrl}/console/assets?asset=${assetId}`)
    await expect.poll(() => page.locator('.rm-asset-drawer').getByTestId('asset-uploader').textContent()).toBe('我')
    await page.context().close()
  }, 600_000)
})
