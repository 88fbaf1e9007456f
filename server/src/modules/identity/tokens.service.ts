import crypto from 'node:crypto'
import type { Database } from '../../db/database.js'
import { inScope, systemScope } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { tokenHash } from '../../kernel/secrets.js'
import { API_TOKEN_PREFIX } from './auth.service.js'
import * as store from './tokens.store.js'

/** Makes `rmt_<8 hex>_<32 random bytes, base64url>`; only its sha256 is stored. */
export function newApiToken(): { token: string; prefix: string } {
  const prefix = `${API_TOKEN_PREFIX}${crypto.randomBytes(4).toString('hex')}`
  return { token: `${prefix}_${crypto.randomBytes(32).toString('base64url')}`, prefix }
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** Personal API tokens for integrations: scoped, bound to one tenant, shown once, revocable. */
export function createTokensService({ db }: { db: Database }) {
  /** The owner's tokens in every tenant, revoked ones included (they show when and that it happened). */
  async function listTokens({ userId }: { userId: string }): Promise<store.TokenRow[]> {
    return inScope(db, systemScope, (trx) => store.listTokens(trx, systemScope, userId))
  }

  /**
   * Creates a token in the acting tenant. Its scopes must be permissions the owner holds there
   * (a token never widens what its owner can do; resolveTenant narrows again on every use).
   * @returns the row and the token itself, which is not stored and cannot be shown again.
   */
  async function createToken({ userId, tenant, audit, name, scopes, expiresAt }: {
    userId: string; tenant: Pick<TenantContext, 'id' | 'permissions' | 'scope'>; audit: AuditContext
    name: string; scopes: string[]; expiresAt?: string | null
  }): Promise<{ token: string; row: store.TokenRow }> {
    const wanted = [...new Set(scopes)]
    const unheld = wanted.filter((s) => !tenant.permissions.has(s))
    if (unheld.length > 0) throw invalid('scopes', `你在当前机构没有这些权限：${unheld.join(', ')}`)
    const expires = expiresAt ? new Date(expiresAt) : null
    if (expires && expires.getTime() <= Date.now()) throw invalid('expiresAt', '过期时间必须晚于现在')
    const { token, prefix } = newApiToken()
    const scope = tenant.scope
    const row = await inScope(db, scope, async (trx) => {
      const row = await store.insertToken(trx, scope, {
        user_id: userId, tenant_id: tenant.id, name: name.trim(), token_hash: tokenHash(token), prefix, scopes: wanted, expires_at: expires,
      })
      await appendAudit(trx, withContext(audit, {
        action: 'token.create', targetType: 'api_token', targetId: row.id,
        details: { name: row.name, prefix, scopes: wanted, expiresAt: expires?.toISOString() ?? null },
      }))
      return row
    })
    return { token, row }
  }

  /** Revokes one of the owner's tokens; revoking twice is harmless, another user's token is 404. */
  async function revokeToken({ userId, tokenId, audit }: { userId: string; tokenId: string; audit: AuditContext }): Promise<void> {
    await inScope(db, systemScope, async (trx) => {
      const token = await store.findToken(trx, systemScope, userId, tokenId)
      if (!token) throw new AppError('NOT_FOUND', 'token not found')
      if (token.revoked_at) return
      await store.revokeToken(trx, systemScope, userId, tokenId, new Date())
      await appendAudit(trx, withContext(audit, {
        action: 'token.revoke', tenantId: token.tenant_id, targetType: 'api_token', targetId: tokenId, details: { name: token.name, prefix: token.prefix },
      }))
    })
  }

  return { listTokens, createToken, revokeToken }
}

export type TokensService = ReturnType<typeof createTokensService>
