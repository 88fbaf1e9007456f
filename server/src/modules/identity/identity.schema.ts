import { Type, type Static } from 'typebox'

export const LoginInput = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  otp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
}, { additionalProperties: false })
export type LoginInput = Static<typeof LoginInput>

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  isDemo: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  passwordExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

export const TenantRef = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  kind: Type.String(),
})

export const MembershipView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  tenantSlug: Type.String(),
  tenantName: Type.String(),
  tenantKind: Type.String(),
  roleId: Type.String(),
  roleCode: Type.String(),
  roleName: Type.String(),
  extendsToDescendants: Type.Boolean(),
})

export const LoginReply = Type.Object({
  user: UserView,
  csrfToken: Type.String(),
  mustEnrolTotp: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
})

export const MeReply = Type.Object({
  user: UserView,
  tenant: Type.Union([TenantRef, Type.Null()]),
  memberships: Type.Array(MembershipView),
  permissions: Type.Array(Type.String()),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
  mustEnrolTotp: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
})
