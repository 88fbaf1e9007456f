import QRCode from 'qrcode'
import type { Database } from '../../db/database.js'
import { inScope, systemScope } from '../../db/scope.js'
import type { Actor } from '../../kernel/access.js'
import { appendAudit, recordAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secrets.js'
import * as store from './account.store.js'
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.js'
import { loadPolicy } from './policy.js'
import { checkTotp, newTotpSecret, totpUri } from './totp.js'

/** Who changes their own account: the signed-in user, the session they use, and audit facts. */
export interface Self {
  userId: string
  /** Null when no session is involved; every session of the user then counts as "other". */
  sessionId: string | null
  audit: AuditContext
}

/** Credentials change only through a signed-in session: an integration's API token may not. */
export function selfFrom({ actor, sessionId, audit }: { actor: Actor; sessionId: string | null; audit: AuditContext }): Self {
  if (actor.via !== 'session') throw new AppError('FORBIDDEN', 'sign in with a password to change your credentials or tokens')
  return { userId: actor.userId, sessionId, audit }
}

/** A user's own password and two-factor settings. */
export function createAccountService({ db, secretBox }: { db: Database; secretBox: SecretBox }) {
  async function loadAccount(userId: string) {
    const account = await inScope(db, systemScope, (trx) => store.findAccount(trx, systemScope, userId))
    if (!account) throw new AppError('AUTH_REQUIRED')
    return account
  }

  async function refuse(self: Self, action: string, reason: string, error: AppError): Promise<never> {
    await recordAudit(db, withContext(self.audit, { action, outcome: 'failure', targetType: 'user', targetId: self.userId, details: { reason } }))
    throw error
  }

  /**
   * Changes the password after proving the current one. The new one must meet the policy and
   * differ from the last `historySize` passwords; the user's other sessions end.
   */
  async function changePassword(self: Self, { currentPassword, newPassword }: { currentPassword: string; newPassword: string }): Promise<void> {
    const { account, policy } = await inScope(db, systemScope, async (trx) => ({
      account: await store.findAccount(trx, systemScope, self.userId), policy: await loadPolicy(trx),
    }))
    if (!account) throw new AppError('AUTH_REQUIRED')
    if (!(await verifyPassword(account.password_hash, currentPassword))) {
      await refuse(self, 'auth.password_change', 'wrong_current_password', new AppError('PASSWORD_WRONG', undefined, {
        errors: [{ field: 'currentPassword', message: '当前密码不正确' }],
      }))
    }
    const errors: FieldError[] = checkPasswordStrength(newPassword, policy, { username: account.username })
    const history = await inScope(db, systemScope, (trx) => store.listPasswordHistory(trx, systemScope, self.userId, policy.historySize))
    // The current password is always refused, even with history switched off.
    for (const old of [account.password_hash, ...history]) {
      if (await verifyPassword(old, newPassword)) {
        errors.push({ field: 'newPassword', message: policy.historySize > 0 ? `不能与最近 ${policy.historySize} 次使用过的密码相同` : '不能与当前密码相同' })
        break
      }
    }
    if (errors.length > 0) throw new AppError('PASSWORD_POLICY', errors.map((e) => e.message).join('；'), { errors })
    const passwordHash = await hashPassword(newPassword)
    await inScope(db, systemScope, async (trx) => {
      await store.setOwnPassword(trx, systemScope, self.userId, passwordHash, new Date())
      await store.revokeOtherSessions(trx, systemScope, self.userId, self.sessionId)
      await appendAudit(trx, withContext(self.audit, { action: 'auth.password_change', targetType: 'user', targetId: self.userId }))
    })
  }

  /**
   * Starts two-factor enrolment: a new secret stored sealed but not yet in force, so signing in
   * is unchanged until a code from the authenticator app proves the secret was taken over.
   */
  async function setupTotp(self: Self): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
    const account = await loadAccount(self.userId)
    if (account.totp_enabled_at) throw new AppError('TOTP_ALREADY_ENABLED', 'turn two-factor sign-in off before setting it up again')
    const secret = newTotpSecret()
    const otpauthUrl = totpUri(secret, account.username)
    const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 })
    await inScope(db, systemScope, async (trx) => {
      await store.setTotpState(trx, systemScope, self.userId, { totp_secret_enc: secretBox.seal(secret), totp_enabled_at: null, totp_last_step: null })
      await appendAudit(trx, withContext(self.audit, { action: 'auth.totp_setup', targetType: 'user', targetId: self.userId }))
    })
    return { secret, otpauthUrl, qrSvg }
  }

  /** Puts two-factor sign-in in force once a code from the pending secret checks out. */
  async function enableTotp(self: Self, { otp }: { otp: string }): Promise<void> {
    const account = await loadAccount(self.userId)
    if (account.totp_enabled_at) throw new AppError('TOTP_ALREADY_ENABLED')
    if (!account.totp_secret_enc) throw new AppError('TOTP_NOT_SET_UP')
    const step = checkTotp(secretBox.open(account.totp_secret_enc), otp)
    if (step === null) await refuse(self, 'auth.totp_enable', 'bad_otp', new AppError('AUTH_OTP_INVALID', undefined, { errors: [{ field: 'otp', message: '验证码不正确' }] }))
    await inScope(db, systemScope, async (trx) => {
      await store.setTotpState(trx, systemScope, self.userId, { totp_enabled_at: new Date(), totp_last_step: String(step) })
      if (self.sessionId) await store.markSessionMfaPassed(trx, systemScope, self.sessionId)
      await appendAudit(trx, withContext(self.audit, { action: 'auth.totp_enable', targetType: 'user', targetId: self.userId }))
    })
  }

  /** Turns two-factor sign-in off after proving the password; refused where a role requires it. */
  async function disableTotp(self: Self, { password }: { password: string }): Promise<void> {
    const { account, isRequired } = await inScope(db, systemScope, async (trx) => ({
      account: await store.findAccount(trx, systemScope, self.userId),
      isRequired: await store.hasTotpRequiredRole(trx, systemScope, self.userId),
    }))
    if (!account) throw new AppError('AUTH_REQUIRED')
    if (!account.totp_enabled_at && !account.totp_secret_enc) throw new AppError('TOTP_NOT_SET_UP')
    if (isRequired) await refuse(self, 'auth.totp_disable', 'required_for_role', new AppError('TOTP_REQUIRED_FOR_ROLE'))
    if (!(await verifyPassword(account.password_hash, password))) {
      await refuse(self, 'auth.totp_disable', 'wrong_password', new AppError('PASSWORD_WRONG', undefined, { errors: [{ field: 'password', message: '密码不正确' }] }))
    }
    await inScope(db, systemScope, async (trx) => {
      await store.setTotpState(trx, systemScope, self.userId, { totp_secret_enc: null, totp_enabled_at: null, totp_last_step: null })
      await appendAudit(trx, withContext(self.audit, { action: 'auth.totp_disable', targetType: 'user', targetId: self.userId }))
    })
  }

  return { changePassword, setupTotp, enableTotp, disableTotp }
}

export type AccountService = ReturnType<typeof createAccountService>
