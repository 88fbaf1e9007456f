import { sql } from 'kysely'
import { requireScope, type Scope, type Tx } from '../../db/scope.js'
import type { TenantKind } from './tenancy.schema.js'

/**
 * SQL for the tenant tree. Tenants are global (no row-level security): the service decides what a
 * caller may see from its scope, and these functions only run with a scope handed to them.
 */

const tenantColumns = ['id', 'slug', 'name', 'kind', 'parent_id', 'path', 'is_disabled', 'created_at'] as const

// Any fixed number: every creation and move of a tenant shares this one lock (see lockTree).
const TREE_LOCK_KEY = 7_340_011

/**
 * Serialises changes to the shape of the tree. A move rewrites the paths of a whole subtree; a
 * creation copies its parent's path. Creations take the lock shared (they do not disturb each
 * other), moves take it exclusively, so no new tenant is ever inserted under a path being rewritten.
 */
export async function lockTree(trx: Tx, scope: Scope, mode: 'shared' | 'exclusive'): Promise<void> {
  requireScope(scope)
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${TREE_LOCK_KEY})`.execute(trx)
  else await sql`select pg_advisory_xact_lock(${TREE_LOCK_KEY})`.execute(trx)
}

export async function findTenant(trx: Tx, scope: Scope, id: string) {
  requireScope(scope)
  return trx.selectFrom('tenants').select(tenantColumns).where('id', '=', id).executeTakeFirst()
}

export type TenantRow = NonNullable<Awaited<ReturnType<typeof findTenant>>>

/**
 * The tenants in `ids` and every tenant below one of `subtreeRoots`, shallowest first.
 * `path && roots` uses the GIN index on path.
 */
export async function listTenants(trx: Tx, scope: Scope, { ids, subtreeRoots }: { ids: readonly string[]; subtreeRoots: readonly string[] }): Promise<TenantRow[]> {
  requireScope(scope)
  if (ids.length === 0 && subtreeRoots.length === 0) return []
  return trx.selectFrom('tenants').select(tenantColumns)
    .where((eb) => eb.or([
      sql<boolean>`id = any(${[...ids]}::uuid[])`,
      sql<boolean>`path && ${[...subtreeRoots]}::uuid[]`,
    ]))
    .orderBy(sql`cardinality(path)`).orderBy('name').orderBy('id')
    .execute()
}

export async function isSlugTaken(trx: Tx, scope: Scope, slug: string): Promise<boolean> {
  requireScope(scope)
  return Boolean(await trx.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst())
}

export async function insertTenant(trx: Tx, scope: Scope, row: {
  id: string; slug: string; name: string; kind: TenantKind; parentId: string; path: string[]
}): Promise<TenantRow> {
  requireScope(scope)
  return trx.insertInto('tenants')
    .values({ id: row.id, slug: row.slug, name: row.name, kind: row.kind, parent_id: row.parentId, path: row.path })
    .returning(tenantColumns).executeTakeFirstOrThrow()
}

export async function updateTenant(trx: Tx, scope: Scope, id: string, patch: { name?: string; is_disabled?: boolean }): Promise<void> {
  requireScope(scope)
  await trx.updateTable('tenants').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute()
}

/**
 * Hangs `id` under `parentId` and rewrites the path of the whole subtree in one statement: every
 * path keeps its part from `id` down and takes the new parent's path in front of it.
 * @returns how many tenants were moved (the tenant and its descendants).
 */
export async function moveSubtree(trx: Tx, scope: Scope, { id, parentId, parentPath }: { id: string; parentId: string; parentPath: readonly string[] }): Promise<number> {
  requireScope(scope)
  await trx.updateTable('tenants').set({ parent_id: parentId }).where('id', '=', id).execute()
  const result = await trx.updateTable('tenants')
    .set({
      path: sql<string[]>`${[...parentPath]}::uuid[] || path[array_position(path, ${id}::uuid):]`,
      updated_at: new Date(),
    })
    .where(sql<boolean>`path @> array[${id}]::uuid[]`)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
