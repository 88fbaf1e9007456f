import { requireTenantScope, type TenantScope, type Tx } from '../../db/scope.js'

/**
 * SQL of the checks module: the per-tenant rule-set versions (immutable rows). Reads of inherited
 * sets go to ancestors' rows, which row-level security lets descendants read (never write).
 */

const summaryColumns = ['r.tenant_id', 'r.version', 'r.base_version', 'r.note', 'r.created_by', 'r.created_by_name', 'r.created_at'] as const

/** The newest version of each tenant in `path` that has one (at most one row per tenant). */
export async function latestVersions(trx: Tx, scope: TenantScope, path: readonly string[]) {
  requireTenantScope(scope)
  if (path.length === 0) return []
  return trx.selectFrom('check_rule_sets as r').innerJoin('tenants as t', 't.id', 'r.tenant_id')
    .select(['r.tenant_id', 't.slug', 't.name', (eb) => eb.fn.max<number>('r.version').as('version')])
    .where('r.tenant_id', 'in', [...path]).groupBy(['r.tenant_id', 't.slug', 't.name']).execute()
}

/** One version with its changes; `tenantId` may be an ancestor of the scope's tenant. */
export async function findVersion(trx: Tx, scope: TenantScope, tenantId: string, version: number) {
  requireTenantScope(scope)
  return trx.selectFrom('check_rule_sets as r').select([...summaryColumns, 'r.changes'])
    .where('r.tenant_id', '=', tenantId).where('r.version', '=', version).executeTakeFirst()
}

/** The acting tenant's versions, newest first, without their changes. */
export async function listVersions(trx: Tx, scope: TenantScope, { limit }: { limit: number }) {
  requireTenantScope(scope)
  return trx.selectFrom('check_rule_sets as r').select(summaryColumns)
    .where('r.tenant_id', '=', scope.tenantId).orderBy('r.version', 'desc').limit(limit).execute()
}

/**
 * Inserts the acting tenant's next version. The unique (tenant_id, version) key makes two
 * simultaneous saves of the same next number fail one of them, never both succeed.
 */
export async function insertVersion(trx: Tx, scope: TenantScope, row: {
  version: number; baseVersion: string; changes: unknown; note: string; createdBy: string; createdByName: string; at: Date
}) {
  requireTenantScope(scope)
  return trx.insertInto('check_rule_sets').values({
    tenant_id: scope.tenantId, version: row.version, base_version: row.baseVersion, changes: JSON.stringify(row.changes), note: row.note,
    created_by: row.createdBy, created_by_name: row.createdByName, created_at: row.at,
  }).returning(['tenant_id', 'version', 'base_version', 'note', 'created_by', 'created_by_name', 'created_at', 'changes']).executeTakeFirstOrThrow()
}

/**
 * The acting tenant's newest version number (0 when none). Not locked (versions are never
 * updated, so the app role has no UPDATE right): two saves racing for the same next number are
 * told apart by the unique key.
 */
export async function currentVersionNumber(trx: Tx, scope: TenantScope): Promise<number> {
  requireTenantScope(scope)
  const row = await trx.selectFrom('check_rule_sets').select('version')
    .where('tenant_id', '=', scope.tenantId).orderBy('version', 'desc').limit(1).executeTakeFirst()
  return row?.version ?? 0
}
