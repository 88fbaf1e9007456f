import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import { inScope, systemScope, type Tx } from '../db/scope.js'

export type AuditOutcome = 'success' | 'failure' | 'denied'

export interface AuditEntry {
  action: string
  outcome?: AuditOutcome
  tenantId?: string | null
  actorId?: string | null
  actorName?: string | null
  targetType?: string | null
  targetId?: string | null
  ip?: string | null
  requestId?: string | null
  details?: Record<string, unknown>
}

/** Request facts every audit entry of a request shares. */
export interface AuditContext {
  actorId: string | null
  actorName: string | null
  tenantId: string | null
  ip: string | null
  requestId: string | null
}

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every level, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value as Record<string, unknown>).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}

export interface ChainedRow {
  seq: string
  at: Date
  tenant_id: string | null
  actor_id: string | null
  actor_name: string | null
  action: string
  target_type: string | null
  target_id: string | null
  outcome: string
  ip: string | null
  request_id: string | null
  details: unknown
  prev_hash: string
}

/** The hash that chains a row to its predecessor: sha256 over the row's fields and prev_hash. */
export function rowHash(row: ChainedRow): string {
  const material = canonicalJson([
    row.seq, new Date(row.at).toISOString(), row.tenant_id, row.actor_id, row.actor_name, row.action,
    row.target_type, row.target_id, row.outcome, row.ip, row.request_id, row.details ?? {}, row.prev_hash,
  ])
  return crypto.createHash('sha256').update(material).digest('hex')
}

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the change
 * it records does. Locking the chain head serialises concurrent appends into one chain.
 */
export async function appendAudit(trx: Tx, entry: AuditEntry): Promise<string> {
  const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow()
  const row: ChainedRow = {
    seq: (BigInt(head.seq) + 1n).toString(),
    at: new Date(),
    tenant_id: entry.tenantId ?? null,
    actor_id: entry.actorId ?? null,
    actor_name: entry.actorName ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    outcome: entry.outcome ?? 'success',
    ip: entry.ip ?? null,
    request_id: entry.requestId ?? null,
    details: entry.details ?? {},
    prev_hash: head.hash,
  }
  const hash = rowHash(row)
  await trx.insertInto('audit_log').values({
    ...row, outcome: row.outcome as AuditOutcome, details: JSON.stringify(row.details), hash,
  }).execute()
  await trx.updateTable('audit_head').set({ seq: row.seq, hash }).execute()
  return row.seq
}

/** Appends in a transaction of its own: for failures and refusals, whose request rolls back. */
export function recordAudit(db: Database, entry: AuditEntry): Promise<string> {
  return inScope(db, systemScope, (trx) => appendAudit(trx, entry))
}

/** Fills an entry with the request's actor, tenant, IP and request id. */
export function withContext(context: AuditContext, entry: AuditEntry): AuditEntry {
  return {
    tenantId: context.tenantId, actorId: context.actorId, actorName: context.actorName,
    ip: context.ip, requestId: context.requestId, ...entry,
  }
}

export interface VerifyResult {
  ok: boolean
  checked: number
  firstBadSeq: string | null
  reason: string | null
}

/**
 * Walks the whole chain in batches (never the whole table in memory) and reports the first row
 * that was altered, removed or inserted out of order, and a head that no longer matches the tail.
 */
export async function verifyAuditChain(db: Database, { batchSize = 5000 } = {}): Promise<VerifyResult> {
  return inScope(db, systemScope, async (trx) => {
    let expectedSeq = 1n
    let prevHash = GENESIS_HASH
    let checked = 0
    for (;;) {
      const rows = await trx.selectFrom('audit_log').selectAll()
        .where(sql<boolean>`seq >= ${expectedSeq.toString()}::bigint`)
        .orderBy('seq').limit(batchSize).execute()
      for (const row of rows) {
        const seq = BigInt(row.seq)
        if (seq !== expectedSeq) {
          return { ok: false, checked, firstBadSeq: expectedSeq.toString(), reason: `row ${expectedSeq} is missing` }
        }
        if (row.prev_hash !== prevHash) {
          return { ok: false, checked, firstBadSeq: row.seq, reason: `row ${row.seq} does not follow its predecessor` }
        }
        if (rowHash({ ...row, at: row.at as Date }) !== row.hash) {
          return { ok: false, checked, firstBadSeq: row.seq, reason: `row ${row.seq} was altered` }
        }
        prevHash = row.hash
        expectedSeq = seq + 1n
        checked++
      }
      if (rows.length < batchSize) break
    }
    const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow()
    if (BigInt(head.seq) !== expectedSeq - 1n || head.hash !== prevHash) {
      return { ok: false, checked, firstBadSeq: expectedSeq.toString(), reason: `rows after ${expectedSeq - 1n} were removed (head says ${head.seq})` }
    }
    return { ok: true, checked, firstBadSeq: null, reason: null }
  })
}
