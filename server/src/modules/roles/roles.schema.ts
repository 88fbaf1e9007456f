import { Type, type Static } from 'typebox'

export const PermissionView = Type.Object({
  code: Type.String(),
  group: Type.String(),
  name: Type.String(),
  /** Never granted through a custom role (separation of duties). */
  isReserved: Type.Boolean(),
})

export const PermissionList = Type.Object({ items: Type.Array(PermissionView) })

export const RoleView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  isBuiltin: Type.Boolean(),
  /** Defined by a tenant above the acting one: grantable here, changed only where it was defined. */
  isInherited: Type.Boolean(),
  isTotpRequired: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type RoleView = Static<typeof RoleView>

export const RoleList = Type.Object({ items: Type.Array(RoleView) })

export const RoleId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type RoleId = Static<typeof RoleId>

// The same rules as the columns' check constraints, so bad input is a 400 naming the field.
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: '小写字母开头，字母、数字和下划线，2–63 位' })
const Name = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' })
const Description = Type.String({ maxLength: 500 })
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200 })

export const CreateRoleInput = Type.Object({
  code: Code,
  name: Name,
  description: Type.Optional(Description),
  permissions: Permissions,
}, { additionalProperties: false })
export type CreateRoleInput = Static<typeof CreateRoleInput>

export const UpdateRoleInput = Type.Object({
  // The console sends the whole form back; the code may be sent but, once created, stays the same.
  code: Type.Optional(Code),
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  permissions: Type.Optional(Permissions),
}, { additionalProperties: false, minProperties: 1 })
export type UpdateRoleInput = Static<typeof UpdateRoleInput>
