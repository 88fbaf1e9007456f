import { describe, expect, it } from 'vitest'
import { queryTokens } from '../../kernel/text/segment.js'
import { generalIdf, isSuggestible, sharedWith } from './faq.relevance.js'
import { entryTerms } from './faq.service.js'

const socialCard = entryTerms({
  question: '社会保障卡丢失了怎么补办？', variants: ['社保卡丢了去哪里补办', '补办社保卡需要带什么材料'],
  answer: '社会保障卡遗失后，请先拨打 12333 办理挂失，再携带本人有效身份证件到人社服务大厅申请补卡。',
}).terms
const manhole = entryTerms({
  question: '路灯不亮、井盖丢失在哪里反映？', variants: ['井盖没了找谁', '路灯坏了怎么报修'],
  answer: '路灯、井盖、道路破损等问题可通过本平台“道路交通”类别留言。井盖缺失有安全隐患，请拨打 12345 紧急处置。',
}).terms
const noise = entryTerms({
  question: '小区附近夜间施工噪音太大向谁反映？', variants: ['晚上施工扰民怎么办', '夜间噪声投诉'],
  answer: '夜间施工须取得夜间施工许可。',
}).terms

const suggestible = (title: string, terms: Map<string, number>) => isSuggestible({ queryTerms: queryTokens(title), entryTerms: terms })

describe('which knowledge base entries are worth suggesting', () => {
  it('weighs words by jieba\'s general IDF: specific words over generic ones, the median for unknown ones', () => {
    expect(generalIdf('井盖')).toBeCloseTo(12.109, 2)
    expect(generalIdf('丢失')).toBeCloseTo(8.352, 2)
    expect(generalIdf('存在')).toBeLessThan(5)
    const unknown = generalIdf('这不是一个词语吧')
    expect(unknown).toBeGreaterThan(10)
    expect(unknown).toBeLessThan(13)
  })

  it('does not suggest an entry that shares only a generic word with the title', () => {
    expect(sharedWith({ queryTerms: queryTokens('井盖丢失了'), entryTerms: socialCard })).toMatchObject({ words: 1 })
    expect(suggestible('井盖丢失了', socialCard)).toBe(false)
    expect(suggestible('手机丢了', socialCard)).toBe(false)
    expect(suggestible('钱包丢失了', manhole)).toBe(false)
    expect(suggestible('小区停车位不够', noise)).toBe(false)
  })

  it('does not count words found only in the answer', () => {
    // 身份证 is in the 社保卡 answer ("身份证件"), not in what the entry is about.
    expect(socialCard.get('身份证')).toBeLessThan(1)
    expect(suggestible('身份证丢失了怎么办', socialCard)).toBe(false)
  })

  it('suggests entries that share the specific words, in short and in longer titles', () => {
    expect(suggestible('井盖丢失了', manhole)).toBe(true)
    expect(suggestible('社保卡丢了怎么办', socialCard)).toBe(true)
    expect(suggestible('請問社保卡遺失要怎麼補辦', socialCard)).toBe(true)
    expect(suggestible('井盖被偷', manhole)).toBe(true)
    expect(suggestible('我家门口井盖丢失了很危险', manhole)).toBe(true)
    expect(suggestible('路灯坏了好几天没人修', manhole)).toBe(true)
    expect(suggestible('晚上工地施工太吵睡不着', noise)).toBe(true)
    // A title of one word is all the citizen has said yet: any entry holding it is fair.
    expect(suggestible('丢失', socialCard)).toBe(true)
  })
})
