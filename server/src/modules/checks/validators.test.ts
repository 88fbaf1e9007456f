import { describe, expect, it } from 'vitest'
import { protectedNames } from './names.js'
import { isLuhnValid, isValidIdNumber, validators } from './validators.js'

const spans = (found: Array<{ start: number; end: number }>, text: string) => found.map((c) => text.slice(c.start, c.end))

describe('citizen ID numbers (GB 11643)', () => {
  it('accepts numbers whose check character is right, including X and 0', () => {
    for (const id of ['11010519491231002X', '11010519491231002x', '330106200001011235', '440304198512310011', '420102198808081070', '510107201202290044']) {
      expect(isValidIdNumber(id), id).toBe(true)
    }
  })

  it('refuses a wrong check character, an impossible date, an unknown province or a wrong length', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false) // check should be X
    expect(isValidIdNumber('330106200001011234')).toBe(false) // check should be 5
    expect(isValidIdNumber('510107201102290047')).toBe(false) // 29 February 2011 does not exist
    expect(isValidIdNumber('990106200001011235')).toBe(false)
    expect(isValidIdNumber('440524188001010014')).toBe(false) // born 1880: checksum fine, not a living person
    expect(isValidIdNumber('11010519491231002')).toBe(false)
    expect(isValidIdNumber('1101051949123100200')).toBe(false)
  })

  it('finds valid numbers in text only as whole tokens and masks the birth date', () => {
    const text = '甲11010519491231002X，乙110105194912310021，丙9110105194912310020X，丁330106200001011235'
    const found = validators.idCard(text.toLowerCase(), text, new Map())
    expect(spans(found, text)).toEqual(['11010519491231002X', '330106200001011235'])
    expect(found[0].suggestion).toBe('110105********002X')
  })
})

describe('bank card numbers (Luhn)', () => {
  it('checks the Luhn digit', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true)
    expect(isLuhnValid('4111111111111112')).toBe(false)
    expect(isLuhnValid('6222020200112233446')).toBe(true)
    expect(isLuhnValid('79927398713')).toBe(true)
    expect(isLuhnValid('7992739871a')).toBe(false)
  })

  it('flags 16–19 digit Luhn-valid numbers, with or without separators, and nothing longer or shorter', () => {
    const text = '卡一4111111111111111，卡二4111 1111 1111 1111，卡三4111-1111-1111-1112，卡四41111111111111111111，卡五411111111111116，卡六6222020200112233446'
    expect(spans(validators.bankCard(text, text, new Map()), text)).toEqual(['4111111111111111', '4111 1111 1111 1111', '6222020200112233446'])
  })

  it('leaves a valid 18-digit ID number to the ID rule even if it passes Luhn', () => {
    const id = '330106199001011109'
    expect(isLuhnValid(id)).toBe(true)
    expect(isValidIdNumber(id)).toBe(true)
    expect(validators.bankCard(id, id, new Map())).toEqual([])
    expect(validators.idCard(id, id, new Map())).toHaveLength(1)
  })
})

describe('mobile numbers', () => {
  it('flags 1[3-9] numbers of 11 digits, with +86 or separators, and masks the middle', () => {
    const text = '电话13812345678，或+86 139-0000-1111，或 177 1234 5678。'
    const found = validators.mobile(text, text, new Map())
    expect(spans(found, text)).toEqual(['13812345678', '+86 139-0000-1111', '177 1234 5678'])
    expect(found.map((c) => c.suggestion)).toEqual(['138****5678', '139****1111', '177****5678'])
  })

  it('does not flag digits inside longer digit runs, other prefixes or mixed separators', () => {
    for (const text of ['订单号201813812345678', '13812345678901', '流水号2138123456789', '12345678901', '身份证330106200001011235', '0571-13812345678', '138-1234 5678']) {
      expect(validators.mobile(text, text, new Map()), text).toEqual([])
    }
  })
})

describe('links', () => {
  it('suggests https for a well-formed http link and strips trailing punctuation', () => {
    const text = '详见 http://www.example.gov.cn/a/b?x=1。也可访问 https://www.gov.cn.'
    const found = validators.insecureLink(text, text, new Map())
    expect(spans(found, text)).toEqual(['http://www.example.gov.cn/a/b?x=1'])
    expect(found[0].suggestion).toBe('https://www.example.gov.cn/a/b?x=1')
  })

  it('reports malformed links and keeps well-formed https links quiet', () => {
    const text = 'a https：//www.gov.cn b http:/www.gov.cn c htps://www.gov.cn d https://localhost e https://www..gov.cn f https://www.gov.cn/path g https://10.0.0.1:8080/x h https://中文.cn i http//www.gov.cn j 支持HTTP/2协议'
    const found = validators.malformedLink(text.toLowerCase(), text, new Map())
    expect(spans(found, text)).toEqual(['https：//www.gov.cn', 'http:/www.gov.cn', 'htps://www.gov.cn', 'https://localhost', 'https://www..gov.cn', 'https://', 'http//www.gov.cn'])
    expect(found.map((c) => c.suggestion)).toEqual(['https://www.gov.cn', 'http://www.gov.cn', 'https://www.gov.cn', null, null, null, 'http://www.gov.cn'])
  })
})

describe('names of protected people', () => {
  it('flags a full name right after a protected role, suggesting surname + 某', () => {
    const text = '受害人王丽说，患者欧阳明辉在医院接受治疗，未成年人李小明，患儿张某某已出院。'
    const found = protectedNames(text)
    expect(spans(found, text)).toEqual(['王丽', '欧阳明辉', '李小明'])
    expect(found.map((c) => c.suggestion)).toEqual(['王某', '欧阳某', '李某'])
  })

  it('does not read ordinary words after the role as names', () => {
    for (const text of ['患者高烧不退', '患者于今日出院', '患者家属表示满意', '患者陈述了病史', '受害人张女士报警', '患者周边人群', '受害人及时报警']) {
      expect(protectedNames(text), text).toEqual([])
    }
  })
})
