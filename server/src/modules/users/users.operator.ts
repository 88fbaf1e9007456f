import type { Database } from '../../db/database.js'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { permissions } from '../../kernel/permissions.js'
import * as store from './users.store.js'
import type { Acting } from './users.rules.js'

/** Audit name of actions taken from the command line (the operator has database access anyway). */
export const CLI_ACTOR_NAME = 'cli'

/**
 * The command-line operator: acts at the platform root over every tenant, with every permission,
 * so the services' rules (scope, last administrator, duplicates) still apply but nothing is out
 * of reach. Audited as actor 'cli'.
 */
export async function operatorContext(db: Database): Promise<Acting> {
  const reach = await inScope(db, systemScope, (trx) => store.listPlatformTenantIds(trx, systemScope))
  if (!reach) throw new Error('there is no platform tenant yet: run `rongmei seed --demo` or create the platform first')
  return {
    actorId: null,
    tenant: {
      id: reach.rootId, kind: 'platform', permissions: new Set(permissions.map((p) => p.code)), scope: tenantScope(reach.rootId, reach.ids),
    },
    audit: { actorId: null, actorName: CLI_ACTOR_NAME, tenantId: reach.rootId, ip: null, requestId: null },
  }
}

/** Resolves `--tenant <slug> --role <code>` to ids, with messages for the terminal. */
export async function resolveTenantRole(db: Database, acting: Acting, { tenantSlug, roleCode }: { tenantSlug: string; roleCode: string }) {
  const scope = acting.tenant.scope
  return inScope(db, scope, async (trx) => {
    const tenant = await store.findTenantBySlug(trx, scope, tenantSlug)
    if (!tenant) throw new Error(`no tenant with slug "${tenantSlug}"`)
    const role = await store.findRoleByCode(trx, scope, roleCode, tenant.path)
    if (!role) throw new Error(`no role "${roleCode}" at ${tenantSlug} (built-in or custom)`)
    return { tenantId: tenant.id, roleId: role.id }
  })
}

/** A user's id from their username, or an error naming it. */
export async function userIdByUsername(db: Database, acting: Acting, username: string): Promise<string> {
  const scope = acting.tenant.scope
  const id = await inScope(db, scope, (trx) => store.findUserIdByUsername(trx, scope, username))
  if (!id) throw new Error(`no user "${username}"`)
  return id
}
