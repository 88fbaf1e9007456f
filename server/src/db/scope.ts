import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from './database.js'
import type { DB } from './schema.js'

/**
 * Which tenant a piece of work runs for. `tenantId` is the acting tenant; `tenantIds` are all the
 * tenants whose rows it may see (the acting tenant plus, where the actor's role extends to them,
 * its descendants). Row-level security enforces the same list underneath the stores.
 */
export interface TenantScope {
  readonly kind: 'tenant'
  readonly tenantId: string
  readonly tenantIds: readonly string[]
}

/** Cross-tenant work done by the kernel itself (sign-in, audit chain); never for module data. */
export interface SystemScope {
  readonly kind: 'system'
}

export type Scope = TenantScope | SystemScope

export type Tx = Transaction<DB>

export const systemScope: SystemScope = Object.freeze({ kind: 'system' })

/** Makes a tenant scope; `tenantIds` defaults to the acting tenant only. */
export function tenantScope(tenantId: string, tenantIds: readonly string[] = [tenantId]): TenantScope {
  if (!tenantId) throw new Error('tenantScope needs a tenant id')
  const ids = tenantIds.includes(tenantId) ? tenantIds : [tenantId, ...tenantIds]
  return Object.freeze({ kind: 'tenant', tenantId, tenantIds: Object.freeze([...ids]) })
}

/**
 * Stores call this first: it throws when a caller forgot the scope, rather than silently
 * running unscoped (the failure Payload's tenant filter is known for).
 */
export function requireTenantScope(scope: Scope | undefined | null): TenantScope {
  if (!scope || scope.kind !== 'tenant' || !scope.tenantId) {
    throw new Error('this store function needs a tenant scope')
  }
  return scope
}

/** Like requireTenantScope but also accepts the system scope (identity and audit stores). */
export function requireScope(scope: Scope | undefined | null): Scope {
  if (!scope || (scope.kind !== 'system' && !scope.tenantId)) throw new Error('this store function needs a scope')
  return scope
}

async function applyScope(trx: Kysely<DB>, scope: Scope): Promise<void> {
  if (scope.kind === 'system') {
    await sql`select set_config('app.scope', 'system', true), set_config('app.tenant_ids', '', true)`.execute(trx)
  } else {
    const ids = `{${scope.tenantIds.join(',')}}`
    await sql`select set_config('app.scope', 'tenant', true), set_config('app.tenant_ids', ${ids}, true)`.execute(trx)
  }
}

/**
 * Runs `fn` in one transaction whose row-level-security scope is `scope`. Every write of a
 * request goes through here, so bad input never leaves half an object behind.
 */
export async function inScope<T>(db: Database, scope: Scope, fn: (trx: Tx) => Promise<T>): Promise<T> {
  requireScope(scope)
  const callbacks: Array<() => void> = []
  const result = await db.kysely.transaction().execute(async (trx) => {
    committedCallbacks.set(trx, callbacks)
    await applyScope(trx, scope)
    return fn(trx)
  })
  for (const callback of callbacks) callback()
  return result
}

const committedCallbacks = new WeakMap<Tx, Array<() => void>>()

/**
 * Runs `callback` once the transaction has committed (never when it rolls back): for work other
 * connections must not see before the data, such as dropping a cache. A transaction not opened
 * by inScope has no commit to wait for here, so the callback runs at once.
 */
export function afterCommit(trx: Tx, callback: () => void): void {
  const callbacks = committedCallbacks.get(trx)
  if (callbacks) callbacks.push(callback)
  else callback()
}
