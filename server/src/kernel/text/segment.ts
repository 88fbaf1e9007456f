import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { Converter } from 'opencc-js/t2cn'

/**
 * Chinese word segmentation for search (DESIGN.md, search notes): jieba with its dictionary (a
 * bare `new Jieba()` splits into single characters), traditional → simplified first, index with
 * `cutForSearch` (words and their sub-words), query with `cut`, and drop punctuation, function
 * words and question words, which only add noise to an OR query.
 */

let jieba: Jieba | null = null

/** The shared segmenter; loading the dictionary takes ~0.25 s, so it happens once, on first use. */
export function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict)
  return jieba
}

const toSimplified = Converter({ from: 't', to: 'cn' })

/** NFKC (full-width → ASCII), traditional → simplified, lower case. */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase()
}

// Function words, pronouns and the ways of asking a question: a citizen's "请问怎么办理社保卡？"
// should search for 办理 and 社保卡 only.
const STOPWORDS = new Set([
  '的', '了', '吗', '呢', '吧', '啊', '呀', '么', '嘛', '哦', '和', '与', '及', '或', '或者', '在', '是', '有', '我', '我们',
  '你', '您', '你们', '他', '她', '它', '他们', '这', '那', '这个', '那个', '这些', '那些', '就', '都', '也', '还', '又',
  '被', '把', '给', '让', '对', '从', '向', '到', '于', '为', '请问', '请', '问', '问一下', '想问', '咨询', '怎么', '怎样',
  '怎么样', '怎么办', '咋办', '如何', '什么', '啥', '哪里', '哪儿', '哪些', '哪个', '为什么', '为何', '是否', '能否', '能不能', '可以',
  '可不可以', '需要', '要', '想', '一下', '一个', '多少', '几', '谁', '何时', '什么时候', '有没有', '没有', '不', '会',
  '应该', '该', '得', '地', '着', '过', '之', '其', '以', '而', '但', '等', '个', '些', '里', '吗？', '一', '上', '下',
])

/** A token worth indexing or searching: it has a letter or digit and is not a stop word. */
export function isContentToken(token: string): boolean {
  return /[\p{L}\p{N}]/u.test(token) && !STOPWORDS.has(token)
}

/** Tokens of a text for an index (words and their sub-words; repeated as they occur). */
export function indexTokens(text: string): string[] {
  return segmenter().cutForSearch(normalizeText(text), true).map((t) => t.trim()).filter(isContentToken)
}

/** Distinct tokens of a query, in order. */
export function queryTokens(text: string): string[] {
  return [...new Set(segmenter().cut(normalizeText(text), true).map((t) => t.trim()).filter(isContentToken))]
}

/** Term → weighted count of `tokens`, each occurrence counting `weight`. */
export function countTerms(tokens: Iterable<string>, weight = 1, into = new Map<string, number>()): Map<string, number> {
  for (const t of tokens) into.set(t, (into.get(t) ?? 0) + weight)
  return into
}
