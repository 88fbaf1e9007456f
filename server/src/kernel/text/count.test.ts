import { describe, expect, it } from 'vitest'
import { countText } from './count.js'

describe('countText', () => {
  it('counts a government news paragraph: ideographs, words, numbers; not punctuation', () => {
    const count = countText('<h2>一季度经济运行</h2><p>2024年一季度，全市GDP同比增长5.2%，规上工业增加值增长6.1%。</p>')
    // 一季度经济运行 (7) + 年一季度全市同比增长规上工业增加值增长 (19) = 26 CJK; GDP; 2024, 5.2, 6.1;
    // punctuation ，%，%。; characters = 26 + 3 + 4 + 3 + 3 + 5.
    expect(count).toEqual({ cjkCharacters: 26, latinWords: 1, digits: 3, punctuation: 5, characters: 44, wordCount: 30 })
  })

  it('counts an English word, a joined token and a number as one each', () => {
    expect(countText('我用iPhone15拍照，COVID-19疫情don\'t 1,000,000元。')).toMatchObject({
      cjkCharacters: 7, latinWords: 3, digits: 1, punctuation: 2, wordCount: 11,
    })
    expect(countText('会议 12:30 开始，见 U.S.A 与 e-mail')).toMatchObject({ latinWords: 2, digits: 1, punctuation: 1 })
  })

  it('counts CJK Extension A/B, compatibility ideographs, 〇 and 々, kana and Hangul as characters', () => {
    expect(countText('𠀀㐀豈〇々 カタカナ 한국어')).toMatchObject({ cjkCharacters: 12, latinWords: 0, wordCount: 12 })
  })

  it('counts full-width letters and digits as words and numbers, full-width punctuation as punctuation', () => {
    expect(countText('ＡＢＣ１２３（附件）《通知》')).toMatchObject({
      cjkCharacters: 4, latinWords: 1, digits: 0, punctuation: 4, wordCount: 5,
    })
  })

  it('ignores markup, entities and whitespace, and counts graphemes as characters', () => {
    expect(countText('<p>你&nbsp;好</p>\n\n<p>  </p>')).toEqual({
      cjkCharacters: 2, latinWords: 0, digits: 0, punctuation: 0, characters: 2, wordCount: 2,
    })
    expect(countText('👨‍👩‍👧 e\u0301 a\u200bb')).toMatchObject({ characters: 4, punctuation: 1, latinWords: 3 })
  })

  it('gives zero for empty input and treats plain text with "<" as text', () => {
    expect(countText('')).toEqual({ cjkCharacters: 0, latinWords: 0, digits: 0, punctuation: 0, characters: 0, wordCount: 0 })
    expect(countText('a < b 且 c > d')).toMatchObject({ latinWords: 4, cjkCharacters: 1, punctuation: 2 })
  })
})
