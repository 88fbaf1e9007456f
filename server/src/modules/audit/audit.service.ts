import type { Database } from '../../db/database.js'
import { inScope, systemScope, type Scope } from '../../db/scope.js'
import { requireAccess, type Actor, type TenantContext } from '../../kernel/access.js'
import { appendAudit, verifyAuditChain, withContext, type AuditContext, type VerifyResult } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import type { AuditExportQuery, AuditItem } from './audit.schema.js'
import * as store from './audit.store.js'

/**
 * Reading, exporting and verifying the audit log (等保 separation of duties: the auditor reads,
 * nobody edits). Retention: the app never deletes an audit row, so everything is kept at least
 * the 180 days the rules ask for (in fact for ever); the app role holds no UPDATE or DELETE right
 * on audit_log and a trigger refuses both even to the owner. Pruning very old rows, if ever
 * wanted, is an operator's job on a backup, outside the application.
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000 // China has no daylight saving time
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field: `querystring.${field}`, message }] })
}

/** A filter bound: a date alone is a whole Asia/Shanghai day; a time without offset is Shanghai time. */
export function parseInstant(value: string, field: 'from' | 'to'): Date {
  let ms: number
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    ms = Date.parse(`${value}T00:00:00+08:00`) + (field === 'to' ? 86_400_000 : 0)
  } else {
    const text = value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}+08:00`)
  }
  if (Number.isNaN(ms)) throw invalid(field, 'is not a valid ISO date or date-time')
  return new Date(ms)
}

function toFilter(query: AuditExportQuery): store.AuditFilter {
  const filter: store.AuditFilter = {}
  if (query.action) filter.action = query.action.endsWith('*') ? { prefix: query.action.slice(0, -1) } : { exact: query.action }
  if (query.actor) {
    if (UUID.test(query.actor)) filter.actorId = query.actor.toLowerCase()
    else filter.actorNamePart = query.actor
  }
  if (query.outcome) filter.outcome = query.outcome
  if (query.from) filter.from = parseInstant(query.from, 'from')
  if (query.to) filter.to = parseInstant(query.to, 'to')
  if (filter.from && filter.to && filter.from >= filter.to) throw invalid('to', 'must be later than from')
  return filter
}

/**
 * Which rows the caller sees: the tenants of their scope (or the one asked for). Rows without a
 * tenant are sign-in failures of unknown usernames; only an auditor acting at the platform root
 * sees them, read in the system scope because row-level security hides them from every tenant.
 */
function visibilityFor(tenant: TenantContext, tenantId: string | undefined): { scope: Scope; visibility: store.AuditVisibility } {
  if (tenantId) return { scope: tenant.scope, visibility: { tenantIds: [tenantId], isUnattributedIncluded: false } }
  if (tenant.kind === 'platform') return { scope: systemScope, visibility: { tenantIds: tenant.scope.tenantIds, isUnattributedIncluded: true } }
  return { scope: tenant.scope, visibility: { tenantIds: tenant.scope.tenantIds, isUnattributedIncluded: false } }
}

export function auditItem(row: store.AuditRow): AuditItem {
  return {
    seq: String(row.seq), at: new Date(row.at).toISOString(), tenantId: row.tenant_id, tenantSlug: row.tenant_slug ?? null,
    actorId: row.actor_id, actorName: row.actor_name, action: row.action, targetType: row.target_type, targetId: row.target_id,
    outcome: row.outcome, ip: row.ip, requestId: row.request_id, details: (row.details ?? {}) as Record<string, unknown>,
  }
}

/** yyyy-MM-dd HH:mm:ss in Asia/Shanghai. */
export function shanghaiTime(at: Date | string): string {
  return new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')
}

/** One CSV cell: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it. */
export function csvCell(value: string | null | undefined): string {
  const text = value ?? ''
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const CSV_HEADER = ['序号', '时间（北京时间）', '机构', '操作人', '操作', '对象', '结果', 'IP', '请求号', '详情']

function csvLine(cells: Array<string | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

function csvRow(row: store.AuditRow): string {
  const target = [row.target_type, row.target_id].filter(Boolean).join(':')
  return csvLine([
    String(row.seq), shanghaiTime(row.at), row.tenant_slug ?? '', row.actor_name ?? row.actor_id ?? '', row.action, target,
    row.outcome, row.ip, row.request_id, JSON.stringify(row.details ?? {}),
  ])
}

function definedFilters(query: AuditExportQuery): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>
}

/** The audit log as the console sees it: a filtered list, a CSV export, a chain check. */
export function createAuditService({ db, exportBatchSize = 500 }: { db: Database; exportBatchSize?: number }) {
  /** A page of entries, newest first. */
  async function list({ actor, tenant, query, limit = 50, cursor }: {
    actor: Actor; tenant: TenantContext | null; query: AuditExportQuery; limit?: number; cursor?: string
  }): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    requireAccess({ actor, tenant, permission: 'audit.read', ids: query.tenantId ? [query.tenantId] : [] })
    const filter = toFilter(query)
    if (cursor !== undefined) {
      const key = decodeCursor(cursor)
      if (!key || key.length !== 1 || typeof key[0] !== 'string' || !/^\d{1,19}$/.test(key[0])) throw invalid('cursor', 'is not a cursor this list gave out')
      filter.beforeSeq = key[0]
    }
    const { scope, visibility } = visibilityFor(tenant!, query.tenantId)
    const rows = await inScope(db, scope, (trx) => store.listAuditRows(trx, scope, visibility, filter, limit + 1))
    const page = rows.slice(0, limit)
    const nextCursor = rows.length > limit ? encodeCursor([String(page[page.length - 1].seq)]) : null
    return { items: page.map(auditItem), nextCursor }
  }

  /**
   * The filtered log as CSV, produced batch by batch in short transactions (the embedded database
   * must never wait on a slow download). The export is audited first, with its filters; the file
   * holds the rows before that entry, so what it shows is fixed at the moment of the request.
   */
  async function exportCsv({ actor, tenant, query, audit }: {
    actor: Actor; tenant: TenantContext | null; query: AuditExportQuery; audit: AuditContext
  }): Promise<{ filename: string; lines: AsyncIterable<string> }> {
    requireAccess({ actor, tenant, permission: 'audit.export', ids: query.tenantId ? [query.tenantId] : [] })
    const filter = toFilter(query)
    const { scope, visibility } = visibilityFor(tenant!, query.tenantId)
    const exportSeq = await inScope(db, tenant!.scope, (trx) => appendAudit(trx, withContext(audit, {
      action: 'audit.export', targetType: 'audit_log', details: { filters: definedFilters(query), format: 'csv' },
    })))
    async function* lines(): AsyncGenerator<string> {
      yield `\uFEFF${csvLine(CSV_HEADER)}`
      let beforeSeq = exportSeq
      for (;;) {
        const rows = await inScope(db, scope, (trx) => store.listAuditRows(trx, scope, visibility, { ...filter, beforeSeq }, exportBatchSize))
        if (rows.length > 0) yield rows.map(csvRow).join('')
        if (rows.length < exportBatchSize) return
        beforeSeq = String(rows[rows.length - 1].seq)
      }
    }
    const filename = `audit-${shanghaiTime(new Date()).replace(/[-: ]/g, '').replace(/^(\d{8})/, '$1-')}.csv`
    return { filename, lines: lines() }
  }

  /** Walks the whole hash chain; reveals only whether and where it breaks, never row contents. */
  async function verify({ actor, tenant }: { actor: Actor; tenant: TenantContext | null }): Promise<VerifyResult> {
    requireAccess({ actor, tenant, permission: 'audit.read' })
    return verifyAuditChain(db)
  }

  return { list, exportCsv, verify }
}

export type AuditService = ReturnType<typeof createAuditService>
