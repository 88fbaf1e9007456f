import { idf as idfTable } from '@node-rs/jieba/dict.js'

/**
 * When a knowledge-base entry is worth showing to a citizen who is still typing the title.
 *
 * BM25 with OR semantics ranks any entry that shares one word with the title: "井盖丢失了" used to
 * suggest "社会保障卡丢失了怎么补办？" for the word 丢失 alone, which sends people the wrong way.
 * The knowledge base's own statistics cannot tell a generic word from a specific one (a center
 * has a few dozen entries, and a word no entry uses gets the highest IDF there), so the words of
 * the title are weighed by how specific they are in Chinese at large: their IDF in jieba's general
 * corpus table, the one jieba's keyword extraction uses (井盖 12.1, 丢失 8.4, 存在 4.6).
 *
 * The rule: the entry's question or variants must share with the title either
 *   - words carrying at least MIN_SHARE_ALONE of the title's weight (one specific word such as
 *     井盖 in 井盖被偷 is enough; 丢失 in 井盖丢失了 carries 41% and is not), or
 *   - at least two words carrying at least MIN_SHARE_SEVERAL of it, so a longer title with
 *     filler words ("我家门口井盖丢失了很危险") still finds its entry.
 * Words found only in an entry's answer do not count as shared: there they are usually context
 * (the 社保卡 answer mentions 身份证件), not what the entry is about.
 */
export const MIN_SHARE_ALONE = 0.6
export const MIN_SHARE_SEVERAL = 0.25

// Question and variant words count 1 per occurrence, answer words ANSWER_WEIGHT (0.3): a word
// reaches 1 from the question side (or from an answer that repeats it four times, which is then
// what the entry is about).
const QUESTION_TF = 1

interface IdfIndex {
  table: Buffer
  /** Per line of the table: where the word starts and ends (the space before the number), its IDF. */
  starts: Int32Array
  ends: Int32Array
  values: Float64Array
  /** Open addressing: slot → line + 1 (0 = empty). */
  slots: Int32Array
  mask: number
  median: number
}

let index: IdfIndex | null = null

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
  return hash >>> 0
}

/** "12.1089181827" as bytes → number, without making a string per line. */
function decimalAt(bytes: Uint8Array, start: number, end: number): number {
  let value = 0
  let scale = 0
  for (let i = start; i < end; i++) {
    const byte = bytes[i]
    if (byte === 0x2e) scale = 1
    else if (byte >= 0x30 && byte <= 0x39) {
      value = value * 10 + (byte - 0x30)
      if (scale) scale *= 10
    }
  }
  return scale ? value / scale : value
}

// The table (270,000 "word idf" lines, 6 MB) is already in memory: @node-rs/jieba/dict.js reads it
// with the dictionary. A Map of it would take ~35 MB of heap; typed arrays over the buffer ~6 MB.
function buildIndex(): IdfIndex {
  const table = Buffer.from(idfTable.buffer, idfTable.byteOffset, idfTable.byteLength)
  const starts: number[] = []
  const ends: number[] = []
  const values: number[] = []
  let start = 0
  let space = -1
  for (let i = 0; i <= table.length; i++) {
    const byte = i < table.length ? table[i] : 0x0a
    if (byte === 0x20) space = i
    else if (byte === 0x0a) {
      if (space > start) {
        starts.push(start)
        ends.push(space)
        values.push(decimalAt(table, space + 1, i))
      }
      start = i + 1
      space = -1
    }
  }
  let size = 1
  while (size < starts.length * 2) size *= 2
  const slots = new Int32Array(size)
  for (let line = 0; line < starts.length; line++) {
    let slot = fnv1a(table, starts[line], ends[line]) & (size - 1)
    while (slots[slot] !== 0) slot = (slot + 1) & (size - 1)
    slots[slot] = line + 1
  }
  const sorted = Float64Array.from(values).sort()
  return {
    table, starts: Int32Array.from(starts), ends: Int32Array.from(ends), values: Float64Array.from(values), slots, mask: size - 1,
    // jieba gives a word missing from the table the median IDF; so do we.
    median: sorted[sorted.length >> 1] ?? 0,
  }
}

/** A word's IDF in jieba's general corpus (the median for words it does not list). */
export function generalIdf(word: string): number {
  index ??= buildIndex()
  const { table, starts, ends, values, slots, mask } = index
  const key = Buffer.from(word, 'utf8')
  for (let slot = fnv1a(key, 0, key.length) & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
    const line = slots[slot] - 1
    if (ends[line] - starts[line] === key.length && table.compare(key, 0, key.length, starts[line], ends[line]) === 0) return values[line]
  }
  return index.median
}

/** How much of a title an entry shares: the weight share and the number of shared question words. */
export function sharedWith({ queryTerms, entryTerms }: { queryTerms: readonly string[]; entryTerms: ReadonlyMap<string, number> }): { share: number; words: number } {
  let total = 0
  let shared = 0
  let words = 0
  for (const term of queryTerms) {
    const weight = generalIdf(term)
    total += weight
    if ((entryTerms.get(term) ?? 0) >= QUESTION_TF) {
      shared += weight
      words += 1
    }
  }
  return { share: total > 0 ? shared / total : 0, words }
}

/**
 * True when an entry is relevant enough to suggest for a title (see the rule at the top).
 * @example isSuggestible({ queryTerms: ['井盖', '丢失'], entryTerms: new Map([['丢失', 1]]) }) // false
 */
export function isSuggestible(input: { queryTerms: readonly string[]; entryTerms: ReadonlyMap<string, number> }): boolean {
  const { share, words } = sharedWith(input)
  return share >= MIN_SHARE_ALONE || (words >= 2 && share >= MIN_SHARE_SEVERAL)
}
