import { foldTable } from './fold.js'

/** Matches found by one scan: `count` pairs of (end offset, exclusive; word index). */
export interface MatchList {
  count: number
  ends: Int32Array
  words: Int32Array
}

export interface Automaton {
  /** Lengths of the words, by word index. */
  readonly wordLengths: Int32Array
  /** Every occurrence of every word (overlapping ones included), in order of end offset. */
  scan(text: string): MatchList
}

// At most this many dense-row entries (4 bytes each).
const DENSE_BUDGET = 1 << 22

/**
 * An Aho–Corasick automaton over folded words, scanning text in one pass and folding each code
 * unit on the fly (so traditional or full-width input matches simplified words).
 *
 * Layout chosen for speed in V8 without a dense states × alphabet table (which grows too big
 * once tenants add thousands of words): code units map to a compact alphabet through one
 * 64K-entry table; the root and, within a memory budget, the states one character deep (where
 * scanning spends most of its time) get complete dense rows; deeper states keep their few
 * transitions in flat arrays scanned linearly, with failure links; each state's outputs (its
 * own word and those of its suffix states) are flattened once at build time.
 */
export function createAutomaton(words: readonly string[], { denseBudget = DENSE_BUDGET }: { denseBudget?: number } = {}): Automaton {
  const symbolOfCode = new Map<number, number>()
  for (const word of words) {
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i)
      if (!symbolOfCode.has(code)) symbolOfCode.set(code, symbolOfCode.size + 1)
    }
  }
  const alphabetSize = symbolOfCode.size + 1
  const symbolOf = new Int32Array(65536)
  for (let c = 0; c < 65536; c++) symbolOf[c] = symbolOfCode.get(foldTable[c]) ?? 0

  // Trie with Map children while building; flattened below.
  const children: Array<Map<number, number>> = [new Map()]
  const terminal: number[][] = [[]]
  words.forEach((word, index) => {
    let state = 0
    for (let i = 0; i < word.length; i++) {
      const symbol = symbolOfCode.get(word.charCodeAt(i))!
      let next = children[state].get(symbol)
      if (next === undefined) {
        next = children.length
        children.push(new Map())
        terminal.push([])
        children[state].set(symbol, next)
      }
      state = next
    }
    terminal[state].push(index)
  })

  const stateCount = children.length
  const fail = new Int32Array(stateCount)
  const outputs: number[][] = new Array(stateCount)
  outputs[0] = terminal[0]
  const queue: number[] = []
  for (const next of children[0].values()) { fail[next] = 0; queue.push(next) }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]
    // The failure state is shallower, so its outputs are complete by now (breadth-first).
    outputs[state] = terminal[state].concat(outputs[fail[state]])
    for (const [symbol, next] of children[state]) {
      let f = fail[state]
      while (f !== 0 && !children[f].has(symbol)) f = fail[f]
      const target = children[f].get(symbol)
      fail[next] = target !== undefined && target !== next ? target : 0
      queue.push(next)
    }
  }

  // Dense rows: the root, then its children if the budget allows. A row holds the complete
  // transition function of its state (failure links already followed), so no fallback is needed.
  const depthOne = [...children[0].values()]
  const rowStates = (depthOne.length + 1) * alphabetSize <= denseBudget ? [0, ...depthOne] : [0]
  const denseRow = new Int32Array(stateCount).fill(-1)
  const dense = new Int32Array(rowStates.length * alphabetSize)
  rowStates.forEach((state, row) => { denseRow[state] = row * alphabetSize })
  for (const [symbol, next] of children[0]) dense[symbol] = next
  for (const state of rowStates.slice(1)) {
    const offset = denseRow[state]
    dense.copyWithin(offset, 0, alphabetSize)
    for (const [symbol, next] of children[state]) dense[offset + symbol] = next
  }
  const transitionStart = new Int32Array(stateCount + 1)
  let transitionCount = 0
  for (let s = 0; s < stateCount; s++) { transitionStart[s] = transitionCount; transitionCount += denseRow[s] >= 0 ? 0 : children[s].size }
  transitionStart[stateCount] = transitionCount
  const transitionSymbol = new Int32Array(transitionCount)
  const transitionNext = new Int32Array(transitionCount)
  for (let s = 1; s < stateCount; s++) {
    if (denseRow[s] >= 0) continue
    let k = transitionStart[s]
    for (const [symbol, next] of children[s]) { transitionSymbol[k] = symbol; transitionNext[k] = next; k++ }
  }
  const outputStart = new Int32Array(stateCount + 1)
  let outputCount = 0
  for (let s = 0; s < stateCount; s++) { outputStart[s] = outputCount; outputCount += outputs[s].length }
  outputStart[stateCount] = outputCount
  const outputWord = new Int32Array(outputCount)
  for (let s = 0; s < stateCount; s++) outputWord.set(outputs[s], outputStart[s])

  const wordLengths = Int32Array.from(words, (w) => w.length)

  function scan(text: string): MatchList {
    let ends = new Int32Array(64)
    let found = new Int32Array(64)
    let count = 0
    let state = 0
    const length = text.length
    for (let i = 0; i < length; i++) {
      const symbol = symbolOf[text.charCodeAt(i)]
      if (symbol === 0) { state = 0; continue }
      for (;;) {
        const row = denseRow[state]
        if (row >= 0) { state = dense[row + symbol]; break }
        let next = -1
        for (let k = transitionStart[state], e = transitionStart[state + 1]; k < e; k++) {
          if (transitionSymbol[k] === symbol) { next = transitionNext[k]; break }
        }
        if (next >= 0) { state = next; break }
        state = fail[state]
      }
      const first = outputStart[state]
      const last = outputStart[state + 1]
      if (first === last) continue
      if (count + (last - first) > ends.length) {
        const size = Math.max(ends.length * 2, count + (last - first))
        const grownEnds = new Int32Array(size); grownEnds.set(ends); ends = grownEnds
        const grownWords = new Int32Array(size); grownWords.set(found); found = grownWords
      }
      for (let k = first; k < last; k++) { ends[count] = i + 1; found[count] = outputWord[k]; count++ }
    }
    return { count, ends, words: found }
  }

  return { wordLengths, scan }
}
