import { Type, type Static } from 'typebox'
import type { Tx } from '../../db/scope.js'

/** The platform's security policy; stored in `settings` under `security.policy`. */
export const SecurityPolicy = Type.Object({
  minLength: Type.Integer({ minimum: 8, maximum: 128 }),
  /** How many of the four classes (lower, upper, digit, symbol) a password must mix. */
  requiredClasses: Type.Integer({ minimum: 1, maximum: 4 }),
  /** A new password may not repeat any of the last N. */
  historySize: Type.Integer({ minimum: 0, maximum: 24 }),
  /** Days before a password must be changed; 0 = never. */
  maxAgeDays: Type.Integer({ minimum: 0, maximum: 3650 }),
  lockoutThreshold: Type.Integer({ minimum: 3, maximum: 20 }),
  lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  idleTimeoutMinutes: Type.Integer({ minimum: 5, maximum: 1440 }),
  absoluteTimeoutHours: Type.Integer({ minimum: 1, maximum: 720 }),
})
export type SecurityPolicy = Static<typeof SecurityPolicy>

export const defaultPolicy: SecurityPolicy = {
  minLength: 10,
  requiredClasses: 3,
  historySize: 5,
  maxAgeDays: 90,
  lockoutThreshold: 5,
  lockoutMinutes: 30,
  idleTimeoutMinutes: 30,
  absoluteTimeoutHours: 12,
}

export const POLICY_KEY = 'security.policy'

/** The stored policy merged over the defaults (a key added later still gets its default). */
export async function loadPolicy(trx: Tx): Promise<SecurityPolicy> {
  const row = await trx.selectFrom('settings').select('value').where('key', '=', POLICY_KEY).executeTakeFirst()
  return { ...defaultPolicy, ...((row?.value ?? {}) as Partial<SecurityPolicy>) }
}
