import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import { loadPolicy, POLICY_KEY, type SecurityPolicy } from '../identity/policy.js'

/** SQL of the platform-wide security policy (a row of `settings`, which is not tenant-owned). */

export async function readPolicy(trx: Tx, scope: TenantScope): Promise<SecurityPolicy> {
  requireTenantScope(scope)
  return loadPolicy(trx)
}

export async function writePolicy(trx: Tx, scope: TenantScope, policy: SecurityPolicy, updatedBy: string | null): Promise<void> {
  requireTenantScope(scope)
  const value = JSON.stringify(policy)
  await trx.insertInto('settings').values({ key: POLICY_KEY, value, updated_by: updatedBy })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: updatedBy, updated_at: new Date() }))
    .execute()
}
