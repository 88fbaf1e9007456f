import { Type, type Static } from 'typebox'
import { MAX_CLOCK_DAYS } from './tickets.model.js'
import { Kind } from './tickets.schema.js'

const Time = Type.String({ format: 'date-time' })
const Id = Type.String({ format: 'uuid' })

export const Attribute = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  datatype: Type.Union(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].map((d) => Type.Literal(d))),
  required: Type.Boolean(),
  variable: Type.Optional(Type.Boolean({ default: true })),
  description: Type.String({ maxLength: 200 }),
  datatypeDescription: Type.Optional(Type.String({ maxLength: 200 })),
  order: Type.Integer({ minimum: 1 }),
  values: Type.Optional(Type.Array(Type.Object({ key: Type.String({ minLength: 1, maxLength: 40 }), name: Type.String({ minLength: 1, maxLength: 60 }) }), { maxItems: 50 })),
}, { additionalProperties: false })

export const ServiceInput = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  group: Type.Optional(Type.String({ maxLength: 40 })),
  keywords: Type.Optional(Type.String({ maxLength: 200 })),
  defaultKind: Type.Optional(Kind),
  notice: Type.Optional(Type.String({ maxLength: 500, description: '办理须知（Open311 service_notice）' })),
  attributes: Type.Optional(Type.Array(Attribute, { maxItems: 20 })),
  open311Type: Type.Optional(Type.Union([Type.Literal('realtime'), Type.Literal('batch')])),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  isActive: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type ServiceInput = Static<typeof ServiceInput>

export const ServiceView = Type.Object({
  id: Id, code: Type.String(), name: Type.String(), description: Type.String(), group: Type.String(), keywords: Type.String(), defaultKind: Kind,
  notice: Type.String(), attributes: Type.Array(Type.Unknown()), open311Type: Type.String(), sortOrder: Type.Integer(), isActive: Type.Boolean(),
  updatedAt: Time,
})
export const ServiceList = Type.Object({ items: Type.Array(ServiceView) })

export const RuleInput = Type.Object({
  serviceId: Id,
  placeKeyword: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()], { description: '地点关键词（地址或内容包含时优先）' })),
  departmentId: Id,
  priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
  isActive: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type RuleInput = Static<typeof RuleInput>

export const RuleView = Type.Object({
  id: Id, service: Type.Object({ id: Id, code: Type.String(), name: Type.String() }), placeKeyword: Type.Union([Type.String(), Type.Null()]),
  department: Type.Object({ id: Id, name: Type.String() }), priority: Type.Integer(), isActive: Type.Boolean(), updatedAt: Time,
})
export const RuleList = Type.Object({ items: Type.Array(RuleView) })

export const TemplateInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }), body: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }), isActive: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type TemplateInput = Static<typeof TemplateInput>
export const TemplateView = Type.Object({ id: Id, name: Type.String(), body: Type.String(), isActive: Type.Boolean(), updatedAt: Time })
export const TemplateList = Type.Object({ items: Type.Array(TemplateView) })

const Days = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_DAYS })
const Clock = Type.Object({ signFor: Days, firstResponse: Days, final: Days }, { additionalProperties: false })
const ClockPatch = Type.Partial(Clock)
const kinds = ['urgent', 'consultation', 'help', 'complaint', 'suggestion', 'report', 'praise'] as const

const settingsFields = {
  isReplyReviewRequired: Type.Boolean(), reopenLimit: Type.Integer(), clocks: Type.Object(Object.fromEntries(kinds.map((k) => [k, Clock]))),
  reminderLeadHours: Type.Integer(), escalationDelayWorkingDays: Type.Integer(), autoCloseWorkingDays: Type.Integer(), duplicateWindowMinutes: Type.Integer(),
  similarWindowDays: Type.Integer(), phoneDailyLimit: Type.Integer(), isPhoneVerificationRequired: Type.Boolean(), consentText: Type.String(), consentVersion: Type.String(),
}

/** The center's effective settings, plus the platform defaults a key falls back to when the center has not set it. */
export const SettingsView = Type.Object({
  ...settingsFields,
  defaults: Type.Object(settingsFields, { description: '平台默认值（中心未设置的项取此值）' }),
})

export const SettingsInput = Type.Object({
  isReplyReviewRequired: Type.Optional(Type.Boolean({ description: '先审后发' })),
  reopenLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
  clocks: Type.Optional(Type.Object(Object.fromEntries(kinds.map((k) => [k, Type.Optional(ClockPatch)])), { additionalProperties: false })),
  reminderLeadHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 240 })),
  escalationDelayWorkingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
  autoCloseWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
  duplicateWindowMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  similarWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  phoneDailyLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  isPhoneVerificationRequired: Type.Optional(Type.Boolean()),
  consentText: Type.Optional(Type.String({ minLength: 10, maxLength: 2000 })),
  consentVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
}, { additionalProperties: false, minProperties: 1 })
export type SettingsInput = Static<typeof SettingsInput>

export const IdParams = Type.Object({ id: Id })
export type IdParams = Static<typeof IdParams>
