import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'

/** Staff API schemas of tickets. Times are ISO 8601 in Asia/Shanghai (+08:00). */

export const Kind = Type.Union(['consultation', 'help', 'complaint', 'suggestion', 'report', 'praise'].map((k) => Type.Literal(k)), {
  description: 'consultation 咨询, help 求助, complaint 投诉, suggestion 建议, report 举报, praise 表扬',
})
export const State = Type.Union(['submitted', 'accepted', 'rejected', 'routed', 'signed_for', 'in_progress', 'returned', 'reply_review', 'replied', 'closed', 'merged'].map((s) => Type.Literal(s)))

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const Ref = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() })
const NullableRef = Type.Union([Ref, Type.Null()])
const Note = (max = 2000) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })

export const Deadlines = Type.Object({ signFor: Time, firstResponse: Time, final: Time }, { description: '签收、首次响应、答复期限（北京时间）' })
const Overdue = Type.Object({ signFor: Type.Boolean(), firstResponse: Type.Boolean(), final: Type.Boolean() })

export const TimelineEntry = Type.Object({
  id: Type.String(), at: Time, action: Type.String(), fromState: Type.Union([Type.String(), Type.Null()]), toState: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(), department: NullableRef, note: Type.String(), isPublic: Type.Boolean(), details: Type.Record(Type.String(), Type.Unknown()),
})

export const ReplyView = Type.Object({
  id: Type.String({ format: 'uuid' }), department: Ref, round: Type.Integer(), body: Type.String({ description: '原文（仅办理人员可见）' }),
  publicBody: Type.String({ description: '公开版本（已脱敏）' }), state: Type.Union([Type.Literal('pending_review'), Type.Literal('published'), Type.Literal('rejected')]),
  authorName: Type.String(), createdAt: Time, reviewedAt: NullableTime, reviewNote: Type.String(), publishedAt: NullableTime,
  faqEntries: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), question: Type.String() })), templateId: Type.Union([Type.String(), Type.Null()]),
})

export const TicketDetailView = Type.Object({
  id: Type.String({ format: 'uuid' }), number: Type.String(), lookupCode: Type.String(), channel: Type.String(), kind: Kind, kindName: Type.String(),
  isUrgent: Type.Boolean(), isPublic: Type.Boolean(),
  service: Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), name: Type.String() }),
  title: Type.String(), body: Type.String(), address: Type.String(), lat: Type.Union([Type.Number(), Type.Null()]), long: Type.Union([Type.Number(), Type.Null()]),
  citizen: Type.Object({ name: Type.String(), phone: Type.String(), isNamePublic: Type.Boolean(), email: Type.Union([Type.String(), Type.Null()]) }),
  state: State, stateName: Type.String(), stateNote: Type.String(),
  leadDepartment: NullableRef, suggestedDepartment: NullableRef,
  assignments: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), department: Ref, role: Type.Union([Type.Literal('lead'), Type.Literal('co')]), assignedAt: Time,
    signedForAt: NullableTime, endedAt: NullableTime, endReason: Type.Union([Type.String(), Type.Null()]), endNote: Type.String(),
  })),
  deadlines: Deadlines,
  met: Type.Object({ signedForAt: NullableTime, firstResponseAt: NullableTime, repliedAt: NullableTime, publishedAt: NullableTime, closedAt: NullableTime }),
  overdue: Overdue, extensionDays: Type.Integer(), reopenCount: Type.Integer(),
  mergedInto: Type.Union([Type.Object({ id: Type.String({ format: 'uuid' }), number: Type.String() }), Type.Null()]),
  replies: Type.Array(ReplyView),
  extensions: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), department: Ref, days: Type.Integer(), reason: Type.String(), state: Type.String(), requestedAt: Time,
    decidedAt: NullableTime, decisionNote: Type.String(),
  })),
  ratings: Type.Array(Type.Object({ replyId: Type.String({ format: 'uuid' }), rating: Type.String(), comment: Type.String(), createdAt: Time })),
  attachments: Type.Array(Type.Object({ assetId: Type.String({ format: 'uuid' }), replyId: Type.Union([Type.String(), Type.Null()]), isPublic: Type.Boolean() })),
  timeline: Type.Array(TimelineEntry),
  createdAt: Time, updatedAt: Time,
})
export type TicketDetailView = Static<typeof TicketDetailView>

export const TicketListItem = Type.Object({
  id: Type.String({ format: 'uuid' }), number: Type.String(), kind: Kind, kindName: Type.String(), isUrgent: Type.Boolean(),
  service: Type.Object({ code: Type.String(), name: Type.String() }), title: Type.String(), citizenName: Type.String(),
  state: State, stateName: Type.String(), leadDepartment: NullableRef, deadlines: Deadlines, overdue: Overdue, createdAt: Time,
})
export const TicketList = Type.Object({ items: Type.Array(TicketListItem), nextCursor: Type.Union([Type.String(), Type.Null()]) })

export const TicketListQuery = Type.Object({
  state: Type.Optional(Type.Array(State, { description: '状态（可多个：state=submitted&state=accepted）' })),
  kind: Type.Optional(Kind),
  serviceId: Type.Optional(Type.String({ format: 'uuid' })),
  departmentId: Type.Optional(Type.String({ format: 'uuid', description: '主办部门' })),
  overdue: Type.Optional(Type.Boolean({ description: '只看超期（督办看板）' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: '编号、查询码或关键词' })),
  sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('due')], { default: 'newest' })),
  ...PageQuery,
})
export type TicketListQuery = Static<typeof TicketListQuery>

export const TicketId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type TicketId = Static<typeof TicketId>
export const ReplyParams = Type.Object({ id: Type.String({ format: 'uuid' }), replyId: Type.String({ format: 'uuid' }) })
export type ReplyParams = Static<typeof ReplyParams>
export const ExtensionParams = Type.Object({ id: Type.String({ format: 'uuid' }), extensionId: Type.String({ format: 'uuid' }) })
export type ExtensionParams = Static<typeof ExtensionParams>

export const AcceptInput = Type.Object({ note: Type.Optional(Note()), isUrgent: Type.Optional(Type.Boolean()), isPublic: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export type AcceptInput = Static<typeof AcceptInput>
export const ReasonInput = Type.Object({ reason: Note(500) }, { additionalProperties: false })
export type ReasonInput = Static<typeof ReasonInput>
export const RouteInput = Type.Object({
  leadDepartmentId: Type.String({ format: 'uuid', description: '主办部门' }),
  coDepartmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10, description: '协办部门' })),
  note: Type.Optional(Note()), isUrgent: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type RouteInput = Static<typeof RouteInput>
export const ProgressInput = Type.Object({ note: Note(), isPublic: Type.Optional(Type.Boolean({ description: '进展说明对留言人公开' })) }, { additionalProperties: false })
export type ProgressInput = Static<typeof ProgressInput>
export const FlagsInput = Type.Object({ isUrgent: Type.Optional(Type.Boolean()), isPublic: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 })
export type FlagsInput = Static<typeof FlagsInput>
export const MergeInput = Type.Object({ intoId: Type.String({ format: 'uuid' }), note: Type.Optional(Note()) }, { additionalProperties: false })
export type MergeInput = Static<typeof MergeInput>
export const NoteInput = Type.Object({ note: Note() }, { additionalProperties: false })
export type NoteInput = Static<typeof NoteInput>
export const OptionalNoteInput = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export type OptionalNoteInput = Static<typeof OptionalNoteInput>

export const ReplyInput = Type.Object({
  body: Note(10000),
  faqEntryIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10, description: '引用的问答库条目' })),
  templateId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  attachmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 9, description: '素材库上传的附件（需素材库模块）' })),
}, { additionalProperties: false })
export type ReplyInput = Static<typeof ReplyInput>
export const ReviewInput = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  publicBody: Type.Optional(Type.String({ minLength: 1, maxLength: 10000, description: '修改后的公开版本（不填则用自动脱敏版本）' })),
}, { additionalProperties: false })
export type ReviewInput = Static<typeof ReviewInput>
export const ExtensionInput = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 30 }), reason: Note(500) }, { additionalProperties: false })
export type ExtensionInput = Static<typeof ExtensionInput>
export const DecisionInput = Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export type DecisionInput = Static<typeof DecisionInput>

export const CreatedId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export const ReturnedView = Type.Object({ id: Type.String({ format: 'uuid' }), state: Type.Literal('returned') })

export const DuplicateList = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), number: Type.String(), title: Type.String(), kind: Kind, state: State, createdAt: Time,
    isSamePhone: Type.Boolean(), similarity: Type.Number({ description: '关键词相似度（Jaccard）' }),
  })),
})
