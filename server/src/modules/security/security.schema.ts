import { Type, type Static } from 'typebox'
import { SecurityPolicy } from '../identity/policy.js'

/** The whole policy is sent on every change: no field can be left out by accident. */
export const PolicyInput = Type.Object({ ...SecurityPolicy.properties }, { additionalProperties: false })
export type PolicyInput = Static<typeof PolicyInput>

export const PolicyView = Type.Object({ ...SecurityPolicy.properties })
