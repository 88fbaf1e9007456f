import { Type, type Static } from 'typebox'
import { PageQuery } from '../../kernel/openapi.js'
import { MembershipView } from '../identity/identity.schema.js'

const Uuid = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const NullableTimestamp = Type.Union([Timestamp, Type.Null()])

export const UserIdParams = Type.Object({ id: Uuid })
export type UserIdParams = Static<typeof UserIdParams>

export const MembershipParams = Type.Object({ id: Uuid, membershipId: Uuid })
export type MembershipParams = Static<typeof MembershipParams>

export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  tenantId: Type.Optional(Uuid),
  ...PageQuery,
}, { additionalProperties: false })
export type UserListQuery = Static<typeof UserListQuery>

/** A user as administrators see them: only the memberships inside the caller's scope. */
export const UserItem = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  homeTenantId: Type.String(),
  isDisabled: Type.Boolean(),
  isDemo: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  /** Null unless the account is locked right now. */
  lockedUntil: NullableTimestamp,
  lastLoginAt: NullableTimestamp,
  createdAt: Timestamp,
  memberships: Type.Array(MembershipView),
})

export const UserList = Type.Object({ items: Type.Array(UserItem), nextCursor: Type.Union([Type.String(), Type.Null()]) })

export const MembershipInput = Type.Object({
  tenantId: Uuid,
  roleId: Uuid,
  extendsToDescendants: Type.Boolean({ default: false }),
}, { additionalProperties: false })
export type MembershipInput = Static<typeof MembershipInput>

export const UserCreateInput = Type.Object({
  username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,62}$', description: '小写字母、数字、点、下划线或连字符，2–63 个字符' }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  memberships: Type.Array(MembershipInput, { maxItems: 50, default: [] }),
}, { additionalProperties: false })
export type UserCreateInput = Static<typeof UserCreateInput>

export const UserPatchInput = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  isDisabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type UserPatchInput = Static<typeof UserPatchInput>

export const UserCreateReply = Type.Object({ user: UserItem, temporaryPassword: Type.String() })
export const TemporaryPasswordReply = Type.Object({ temporaryPassword: Type.String() })
