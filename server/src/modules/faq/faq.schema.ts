import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })

export const FaqView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  question: Type.String(),
  variants: Type.Array(Type.String()),
  answer: Type.String(),
  ownerDepartment: Type.Union([Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }), Type.Null()]),
  validFrom: Type.Union([IsoDate, Type.Null()]),
  validTo: Type.Union([IsoDate, Type.Null()]),
  isPublished: Type.Boolean(),
  isValidNow: Type.Boolean({ description: '已发布且在有效期内（公众可见）' }),
  score: Type.Union([Type.Number(), Type.Null()], { description: '检索相关度（BM25），列表浏览时为 null' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type FaqView = Static<typeof FaqView>

export const FaqList = Type.Object({ items: Type.Array(FaqView), nextCursor: Type.Union([Type.String(), Type.Null()]) })

export const FaqListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: '检索词（分词后按 BM25 排序，任一词命中即可）' })),
  ownerDepartmentId: Type.Optional(Type.String({ format: 'uuid' })),
  ...PageQuery,
})
export type FaqListQuery = Static<typeof FaqListQuery>

export const FaqInput = Type.Object({
  question: Text(200),
  variants: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: '同一问题的其他问法' })),
  answer: Text(10000),
  ownerDepartmentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  validFrom: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  validTo: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  isPublished: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type FaqInput = Static<typeof FaqInput>

export const FaqId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type FaqId = Static<typeof FaqId>

export const FaqSuggestion = Type.Object({
  id: Type.String({ format: 'uuid' }),
  question: Type.String(),
  answer: Type.String(),
  score: Type.Number(),
})
export const FaqSuggestQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 5 })),
})
export type FaqSuggestQuery = Static<typeof FaqSuggestQuery>
export const FaqSuggestList = Type.Object({ items: Type.Array(FaqSuggestion) })
