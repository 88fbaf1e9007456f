import { describe, expect, it } from 'vitest'
import { maskName, maskPersonalData, publicCitizenName, surnameOf } from './tickets.mask.js'

describe('masking personal data for the public', () => {
  it('turns names into surname + 某, compound surnames included', () => {
    expect(maskName('张三')).toBe('张某')
    expect(maskName('欧阳娜娜')).toBe('欧阳某')
    expect(maskName('Tom')).toBe('某某')
    expect(surnameOf('诸葛亮')).toBe('诸葛')
    expect(publicCitizenName('李小红', true)).toBe('李某')
    expect(publicCitizenName('李小红', false)).toBe('匿名')
  })

  it('masks the names the ticket knows, labelled names, phones and ID numbers, and keeps the rest as written', () => {
    const text = '张三反映：联系人李小红（手机13812345678，座机0571-87654321），身份证号330102199001011234，住东湖路12号。\n请尽快处理。'
    const masked = maskPersonalData(text, { names: ['张三'] })
    expect(masked).toBe('张某反映：联系人李某（手机138****5678，座机0571-****4321），身份证号330***********1234，住东湖路12号。\n请尽快处理。')
    expect(masked).not.toMatch(/张三|李小红|13812345678|87654321|199001011234/)
  })

  it('leaves ordinary government text alone', () => {
    const text = '经核查，东湖区住房和城乡建设局已于2026年11月20日安排维修，市民服务中心电话12345。'
    expect(maskPersonalData(text)).toBe(text)
  })

  it('masks names jieba tags as persons when they start with a surname, and forms of address stay', () => {
    expect(maskPersonalData('工作人员刘德华已经上门查看，由李建国负责处理。')).toBe('工作人员刘某已经上门查看，由李某负责处理。')
    expect(maskPersonalData('王先生您好，经办人欧阳娜娜已联系您。')).toBe('王先生您好，经办人欧阳某已联系您。')
  })
})
