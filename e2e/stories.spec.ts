import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openConsoleAs, startServer, type RunningServer } from './server.js'

const shotsDir = path.resolve('test-results/screenshots')

/** What Word puts on the clipboard for a heading, a numbered list and a table (trimmed to the parts that matter). */
const wordClipboard = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>
<h1>工作要求</h1>
<p class=MsoListParagraph style='margin-left:21pt;text-indent:-21pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>1.<span style='font:7pt "Times New Roman"'>&nbsp;&nbsp;</span></span><![endif]>压实安全生产责任<o:p></o:p></p>
<p class=MsoListParagraph style='margin-left:21pt;text-indent:-21pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>2.<span style='font:7pt "Times New Roman"'>&nbsp;&nbsp;</span></span><![endif]>加强隐患排查整治<o:p></o:p></p>
<table class=MsoTableGrid border=1><tr><td width=200 style='width:150pt'><p class=MsoNormal>检查对象<o:p></o:p></p></td><td><p class=MsoNormal>数量<o:p></o:p></p></td></tr>
<tr><td><p class=MsoNormal>企业<o:p></o:p></p></td><td><p class=MsoNormal>12<o:p></o:p></p></td></tr></table>
</body></html>`

/**
 * 文稿中心 and 三审三校 in a real browser: a reporter writes (toolbar, Word paste, checks with a
 * one-click fix, autosave, save) and submits; the proofreader records a round; 初审, 复审 and 终审
 * approve in turn (初审 with a note anchored to selected text); the signed record downloads.
 */
describe('stories and review', () => {
  let server: RunningServer
  let browser: Browser
  const title = `东湖区部署安全生产工作${Date.now().toString(36).slice(-4)}`
  let storyId = ''

  beforeAll(async () => {
    fs.mkdirSync(shotsDir, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openAs(username: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    return openConsoleAs(browser, server.baseUrl, username, { viewport: viewport, acceptDownloads: true })
  }

  /** The review page of the story, once the queue lists it for this person. */
  async function openFromQueue(page: Page) {
    await page.goto(`${server.baseUrl}/console/review`)
    await page.locator(`[data-testid="queue-row"][data-story="${storyId}"] [data-testid="queue-link"]`).click()
    await page.getByTestId('review-title').waitFor()
  }

  /** No critical or serious accessibility violations on the page as it stands. */
  async function expectAccessible(page: Page) {
    const axe = await new AxeBuilder({ page: page as never }).analyze()
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
  }

  /** Selects `text` in the review view's content, as a mouse would, and lets the page read the selection. */
  async function selectText(page: Page, text: string) {
    await page.locator('[data-testid="review-content"] .rm-story-content').evaluate((root, wanted) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      while (walker.nextNode()) {
        const node = walker.currentNode as Text
        const at = node.data.indexOf(wanted)
        if (at < 0) continue
        const range = document.createRange()
        range.setStart(node, at)
        range.setEnd(node, at + wanted.length)
        window.getSelection()!.removeAllRanges()
        window.getSelection()!.addRange(range)
        root.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
        return
      }
      throw new Error(`text not found: ${wanted}`)
    }, text)
  }

  async function approve(page: Page, comment: string) {
    await page.getByTestId('decision-comment').fill(comment)
    await page.getByTestId('decision-submit').click()
    await expect.poll(() => page.locator('[data-testid="timeline-decision"][data-decision="approve"]').count(), { timeout: 15_000 }).toBeGreaterThan(0)
  }

  it('lets the chief require one proofreading round', async () => {
    const page = await openAs('district-a.chief')
    await page.goto(`${server.baseUrl}/console/review/workflow`)
    const rounds = page.getByLabel('校对轮次')
    await rounds.fill('1')
    await page.getByTestId('workflow-save').click()
    await page.getByText('审核流程已保存').waitFor()
    await page.context().close()
  })

  it('lets a reporter write with the rich editor, fix a check hit and submit', async () => {
    const page = await openAs('district-a.reporter')
    await page.goto(`${server.baseUrl}/console/stories`)
    await page.getByTestId('story-new').click()
    await page.getByTestId('new-story-title').fill(title)
    await page.getByTestId('new-story-ok').click()
    await page.waitForURL(/\/console\/stories\/[0-9a-f-]{36}$/)
    storyId = page.url().split('/').pop()!
    const content = page.locator('.rm-story-content[contenteditable="true"]')
    await content.waitFor()

    // A heading from the toolbar, a paragraph, a bulleted list.
    await content.click()
    await page.getByTestId('editor-block-type').click()
    await page.locator('.ant-select-item-option', { hasText: '标题 2' }).click()
    await page.keyboard.type('会议部署')
    await page.keyboard.press('Enter')
    await page.keyboard.type('3月5日，东湖区召开安全生产专题会议，要求各部门警钟常鸣，压实责任。会议还通报了台湾总统选举期间的涉台舆情。值班电话13812345678。')
    await page.keyboard.press('Enter')
    await page.getByTestId('editor-bullet-list').click()
    await page.keyboard.type('开展全面排查')
    await page.keyboard.press('Enter')
    await page.keyboard.type('落实整改措施')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')

    // Word's clipboard: the heading, the numbered list and the table must survive as structure.
    await content.evaluate((el, html) => {
      const data = new DataTransfer()
      data.setData('text/html', html)
      data.setData('text/plain', '工作要求')
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, wordClipboard)
    await expect.poll(() => content.locator('ol > li').count()).toBe(2)
    expect(await content.locator('h2').allTextContents()).toEqual(['会议部署', '工作要求'])
    expect(await content.locator('ul > li').count()).toBe(2)
    expect(await content.locator('table tr').count()).toBe(2)

    await expect.poll(() => page.getByTestId('autosave-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
    expect(await page.getByTestId('autosave-status').textContent()).toMatch(/已自动保存 \d{2}:\d{2}:\d{2}/)
    await page.getByTestId('story-save').click()
    await page.getByText(/已保存为第 \d+ 版/).waitFor()

    // The editor's 字数 is the server's; the HTML is what the sanitiser keeps, structure included.
    const shown = Number((await page.getByTestId('word-count').textContent())!.replace(/\D/g, ''))
    const saved = await page.evaluate(async (id) => (await (await fetch(`/api/v1/stories/${id}`)).json()) as { wordCount: number; body: string; sanitizerRemoved: unknown[] }, storyId)
    expect(shown).toBe(saved.wordCount)
    expect(saved.body).toMatch(/<h2>工作要求<\/h2><ol><li><p>压实安全生产责任<\/p><\/li>/)
    expect(saved.body).not.toContain('style=')

    // Submitting runs the checks: the blocking hit stops it, and the hits are marked in the text.
    await page.getByTestId('story-submit').click()
    await page.locator('.ant-modal-confirm-title', { hasText: '必须修改' }).waitFor()
    await page.locator('.ant-modal-confirm-btns button').click()
    await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' })
    const block = page.locator('[data-testid="check-hit"][data-rule="territory.taiwan-leader"]')
    await block.waitFor()
    expect(await block.getAttribute('data-severity')).toBe('block')
    expect(await page.locator('.rm-hl-block').count()).toBe(1)
    expect(await page.locator('.rm-hl-review').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('story-state').first().textContent()).toBe('草稿')
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: path.join(shotsDir, 'story-editor.png') })
    await expectAccessible(page)

    // One click applies each suggestion where the words are now.
    await block.getByTestId('check-apply').click()
    await page.locator('[data-testid="check-hit"][data-rule="typo.jingzhong"]').getByTestId('check-apply').click()
    await expect.poll(() => content.textContent()).toContain('台湾地区领导人选举')
    expect(await content.textContent()).toContain('警钟长鸣')
    expect(await page.locator('.rm-hl-block').count()).toBe(0)

    await page.getByTestId('story-submit').click()
    await expect.poll(() => page.getByTestId('story-state').first().textContent(), { timeout: 15_000 }).toBe('审核中')
    await page.context().close()
  })

  it('keeps the writer\'s text across a reload and when an editor takes over the edit lock', async () => {
    const reporter = await openAs('district-a.reporter')
    await reporter.goto(`${server.baseUrl}/console/stories`)
    await reporter.getByTestId('story-new').click()
    await reporter.getByTestId('new-story-title').fill(`${title}（接管）`)
    await reporter.getByTestId('new-story-ok').click()
    await reporter.waitForURL(/\/console\/stories\/[0-9a-f-]{36}$/)
    const url = reporter.url()
    await reporter.locator('.rm-story-content[contenteditable="true"]').click()
    await reporter.keyboard.type('记者正在写的第一段。')
    await expect.poll(() => reporter.getByTestId('autosave-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')

    // A reload (a crash, a closed tab) offers the autosaved text back.
    await reporter.reload()
    await reporter.getByTestId('recovery-prompt').waitFor()
    expect(await reporter.locator('.rm-story-content').textContent()).not.toContain('记者正在写的第一段。')
    await reporter.getByTestId('recovery-apply').click()
    await expect.poll(() => reporter.locator('.rm-story-content').textContent()).toContain('记者正在写的第一段。')
    await expect.poll(() => reporter.getByTestId('autosave-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')

    const editor = await openAs('district-a.editor')
    await editor.goto(url)
    const banner = editor.getByTestId('lock-banner')
    await banner.waitFor()
    expect(await banner.textContent()).toMatch(/东湖记者 正在编辑，锁定至 \d{2}:\d{2}:\d{2}/)
    expect(await editor.locator('.rm-story-content').getAttribute('contenteditable')).toBe('false')
    await editor.getByTestId('lock-takeover').click()
    await editor.locator('.ant-modal-confirm-btns .ant-btn-dangerous').click()
    // The writer's autosaved text became a version and is what the editor now edits.
    await editor.locator('.rm-story-content[contenteditable="true"]').waitFor()
    await expect.poll(() => editor.locator('.rm-story-content').textContent()).toContain('记者正在写的第一段。')
    await editor.getByText(/未保存的内容已保存为第 2 版/).waitFor()

    // The writer learns at their next autosave and the page turns read-only.
    await reporter.locator('.rm-story-content').click()
    await reporter.keyboard.press('End')
    await reporter.keyboard.type('再补一句。')
    await reporter.locator('.ant-modal-confirm-title', { hasText: '编辑权已被接管' }).waitFor()
    await reporter.locator('.ant-modal-confirm-btns button').click()
    await reporter.getByTestId('lock-banner').waitFor()
    expect(await reporter.locator('.rm-story-content').getAttribute('contenteditable')).toBe('false')
    await editor.context().close()
    await reporter.context().close()
  })

  it('shows the reporter the list on a phone and refuses a file that is not a Word document', async () => {
    const page = await openAs('district-a.reporter', { width: 390, height: 844 })
    await page.goto(`${server.baseUrl}/console/stories`)
    await page.locator('[data-testid="story-row"][data-state="in_review"]').first().waitFor()
    await expect.poll(() => page.locator('.ant-table .ant-spin-spinning').count()).toBe(0)
    await page.screenshot({ path: path.join(shotsDir, 'stories-list-phone.png') })
    await expectAccessible(page)
    await page.locator('input[type="file"]').setInputFiles({ name: '通知.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('这不是 Word 文档') })
    await page.locator('.ant-modal-confirm-title', { hasText: '无法导入“通知.docx”' }).waitFor()
    // The server's own reason, in Chinese, not a generic failure.
    expect(await page.locator('.ant-modal-confirm-content').textContent()).toMatch(/不是 Word 文档|已损坏/)
    await page.context().close()
  })

  it('has the proofreader record a round and three reviewers approve in turn', async () => {
    const proofreader = await openAs('district-a.proofreader')
    await openFromQueue(proofreader)
    await selectText(proofreader, '加强隐患排查整治')
    await proofreader.getByTestId('add-mark').click()
    await proofreader.getByLabel('改为').fill('加强隐患排查和整治')
    await proofreader.getByTestId('note-ok').click()
    await proofreader.locator('.rm-hl-mark').first().waitFor()
    await proofreader.getByTestId('proofread-submit').click()
    await proofreader.getByText('第 1 轮校对已记录').waitFor()
    await proofreader.context().close()

    const editor = await openAs('district-a.editor')
    await openFromQueue(editor)
    // A note anchored to selected words: the offsets must match the server's plain text exactly.
    await selectText(editor, '压实责任')
    await editor.getByTestId('add-note').click()
    await editor.getByTestId('note-text').fill('请写明责任主体')
    await editor.getByTestId('note-ok').click()
    await editor.locator('.rm-hl-note').first().waitFor()
    await approve(editor, '同意，请复审')
    await editor.context().close()

    const section = await openAs('district-a.section')
    await openFromQueue(section)
    await section.getByTestId('decision-form').waitFor()
    // The notes and marks of earlier reviewers are marked in the text.
    await section.locator('.rm-hl-note').first().waitFor()
    expect(await section.locator('.rm-hl-mark').count()).toBe(1)
    await section.screenshot({ path: path.join(shotsDir, 'review-view.png') })
    await expectAccessible(section)
    await approve(section, '同意，请终审')
    await section.context().close()

    const chief = await openAs('district-a.chief')
    await openFromQueue(chief)
    // The history compares any two versions side by side.
    await chief.getByTestId('open-history').click()
    await chief.getByTestId('diff-view').waitFor()
    expect(await chief.locator('[data-testid="diff-view"] ins').count()).toBeGreaterThan(0)
    await chief.keyboard.press('Escape')
    await approve(chief, '同意签发')
    await expect.poll(() => chief.getByTestId('story-state').first().textContent(), { timeout: 15_000 }).toBe('已签发')
    const story = await chief.evaluate(async (id) => (await (await fetch(`/api/v1/stories/${id}`)).json()) as { state: string; decisions: { stage: string; decision: string }[] }, storyId)
    expect(story.state).toBe('signed_off')
    expect(story.decisions.map((d) => `${d.stage}:${d.decision}`)).toEqual(['first:approve', 'second:approve', 'final:approve'])

    for (const format of ['docx', 'pdf'] as const) {
      const [download] = await Promise.all([chief.waitForEvent('download'), chief.getByTestId(`record-${format}`).click()])
      expect(download.suggestedFilename()).toMatch(new RegExp(`^信息发布登记审核表-.+\\.${format}$`))
      const file = await download.path()
      const bytes = fs.readFileSync(file)
      expect(bytes.length).toBeGreaterThan(0)
      expect(bytes.subarray(0, format === 'pdf' ? 4 : 2).toString('latin1')).toBe(format === 'pdf' ? '%PDF' : 'PK')
    }
    await chief.context().close()
  })
})
