import { Type, type Static } from 'typebox'

/** 差错 categories: what went wrong in a story, as newsroom error statistics count it. */
export const errorCategories = {
  political: '政治性差错',
  fact: '事实差错',
  wording: '文字差错（错别字、语病）',
  name_title: '人名、职务、机构名称差错',
  number_date: '数字、时间、计量差错',
  punctuation: '标点符号差错',
  image: '图片、图注差错',
  link: '链接差错',
  other: '其他差错',
} as const
export type ErrorCategory = keyof typeof errorCategories

const Uuid = Type.String({ format: 'uuid' })
const Category = Type.Union(Object.keys(errorCategories).map((c) => Type.Literal(c)))
const FoundStage = Type.Union([Type.Literal('review'), Type.Literal('post_publication')], { description: 'review 审核中发现；post_publication 发布后发现' })
const Severity = Type.Union([Type.Literal('severe'), Type.Literal('ordinary')], { description: 'severe 严重差错；ordinary 一般差错' })

export const ErrorInput = Type.Object({
  foundStage: FoundStage,
  category: Category,
  severity: Type.Optional(Type.Union([Type.Literal('severe'), Type.Literal('ordinary')], { default: 'ordinary' })),
  description: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
  authorIds: Type.Optional(Type.Array(Uuid, { maxItems: 10, description: '责任作者；缺省为稿件作者。须是稿件作者或修改过稿件的人' })),
  reviewerIds: Type.Optional(Type.Array(Uuid, { maxItems: 10, description: '负有责任的审核、校对人员；须审核或校对过这篇稿件' })),
}, { additionalProperties: false })
export type ErrorInput = Static<typeof ErrorInput>

export const ErrorView = Type.Object({
  id: Type.String(),
  storyId: Type.String(),
  foundStage: FoundStage,
  category: Type.String(),
  categoryLabel: Type.String(),
  severity: Severity,
  description: Type.String(),
  versionNumber: Type.Integer(),
  foundBy: Type.String(),
  foundByName: Type.String(),
  foundAt: Type.String({ format: 'date-time' }),
  people: Type.Array(Type.Object({ userId: Type.String(), name: Type.String(), role: Type.Union([Type.Literal('author'), Type.Literal('reviewer')]) })),
})
export const ErrorList = Type.Object({ items: Type.Array(ErrorView) })

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（北京时间）' })

export const ErrorReportQuery = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  groupBy: Type.Optional(Type.Union([Type.Literal('author'), Type.Literal('reviewer')], { default: 'author' })),
}, { additionalProperties: false })
export type ErrorReportQuery = Static<typeof ErrorReportQuery>

export const ErrorReport = Type.Object({
  from: Day,
  to: Day,
  groupBy: Type.Union([Type.Literal('author'), Type.Literal('reviewer')]),
  totals: Type.Object({ errors: Type.Integer(), severe: Type.Integer() }),
  items: Type.Array(Type.Object({
    userId: Type.String(),
    name: Type.String(),
    total: Type.Integer(),
    severe: Type.Integer(),
    byCategory: Type.Record(Type.String(), Type.Integer()),
    byMonth: Type.Array(Type.Object({ month: Type.String(), count: Type.Integer() })),
  })),
})
