import { Type, type Static, type TSchema } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'
import { HitView } from '../checks/checks.schema.js'
import { stagePermissions } from './review.machine.js'

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Offset = Type.Integer({ minimum: 0, maximum: 10_000_000 })

export const StoryIdParams = Type.Object({ id: Uuid })
export type StoryIdParams = Static<typeof StoryIdParams>

// ---- workflow ----

export const StageInput = Type.Object({
  key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$', description: '阶段标识，如 first、second、final' }),
  name: Type.String({ minLength: 1, maxLength: 20, pattern: '\\S' }),
  permission: Type.Union(stagePermissions.map((p) => Type.Literal(p)), { description: '可在此阶段审核的权限' }),
  timeLimitHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 720, description: '时限（小时），自进入此阶段起算' })),
  requiresHeadSignoff: Type.Optional(Type.Boolean({ description: '为 true 时本流程审核的所有稿件在签发前都须单位负责人签发（不只重要信息）' })),
}, { additionalProperties: false })

export const WorkflowInput = Type.Object({
  stages: Type.Array(StageInput, { minItems: 3, maxItems: 8 }),
  restartPolicy: Type.Union([Type.Literal('from_start'), Type.Literal('from_changed_stage')]),
  proofreadRoundsRequired: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, default: 3 })),
}, { additionalProperties: false })
export type WorkflowInput = Static<typeof WorkflowInput>

export const WorkflowView = Type.Object({
  stages: Type.Array(StageInput),
  restartPolicy: Type.Union([Type.Literal('from_start'), Type.Literal('from_changed_stage')]),
  proofreadRoundsRequired: Type.Integer(),
  isDefault: Type.Boolean(),
  updatedAt: Nullable(Timestamp),
  updatedBy: Nullable(Type.String()),
})

// ---- the story under review ----

export const StageView = Type.Object({
  index: Type.Integer({ description: '0..n-1 审核阶段；n 校对；n+1 负责人签发' }),
  key: Type.String(),
  name: Type.String(),
  permission: Nullable(Type.String()),
  enteredAt: Timestamp,
  deadline: Nullable(Timestamp),
  isOverdue: Type.Boolean(),
})

export const StoredHit = Type.Object({
  ...HitView.properties,
  field: Type.Union([Type.Literal('title'), Type.Literal('body'), Type.Literal('image')], { description: 'image: start/end count the body\'s images' }),
  quote: Type.String(),
  overrideId: Nullable(Type.String()),
})

const Anchor = Type.Object({
  start: Offset, end: Offset, quote: Type.String({ maxLength: 2000 }), note: Type.String({ maxLength: 2000 }),
}, { additionalProperties: false })

export const DecisionView = Type.Object({
  id: Type.String(),
  cycle: Type.Integer(),
  userId: Type.String(),
  userName: Type.String(),
  stage: Type.String({ description: 'the stage key' }),
  stageIndex: Type.Integer(),
  stageName: Type.String(),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('return'), Type.Literal('reject')]),
  comment: Type.String(),
  anchors: Type.Array(Anchor),
  versionNumber: Type.Integer(),
  versionHash: Type.String(),
  at: Timestamp,
  isValid: Type.Boolean({ description: 'false once an edit after this approval sent the story back through its stage' }),
  invalidatedAt: Nullable(Timestamp),
})

const Mark = Type.Object({
  start: Offset, end: Offset, original: Type.String({ maxLength: 2000 }), correction: Type.String({ maxLength: 2000 }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false })

export const ProofreadView = Type.Object({
  id: Type.String(), cycle: Type.Integer(), round: Type.Integer(), userId: Type.String(), userName: Type.String(),
  marks: Type.Array(Mark), comment: Type.String(), versionNumber: Type.Integer(), versionHash: Type.String(), at: Timestamp,
})

export const OverrideView = Type.Object({
  id: Type.String(), field: Type.Union([Type.Literal('title'), Type.Literal('body')]), ruleId: Type.String(), start: Type.Integer(),
  end: Type.Integer(), quote: Type.String(), reason: Type.String(), userId: Type.String(), userName: Type.String(),
  versionNumber: Type.Integer(), versionHash: Type.String(), at: Timestamp,
})

export const SubmitReply = Type.Object({
  storyId: Type.String(),
  state: Type.String(),
  cycle: Type.Integer(),
  stage: StageView,
  checks: Type.Object({ ruleSetVersion: Type.String(), hits: Type.Array(StoredHit) }),
})

export const DecisionInput = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('return'), Type.Literal('reject')]),
  comment: Type.Optional(Type.String({ maxLength: 5000, description: '退回和否决时必填' })),
  anchors: Type.Optional(Type.Array(Anchor, { maxItems: 200, description: '批注：正文纯文本上的区间（UTF-16 偏移）' })),
}, { additionalProperties: false })
export type DecisionInput = Static<typeof DecisionInput>

export const ActReply = Type.Object({
  storyId: Type.String(),
  state: Type.String(),
  stage: Nullable(StageView),
  decision: Type.Optional(DecisionView),
  proofread: Type.Optional(ProofreadView),
})

export const ProofreadInput = Type.Object({
  marks: Type.Array(Mark, { maxItems: 1000 }),
  comment: Type.Optional(Type.String({ maxLength: 5000 })),
}, { additionalProperties: false })
export type ProofreadInput = Static<typeof ProofreadInput>

export const OverrideInput = Type.Object({
  ruleId: Type.String({ minLength: 1, maxLength: 100 }),
  start: Offset,
  end: Offset,
  reason: Type.String({ minLength: 5, maxLength: 2000, pattern: '\\S' }),
  field: Type.Optional(Type.Union([Type.Literal('title'), Type.Literal('body')], { default: 'body' })),
}, { additionalProperties: false })
export type OverrideInput = Static<typeof OverrideInput>

const Refusal = Nullable(Type.Object({ code: Type.String(), detail: Type.String() }))

export const ReviewView = Type.Object({
  storyId: Type.String(),
  state: Type.String(),
  versionNumber: Type.Integer(),
  versionHash: Type.String(),
  title: Type.String(),
  bodyText: Type.String({ description: '正文纯文本（检查结果与批注的偏移以此为准）' }),
  submitter: Nullable(Type.Object({ id: Type.String(), name: Type.String(), at: Timestamp }, { description: '最近一次送审的人' })),
  cycle: Nullable(Type.Integer()),
  stage: Nullable(StageView),
  stages: Type.Array(Type.Object({
    index: Type.Integer(), key: Type.String(), name: Type.String(), permission: Nullable(Type.String()),
    status: Type.Union(['approved', 'pending', 'waiting', 'outdated', 'not_required'].map((s) => Type.Literal(s))),
  })),
  proofreadRounds: Type.Object({ done: Type.Integer(), required: Type.Integer() }),
  isHeadSignoffRequired: Type.Boolean(),
  decisions: Type.Array(DecisionView),
  proofreads: Type.Array(ProofreadView),
  checks: Nullable(Type.Object({ ruleSetVersion: Type.String(), hits: Type.Array(StoredHit) })),
  overrides: Type.Array(OverrideView),
  diffSinceMyLastApproval: Nullable(Type.Object({
    fromVersion: Type.Integer(), toVersion: Type.Integer(), approvedAt: Timestamp, stage: Type.String(),
  }, { description: '自我上次通过以来的修改；差异见 GET /stories/{id}/diff?from=&to=' })),
  canDecide: Type.Boolean(),
  decideRefusal: Refusal,
  canProofread: Type.Boolean(),
  proofreadRefusal: Refusal,
})

// ---- queue ----

export const QueueQuery = Type.Object({
  overdue: Type.Optional(Type.Boolean({ description: '只看已超时的' })),
  ...PageQuery,
}, { additionalProperties: false })
export type QueueQuery = Static<typeof QueueQuery>

export const QueueItem = Type.Object({
  storyId: Type.String(),
  title: Type.String(),
  authorId: Type.String(),
  authorName: Type.String(),
  cycle: Type.Integer(),
  versionNumber: Type.Integer(),
  submittedAt: Timestamp,
  task: Type.Union([Type.Literal('review'), Type.Literal('head_signoff'), Type.Literal('proofread')]),
  stage: StageView,
  deadline: Nullable(Timestamp),
  isOverdue: Type.Boolean(),
  proofreadRounds: Type.Object({ done: Type.Integer(), required: Type.Integer() }),
})

export const QueueList = Type.Object({ items: Type.Array(QueueItem), nextCursor: Nullable(Type.String()) })
