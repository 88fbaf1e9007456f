import { Type, type Static } from 'typebox'
import { categories, severities } from './checks.types.js'

/** Longest text one request may check, in characters (a long feature is ~20,000). */
export const MAX_TEXT_LENGTH = 200_000

const Severity = Type.Union(severities.map((s) => Type.Literal(s)))
const Category = Type.Union(categories.map((c) => Type.Literal(c)))

export const CheckInput = Type.Object({
  text: Type.String({ maxLength: MAX_TEXT_LENGTH, description: '待检查的纯文本（不含 HTML 标签）' }),
  isGovernmentAccount: Type.Optional(Type.Boolean({ description: '按政务新媒体标准检查；缺省时在“单位”类机构下为 true' })),
}, { additionalProperties: false })
export type CheckInput = Static<typeof CheckInput>

export const HitView = Type.Object({
  start: Type.Integer({ minimum: 0, description: 'UTF-16 code-unit offset of the first flagged character' }),
  end: Type.Integer({ minimum: 0, description: 'UTF-16 code-unit offset after the last flagged character' }),
  ruleId: Type.String(),
  category: Category,
  severity: Severity,
  message: Type.String(),
  suggestion: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
})

export const CheckResult = Type.Object({
  ruleSetVersion: Type.String(),
  isGovernmentAccount: Type.Boolean(),
  hits: Type.Array(HitView),
})

export const RuleView = Type.Object({
  id: Type.String(),
  category: Category,
  categoryLabel: Type.String(),
  kind: Type.Union([Type.Literal('term'), Type.Literal('pattern'), Type.Literal('validator')]),
  severity: Severity,
  governmentSeverity: Type.Union([Severity, Type.Null()]),
  isGovernmentOnly: Type.Boolean(),
  message: Type.String(),
  suggestion: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  terms: Type.Array(Type.String(), { description: 'the exact phrases of a term rule; empty for patterns and validators' }),
  allow: Type.Array(Type.String()),
})

export const RuleList = Type.Object({
  ruleSetVersion: Type.String(),
  rules: Type.Array(RuleView),
})
