import { Secret, TOTP } from 'otpauth'

const ISSUER = 'Rongmei 融媒'

function totpFor(secretBase32: string, label = ''): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) })
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

export function totpUri(secretBase32: string, username: string): string {
  return totpFor(secretBase32, username).toString()
}

/**
 * Checks a 6-digit code, allowing one step of clock drift either way.
 * @returns the time step the code belongs to (stored to refuse replays), or null when wrong.
 */
export function checkTotp(secretBase32: string, otp: string, { lastStep, now = Date.now() }: { lastStep?: number | null; now?: number } = {}): number | null {
  if (!/^\d{6}$/.test(otp)) return null
  const delta = totpFor(secretBase32).validate({ token: otp, timestamp: now, window: 1 })
  if (delta === null) return null
  const step = Math.floor(now / 30_000) + delta
  if (lastStep != null && step <= lastStep) return null
  return step
}

/** The code for a moment: for tests and the CLI, never sent anywhere. */
export function totpCode(secretBase32: string, now = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: now })
}
