import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import type { Actor, TenantContext } from '../../kernel/access.js'
import { appendAudit, recordAudit } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { safeEqual, tokenHash, type SecretBox } from '../../kernel/secrets.js'
import * as store from './identity.store.js'
import { burnPasswordCheck, verifyPassword } from './password.js'
import { loadPolicy, type SecurityPolicy } from './policy.js'
import { checkTotp } from './totp.js'

export interface ClientInfo {
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

/** A live session as the HTTP layer sees it. */
export interface SessionState {
  id: string
  csrfToken: string
  expiresAt: Date
  mustEnrolTotp: boolean
  mustChangePassword: boolean
}

export interface Authenticated {
  actor: Actor
  session?: SessionState
  /** Set for API tokens: the token's tenant and scopes bound what it can do. */
  token?: { tenantId: string; scopes: string[] }
}

export const API_TOKEN_PREFIX = 'rmt_'
const TOUCH_INTERVAL_MS = 60_000

function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url')
}

function passwordExpired(user: store.UserRow, policy: SecurityPolicy, now: Date): boolean {
  if (policy.maxAgeDays === 0 || user.is_demo) return false
  return now.getTime() - new Date(user.password_changed_at).getTime() > policy.maxAgeDays * 86_400_000
}

function toActor(user: store.UserRow, via: Actor['via'], ids: { sessionId?: string; tokenId?: string }): Actor {
  return { userId: user.id, username: user.username, displayName: user.display_name, isDemo: user.is_demo, via, ...ids }
}

/** Sign-in, sessions, API tokens and the tenant a request acts in. */
export function createAuthService({ db, secretBox }: { db: Database; secretBox: SecretBox }) {
  async function mustEnrolTotp(user: store.UserRow, roles: store.UserRoleRow[]): Promise<boolean> {
    return !user.is_demo && !user.totp_enabled_at && roles.some((r) => r.is_totp_required)
  }

  /**
   * Checks credentials and opens a session. Failures are audited in their own transaction and
   * count towards the lockout; a wrong or missing code for two-factor users counts too (missing does not).
   */
  async function login({ username, password, otp, client }: { username: string; password: string; otp?: string; client: ClientInfo }) {
    const now = new Date()
    const audit = { ip: client.ip, requestId: client.requestId, actorName: username.slice(0, 64) }
    const { user, policy, roles } = await inScope(db, systemScope, async (trx) => {
      const user = await store.findUserByUsername(trx, systemScope, username)
      return { user, policy: await loadPolicy(trx), roles: user ? await store.listUserRoles(trx, systemScope, user.id) : [] }
    })
    if (!user) {
      await burnPasswordCheck(password)
      await recordAudit(db, { ...audit, action: 'auth.login_failed', outcome: 'failure', details: { reason: 'unknown_user' } })
      throw new AppError('AUTH_INVALID_CREDENTIALS')
    }
    const userAudit = { ...audit, actorId: user.id, actorName: user.username, tenantId: user.home_tenant_id }
    if (user.locked_until && new Date(user.locked_until) > now) {
      await recordAudit(db, { ...userAudit, action: 'auth.login_failed', outcome: 'denied', details: { reason: 'locked' } })
      throw new AppError('AUTH_LOCKED', undefined, { extra: { lockedUntil: new Date(user.locked_until).toISOString() } })
    }

    const fail = async (reason: string, code: 'AUTH_INVALID_CREDENTIALS' | 'AUTH_OTP_INVALID') => {
      const attempts = user.failed_attempts + 1
      const isLocking = attempts >= policy.lockoutThreshold
      const lockedUntil = isLocking ? new Date(now.getTime() + policy.lockoutMinutes * 60_000) : null
      await inScope(db, systemScope, async (trx) => {
        await store.updateUserSignInState(trx, systemScope, user.id, { failed_attempts: isLocking ? 0 : attempts, locked_until: lockedUntil })
        await appendAudit(trx, { ...userAudit, action: 'auth.login_failed', outcome: 'failure', details: { reason, attempts } })
        if (isLocking) {
          await appendAudit(trx, { ...userAudit, action: 'auth.locked', outcome: 'success', targetType: 'user', targetId: user.id, details: { until: lockedUntil!.toISOString() } })
        }
      })
      throw new AppError(code)
    }

    if (!(await verifyPassword(user.password_hash, password))) await fail('bad_password', 'AUTH_INVALID_CREDENTIALS')
    if (user.is_disabled) {
      await recordAudit(db, { ...userAudit, action: 'auth.login_failed', outcome: 'denied', details: { reason: 'disabled' } })
      throw new AppError('AUTH_DISABLED')
    }
    let totpStep: number | null = null
    if (user.totp_enabled_at && user.totp_secret_enc) {
      if (!otp) throw new AppError('AUTH_OTP_REQUIRED')
      totpStep = checkTotp(secretBox.open(user.totp_secret_enc), otp, { lastStep: user.totp_last_step === null ? null : Number(user.totp_last_step), now: now.getTime() })
      if (totpStep === null) await fail('bad_otp', 'AUTH_OTP_INVALID')
    }

    const token = newSecret()
    const session: SessionState = {
      id: tokenHash(token),
      csrfToken: newSecret(),
      expiresAt: new Date(now.getTime() + policy.absoluteTimeoutHours * 3_600_000),
      mustEnrolTotp: await mustEnrolTotp(user, roles),
      mustChangePassword: user.must_change_password || passwordExpired(user, policy, now),
    }
    await inScope(db, systemScope, async (trx) => {
      await store.insertSession(trx, systemScope, {
        id: session.id, user_id: user.id, csrf_token: session.csrfToken, is_mfa_passed: totpStep !== null,
        ip: client.ip, user_agent: client.userAgent?.slice(0, 300) ?? null, expires_at: session.expiresAt,
      })
      await store.updateUserSignInState(trx, systemScope, user.id, {
        failed_attempts: 0, locked_until: null, last_login_at: now, ...(totpStep !== null ? { totp_last_step: String(totpStep) } : {}),
      })
      await appendAudit(trx, { ...userAudit, action: 'auth.login', outcome: 'success', details: { mfa: totpStep !== null, via: 'password' } })
    })
    return { cookieValue: token, session, actor: toActor(user, 'session', { sessionId: session.id }) }
  }

  /** Resolves a session cookie; applies the idle and absolute timeouts of the current policy. */
  async function authenticateSession(cookieValue: string): Promise<Authenticated> {
    const now = new Date()
    return inScope(db, systemScope, async (trx) => {
      const row = await store.findSession(trx, systemScope, tokenHash(cookieValue))
      if (!row || row.revoked_at) throw new AppError('AUTH_REQUIRED')
      const policy = await loadPolicy(trx)
      const idleLimit = new Date(row.last_seen_at).getTime() + policy.idleTimeoutMinutes * 60_000
      if (new Date(row.expires_at) <= now || idleLimit <= now.getTime()) {
        await store.revokeSession(trx, systemScope, row.id, now)
        throw new AppError('AUTH_SESSION_EXPIRED')
      }
      const user = await store.findUserById(trx, systemScope, row.user_id)
      if (!user || user.is_disabled) throw new AppError('AUTH_REQUIRED')
      if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_INTERVAL_MS) await store.touchSession(trx, systemScope, row.id, now)
      const roles = await store.listUserRoles(trx, systemScope, user.id)
      return {
        actor: toActor(user, 'session', { sessionId: row.id }),
        session: {
          id: row.id, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at),
          mustEnrolTotp: await mustEnrolTotp(user, roles),
          mustChangePassword: user.must_change_password || passwordExpired(user, policy, now),
        },
      }
    })
  }

  /** Resolves `Authorization: Bearer rmt_…`; revoked, expired or unknown tokens are refused alike. */
  async function authenticateToken(bearer: string): Promise<Authenticated> {
    const now = new Date()
    if (!bearer.startsWith(API_TOKEN_PREFIX)) throw new AppError('AUTH_TOKEN_INVALID')
    return inScope(db, systemScope, async (trx) => {
      const token = await store.findApiTokenByHash(trx, systemScope, tokenHash(bearer))
      if (!token || token.revoked_at || (token.expires_at && new Date(token.expires_at) <= now)) throw new AppError('AUTH_TOKEN_INVALID')
      const user = await store.findUserById(trx, systemScope, token.user_id)
      if (!user || user.is_disabled) throw new AppError('AUTH_TOKEN_INVALID')
      if (!token.last_used_at || now.getTime() - new Date(token.last_used_at).getTime() > TOUCH_INTERVAL_MS) {
        await store.touchApiToken(trx, systemScope, token.id, now)
      }
      return { actor: toActor(user, 'token', { tokenId: token.id }), token: { tenantId: token.tenant_id, scopes: token.scopes } }
    })
  }

  async function logout({ sessionId, actor, client, tenantId }: { sessionId: string; actor: Actor; client: ClientInfo; tenantId: string | null }) {
    await inScope(db, systemScope, async (trx) => {
      await store.revokeSession(trx, systemScope, sessionId)
      await appendAudit(trx, { action: 'auth.logout', actorId: actor.userId, actorName: actor.username, tenantId, ip: client.ip, requestId: client.requestId })
    })
  }

  /**
   * The tenant a request acts in: `ref` (slug or id) or the primary membership. A tenant the
   * actor holds no role in answers TENANT_NOT_FOUND, exactly like one that does not exist.
   */
  async function resolveTenant({ actor, ref, token }: { actor: Actor; ref?: string; token?: Authenticated['token'] }): Promise<TenantContext> {
    return inScope(db, systemScope, async (trx) => {
      const roles = await store.listUserRoles(trx, systemScope, actor.userId)
      const target = token
        ? await store.findTenantByRef(trx, systemScope, token.tenantId)
        : ref ? await store.findTenantByRef(trx, systemScope, ref)
        : roles[0] ? await store.findTenantByRef(trx, systemScope, roles[0].tenant_id)
        : undefined
      if (!target || (token && ref && ref !== target.slug && ref !== target.id)) throw new AppError('TENANT_NOT_FOUND')
      const applicable = roles.filter((r) => r.tenant_id === target.id || (r.extends_to_descendants && target.path.includes(r.tenant_id)))
      if (applicable.length === 0) throw new AppError('TENANT_NOT_FOUND')
      // A disabled center also closes every unit under it.
      if (target.is_disabled || (await store.hasDisabledAncestor(trx, systemScope, target.path))) throw new AppError('TENANT_DISABLED')
      let permissions = new Set(applicable.flatMap((r) => r.permissions))
      if (token) permissions = new Set(token.scopes.filter((s) => permissions.has(s)))
      const isSubtreeVisible = applicable.some((r) => r.extends_to_descendants)
      const descendants = isSubtreeVisible ? await store.listDescendantIds(trx, systemScope, target.id) : []
      return {
        id: target.id, slug: target.slug, name: target.name, kind: target.kind, path: target.path,
        permissions, scope: tenantScope(target.id, [target.id, ...descendants]),
      }
    })
  }

  /** The caller's own account, memberships and the tenants they can act in (for GET /me). */
  async function describeActor(actor: Actor) {
    return inScope(db, systemScope, async (trx) => {
      const user = await store.findUserById(trx, systemScope, actor.userId)
      if (!user) throw new AppError('AUTH_REQUIRED')
      const policy = await loadPolicy(trx)
      const roles = await store.listUserRoles(trx, systemScope, actor.userId)
      const expiresAt = policy.maxAgeDays > 0 && !user.is_demo
        ? new Date(new Date(user.password_changed_at).getTime() + policy.maxAgeDays * 86_400_000) : null
      return { user, roles, passwordExpiresAt: expiresAt }
    })
  }

  return { login, logout, authenticateSession, authenticateToken, resolveTenant, describeActor }
}

export type AuthService = ReturnType<typeof createAuthService>

/** Checks the CSRF header of an unsafe request made with a session cookie. */
export function isCsrfValid(session: SessionState, header: string | undefined): boolean {
  return typeof header === 'string' && header.length > 0 && safeEqual(header, session.csrfToken)
}
