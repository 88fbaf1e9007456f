import { sql } from 'kysely'
import { requireScope, type Scope, type Tx } from '../../db/scope.js'
import type { AuditOutcome } from '../../kernel/audit.js'

/**
 * Reading the audit log. There is deliberately no function here that updates or deletes a row:
 * the app role lacks those rights and a trigger refuses even the owner (see 0001_foundation.sql).
 */

/** Which rows a reader may see: tenant rows by id, and rows with no tenant only when told so. */
export interface AuditVisibility {
  tenantIds: readonly string[]
  /** Rows without a tenant (sign-in failures of unknown users): platform auditors only. */
  isUnattributedIncluded: boolean
}

export interface AuditFilter {
  action?: { exact: string } | { prefix: string }
  actorId?: string
  actorNamePart?: string
  outcome?: AuditOutcome
  from?: Date
  /** Exclusive. */
  to?: Date
  /** Exclusive: keyset pagination, newest first. */
  beforeSeq?: string
}

function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * Audit rows newest first. Under a tenant scope the visible tenants must lie inside it (RLS would
 * hide the rest anyway); they are also passed as a plain parameter so the planner uses the index.
 */
export async function listAuditRows(trx: Tx, scope: Scope, visibility: AuditVisibility, filter: AuditFilter, limit: number) {
  requireScope(scope)
  if (scope.kind === 'tenant' && (visibility.isUnattributedIncluded || visibility.tenantIds.some((id) => !scope.tenantIds.includes(id)))) {
    throw new Error('audit visibility reaches outside the tenant scope')
  }
  const ids = `{${visibility.tenantIds.join(',')}}`
  let query = trx.selectFrom('audit_log as a')
    .leftJoin('tenants as t', 't.id', 'a.tenant_id')
    .select([
      'a.seq', 'a.at', 'a.tenant_id', 't.slug as tenant_slug', 'a.actor_id', 'a.actor_name', 'a.action', 'a.target_type',
      'a.target_id', 'a.outcome', 'a.ip', 'a.request_id', 'a.details',
    ])
    .where(visibility.isUnattributedIncluded
      ? sql<boolean>`(a.tenant_id = any(${ids}::uuid[]) or a.tenant_id is null)`
      : sql<boolean>`a.tenant_id = any(${ids}::uuid[])`)
  if (filter.action && 'exact' in filter.action) query = query.where('a.action', '=', filter.action.exact)
  if (filter.action && 'prefix' in filter.action) query = query.where(sql<boolean>`a.action like ${`${likePattern(filter.action.prefix)}%`}`)
  if (filter.actorId) query = query.where('a.actor_id', '=', filter.actorId)
  if (filter.actorNamePart) query = query.where(sql<boolean>`a.actor_name ilike ${`%${likePattern(filter.actorNamePart)}%`}`)
  if (filter.outcome) query = query.where('a.outcome', '=', filter.outcome)
  if (filter.from) query = query.where('a.at', '>=', filter.from)
  if (filter.to) query = query.where('a.at', '<', filter.to)
  if (filter.beforeSeq) query = query.where(sql<boolean>`a.seq < ${filter.beforeSeq}::bigint`)
  return query.orderBy('a.seq', 'desc').limit(limit).execute()
}

export type AuditRow = Awaited<ReturnType<typeof listAuditRows>>[number]
