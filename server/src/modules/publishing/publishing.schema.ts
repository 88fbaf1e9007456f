import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'

const Uuid = Type.String({ format: 'uuid' })
const DateTime = Type.String({ format: 'date-time' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const IdParams = Type.Object({ id: Uuid })
export type IdParams = Static<typeof IdParams>

const ChannelKind = Type.Union([Type.Literal('website'), Type.Literal('rss'), Type.Literal('webhook'), Type.Literal('wechat_oa'), Type.Literal('weibo'), Type.Literal('douyin'), Type.Literal('kuaishou'), Type.Literal('bilibili'), Type.Literal('toutiao'), Type.Literal('app')])
const BuiltChannelKind = Type.Union([Type.Literal('website'), Type.Literal('rss'), Type.Literal('webhook'), Type.Literal('wechat_oa'), Type.Literal('weibo')], { description: '已开放的渠道（其余渠道暂不提供）' })
const AccountStatus = Type.Union([Type.Literal('active'), Type.Literal('needs_reauth'), Type.Literal('disabled')], { description: 'active 正常 / needs_reauth 需重新授权 / disabled 停用' })
const PublicationStatus = Type.Union([Type.Literal('queued'), Type.Literal('sending'), Type.Literal('awaiting_platform'), Type.Literal('live'), Type.Literal('failed'), Type.Literal('withdrawn')])

export const Capabilities = Type.Object({
  maxTitleLength: Type.Integer(), maxTextLength: Nullable(Type.Integer()), media: Type.String(),
  isAsync: Type.Boolean(), canUpdate: Type.Boolean(), canWithdraw: Type.Boolean(), isLocal: Type.Boolean(),
})

export const AccountView = Type.Object({
  id: Uuid,
  channel: ChannelKind,
  channelName: Type.String(),
  name: Type.String(),
  status: AccountStatus,
  ownerUnitId: Nullable(Uuid),
  settings: Type.Record(Type.String(), Type.Unknown(), { description: '非机密设置（接收地址、微博安全域名等）' }),
  credentialFields: Type.Array(Type.String(), { description: '已填写的凭据字段名（凭据本身从不返回）' }),
  credentialFieldsAvailable: Type.Array(Type.String()),
  settingFieldsAvailable: Type.Array(Type.String()),
  rateLimitPerMinute: Type.Integer(),
  capabilities: Nullable(Capabilities),
  lastTest: Nullable(Type.Object({ at: DateTime, isOk: Type.Boolean(), message: Type.String() })),
  createdAt: DateTime,
  updatedAt: DateTime,
})
export type AccountView = Static<typeof AccountView>

export const AccountList = Type.Object({ items: Type.Array(AccountView) })
export const AccountListQuery = Type.Object({ channel: Type.Optional(ChannelKind), status: Type.Optional(AccountStatus) })
export type AccountListQuery = Static<typeof AccountListQuery>

const Fields = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 4000 }))

export const AccountCreate = Type.Object({
  channel: BuiltChannelKind,
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  ownerUnitId: Type.Optional(Nullable(Uuid)),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  settings: Type.Optional(Fields),
  credentials: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 4000 }), { description: '写入后加密保存，永不返回' })),
  rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
}, { additionalProperties: false })
export type AccountCreate = Static<typeof AccountCreate>

export const AccountUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
  ownerUnitId: Type.Optional(Nullable(Uuid)),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  settings: Type.Optional(Fields),
  credentials: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 4000 }), { description: '只改动给出的字段；空字符串清除该字段' })),
  rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
}, { additionalProperties: false })
export type AccountUpdate = Static<typeof AccountUpdate>

export const TestResult = Type.Object({ isOk: Type.Boolean(), message: Type.String(), hint: Nullable(Type.String()), account: AccountView })

export const ChannelSetView = Type.Object({ id: Uuid, name: Type.String(), accountIds: Type.Array(Uuid), createdAt: DateTime })
export const ChannelSetList = Type.Object({ items: Type.Array(ChannelSetView) })
export const ChannelSetInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  accountIds: Type.Array(Uuid, { minItems: 1, maxItems: 200 }),
}, { additionalProperties: false })
export type ChannelSetInput = Static<typeof ChannelSetInput>

const OverrideInput = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 200 })),
  summary: Type.Optional(Type.String({ maxLength: 2000 })),
  coverCrop: Type.Optional(Type.Union([Type.Literal('wechat-cover'), Type.Literal('square'), Type.Literal('wide'), Type.Literal('standard'), Type.Literal('web')])),
}, { additionalProperties: false })

export const PublishInput = Type.Object({
  accounts: Type.Optional(Type.Array(Uuid, { maxItems: 200, description: '发布到的账号' })),
  channelSetId: Type.Optional(Uuid),
  overrides: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), OverrideInput, { description: '按账号 id（或渠道类型）给出的标题、摘要、封面裁切' })),
  scheduleAt: Type.Optional(DateTime),
  correctionNote: Type.Optional(Type.String({ maxLength: 2000, description: '已上线的发布将以此说明更正' })),
}, { additionalProperties: false })
export type PublishInput = Static<typeof PublishInput>

export const WithdrawInput = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500, pattern: '\\S' }) }, { additionalProperties: false })
export type WithdrawInput = Static<typeof WithdrawInput>
export const CorrectionInput = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export type CorrectionInput = Static<typeof CorrectionInput>

export const PublicationView = Type.Object({
  id: Uuid,
  storyId: Uuid,
  storyTitle: Type.Optional(Type.String()),
  accountId: Uuid,
  accountName: Type.Optional(Type.String()),
  channel: ChannelKind,
  status: PublicationStatus,
  versionNumber: Type.Integer({ description: '正在发送或已上线的签发版本' }),
  liveVersionNumber: Nullable(Type.Integer()),
  url: Nullable(Type.String({ description: '上线后的地址' })),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String({ description: '平台原话' }), hint: Type.String({ description: '怎么处理' }) })),
  scheduledAt: Nullable(DateTime),
  liveAt: Nullable(DateTime),
  withdrawal: Nullable(Type.Object({
    reason: Nullable(Type.String()), at: Nullable(DateTime),
    outcome: Nullable(Type.String({ description: 'removed 已删除 / hidden 已隐藏 / not_sent 未曾发出 / not_possible 无法撤回（见 error）；null 撤回进行中' })),
  })),
  corrections: Type.Array(Type.Object({ versionNumber: Type.Integer(), mode: Type.String({ description: 'updated 原文已更新 / notice 发布了更正说明' }), at: DateTime, url: Nullable(Type.String()) })),
  createdAt: DateTime,
  updatedAt: DateTime,
})
export type PublicationView = Static<typeof PublicationView>

export const PublicationList = Type.Object({ items: Type.Array(PublicationView) })
export const BoardQuery = Type.Object({
  status: Type.Optional(PublicationStatus),
  from: Type.Optional(Type.String({ format: 'date-time', description: '与 to 一起给出时返回排期（日历）：from ≤ 排期时间 < to' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  ...PageQuery,
})
export type BoardQuery = Static<typeof BoardQuery>
export const BoardPage = Type.Object({ items: Type.Array(PublicationView), nextCursor: Nullable(Type.String()) })
export const ScheduleQuery = Type.Object({ from: DateTime, to: DateTime })
export type ScheduleQuery = Static<typeof ScheduleQuery>
