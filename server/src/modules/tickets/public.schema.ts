import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'
import { formLimits } from './tickets.model.js'
import { Kind, State } from './tickets.schema.js'

/** Public (citizen) API schemas: the form, submission, lookup, rating, the list of replies. */

const Time = Type.String({ format: 'date-time' })
const L = formLimits

export const CenterParams = Type.Object({ center: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: '融媒体中心标识（slug）' }) })
export type CenterParams = Static<typeof CenterParams>

export const SubmitInput = Type.Object({
  kind: Kind,
  category: Type.String({ minLength: 1, maxLength: 40, description: '事项类别（服务目录代码，见 /form）' }),
  title: Type.String({ minLength: L.titleMin, maxLength: L.titleMax, pattern: '\\S', description: `标题 ${L.titleMin}–${L.titleMax} 字` }),
  text: Type.String({ minLength: L.textMin, maxLength: L.textMax, pattern: '\\S', description: `内容 ${L.textMin}–${L.textMax} 字` }),
  address: Type.Optional(Type.String({ maxLength: L.addressMax })),
  lat: Type.Optional(Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()])),
  long: Type.Optional(Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()])),
  name: Type.String({ minLength: 1, maxLength: L.nameMax, pattern: '\\S' }),
  phone: Type.String({ minLength: 11, maxLength: 20, description: '手机号（11 位）' }),
  isNamePublic: Type.Optional(Type.Boolean({ default: false, description: '公开答复时显示姓氏（如 张某）' })),
  consent: Type.Boolean({ description: '同意个人信息使用说明（必须为 true）' }),
  verificationCode: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: '短信验证码（中心要求验证时必填）' })),
  attachmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: L.attachmentsMax, description: '素材库返回的上传标识（需素材库模块）' })),
}, { additionalProperties: false })
export type SubmitInput = Static<typeof SubmitInput>

export const SubmitReply = Type.Object({
  number: Type.String({ description: '留言编号' }),
  lookupCode: Type.String({ description: '查询码：凭查询码和手机号后四位查询办理进度' }),
  state: State, kind: Kind, category: Type.String(), createdAt: Time,
  expectedReplyBy: Time,
  lookupUrl: Type.String(),
})

export const FormReply = Type.Object({
  center: Type.Object({ slug: Type.String(), name: Type.String() }),
  kinds: Type.Array(Type.Object({ code: Kind, name: Type.String(), replyWithinWorkingDays: Type.Integer() })),
  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), description: Type.String(), group: Type.String(), defaultKind: Kind })),
  limits: Type.Object({
    titleMin: Type.Integer(), titleMax: Type.Integer(), textMin: Type.Integer(), textMax: Type.Integer(), addressMax: Type.Integer(),
    nameMax: Type.Integer(), attachmentsMax: Type.Integer(), phoneDailyLimit: Type.Integer(),
    attachmentMaxBytes: Type.Integer({ description: '每张图片的大小上限（字节）' }), attachmentTypes: Type.Array(Type.String(), { description: '接受的图片类型（按内容识别）' }),
  }),
  consentText: Type.String(), consentVersion: Type.String(), isPhoneVerificationRequired: Type.Boolean(), isAttachmentsAvailable: Type.Boolean(),
})

export const CodeInput = Type.Object({ phone: Type.String({ minLength: 11, maxLength: 20 }) }, { additionalProperties: false })
export type CodeInput = Static<typeof CodeInput>
export const CodeReply = Type.Object({ sent: Type.Boolean(), validMinutes: Type.Integer() })

const LookupKey = {
  lookupCode: Type.String({ pattern: '^[2-9A-Za-z]{10}$', description: '查询码' }),
  phoneLast4: Type.String({ pattern: '^\\d{4}$', description: '手机号后四位' }),
}
export const LookupInput = Type.Object(LookupKey, { additionalProperties: false })
export type LookupInput = Static<typeof LookupInput>

const PublicReply = Type.Object({
  body: Type.String(), publishedAt: Time, department: Type.String(),
  faqEntries: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), question: Type.String() })),
})

export const LookupReply = Type.Object({
  number: Type.String(), kind: Kind, kindName: Type.String(), category: Type.Object({ code: Type.String(), name: Type.String() }),
  title: Type.String(), text: Type.String(), address: Type.String(), state: State, stateName: Type.String(), createdAt: Time,
  expectedReplyBy: Time, department: Type.Union([Type.String(), Type.Null()]),
  timeline: Type.Array(Type.Object({ at: Time, action: Type.String(), label: Type.String(), note: Type.String() })),
  reply: Type.Union([PublicReply, Type.Null()]),
  rating: Type.Union([Type.Object({ rating: Type.String(), comment: Type.String(), createdAt: Time }), Type.Null()]),
  canRate: Type.Boolean(),
  mergedInto: Type.Union([Type.Object({ number: Type.String() }), Type.Null()]),
})

export const RatingInput = Type.Object({
  ...LookupKey,
  rating: Type.Union([Type.Literal('satisfied'), Type.Literal('basically'), Type.Literal('unsatisfied')], { description: '满意 / 基本满意 / 不满意' }),
  comment: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false })
export type RatingInput = Static<typeof RatingInput>
export const RatingReply = Type.Object({ state: State, isReopened: Type.Boolean() })

export const PublicListQuery = Type.Object({
  kind: Type.Optional(Kind), category: Type.Optional(Type.String({ maxLength: 40 })), q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })), cursor: PageQuery.cursor,
})
export type PublicListQuery = Static<typeof PublicListQuery>

export const PublicList = Type.Object({
  items: Type.Array(Type.Object({
    number: Type.String(), kind: Kind, kindName: Type.String(), category: Type.Object({ code: Type.String(), name: Type.String() }),
    title: Type.String(), text: Type.String(), citizenName: Type.String(), createdAt: Time, state: State, stateName: Type.String(),
    reply: Type.Union([Type.Object({ body: Type.String(), publishedAt: Time, department: Type.String() }), Type.Null()]),
  })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
