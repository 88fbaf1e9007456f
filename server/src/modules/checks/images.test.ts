import { describe, expect, it } from 'vitest'
import { composeRuleSet } from './rulesets.js'
import { checkImages } from './images.js'
import { runChecks } from './engine.js'
import { mustNotFlag } from './fixtures/must-not-flag.js'
import { defaultRuleSet } from './rules/index.js'

const img = (n: number) => `<img src="https://img.example.gov.cn/${n}.jpg" alt="图${n}" />`

describe('image caption and credit check', () => {
  it('flags each image lacking a caption or a credit, ranged over the images', () => {
    const html = [
      `<p>开头</p><figure>${img(0)}<figcaption>会议现场（记者 张三 摄）</figcaption></figure>`,
      `<p>${img(1)}</p>`,
      `<figure>${img(2)}<figcaption>会议现场</figcaption></figure>`,
      `<figure>${img(3)}<figcaption>春耕时节，农民在田间劳作。受访者供图</figcaption></figure>`,
    ].join('')
    const hits = checkImages(html, { ruleSet: defaultRuleSet })
    expect(hits.map((h) => [h.start, h.end, h.field, h.severity, h.ruleId, h.category])).toEqual([
      [1, 2, 'image', 'review', 'link.image-caption', 'link'],
      [2, 3, 'image', 'review', 'link.image-caption', 'link'],
    ])
    expect(hits[0].message).toContain('图片说明和作者（来源）署名')
    expect(hits[1].message).toContain('缺少作者（来源）署名')
    expect(hits[0].image).toEqual({ index: 1, src: 'https://img.example.gov.cn/1.jpg', alt: '图1' })
  })

  it('accepts the media library\'s caption and credit for one of its pictures', () => {
    const id = '0f8c2c1e-8a1b-4c55-9a8e-1b2c3d4e5f60'
    const html = `<p><img src="/api/v1/assets/${id}/renditions/w1280.webp" alt="" /></p>`
    expect(checkImages(html, { ruleSet: defaultRuleSet })).toHaveLength(1)
    expect(checkImages(html, { ruleSet: defaultRuleSet, assetCaptions: new Map([[id, { caption: '田间春耕', credit: '王五' }]]) })).toEqual([])
  })

  it('follows the tenant: a disabled rule finds nothing, an override changes the severity', () => {
    const html = `<p>${img(0)}</p>`
    const off = composeRuleSet(defaultRuleSet, { disabled: ['link.image-caption'], severities: [], terms: [], allow: [], exceptions: [] }, 'x')
    expect(checkImages(html, { ruleSet: off })).toEqual([])
    const strict = composeRuleSet(defaultRuleSet, { disabled: [], severities: [{ ruleId: 'link.image-caption', severity: 'block' }], terms: [], allow: [], exceptions: [] }, 'y')
    expect(checkImages(html, { ruleSet: strict })[0].severity).toBe('block')
  })

  it('finds nothing without images, and its rule never fires on plain text', () => {
    expect(checkImages('<p>没有图片的稿件</p>', { ruleSet: defaultRuleSet })).toEqual([])
    const text = mustNotFlag.map((p) => p.text).join('\n')
    expect(runChecks({ text, ruleSet: defaultRuleSet }).filter((h) => h.ruleId === 'link.image-caption')).toEqual([])
  })
})
