import { Type, type Static } from 'typebox'

export const PasswordChangeInput = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false })
export type PasswordChangeInput = Static<typeof PasswordChangeInput>

export const TotpSetupReply = Type.Object({
  secret: Type.String(),
  otpauthUrl: Type.String(),
  /** The otpauth URL as an SVG QR code, for the console to show inline. */
  qrSvg: Type.String(),
})

export const TotpEnableInput = Type.Object({ otp: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false })
export type TotpEnableInput = Static<typeof TotpEnableInput>

export const TotpDisableInput = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })
export type TotpDisableInput = Static<typeof TotpDisableInput>

export const TokenIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
export type TokenIdParams = Static<typeof TokenIdParams>

export const TokenCreateInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64 }),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
}, { additionalProperties: false })
export type TokenCreateInput = Static<typeof TokenCreateInput>

const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const TokenItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The token's public beginning (`rmt_xxxxxxxx`), to tell tokens apart without the secret. */
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  tenantId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: NullableTimestamp,
  expiresAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
})

export const TokenList = Type.Object({ items: Type.Array(TokenItem) })

export const TokenCreateReply = Type.Object({ token: Type.String(), ...TokenItem.properties })
