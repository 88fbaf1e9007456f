import { Type, type Static, type TSchema } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'
import { MAX_BODY_BYTES, MAX_TAGS } from './stories.content.js'

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const StoryKind = Type.Union(['article', 'gallery', 'video', 'audio', 'live'].map((k) => Type.Literal(k)))
export const StoryState = Type.Union(['draft', 'in_review', 'returned', 'rejected', 'signed_off'].map((s) => Type.Literal(s)))

export const StoryIdParams = Type.Object({ id: Uuid })
export type StoryIdParams = Static<typeof StoryIdParams>
export const VersionParams = Type.Object({ id: Uuid, number: Type.Integer({ minimum: 1 }) })
export type VersionParams = Static<typeof VersionParams>
export const ImageParams = Type.Object({ id: Uuid, imageId: Uuid })
export type ImageParams = Static<typeof ImageParams>

const Attachment = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL, or a path on this site' }),
}, { additionalProperties: false })

/** The editable fields. `body` is HTML, sanitised with the story profile on every write. */
const contentFields = {
  kind: Type.Optional(StoryKind),
  subtitle: Type.Optional(Type.String({ maxLength: 200 })),
  summary: Type.Optional(Type.String({ maxLength: 2000 })),
  body: Type.Optional(Type.String({ maxLength: MAX_BODY_BYTES, description: 'HTML; at most 2 MiB once sanitised' })),
  byline: Type.Optional(Type.String({ maxLength: 200 })),
  source: Type.Optional(Type.String({ maxLength: 200 })),
  section: Type.Optional(Type.String({ maxLength: 100 })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: MAX_TAGS })),
  coverAssetId: Type.Optional(Nullable(Uuid)),
  attachments: Type.Optional(Type.Array(Attachment, { maxItems: 50 })),
  isImportant: Type.Optional(Type.Boolean({ description: '重要信息：须经单位负责人签发' })),
}

export const StoryCreateInput = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  ...contentFields,
}, { additionalProperties: false })
export type StoryCreateInput = Static<typeof StoryCreateInput>

const BaseVersion = Type.Integer({ minimum: 1, description: 'the version the editor started from; another current version answers 409' })

export const StorySaveInput = Type.Object({
  baseVersion: BaseVersion,
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  ...contentFields,
}, { additionalProperties: false })
export type StorySaveInput = Static<typeof StorySaveInput>

export const RestoreInput = Type.Object({ baseVersion: BaseVersion }, { additionalProperties: false })
export type RestoreInput = Static<typeof RestoreInput>

export const StoryListQuery = Type.Object({
  state: Type.Optional(StoryState),
  authorId: Type.Optional(Uuid),
  mine: Type.Optional(Type.Boolean({ description: 'only the caller’s own stories' })),
  section: Type.Optional(Type.String({ maxLength: 100 })),
  stage: Type.Optional(Type.Integer({ minimum: 0, description: 'review stage index (stories in review)' })),
  overdue: Type.Optional(Type.Boolean({ description: 'only stories in review whose current stage is past its deadline' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'title contains' })),
  ...PageQuery,
}, { additionalProperties: false })
export type StoryListQuery = Static<typeof StoryListQuery>

export const DiffQuery = Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })
export type DiffQuery = Static<typeof DiffQuery>

const Removal = Type.Object({ tag: Type.Optional(Type.String()), attribute: Type.Optional(Type.String()), reason: Type.String() })

export const LockView = Type.Object({ holderId: Type.String(), holderName: Type.String(), expiresAt: Timestamp })

export const LockReply = Type.Object({ ...LockView.properties, versionNumber: Type.Integer() })

export const TakeoverReply = Type.Object({
  ...LockReply.properties,
  previousHolder: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  savedVersion: Nullable(Type.Integer()),
})

const contentView = {
  kind: StoryKind,
  title: Type.String(),
  subtitle: Type.String(),
  summary: Type.String(),
  body: Type.String(),
  byline: Type.String(),
  source: Type.String(),
  section: Type.String(),
  tags: Type.Array(Type.String()),
  coverAssetId: Nullable(Type.String()),
  attachments: Type.Array(Attachment),
  isImportant: Type.Boolean(),
  wordCount: Type.Integer({ description: '字数：汉字 + 外文单词 + 数字串' }),
  charCount: Type.Integer({ description: '字符数（不含空白）' }),
}

export const VersionMeta = Type.Object({
  number: Type.Integer(),
  hash: Type.String(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdByName: Type.String(),
  createdAt: Timestamp,
})

export const VersionView = Type.Object({ ...VersionMeta.properties, ...contentView })

const Open = Type.Object({}, { additionalProperties: true })

export const StoryView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  ...contentView,
  authorId: Type.String(),
  authorName: Type.String(),
  state: StoryState,
  stageIndex: Nullable(Type.Integer()),
  stage: Nullable(Type.Object({
    index: Type.Optional(Type.Integer()), key: Type.Optional(Type.String()), name: Type.Optional(Type.String()),
  }, { additionalProperties: true })),
  decisions: Type.Array(Type.Object({
    userId: Type.String(), stage: Type.String(), decision: Type.String(), versionHash: Type.String(), at: Type.String(),
  }, { additionalProperties: true })),
  review: Nullable(Open),
  versionNumber: Type.Integer(),
  versionHash: Type.String(),
  versions: Type.Array(VersionMeta),
  lock: Nullable(LockView),
  canEdit: Type.Boolean(),
  canDelete: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Nullable(Timestamp),
  signedOffAt: Nullable(Timestamp),
  sanitizerRemoved: Type.Array(Removal, { description: 'what the sanitiser removed from the body just sent (empty on reads)' }),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'import notes for the user' })),
})

export const StoryListItem = Type.Object({
  id: Type.String(),
  kind: StoryKind,
  title: Type.String(),
  section: Type.String(),
  tags: Type.Array(Type.String()),
  isImportant: Type.Boolean(),
  authorId: Type.String(),
  authorName: Type.String(),
  state: StoryState,
  stageIndex: Nullable(Type.Integer()),
  stage: Nullable(Type.Object({
    key: Type.String(), name: Type.String({ description: '当前审核阶段名称' }), deadline: Nullable(Timestamp), isOverdue: Type.Boolean(),
  }, { description: 'the current review stage (null unless in review)' })),
  versionNumber: Type.Integer(),
  wordCount: Type.Integer(),
  charCount: Type.Integer(),
  lock: Nullable(LockView),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Nullable(Timestamp),
})

export const StoryList = Type.Object({ items: Type.Array(StoryListItem), nextCursor: Nullable(Type.String()) })

export const AutosaveReply = Type.Object({
  baseVersion: Type.Integer(),
  savedAt: Timestamp,
  wordCount: Type.Integer(),
  charCount: Type.Integer(),
  lock: LockView,
  sanitizerRemoved: Type.Array(Removal),
})

export const DraftView = Type.Object({ baseVersion: Type.Integer(), savedAt: Timestamp, ...contentView })
export const DraftReply = Type.Object({ draft: Nullable(DraftView) })

const ChangeType = Type.Union([Type.Literal('equal'), Type.Literal('added'), Type.Literal('removed')])
const TextDiff = Type.Object({
  changes: Type.Array(Type.Object({ type: ChangeType, value: Type.String() })),
  isApproximate: Type.Boolean(),
})

export const DiffReply = Type.Object({
  from: VersionView,
  to: VersionView,
  title: TextDiff,
  body: TextDiff,
  blocks: Type.Array(Type.Object({ type: ChangeType, html: Type.String() }), { description: 'top-level HTML blocks, in reading order' }),
  fields: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
})

/** A .docx upload: the file, and optionally the kind and section of the new story. */
export const ImportBody = Type.Object({
  file: Type.String({ format: 'binary', description: '.docx, at most RONGMEI_DOCX_MAX_BYTES' }),
  kind: Type.Optional(StoryKind),
  section: Type.Optional(Type.String({ maxLength: 100 })),
})

export const ImageReply = {
  description: 'the image bytes, with their content type',
  content: Object.fromEntries(['image/png', 'image/jpeg', 'image/gif', 'image/webp'].map((t) => [t, { schema: Type.String({ format: 'binary' }) }])),
}
