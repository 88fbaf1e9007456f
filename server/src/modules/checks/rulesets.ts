import type { FieldError } from '../../kernel/errors.js'
import type { Category, Rule, RuleSet, Severity, TermRule } from './checks.types.js'
import { validateRuleSet } from './compile.js'
import { fold } from './fold.js'

/**
 * A tenant's changes to the built-in rule set. Stored as one immutable version per save; the
 * rule set in force is `composeRuleSet(builtIn, changes)`. Only literal terms can be added
 * (no regular expressions): an editor of rules cannot write a pattern that hangs the checks.
 */
export interface RuleSetChanges {
  /** Built-in rule ids not applied. */
  disabled: string[]
  /** Built-in rules with another severity (on every account: the override replaces governmentSeverity). */
  severities: Array<{ ruleId: string; severity: Severity }>
  /** The tenant's own term rules; ids start with `custom.`. */
  terms: CustomTermRule[]
  /** Phrases never flagged by any rule: a hit lying inside one of them is dropped. */
  allow: string[]
  /** A rule not applied where its hit lies inside `phrase` (e.g. 书记 near a name of the tenant's own). */
  exceptions: Array<{ ruleId: string; phrase: string }>
}

export interface CustomTermRule {
  id: string
  category: Category
  severity: Severity
  terms: string[]
  message: string
  suggestion: string | null
}

/** The changes as a client sends them: a new custom rule has no id yet. */
export type RuleSetChangesInput = Omit<RuleSetChanges, 'terms'> & { terms: Array<Omit<CustomTermRule, 'id'> & { id?: string }> }

export const emptyChanges: RuleSetChanges = { disabled: [], severities: [], terms: [], allow: [], exceptions: [] }

/** Limits of one version; TypeBox enforces the per-field ones, the service the totals. */
export const ruleSetLimits = {
  maxCustomRules: 200,
  maxTermsPerRule: 50,
  maxTermsTotal: 2000,
  maxTermLength: 40,
  maxAllow: 1000,
  maxExceptions: 1000,
  maxNoteLength: 200,
  maxMessageLength: 200,
  maxSuggestionLength: 100,
} as const

export const CUSTOM_RULE_ID = /^custom\.[a-z0-9-]{1,40}$/
export const CUSTOM_SOURCE = '本机构审校规则'

/** Trims every phrase and drops exact duplicates, so two saves of the same intent compare equal. */
export function normaliseChanges(input: RuleSetChangesInput, newId: () => string): RuleSetChanges {
  const unique = <T>(items: T[], key: (item: T) => string) => {
    const seen = new Set<string>()
    return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))))
  }
  return {
    disabled: unique(input.disabled.map((id) => id.trim()), (id) => id).sort(),
    severities: unique(input.severities.map((s) => ({ ruleId: s.ruleId.trim(), severity: s.severity })), (s) => s.ruleId),
    terms: input.terms.map((rule) => ({
      id: rule.id?.trim() || newId(), category: rule.category, severity: rule.severity,
      terms: unique(rule.terms.map((term) => term.trim()), fold), message: rule.message.trim(),
      suggestion: rule.suggestion === null || rule.suggestion.trim() === '' ? null : rule.suggestion.trim(),
    })),
    allow: unique(input.allow.map((phrase) => phrase.trim()), fold),
    exceptions: unique(input.exceptions.map((e) => ({ ruleId: e.ruleId.trim(), phrase: e.phrase.trim() })), (e) => `${e.ruleId}\u0000${fold(e.phrase)}`),
  }
}

/**
 * Everything wrong with a tenant's changes against the built-in rules, each naming the field of
 * the request (`terms.2.terms.0`) so the console can point at it.
 */
export function changesProblems(changes: RuleSetChanges, builtIn: RuleSet): FieldError[] {
  const problems: FieldError[] = []
  const say = (field: string, message: string) => problems.push({ field, message })
  const builtInById = new Map(builtIn.rules.map((r) => [r.id, r]))
  const customIds = new Set<string>()
  const isLine = (text: string) => text !== '' && !/[\n\r\t]/.test(text)

  changes.disabled.forEach((id, i) => { if (!builtInById.has(id)) say(`disabled.${i}`, `没有内置规则 ${id}`) })
  changes.severities.forEach((s, i) => { if (!builtInById.has(s.ruleId)) say(`severities.${i}.ruleId`, `没有内置规则 ${s.ruleId}`) })
  let termCount = 0
  changes.terms.forEach((rule, i) => {
    if (!CUSTOM_RULE_ID.test(rule.id)) say(`terms.${i}.id`, '自定义规则编号须为 custom. 加小写字母、数字或连字符')
    if (customIds.has(rule.id)) say(`terms.${i}.id`, `规则编号 ${rule.id} 重复`)
    customIds.add(rule.id)
    if (rule.terms.length === 0) say(`terms.${i}.terms`, '至少填写一个词语')
    rule.terms.forEach((term, k) => {
      if (!isLine(term)) say(`terms.${i}.terms.${k}`, '词语不能为空，也不能含换行或制表符')
      if (term.length > ruleSetLimits.maxTermLength) say(`terms.${i}.terms.${k}`, `词语最长 ${ruleSetLimits.maxTermLength} 个字符`)
    })
    termCount += rule.terms.length
    if (rule.message === '') say(`terms.${i}.message`, '请说明为什么要改')
    const fixed = rule.suggestion === null ? '' : fold(rule.suggestion)
    rule.terms.forEach((term, k) => {
      if (term && fixed.includes(fold(term))) say(`terms.${i}.suggestion`, `建议用语包含了词语“${rule.terms[k]}”，改完仍会被提示`)
    })
  })
  if (termCount > ruleSetLimits.maxTermsTotal) say('terms', `自定义词语合计最多 ${ruleSetLimits.maxTermsTotal} 个（现有 ${termCount} 个）`)
  changes.allow.forEach((phrase, i) => { if (!isLine(phrase)) say(`allow.${i}`, '放行词语不能为空，也不能含换行或制表符') })
  const customById = new Map(changes.terms.map((r) => [r.id, r]))
  changes.exceptions.forEach((e, i) => {
    const builtInRule = builtInById.get(e.ruleId)
    const custom = customById.get(e.ruleId)
    if (!builtInRule && !custom) return say(`exceptions.${i}.ruleId`, `没有规则 ${e.ruleId}`)
    if (!isLine(e.phrase)) return say(`exceptions.${i}.phrase`, '例外词语不能为空，也不能含换行或制表符')
    const terms: string[] | null = custom ? custom.terms : builtInRule?.kind === 'term' ? builtInRule.terms : null
    // An exception of a term rule must contain one of its terms, or it could never apply.
    if (terms && !terms.some((t) => fold(e.phrase).includes(fold(t)))) say(`exceptions.${i}.phrase`, `“${e.phrase}”不含该规则的任何词语，不会起作用`)
  })
  return problems
}

/**
 * The rule set in force for a tenant: the built-in rules minus the disabled ones, with severity
 * overrides and per-rule exceptions applied, plus the tenant's own term rules and allow-list.
 * @example composeRuleSet(defaultRuleSet, { ...emptyChanges, disabled: ['banned.laowai'] }, '2026.11.1+xian.1')
 */
export function composeRuleSet(builtIn: RuleSet, changes: RuleSetChanges, version: string): RuleSet {
  const disabled = new Set(changes.disabled)
  const severity = new Map(changes.severities.map((s) => [s.ruleId, s.severity]))
  const exceptions = new Map<string, string[]>()
  for (const e of changes.exceptions) exceptions.set(e.ruleId, [...exceptions.get(e.ruleId) ?? [], e.phrase])
  const withExceptions = <R extends Rule>(rule: R): R => {
    const phrases = exceptions.get(rule.id)
    return phrases ? { ...rule, allow: [...rule.allow ?? [], ...phrases] } : rule
  }
  const rules: Rule[] = builtIn.rules.filter((r) => !disabled.has(r.id)).map((rule) => {
    const override = severity.get(rule.id)
    const changed = override ? { ...rule, severity: override, governmentSeverity: undefined } : rule
    return withExceptions(changed)
  })
  for (const custom of changes.terms) {
    const rule: TermRule = { ...custom, kind: 'term', source: CUSTOM_SOURCE }
    rules.push(withExceptions(rule))
  }
  return { version, rules, allow: changes.allow }
}

/** Composes and validates; the problems of the composed set (rare after changesProblems) name rule ids. */
export function composedProblems(builtIn: RuleSet, changes: RuleSetChanges): FieldError[] {
  const composed = composeRuleSet(builtIn, changes, 'candidate')
  return validateRuleSet(composed).map((p) => {
    const index = changes.terms.findIndex((r) => r.id === p.ruleId)
    return { field: index >= 0 ? `terms.${index}` : `rules.${p.ruleId}`, message: p.message }
  })
}

/** What changed between two versions, section by section (for the history view). */
export function diffChanges(from: RuleSetChanges, to: RuleSetChanges) {
  const setDiff = (a: string[], b: string[]) => ({ added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) })
  const keyed = <T>(items: T[], key: (t: T) => string) => new Map(items.map((t) => [key(t), t]))
  const severityKey = (s: { ruleId: string; severity: Severity }) => `${s.ruleId}=${s.severity}`
  const exceptionKey = (e: { ruleId: string; phrase: string }) => `${e.ruleId}:${e.phrase}`
  const fromRules = keyed(from.terms, (r) => r.id)
  const toRules = keyed(to.terms, (r) => r.id)
  return {
    disabled: setDiff(from.disabled, to.disabled),
    severities: setDiff(from.severities.map(severityKey), to.severities.map(severityKey)),
    terms: {
      added: to.terms.filter((r) => !fromRules.has(r.id)),
      removed: from.terms.filter((r) => !toRules.has(r.id)),
      changed: to.terms.filter((r) => fromRules.has(r.id) && JSON.stringify(fromRules.get(r.id)) !== JSON.stringify(r)),
    },
    allow: setDiff(from.allow, to.allow),
    exceptions: setDiff(from.exceptions.map(exceptionKey), to.exceptions.map(exceptionKey)),
  }
}
