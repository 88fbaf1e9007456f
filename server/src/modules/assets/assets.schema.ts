import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const Kind = Type.Union([Type.Literal('image'), Type.Literal('audio'), Type.Literal('video'), Type.Literal('document')])
const Words = (max: number) => Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: max })
const DateTime = Type.String({ format: 'date-time' })
const UploadedVia = Type.Union([Type.Literal('staff'), Type.Literal('citizen')], { description: 'staff：工作人员上传；citizen：市民留言附件（无上传账号）' })

export const AssetId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type AssetId = Static<typeof AssetId>

export const RenditionView = Type.Object({
  name: Type.String(), format: Type.String(), mimeType: Type.String(), url: Type.String(),
  width: Nullable(Type.Integer()), height: Nullable(Type.Integer()), bytes: Type.Integer(), isPublic: Type.Boolean(),
})

const UsageSummary = Type.Object({ count: Type.Integer(), live: Type.Integer() })

export const AssetView = Type.Object({
  id: Type.String(), tenantId: Type.String(), kind: Kind, sha256: Type.String(), mimeType: Type.String(), size: Type.Integer(),
  originalName: Type.String(), title: Type.String(), caption: Type.String(), credit: Type.String(), source: Type.String(),
  copyright: Type.String(), licence: Type.String(), licenceExpiresAt: Nullable(Type.String()),
  licenceStatus: Type.Union(['none', 'valid', 'expiring', 'expired'].map((s) => Type.Literal(s))),
  tags: Type.Array(Type.String()), people: Type.Array(Type.String()), places: Type.Array(Type.String()),
  shotAt: Nullable(Type.String()), width: Nullable(Type.Integer()), height: Nullable(Type.Integer()), durationMs: Nullable(Type.Integer()),
  focalPoint: Type.Object({ x: Type.Number(), y: Type.Number() }),
  derivatives: Type.Object({ status: Type.String(), reason: Nullable(Type.String()) }),
  renditions: Type.Array(RenditionView),
  media: Type.Object({}, { additionalProperties: true }),
  metadata: Type.Object({ camera: Nullable(Type.String()), hasGps: Type.Boolean(), hasMakerNote: Type.Boolean(), trailingBytes: Type.Integer() }),
  usage: UsageSummary, warnings: Type.Array(Type.String()), originalUrl: Type.String(),
  uploadedBy: Nullable(Type.String({ description: '上传人账号；市民上传为 null' })), uploadedVia: UploadedVia, createdAt: Type.String(), updatedAt: Type.String(), deletedAt: Nullable(Type.String()),
})

export const AssetList = Type.Object({ items: Type.Array(AssetView), nextCursor: Nullable(Type.String()) })

/** Fields an edit may change; null clears a date. */
export const AssetPatch = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 200 })),
  caption: Type.Optional(Type.String({ maxLength: 2000 })),
  credit: Type.Optional(Type.String({ maxLength: 200 })),
  source: Type.Optional(Type.String({ maxLength: 200 })),
  copyright: Type.Optional(Type.String({ maxLength: 200 })),
  licence: Type.Optional(Type.String({ maxLength: 500 })),
  licenceExpiresAt: Type.Optional(Nullable(DateTime)),
  tags: Type.Optional(Words(50)),
  people: Type.Optional(Words(50)),
  places: Type.Optional(Words(50)),
  shotAt: Type.Optional(Nullable(DateTime)),
}, { additionalProperties: false })
export type AssetPatch = Static<typeof AssetPatch>

export const UploadForm = Type.Object({
  file: Type.String({ format: 'binary', description: '文件（按内容识别类型）' }),
  title: Type.Optional(Type.String()), caption: Type.Optional(Type.String()), credit: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()), copyright: Type.Optional(Type.String()), licence: Type.Optional(Type.String()),
  licenceExpiresAt: Type.Optional(Type.String()), tags: Type.Optional(Type.String({ description: '逗号分隔' })),
  people: Type.Optional(Type.String()), places: Type.Optional(Type.String()), shotAt: Type.Optional(Type.String()),
})

export const ListQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(Type.String({ maxLength: 200 })),
  kind: Type.Optional(Kind),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  uploadedBy: Type.Optional(Type.String({ format: 'uuid' })),
  uploadedVia: Type.Optional(UploadedVia),
  licence: Type.Optional(Type.Union(['none', 'valid', 'expiring', 'expired'].map((s) => Type.Literal(s)))),
  usage: Type.Optional(Type.Union([Type.Literal('used'), Type.Literal('unused')])),
  deleted: Type.Optional(Type.Boolean({ description: '回收站：已删除、尚未清除的素材' })),
}, { additionalProperties: false })
export type ListQuery = Static<typeof ListQuery>

export const DeleteQuery = Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export const SimilarQuery = Type.Object({
  maxDistance: Type.Optional(Type.Integer({ minimum: 0, maximum: 32, default: 10 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}, { additionalProperties: false })
export const SimilarList = Type.Object({ items: Type.Array(Type.Object({ distance: Type.Integer(), asset: AssetView })) })

export const FocalPoint = Type.Object({ x: Type.Number({ minimum: 0, maximum: 1 }), y: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false })
export const SignedLink = Type.Object({ url: Type.String(), expiresAt: Type.String() })

export const UsageInput = Type.Object({
  refType: Type.String({ pattern: '^[a-z][a-z_]{1,30}$' }),
  refId: Type.String({ minLength: 1, maxLength: 200 }),
  isLive: Type.Optional(Type.Boolean()),
  shareId: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false })
export type UsageInput = Static<typeof UsageInput>
export const UsageRef = Type.Object({ refType: Type.String({ pattern: '^[a-z][a-z_]{1,30}$' }), refId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })
export const UsageView = Type.Object({
  id: Type.String(), tenantId: Type.String(), assetId: Type.String(), refType: Type.String(), refId: Type.String(),
  credit: Type.String(), isLive: Type.Boolean(), shareId: Nullable(Type.String()), createdAt: Type.String(),
})
export const UsageList = Type.Object({ items: Type.Array(UsageView) })

const Audience = Type.Union([Type.Literal('parent'), Type.Literal('children'), Type.Literal('platform')])
export const ShareInput = Type.Object({ audience: Audience }, { additionalProperties: false })
export const ShareView = Type.Object({
  id: Type.String(), assetId: Type.String(), ownerTenantId: Type.String(), ownerName: Type.String(), audience: Audience,
  kind: Kind, title: Type.String(), caption: Type.String(), credit: Type.String(), width: Nullable(Type.Integer()), height: Nullable(Type.Integer()),
  renditions: Type.Array(RenditionView), createdAt: Type.String(), withdrawnAt: Nullable(Type.String()),
})
export const ShareList = Type.Object({ items: Type.Array(ShareView), nextCursor: Type.Optional(Nullable(Type.String())) })
export const ShareId = Type.Object({ shareId: Type.String({ format: 'uuid' }) })
export const SharedUseInput = Type.Object({ refType: UsageInput.properties.refType, refId: UsageInput.properties.refId, isLive: Type.Optional(Type.Boolean()) }, { additionalProperties: false })

export const LimitsView = Type.Object({ image: Type.Integer(), audio: Type.Integer(), video: Type.Integer(), document: Type.Integer() })
export const LimitParams = Type.Object({ kind: Kind })
export const LimitInput = Type.Object({ maxBytes: Type.Integer({ minimum: 1024 }) }, { additionalProperties: false })

export const CollectionInput = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 100 }), description: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false })
export const CollectionPatch = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), description: Type.Optional(Type.String({ maxLength: 2000 })),
  isPublic: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export const CollectionView = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(), isPublic: Type.Boolean(), publishedAt: Nullable(Type.String()),
  items: Type.Integer(), archiveUrl: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
})
export const CollectionList = Type.Object({ items: Type.Array(CollectionView) })
export const CollectionItems = Type.Object({ assetIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200 }) }, { additionalProperties: false })
export const CollectionItemParams = Type.Object({ id: Type.String({ format: 'uuid' }), assetId: Type.String({ format: 'uuid' }) })

export const UploadCreate = Type.Object({
  filename: Type.String({ minLength: 1, maxLength: 255 }),
  size: Type.Integer({ minimum: 1 }),
  mimeType: Type.Optional(Type.String({ maxLength: 100 })),
  meta: Type.Optional(AssetPatch),
}, { additionalProperties: false })
export type UploadCreate = Static<typeof UploadCreate>
export const UploadView = Type.Object({
  id: Type.String(), filename: Type.String(), size: Type.Integer(), offset: Type.Integer(), expiresAt: Type.String(), maxChunkBytes: Type.Integer(),
})
export const UploadId = Type.Object({ uploadId: Type.String({ format: 'uuid' }) })
