import { createAutomaton, type Automaton } from './automaton.js'
import { categories, severities, validatorNames, type ContextWindow, type Rule, type RuleSet } from './checks.types.js'
import { fold } from './fold.js'
import { validators, type Validator } from './validators.js'

/** A rule ready to run: its words folded, its expression compiled. */
export interface CompiledRule {
  rule: Rule
  allow: string[]
  exceptions: ContextWindow[]
  /** Length of the longest word of each exception window (how far to read around a hit). */
  exceptionLongest: number[]
  requires: ContextWindow | null
  requiresLongest: number
  regex: RegExp | null
  validator: Validator | null
  reach: number
  /** Runs over the whole text (a validator without anchors). */
  isFullScan: boolean
}

/** What the words of the automaton stand for: the term or anchor of which rules. */
export interface WordUse {
  rule: number
  isAnchor: boolean
}

export interface CompiledRuleSet {
  version: string
  rules: CompiledRule[]
  automaton: Automaton
  wordUses: WordUse[][]
  /** Words starting or ending with an ASCII letter or digit match only at ASCII word boundaries. */
  isLatinWord: Uint8Array
  /** The set-wide allow-list, folded. */
  allow: string[]
}

export interface RuleProblem {
  ruleId: string
  message: string
}

const RULE_ID = /^[a-z]+(\.[a-z0-9-]+)+$/
const MAX_REACH = 500
const MAX_WINDOW = 200

/** Everything wrong with a rule set, in words an editor of the rules can act on. */
export function validateRuleSet(ruleSet: RuleSet): RuleProblem[] {
  const problems: RuleProblem[] = []
  const seen = new Set<string>()
  if (!ruleSet.version?.trim()) problems.push({ ruleId: '', message: 'version is empty' })
  for (const phrase of ruleSet.allow ?? []) if (!phrase) problems.push({ ruleId: '', message: 'an allow-list phrase is empty' })
  for (const rule of ruleSet.rules) {
    const say = (message: string) => problems.push({ ruleId: rule.id, message })
    if (!RULE_ID.test(rule.id)) say('id must look like category.name (lowercase ASCII)')
    if (seen.has(rule.id)) say('id is used twice')
    seen.add(rule.id)
    if (!categories.includes(rule.category)) say(`unknown category ${rule.category}`)
    if (!severities.includes(rule.severity)) say(`unknown severity ${rule.severity}`)
    if (rule.governmentSeverity && !severities.includes(rule.governmentSeverity)) say(`unknown governmentSeverity ${rule.governmentSeverity}`)
    if (!rule.message?.trim()) say('message is empty')
    if (!rule.source?.trim()) say('source is empty')
    if (rule.suggestion !== null && typeof rule.suggestion !== 'string') say('suggestion must be text or null')
    for (const phrase of rule.allow ?? []) if (!phrase) say('an allow phrase is empty')
    for (const context of [...(rule.exceptions ?? []), ...(rule.requires ? [rule.requires] : [])]) {
      if (!context.words.length || context.words.some((w) => !w)) say('a context window needs non-empty words')
      if (!(context.window >= 0 && context.window <= MAX_WINDOW)) say(`a context window must be 0–${MAX_WINDOW} characters`)
    }
    if (rule.kind === 'term') {
      if (!rule.terms.length || rule.terms.some((t) => !t)) say('terms must be non-empty')
      const terms = rule.terms.map(fold)
      const fixed = rule.suggestion === null ? '' : fold(rule.suggestion)
      for (const term of terms) if (term && fixed.includes(term)) say(`the suggestion contains the term ${term}, so applying it would be flagged again`)
      for (const phrase of rule.allow ?? []) {
        if (!terms.some((t) => fold(phrase).includes(t))) say(`allow phrase ${phrase} contains none of the terms, so it can never apply`)
      }
    } else if (rule.kind === 'pattern') {
      try {
        new RegExp(rule.pattern, `gd${rule.flags ?? ''}`)
      } catch (error) {
        say(`pattern does not compile: ${(error as Error).message}`)
      }
      if (!rule.anchors.length || rule.anchors.some((a) => !a)) say('a pattern needs non-empty anchors')
      if (!(rule.reach > 0 && rule.reach <= MAX_REACH)) say(`reach must be 1–${MAX_REACH}`)
    } else if (rule.kind === 'validator') {
      if (!validatorNames.includes(rule.validator)) say(`unknown validator ${rule.validator}`)
      if (rule.anchors && (!rule.anchors.length || rule.anchors.some((a) => !a))) say('anchors must be non-empty')
      if (rule.anchors && !(rule.reach !== undefined && rule.reach > 0 && rule.reach <= MAX_REACH)) say(`reach must be 1–${MAX_REACH}`)
    } else {
      say(`unknown kind ${(rule as { kind: string }).kind}`)
    }
  }
  return problems
}

export class RuleSetError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`rule set is not valid: ${problems.slice(0, 5).map((p) => `${p.ruleId || '(set)'}: ${p.message}`).join('; ')}`)
    this.name = 'RuleSetError'
  }
}

const foldWindow = (w: ContextWindow): ContextWindow => ({ words: w.words.map(fold), window: w.window })
const longestWord = (w: ContextWindow) => Math.max(...w.words.map((word) => word.length))
const isLatin = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)

/** Compiles a rule set into one automaton plus per-rule verifiers; throws RuleSetError if invalid. */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const problems = validateRuleSet(ruleSet)
  if (problems.length) throw new RuleSetError(problems)
  const wordIndex = new Map<string, number>()
  const words: string[] = []
  const wordUses: WordUse[][] = []
  const addWord = (word: string, use: WordUse) => {
    const folded = fold(word)
    let index = wordIndex.get(folded)
    if (index === undefined) {
      index = words.length
      wordIndex.set(folded, index)
      words.push(folded)
      wordUses.push([])
    }
    if (!wordUses[index].some((u) => u.rule === use.rule && u.isAnchor === use.isAnchor)) wordUses[index].push(use)
  }

  const rules = ruleSet.rules.map((rule, index): CompiledRule => {
    const anchors = rule.kind === 'term' ? [] : rule.anchors ?? []
    if (rule.kind === 'term') for (const term of rule.terms) addWord(term, { rule: index, isAnchor: false })
    for (const anchor of anchors) addWord(anchor, { rule: index, isAnchor: true })
    const exceptions = (rule.exceptions ?? []).map(foldWindow)
    const requires = rule.requires ? foldWindow(rule.requires) : null
    return {
      rule,
      allow: (rule.allow ?? []).map(fold),
      exceptions,
      exceptionLongest: exceptions.map(longestWord),
      requires,
      requiresLongest: requires ? longestWord(requires) : 0,
      regex: rule.kind === 'pattern' ? new RegExp(rule.pattern, `gd${rule.flags ?? ''}`) : null,
      validator: rule.kind === 'validator' ? validators[rule.validator] : null,
      reach: rule.kind === 'term' ? 0 : rule.reach ?? 0,
      isFullScan: rule.kind === 'validator' && anchors.length === 0,
    }
  })

  const isLatinWord = Uint8Array.from(words, (w) => Number(isLatin(w.charCodeAt(0)) || isLatin(w.charCodeAt(w.length - 1))))
  return { version: ruleSet.version, rules, automaton: createAutomaton(words), wordUses, isLatinWord, allow: (ruleSet.allow ?? []).map(fold) }
}
