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
  accountName: Type.String({ description: '账号名称（账号删除后仍保留原名）' }),
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
/** An ISO date (a whole Asia/Shanghai day) or date-time (without an offset: Asia/Shanghai). */
const IsoInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
  description: 'ISO 8601 日期或日期时间；只给日期表示北京时间的整天，不带时区的时间按北京时间',
})

export const BoardQuery = Type.Object({
  status: Type.Optional(PublicationStatus),
  channel: Type.Optional(ChannelKind),
  accountId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ ...IsoInstant, description: '按发布的创建（提交）时间筛选：from ≤ 创建时间；只给日期时从北京时间当天 0 点起' })),
  to: Type.Optional(Type.String({ ...IsoInstant, description: '创建时间 < to；只给日期时包含北京时间当天整天' })),
  ...PageQuery,
})
export type BoardQuery = Static<typeof BoardQuery>
export const BoardPage = Type.Object({ items: Type.Array(PublicationView), nextCursor: Nullable(Type.String()) })
export const ScheduleQuery = Type.Object({ from: DateTime, to: DateTime })
export type ScheduleQuery = Static<typeof ScheduleQuery>

const CheckProblem = Type.Object({
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')], { description: 'error 不能发布 / warning 可以发布，但渠道会另行处理（如截断）' }),
  code: Type.String({ description: '稳定的问题代码，如 WEIBO_TEXT_TOO_LONG' }),
  field: Type.String(),
  message: Type.String({ description: '中文说明：哪里不对、怎么处理' }),
})

const ChannelPreview = Type.Object({
  title: Type.String({ description: '渠道上显示的标题' }),
  titleLength: Type.Integer(),
  titleLimit: Type.Integer(),
  summary: Type.String({ description: '渠道收到的摘要（已按渠道截断）' }),
  text: Nullable(Type.String({ description: '文字类渠道（微博）发出的完整正文' })),
  textLength: Type.Integer({ description: '按渠道自己的算法计数（微博：半角算半个字，链接按短链计）' }),
  textLimit: Nullable(Type.Integer()),
  coverUrl: Nullable(Type.String({ description: '渠道收到的封面图（本站地址）' })),
  link: Type.String({ description: '稿件在本站的地址' }),
})

export const AccountCheck = Type.Object({
  accountId: Uuid,
  accountName: Type.String(),
  channel: ChannelKind,
  problems: Type.Array(CheckProblem),
  preview: ChannelPreview,
})
export type AccountCheck = Static<typeof AccountCheck>

export const PublishPreview = Type.Object({
  items: Type.Array(AccountCheck),
  canPublish: Type.Boolean({ description: '没有任何 error 时为 true' }),
})
