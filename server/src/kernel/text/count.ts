import { htmlToPlainText } from './plain-text.js'

export interface TextCount {
  /** Han ideographs (all CJK blocks: URO, Ext A–I, compatibility), kana, Hangul and Bopomofo, one each. */
  cjkCharacters: number
  /** Words in alphabetic scripts (Latin, Greek, Cyrillic…): one per token such as "iPhone15" or "COVID-19". */
  latinWords: number
  /** Runs of digits: "2024", "3.14" and "1,000,000" are one each. */
  digits: number
  /** Punctuation and symbols, half- and full-width ("，。、“”《》%¥…"), one per character. */
  punctuation: number
  /** Every character that is not whitespace, counted as a reader sees it (one per grapheme). */
  characters: number
  /** The newsroom "字数": cjkCharacters + latinWords + digits. */
  wordCount: number
}

/** Characters read as one unit each: every Han ideograph block, plus kana, Hangul and Bopomofo. */
const cjk = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u

const punct = /^[\p{P}\p{S}]/u

const notCjk = String.raw`(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}])`
const wordStart = String.raw`(?:${notCjk}[\p{L}\p{N}])`
const wordChar = String.raw`(?:${notCjk}[\p{L}\p{N}\p{M}])`
/** An apostrophe, hyphen, dot, slash or colon inside a token; a comma only between digits ("1,000"). */
const joiner = String.raw`(?:['’\-./:]|(?<=\p{N}),(?=\p{N}))`
/** Letters, digits and marks outside the CJK scripts, possibly joined: "iPhone15", "don't", "3.14", "12:30". */
const alphanumericToken = new RegExp(`${wordStart}${wordChar}*(?:${joiner}${wordStart}${wordChar}*)*`, 'gu')
const innerJoiner = new RegExp(`(?<=${wordChar})${joiner}(?=${wordStart})`, 'gu')

/** Whitespace and invisible format characters (zero-width space, BOM) are not characters a reader counts. */
const invisible = /^[\s\p{Cf}]+$/u

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' })

/**
 * Counts text the way a Chinese newsroom does, ignoring markup and whitespace.
 *
 * 字数 (wordCount) = CJK characters + alphabetic words + digit runs. This matches how editors
 * budget a layout and how Word/WPS report "字数" for mixed text: each ideograph is one, while an
 * English word or a number is one however long it is. Punctuation, full-width included, is
 * counted separately and NOT in 字数 (the choice of the 新闻出版 word-count practice for
 * manuscripts; layout counts that include punctuation use `characters`).
 *
 * @example countText('<p>2024年GDP增长5.2%</p>') // cjk 3 (年增长), latinWords 1 (GDP), digits 2, punctuation 1 (%), wordCount 6
 */
export function countText(htmlOrText: string): TextCount {
  const text = looksLikeHtml(htmlOrText) ? htmlToPlainText(htmlOrText) : htmlOrText
  let cjkCharacters = 0
  let latinWords = 0
  let digits = 0
  let punctuation = 0
  let characters = 0
  for (const { segment } of graphemes.segment(text)) {
    if (invisible.test(segment)) continue
    characters++
    if (cjk.test(segment)) cjkCharacters++
    else if (punct.test(segment)) punctuation++
  }
  for (const [token] of text.matchAll(alphanumericToken)) {
    if (/\p{L}/u.test(token)) latinWords++
    else digits++
    // A joiner inside a token ("COVID-19", "3.14", "1,000") belongs to the word, not to punctuation.
    punctuation -= [...token.matchAll(innerJoiner)].length
  }
  return { cjkCharacters, latinWords, digits, punctuation, characters, wordCount: cjkCharacters + latinWords + digits }
}

function looksLikeHtml(value: string): boolean {
  return /<\/?[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);/.test(value)
}
