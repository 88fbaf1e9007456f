import { Type, type Static } from 'typebox'
import { categories, severities } from './checks.types.js'

/** Longest text one request may check, in characters (a long feature is ~20,000). */
export const MAX_TEXT_LENGTH = 200_000
/** Longest body HTML sent along for the image check, in characters. */
export const MAX_HTML_LENGTH = 1_000_000

const Severity = Type.Union(severities.map((s) => Type.Literal(s)))
const Category = Type.Union(categories.map((c) => Type.Literal(c)))

export const CheckInput = Type.Object({
  text: Type.String({ maxLength: MAX_TEXT_LENGTH, description: '待检查的纯文本（不含 HTML 标签）' }),
  isGovernmentAccount: Type.Optional(Type.Boolean({ description: '按政务新媒体标准检查；缺省时在“单位”类机构下为 true' })),
  html: Type.Optional(Type.String({ maxLength: MAX_HTML_LENGTH, description: '稿件正文 HTML（可选）：给出时另查图片的图说与署名，命中的 field 为 image，start/end 为图片序号范围' })),
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
  field: Type.Optional(Type.Literal('image', { description: 'only on image hits: start/end count the body\'s images, not characters' })),
  image: Type.Optional(Type.Object({ index: Type.Integer(), src: Type.String(), alt: Type.String() })),
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
  isCustom: Type.Boolean({ description: 'the tenant\'s own rule' }),
  isDisabled: Type.Boolean({ description: 'a built-in rule the tenant turned off' }),
  defaultSeverity: Type.Union([Severity, Type.Null()], { description: 'the built-in severity (null for custom rules)' }),
})

export const RuleList = Type.Object({
  ruleSetVersion: Type.String(),
  rules: Type.Array(RuleView),
})

// Rule-set versions (per tenant). Limits: rulesets.ts ruleSetLimits.
const L = {
  maxCustomRules: 200, maxTermsPerRule: 50, maxTermLength: 40, maxAllow: 1000, maxExceptions: 1000, maxNoteLength: 200,
  maxMessageLength: 200, maxSuggestionLength: 100,
} as const
const RuleId = Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z]+(\\.[a-z0-9-]+)+$' })
const Phrase = Type.String({ minLength: 1, maxLength: L.maxTermLength })

export const CustomTermRuleInput = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 48, description: 'custom.xxx；新规则可不填，由服务器生成' })),
  category: Category,
  severity: Severity,
  terms: Type.Array(Phrase, { minItems: 1, maxItems: L.maxTermsPerRule }),
  message: Type.String({ minLength: 1, maxLength: L.maxMessageLength }),
  suggestion: Type.Union([Type.String({ maxLength: L.maxSuggestionLength }), Type.Null()]),
}, { additionalProperties: false })

export const RuleSetChangesSchema = Type.Object({
  disabled: Type.Array(RuleId, { maxItems: 1000, description: '停用的内置规则' }),
  severities: Type.Array(Type.Object({ ruleId: RuleId, severity: Severity }, { additionalProperties: false }), { maxItems: 1000, description: '改变级别的内置规则' }),
  terms: Type.Array(CustomTermRuleInput, { maxItems: L.maxCustomRules, description: '本机构自定义词语规则（只收字面词语，不收正则表达式）' }),
  allow: Type.Array(Phrase, { maxItems: L.maxAllow, description: '放行词语：任何规则都不在其中提示' }),
  exceptions: Type.Array(Type.Object({ ruleId: RuleId, phrase: Phrase }, { additionalProperties: false }), { maxItems: L.maxExceptions, description: '例外：某条规则在某个词语中不适用' }),
}, { additionalProperties: false })

export const RuleSetVersionInput = Type.Object({
  changes: RuleSetChangesSchema,
  note: Type.Optional(Type.String({ maxLength: L.maxNoteLength, description: '本次修改说明' })),
  expectedVersion: Type.Integer({ minimum: 0, description: '编辑时看到的本机构最新版本号（没有时为 0）；已被他人更新则 409' }),
}, { additionalProperties: false })
export type RuleSetVersionInput = Static<typeof RuleSetVersionInput>

const VersionSummary = Type.Object({
  tenantId: Type.String(), version: Type.Integer(), baseVersion: Type.String(), note: Type.String(),
  createdBy: Type.String(), createdByName: Type.String(), createdAt: Type.String({ format: 'date-time' }),
})
const Changes = Type.Object({
  disabled: Type.Array(Type.String()),
  severities: Type.Array(Type.Object({ ruleId: Type.String(), severity: Severity })),
  terms: Type.Array(Type.Object({
    id: Type.String(), category: Category, severity: Severity, terms: Type.Array(Type.String()), message: Type.String(),
    suggestion: Type.Union([Type.String(), Type.Null()]),
  })),
  allow: Type.Array(Type.String()),
  exceptions: Type.Array(Type.Object({ ruleId: Type.String(), phrase: Type.String() })),
})
export const RuleSetVersionView = Type.Object({ ...VersionSummary.properties, changes: Changes })

export const RuleSetView = Type.Object({
  ruleSetVersion: Type.String({ description: '检查结果记录的规则版本：内置版本，或“内置版本+机构.版本号”' }),
  builtInVersion: Type.String(),
  owner: Type.Union([Type.Object({ tenantId: Type.String(), name: Type.String(), isInherited: Type.Boolean() }), Type.Null()]),
  active: Type.Union([RuleSetVersionView, Type.Null()]),
  versions: Type.Array(VersionSummary),
  limits: Type.Record(Type.String(), Type.Integer()),
})

export const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) })
export type VersionParams = Static<typeof VersionParams>
export const DiffQuery = Type.Object({ from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }) })
export type DiffQuery = Static<typeof DiffQuery>
const SetDiff = Type.Object({ added: Type.Array(Type.String()), removed: Type.Array(Type.String()) })
const TermRuleView = Changes.properties.terms.items
export const RuleSetDiff = Type.Object({
  from: Type.Integer(), to: Type.Integer(),
  diff: Type.Object({
    disabled: SetDiff, severities: SetDiff, allow: SetDiff, exceptions: SetDiff,
    terms: Type.Object({ added: Type.Array(TermRuleView), removed: Type.Array(TermRuleView), changed: Type.Array(TermRuleView) }),
  }),
})
