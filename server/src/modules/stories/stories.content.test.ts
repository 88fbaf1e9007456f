import { describe, expect, it } from 'vitest'
import { contentHash, emptyContent, mergeContent, sanitizeBody, MAX_BODY_BYTES, type StoryContent } from './stories.content.js'
import { diffBlocks, diffText, splitBlocks } from './stories.diff.js'

const base: StoryContent = { ...emptyContent, title: '标题', bodyHtml: '<p>正文</p>', tags: ['政务'] }

describe('story content', () => {
  it('hashes the same content alike whatever the key order, and any change differently', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as StoryContent
    expect(contentHash(reordered)).toBe(contentHash(base))
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/)
    for (const change of [{ title: '标题。' }, { bodyHtml: '<p>正文 </p>' }, { tags: ['政务', '会议'] }, { isImportant: true }, { coverAssetId: '0f8c2c1e-8a1b-4c55-9a8e-1b2c3d4e5f60' }]) {
      expect(contentHash({ ...base, ...change }), JSON.stringify(change)).not.toBe(contentHash(base))
    }
  })

  it('merges only the fields sent, trimming text and de-duplicating tags', () => {
    const merged = mergeContent(base, { title: ' 新\n标题 ', tags: [' 政务 ', '政务', '民生', ' '], byline: '  记者  张三 ' }, null)
    expect(merged).toEqual({ ...base, title: '新 标题', tags: ['政务', '民生'], byline: '记者 张三' })
    expect(mergeContent(base, {}, null)).toEqual(base)
  })

  it('refuses an empty title, too many tags, unsafe attachments and an oversized body, naming the field', () => {
    const fieldOf = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        return (error as { errors: Array<{ field: string }> }).errors.map((e) => e.field)
      }
      return []
    }
    expect(fieldOf(() => mergeContent(base, { title: ' \n ' }, null))).toEqual(['title'])
    expect(fieldOf(() => mergeContent(base, { tags: Array.from({ length: 21 }, (_, i) => `标签${i}`) }, null))).toEqual(['tags'])
    expect(fieldOf(() => mergeContent(base, { attachments: [{ name: 'a', url: 'https://example.com/a.pdf' }, { name: 'b', url: 'data:text/html,x' }, { name: '', url: '//evil.example/x' }] }, null)))
      .toEqual(['attachments.1.url', 'attachments.2.url', 'attachments.2.name'])
    expect(fieldOf(() => sanitizeBody(`<p>${'字'.repeat(MAX_BODY_BYTES / 3 + 10)}</p>`))).toEqual(['body'])
  })
})

describe('story diff', () => {
  it('splits HTML into its top-level blocks, exactly as written', () => {
    expect(splitBlocks('<p>a<strong>b</strong></p>lead <em>x</em><br>tail<h2>T</h2><hr /><table><tr><td>1</td></tr></table>')).toEqual([
      '<p>a<strong>b</strong></p>', 'lead <em>x</em><br>tail', '<h2>T</h2>', '<hr />', '<table><tr><td>1</td></tr></table>',
    ])
    expect(splitBlocks('')).toEqual([])
  })

  it('diffs Chinese by words and keeps both sides recoverable', () => {
    const from = '会议研究部署近期重点工作。'
    const to = '会议研究部署下半年重点工作。'
    const { changes, isApproximate } = diffText(from, to)
    expect(isApproximate).toBe(false)
    expect(changes.filter((c) => c.type !== 'added').map((c) => c.value).join('')).toBe(from)
    expect(changes.filter((c) => c.type !== 'removed').map((c) => c.value).join('')).toBe(to)
    expect(changes.filter((c) => c.type === 'removed').map((c) => c.value).join('')).toBe('近期')
  })

  it('shows moved and added blocks', () => {
    expect(diffBlocks('<p>一</p><p>二</p>', '<p>二</p><p>三</p>')).toEqual([
      { type: 'removed', html: '<p>一</p>' }, { type: 'equal', html: '<p>二</p>' }, { type: 'added', html: '<p>三</p>' },
    ])
  })
})
