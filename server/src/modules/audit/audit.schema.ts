import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'

/** An ISO date (a whole Asia/Shanghai day) or date-time (without an offset: Asia/Shanghai). */
const IsoInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
  description: 'ISO 8601 date or date-time; a date alone means that whole day in Asia/Shanghai',
})

/** Filters shared by the list and the CSV export. */
export const AuditFilters = {
  action: Type.Optional(Type.String({
    maxLength: 100, pattern: '^[a-z0-9_.-]+\\*?$',
    description: 'exact action code, or a prefix ending in * (e.g. auth.*)',
  })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'part of the username, or the user id' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
  from: Type.Optional(IsoInstant),
  to: Type.Optional(Type.String({ ...IsoInstant, description: 'exclusive upper bound; a date alone includes that whole day' })),
  tenantId: Type.Optional(Type.String({ format: 'uuid', description: 'only this tenant (one the caller may see)' })),
}

export const AuditQuery = Type.Object({ ...AuditFilters, ...PageQuery }, { additionalProperties: false })
export type AuditQuery = Static<typeof AuditQuery>

export const AuditExportQuery = Type.Object(AuditFilters, { additionalProperties: false })
export type AuditExportQuery = Static<typeof AuditExportQuery>

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const AuditItem = Type.Object({
  seq: Type.String({ description: 'position in the hash chain (a bigint, as a string)' }),
  at: Type.String({ format: 'date-time' }),
  tenantId: Nullable(Type.String()),
  tenantSlug: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
})
export type AuditItem = Static<typeof AuditItem>

export const AuditPage = Type.Object({
  items: Type.Array(AuditItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

export const AuditVerifyReply = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBadSeq: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
})

export const AuditCsvReply = {
  description: 'CSV, UTF-8 with a byte-order mark (opens in Excel and WPS); times in Asia/Shanghai',
  content: { 'text/csv': { schema: Type.String() } },
}
