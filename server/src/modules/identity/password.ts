import crypto from 'node:crypto'
import { hash, verify, Algorithm } from '@node-rs/argon2'
import type { FieldError } from '../../kernel/errors.js'
import type { SecurityPolicy } from './policy.js'

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const argonOptions = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// Verifying against this keeps "no such user" as slow as "wrong password".
let dummyHash: Promise<string> | undefined
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'))
  await verifyPassword(await dummyHash, password)
}

const classes: Array<[RegExp, string]> = [[/[a-z]/, 'lower'], [/[A-Z]/, 'upper'], [/[0-9]/, 'digit'], [/[^a-zA-Z0-9]/, 'symbol']]

/** Policy problems of a new password, each naming the field `newPassword`; empty when it passes. */
export function checkPasswordStrength(password: string, policy: SecurityPolicy, { username }: { username?: string } = {}): FieldError[] {
  const problems: FieldError[] = []
  if ([...password].length < policy.minLength) problems.push({ field: 'newPassword', message: `至少 ${policy.minLength} 个字符` })
  if ([...password].length > 128) problems.push({ field: 'newPassword', message: '最多 128 个字符' })
  const used = classes.filter(([re]) => re.test(password)).length
  if (used < policy.requiredClasses) {
    problems.push({ field: 'newPassword', message: `需包含小写字母、大写字母、数字、符号中的至少 ${policy.requiredClasses} 类` })
  }
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ field: 'newPassword', message: '不能包含用户名' })
  }
  return problems
}

/** A temporary password that always satisfies the strictest policy (all four classes, 16 chars). */
export function generateTemporaryPassword(): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#$%&*?']
  const all = sets.join('')
  const pick = (s: string) => s[crypto.randomInt(s.length)]
  const chars = [...sets.map(pick), ...Array.from({ length: 12 }, () => pick(all))]
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1)
    ;[chars[i], chars[j]] = [chars[j], chars[i]]
  }
  return chars.join('')
}
