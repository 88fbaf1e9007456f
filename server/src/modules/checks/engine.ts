import type { CheckContext, ContextWindow, Hit, RuleSet, Severity } from './checks.types.js'
import { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compile.js'
import { fold, foldTable } from './fold.js'

interface Candidate {
  rule: number
  start: number
  end: number
  suggestion: string | null
}

const compiledSets = new WeakMap<RuleSet, CompiledRuleSet>()

/** The compiled form of a rule set, built once per rule-set object. */
function compiled(ruleSet: RuleSet): CompiledRuleSet {
  let result = compiledSets.get(ruleSet)
  if (!result) {
    result = compileRuleSet(ruleSet)
    compiledSets.set(ruleSet, result)
  }
  return result
}

// Lookarounds of patterns see this much text outside the window they verify.
const MARGIN = 16
const RANK: Record<Severity, number> = { block: 3, review: 2, hint: 1 }

/**
 * Checks plain text against a rule set and returns the hits ordered by position.
 * Offsets are UTF-16 code units of `text` (see Hit). Matching folds traditional characters,
 * full-width letters and case (see fold.ts) without moving offsets.
 * @example runChecks({ text: '警钟常鸣', ruleSet: defaultRuleSet }) // → [{ start: 0, end: 4, ruleId: 'typo.jingzhong', … }]
 */
export function runChecks({ text, ruleSet, context = {} }: { text: string; ruleSet: RuleSet; context?: CheckContext }): Hit[] {
  if (!text) return []
  const set = compiled(ruleSet)
  const isGovernment = context.isGovernmentAccount === true
  const isActive = (c: CompiledRule) => !c.rule.isGovernmentOnly || isGovernment

  const candidates: Candidate[] = []
  const windows = new Map<number, number[]>()
  const { count, ends, words } = set.automaton.scan(text)
  const lengths = set.automaton.wordLengths
  for (let k = 0; k < count; k++) {
    const word = words[k]
    const end = ends[k]
    const start = end - lengths[word]
    for (const use of set.wordUses[word]) {
      const rule = set.rules[use.rule]
      if (!isActive(rule)) continue
      if (use.isAnchor) {
        let list = windows.get(use.rule)
        if (!list) windows.set(use.rule, list = [])
        list.push(start - rule.reach, end + rule.reach)
      } else if (!set.isLatinWord[word] || isAtLatinBoundary(text, start, end)) {
        candidates.push({ rule: use.rule, start, end, suggestion: rule.rule.suggestion })
      }
    }
  }

  let folded: string | null = null
  const memos = new Map<string, Map<string, unknown>>()
  set.rules.forEach((rule, index) => {
    if (!isActive(rule) || (!rule.isFullScan && !windows.has(index))) return
    folded ??= fold(text)
    const spans = rule.isFullScan ? [0, text.length] : mergeWindows(windows.get(index)!, text.length)
    const seen = new Set<string>()
    for (let i = 0; i < spans.length; i += 2) {
      for (const found of verify(rule, index, text, folded, spans[i], spans[i + 1], memos)) {
        const key = `${found.start}:${found.end}`
        if (!seen.has(key)) { seen.add(key); candidates.push(found) }
      }
    }
  })

  const hits: Hit[] = []
  for (const candidate of candidates) {
    const rule = set.rules[candidate.rule]
    if (!isWanted(rule, text, candidate) || isInside(set.allow, text, candidate)) continue
    const r = rule.rule
    hits.push({
      start: candidate.start, end: candidate.end, ruleId: r.id, category: r.category,
      severity: isGovernment && r.governmentSeverity ? r.governmentSeverity : r.severity,
      message: r.message, suggestion: candidate.suggestion, source: r.source,
    })
  }
  return dropContained(hits)
}

// A Latin term must stand alone: not inside a longer word, a domain name or a path (nb.gov.cn).
const isWordUnit = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x2f || c === 0x40 || c === 0x3a || c === 0x25

function isAtLatinBoundary(text: string, start: number, end: number): boolean {
  const isWordAt = (i: number) => i >= 0 && i < text.length && isWordUnit(foldTable[text.charCodeAt(i)])
  const startsLatin = isWordUnit(foldTable[text.charCodeAt(start)])
  const endsLatin = isWordUnit(foldTable[text.charCodeAt(end - 1)])
  return !(startsLatin && isWordAt(start - 1)) && !(endsLatin && isWordAt(end))
}

/** Sorted, merged [start, end) spans from windows given as flat pairs. */
function mergeWindows(flat: number[], length: number): number[] {
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < flat.length; i += 2) pairs.push([Math.max(0, flat[i]), Math.min(length, flat[i + 1])])
  pairs.sort((a, b) => a[0] - b[0])
  const merged: number[] = []
  for (const [s, e] of pairs) {
    if (merged.length && s <= merged[merged.length - 1]) merged[merged.length - 1] = Math.max(merged[merged.length - 1], e)
    else merged.push(s, e)
  }
  return merged
}

/** Runs a pattern or validator over text[from, to) (with a margin for lookarounds). */
function verify(rule: CompiledRule, index: number, text: string, folded: string, from: number, to: number, memos: Map<string, Map<string, unknown>>): Candidate[] {
  const sliceStart = Math.max(0, from - MARGIN)
  const sliceEnd = Math.min(text.length, to + MARGIN)
  const slice = folded.slice(sliceStart, sliceEnd)
  const found: Candidate[] = []
  const keep = (start: number, end: number, suggestion: string | null) => {
    if (start >= from && end <= to && end > start) found.push({ rule: index, start, end, suggestion })
  }
  if (rule.regex) {
    const template = rule.rule.suggestion
    for (const m of slice.matchAll(rule.regex)) {
      const span = m.indices?.groups?.hit ?? [m.index, m.index + m[0].length]
      keep(sliceStart + span[0], sliceStart + span[1], template === null ? null : expand(template, m))
    }
  } else if (rule.validator) {
    const key = `${sliceStart}:${sliceEnd}`
    let memo = memos.get(key)
    if (!memo) memos.set(key, memo = new Map())
    for (const c of rule.validator(slice, text.slice(sliceStart, sliceEnd), memo)) {
      keep(sliceStart + c.start, sliceStart + c.end, rule.rule.suggestion ?? c.suggestion)
    }
  }
  return found
}

/** Fills `$1`, `$<name>` and `$&` of a suggestion from a match. */
function expand(template: string, m: RegExpMatchArray): string {
  return template.replace(/\$(?:(\d)|<([A-Za-z_]\w*)>|(&))/g, (_, digit: string, name: string) =>
    (digit ? m[Number(digit)] : name ? m.groups?.[name] : m[0]) ?? '')
}

/** True when the candidate lies inside an occurrence of one of the phrases. */
function isInside(phrases: readonly string[], text: string, { start, end }: { start: number; end: number }): boolean {
  for (const phrase of phrases) {
    // Any occurrence of the phrase within [end - length, start + length) covers the hit.
    if (phrase.length < end - start) continue
    if (fold(text.slice(Math.max(0, end - phrase.length), start + phrase.length)).includes(phrase)) return true
  }
  return false
}

/** Allow-list, exceptions and required context, read on the original text through folding. */
function isWanted(rule: CompiledRule, text: string, { start, end }: Candidate): boolean {
  if (isInside(rule.allow, text, { start, end })) return false
  const near = ({ words, window }: ContextWindow, longest: number) => {
    const before = fold(text.slice(Math.max(0, start - window - longest), start))
    const after = fold(text.slice(end, end + window + longest))
    return words.some((w) => before.slice(-(window + w.length)).includes(w) || after.slice(0, window + w.length).includes(w))
  }
  for (let i = 0; i < rule.exceptions.length; i++) if (near(rule.exceptions[i], rule.exceptionLongest[i])) return false
  if (rule.requires && !near(rule.requires, rule.requiresLongest)) return false
  return true
}

/**
 * Drops a hit lying inside another hit that is at least as severe (the wider finding explains
 * it, and fixing it rewrites the inner text); hits of equal range keep the first rule's.
 */
function dropContained(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end || RANK[b.severity] - RANK[a.severity])
  const maxEndAtLeast = [0, -1, -1, -1]
  const kept: Hit[] = []
  for (const hit of hits) {
    const rank = RANK[hit.severity]
    let reach = -1
    for (let r = rank; r <= 3; r++) reach = Math.max(reach, maxEndAtLeast[r])
    if (reach >= hit.end) continue
    kept.push(hit)
    maxEndAtLeast[rank] = Math.max(maxEndAtLeast[rank], hit.end)
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end)
}
