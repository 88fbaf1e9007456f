import type { Database } from '../../db/database.js'
import { inScope } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import type { SecurityPolicy } from '../identity/policy.js'
import * as store from './security.store.js'

/** The password, lockout and session policy of the whole platform. */
export function createSecurityService({ db }: { db: Database }) {
  async function getPolicy({ tenant }: { tenant: Pick<TenantContext, 'scope'> }): Promise<SecurityPolicy> {
    return inScope(db, tenant.scope, (trx) => store.readPolicy(trx, tenant.scope))
  }

  /**
   * Replaces the policy. It binds every tenant, so it is changed only while acting at the
   * platform root: a security administrator of one center cannot weaken it for all.
   * Takes effect at once: sign-in reads it on every attempt, sessions on every request.
   */
  async function updatePolicy({ actorId, tenant, audit, policy }: {
    actorId: string | null; tenant: Pick<TenantContext, 'kind' | 'scope'>; audit: AuditContext; policy: SecurityPolicy
  }): Promise<SecurityPolicy> {
    if (tenant.kind !== 'platform') throw new AppError('FORBIDDEN', 'the security policy is platform-wide: change it while acting at the platform root')
    if (policy.idleTimeoutMinutes > policy.absoluteTimeoutHours * 60) {
      const message = '空闲超时不能长于会话最长时间'
      throw new AppError('VALIDATION_FAILED', `idleTimeoutMinutes: ${message}`, { errors: [{ field: 'idleTimeoutMinutes', message }] })
    }
    return inScope(db, tenant.scope, async (trx) => {
      const old = await store.readPolicy(trx, tenant.scope)
      await store.writePolicy(trx, tenant.scope, policy, actorId)
      await appendAudit(trx, withContext(audit, { action: 'security.policy.update', targetType: 'settings', targetId: 'security.policy', details: { old, new: policy } }))
      return store.readPolicy(trx, tenant.scope)
    })
  }

  return { getPolicy, updatePolicy }
}
