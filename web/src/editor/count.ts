/**
 * 字数 and 字符数 as the server counts them (server/src/kernel/text/count.ts, `countText`), so the
 * number under the editor is the number the story list and the record show:
 * 字数 = CJK characters + words in alphabetic scripts + digit runs ("2024", "3.14", "1,000" one
 * each); 字符数 = every non-whitespace character, one per grapheme. Punctuation is not 字数.
 */
export interface TextCount {
  wordCount: number
  charCount: number
}

const cjkScripts = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}`
const cjk = new RegExp(`^[${cjkScripts}]`, 'u')
const notCjk = `(?![${cjkScripts}])`
const wordStart = String.raw`(?:${notCjk}[\p{L}\p{N}])`
const wordChar = String.raw`(?:${notCjk}[\p{L}\p{N}\p{M}])`
const joiner = String.raw`(?:['’\-./:]|(?<=\p{N}),(?=\p{N}))`
const alphanumericToken = new RegExp(`${wordStart}${wordChar}*(?:${joiner}${wordStart}${wordChar}*)*`, 'gu')
const invisible = /^[\s\p{Cf}]+$/u

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' })

/** Counts plain text (the editor's `docToPlainText`). */
export function countText(text: string): TextCount {
  let cjkCharacters = 0
  let charCount = 0
  for (const { segment } of graphemes.segment(text)) {
    if (invisible.test(segment)) continue
    charCount++
    if (cjk.test(segment)) cjkCharacters++
  }
  // Each token is one alphabetic word or one digit run; both count once.
  const tokens = [...text.matchAll(alphanumericToken)].length
  return { wordCount: cjkCharacters + tokens, charCount }
}
