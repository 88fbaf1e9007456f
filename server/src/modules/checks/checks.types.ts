/**
 * The vocabulary of the content checks (三审三校 review checks): rules are plain data, a rule set
 * is a versioned list of them, and a check run turns text into hits.
 */

/** block: stops submission until fixed or overridden; review: a reviewer must look; hint: advice. */
export type Severity = 'block' | 'review' | 'hint'

export const severities: readonly Severity[] = ['block', 'review', 'hint']

export const categoryLabels = {
  banned: '禁用词',
  cautious: '慎用词',
  legal: '法律用语',
  title: '职务与机构名称',
  territory: '涉港澳台与领土',
  international: '国际关系用语',
  ethnic: '民族宗教用语',
  typo: '易错字词',
  privacy: '个人信息',
  advertising: '广告与极限用语',
  clickbait: '标题党用语',
  link: '链接',
  vulgar: '低俗用语',
} as const

export type Category = keyof typeof categoryLabels

export const categories = Object.keys(categoryLabels) as Category[]

/** Words looked for within `window` UTF-16 units before the start or after the end of a hit. */
export interface ContextWindow {
  words: string[]
  window: number
}

interface RuleCommon {
  /** Stable id, `category.name`; hits and overrides refer to it. */
  id: string
  category: Category
  severity: Severity
  /** Severity when the text goes out on a government account (政务新媒体), if different. */
  governmentSeverity?: Severity
  /** The rule only applies to government accounts (commercial content is forbidden there). */
  isGovernmentOnly?: boolean
  /** zh-CN, says why the wording is wrong. */
  message: string
  /** Replacement for the hit's text; `$1`/`$<name>` refer to pattern groups; null: no single fix. */
  suggestion: string | null
  /** The rule's authority (a regulation, a style book, or the house rule). */
  source: string
  /** Phrases in which a hit is not a problem (村长期, 第一书记); the hit must lie inside one. */
  allow?: string[]
  /** A hit with one of these words close by is not a problem (罪犯 near 判处). */
  exceptions?: ContextWindow[]
  /** The rule applies only with one of these words close by (老板 near 书记). */
  requires?: ContextWindow
}

/** Exact phrases, all matched in one pass by the shared automaton. */
export interface TermRule extends RuleCommon {
  kind: 'term'
  terms: string[]
}

/**
 * A regular expression verified around anchors: the automaton finds the anchors (literals every
 * match contains) and the expression runs only within `reach` units of them. A named group
 * `hit` narrows the reported range to part of the match.
 */
export interface PatternRule extends RuleCommon {
  kind: 'pattern'
  pattern: string
  /** Extra RegExp flags besides the g/d the engine adds ('u', 'i'). */
  flags?: string
  anchors: string[]
  reach: number
}

export const validatorNames = ['idCard', 'mobile', 'bankCard', 'insecureLink', 'malformedLink', 'protectedName', 'imageCaption'] as const
export type ValidatorName = typeof validatorNames[number]

/** Code that finds and validates candidates (checksums, URL syntax); anchors as for patterns. */
export interface ValidatorRule extends RuleCommon {
  kind: 'validator'
  validator: ValidatorName
  anchors?: string[]
  reach?: number
}

export type Rule = TermRule | PatternRule | ValidatorRule

export interface RuleSet {
  version: string
  rules: Rule[]
  /** Phrases inside which no rule raises a hit (a tenant's allow-list). */
  allow?: string[]
}

export interface CheckContext {
  /** The text is for a government new-media account (政务新媒体): advertising is forbidden. */
  isGovernmentAccount?: boolean
}

/**
 * One finding. `start`/`end` are UTF-16 code-unit offsets into the checked plain text, end
 * exclusive — the same units as JavaScript string indices, so `text.slice(start, end)` is the
 * flagged text whatever characters (traditional, astral) the text contains.
 */
export interface Hit {
  start: number
  end: number
  ruleId: string
  category: Category
  severity: Severity
  message: string
  suggestion: string | null
  source: string
}
