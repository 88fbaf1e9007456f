import { Type, type Static } from 'typebox'

export const TenantKind = Type.Union([Type.Literal('platform'), Type.Literal('center'), Type.Literal('unit')])
export type TenantKind = Static<typeof TenantKind>

export const TenantView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  name: Type.String(),
  kind: TenantKind,
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  isDisabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
})
export type TenantView = Static<typeof TenantView>

export const TenantList = Type.Object({ items: Type.Array(TenantView) })

export const TenantId = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type TenantId = Static<typeof TenantId>

// The same rule as the column's check constraint, so a bad slug is a 400 naming the field.
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: '小写字母、数字和连字符，2–63 位' })
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })

export const CreateTenantInput = Type.Object({
  slug: Slug,
  name: Name,
  kind: TenantKind,
  parentId: Type.String({ format: 'uuid' }),
}, { additionalProperties: false })
export type CreateTenantInput = Static<typeof CreateTenantInput>

export const UpdateTenantInput = Type.Object({
  name: Type.Optional(Name),
  parentId: Type.Optional(Type.String({ format: 'uuid' })),
  isDisabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 })
export type UpdateTenantInput = Static<typeof UpdateTenantInput>
