import type { Database } from '../../db/database.js'
import { inScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import type { TenantContext } from '../../kernel/access.js'
import { appendAudit, withContext, type AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { emitEvent } from '../../kernel/events.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import { countTerms, indexTokens, queryTokens } from '../../kernel/text/segment.js'
import { shanghaiDate } from '../calendar/calendar.js'
import { isSuggestible } from './faq.relevance.js'
import * as store from './faq.store.js'

export type { FaqRow } from './faq.store.js'

/** Who works on the knowledge base: a user acting in a center or in one of its departments. */
export interface FaqActing {
  actorId: string
  tenant: Pick<TenantContext, 'id' | 'kind' | 'path' | 'scope'>
  audit: AuditContext
}

export interface FaqInput {
  question: string
  variants?: string[]
  answer: string
  ownerDepartmentId?: string | null
  validFrom?: string | null
  validTo?: string | null
  isPublished?: boolean
}

// The question and its variants are what a citizen's words should match; the answer counts less.
const ANSWER_WEIGHT = 0.3

/** Term frequencies and length of an entry, as BM25 indexes it. */
export function entryTerms(entry: { question: string; variants: string[]; answer: string }): { terms: Map<string, number>; docLen: number } {
  const terms = countTerms(indexTokens([entry.question, ...entry.variants].join('\n')))
  countTerms(indexTokens(entry.answer), ANSWER_WEIGHT, terms)
  let docLen = 0
  for (const tf of terms.values()) docLen += tf
  return { terms, docLen }
}

/** The center a tenant's knowledge base belongs to: the center itself, or a department's center. */
export function centerOf(tenant: Pick<TenantContext, 'id' | 'kind' | 'path'>): string {
  if (tenant.kind === 'center') return tenant.id
  if (tenant.kind === 'unit' && tenant.path.length >= 3) return tenant.path[1]
  throw new AppError('FORBIDDEN', '请在融媒体中心或其下属部门中操作问答库', { extra: { permission: 'faq.manage' } })
}

/** True while an entry is published and inside its validity dates. */
export function isValidOn(row: Pick<store.FaqRow, 'is_published' | 'valid_from' | 'valid_to'>, today: string): boolean {
  return row.is_published && (!row.valid_from || row.valid_from <= today) && (!row.valid_to || row.valid_to >= today)
}

/**
 * Entries cited by a reply, read in the caller's transaction (the tickets module calls this):
 * ids that are not the center's live entries are refused, naming the field.
 */
export async function citedEntries(trx: Tx, scope: TenantScope, { centerId, ids, field }: { centerId: string; ids: readonly string[]; field: string }): Promise<store.FaqRow[]> {
  const unique = [...new Set(ids)]
  const rows = await store.findEntries(trx, scope, { centerId, ids: unique })
  if (rows.length !== unique.length) {
    throw new AppError('VALIDATION_FAILED', `${field}: unknown knowledge base entry`, { errors: [{ field, message: 'names an entry that does not exist' }] })
  }
  return unique.map((id) => rows.find((r) => r.id === id)!)
}

/** Live entries among `ids` (cited entries deleted since are left out), in the caller's transaction. */
export function entriesByIds(trx: Tx, scope: TenantScope, { centerId, ids }: { centerId: string; ids: readonly string[] }): Promise<store.FaqRow[]> {
  return store.findEntries(trx, scope, { centerId, ids: [...new Set(ids)] })
}

/** The knowledge base (咨询问答库): entries, jieba + BM25 search, the public form's suggestions. */
export function createFaqService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  async function loadOwned(trx: Tx, acting: FaqActing, centerId: string, id: string): Promise<store.FaqRow> {
    const row = await store.findEntry(trx, acting.tenant.scope, { centerId, id })
    if (!row) throw new AppError('FAQ_NOT_FOUND')
    // A department edits its own entries; the center edits all of them.
    if (acting.tenant.kind === 'unit' && row.owner_department_id !== acting.tenant.id) {
      throw new AppError('FORBIDDEN', '只能修改本部门的问答条目', { extra: { permission: 'faq.manage' } })
    }
    return row
  }

  async function fieldsOf(trx: Tx, acting: FaqActing, centerId: string, input: FaqInput): Promise<store.EntryFields> {
    let owner = input.ownerDepartmentId ?? null
    if (acting.tenant.kind === 'unit') {
      if (owner && owner !== acting.tenant.id) {
        throw new AppError('FORBIDDEN', '部门只能维护本部门的问答条目', { extra: { permission: 'faq.manage' } })
      }
      owner = acting.tenant.id
    } else if (owner && !(await store.isDepartmentOf(trx, acting.tenant.scope, { centerId, departmentId: owner }))) {
      throw new AppError('VALIDATION_FAILED', 'ownerDepartmentId: not a department of this center', { errors: [{ field: 'ownerDepartmentId', message: 'is not a department of this center' }] })
    }
    const validFrom = input.validFrom ?? null
    const validTo = input.validTo ?? null
    if (validFrom && validTo && validTo < validFrom) {
      throw new AppError('VALIDATION_FAILED', 'validTo: is before validFrom', { errors: [{ field: 'validTo', message: 'is before validFrom' }] })
    }
    const question = input.question.trim()
    const variants = [...new Set((input.variants ?? []).map((v) => v.trim()).filter(Boolean))]
    const answer = input.answer.trim()
    const { docLen } = entryTerms({ question, variants, answer })
    return { question, variants, answer, ownerDepartmentId: owner, validFrom, validTo, isPublished: input.isPublished ?? true, docLen }
  }

  async function write(trx: Tx, acting: FaqActing, centerId: string, id: string, fields: store.EntryFields, action: string) {
    await store.replaceTerms(trx, acting.tenant.scope, { centerId, entryId: id, terms: entryTerms(fields).terms })
    // The outbox row is the acting tenant's (a department writes only its own rows); the payload names the center.
    await emitEvent(trx, { type: `faq.${action}`, tenantId: acting.tenant.id, payload: { entryId: id, centerId } })
    await appendAudit(trx, withContext(acting.audit, { action: `faq.${action}`, targetType: 'faq_entry', targetId: id, details: { question: fields.question } }))
    return (await store.findEntry(trx, acting.tenant.scope, { centerId, id }))!
  }

  async function create(acting: FaqActing, input: FaqInput): Promise<store.FaqRow> {
    const centerId = centerOf(acting.tenant)
    return inScope(db, acting.tenant.scope, async (trx) => {
      const fields = await fieldsOf(trx, acting, centerId, input)
      const id = await store.insertEntry(trx, acting.tenant.scope, { centerId, actorId: acting.actorId, fields })
      return write(trx, acting, centerId, id, fields, 'created')
    })
  }

  async function update(acting: FaqActing, id: string, input: FaqInput): Promise<store.FaqRow> {
    const centerId = centerOf(acting.tenant)
    return inScope(db, acting.tenant.scope, async (trx) => {
      await loadOwned(trx, acting, centerId, id)
      const fields = await fieldsOf(trx, acting, centerId, input)
      await store.updateEntry(trx, acting.tenant.scope, { centerId, id, actorId: acting.actorId, fields })
      return write(trx, acting, centerId, id, fields, 'updated')
    })
  }

  async function remove(acting: FaqActing, id: string): Promise<void> {
    const centerId = centerOf(acting.tenant)
    await inScope(db, acting.tenant.scope, async (trx) => {
      const row = await loadOwned(trx, acting, centerId, id)
      await store.softDeleteEntry(trx, acting.tenant.scope, { centerId, id, actorId: acting.actorId })
      await emitEvent(trx, { type: 'faq.deleted', tenantId: acting.tenant.id, payload: { entryId: id, centerId } })
      await appendAudit(trx, withContext(acting.audit, { action: 'faq.deleted', targetType: 'faq_entry', targetId: id, details: { question: row.question } }))
    })
  }

  async function get(acting: FaqActing, id: string): Promise<store.FaqRow> {
    const centerId = centerOf(acting.tenant)
    const row = await inScope(db, acting.tenant.scope, (trx) => store.findEntry(trx, acting.tenant.scope, { centerId, id }))
    if (!row) throw new AppError('FAQ_NOT_FOUND')
    return row
  }

  async function ranked(trx: Tx, scope: TenantScope, { centerId, q, isPublicOnly, limit }: { centerId: string; q: string; isPublicOnly: boolean; limit: number }) {
    const hits = await store.searchEntries(trx, scope, { centerId, terms: queryTokens(q), isPublicOnly, today: shanghaiDate(clock()), limit })
    return withRows(trx, scope, centerId, hits)
  }

  async function withRows(trx: Tx, scope: TenantScope, centerId: string, hits: Array<{ id: string; score: number }>) {
    const rows = await store.findEntries(trx, scope, { centerId, ids: hits.map((h) => h.id) })
    return hits.map((h) => ({ row: rows.find((r) => r.id === h.id)!, score: h.score })).filter((h) => h.row)
  }

  /**
   * Staff list: ranked search when `q` is given (all entries, valid or not), else newest first
   * page by page.
   */
  async function list(acting: FaqActing, { q, ownerDepartmentId, limit = 50, cursor }: { q?: string; ownerDepartmentId?: string; limit?: number; cursor?: string }) {
    const centerId = centerOf(acting.tenant)
    const scope = acting.tenant.scope
    if (q?.trim()) {
      const items = await inScope(db, scope, (trx) => ranked(trx, scope, { centerId, q, isPublicOnly: false, limit }))
      return { items, nextCursor: null }
    }
    const key = decodeCursor(cursor)
    if (cursor && (!key || typeof key[0] !== 'string' || typeof key[1] !== 'string' || Number.isNaN(Date.parse(key[0])))) {
      throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
    }
    const rows = await inScope(db, scope, (trx) => store.listEntries(trx, scope, {
      centerId, ownerDepartmentId, limit: limit + 1, after: key ? { updatedAt: new Date(key[0] as string), id: key[1] as string } : undefined,
    }))
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      items: page.map((row) => ({ row, score: null })),
      nextCursor: rows.length > limit ? encodeCursor([new Date(last.updated_at).toISOString(), last.id]) : null,
    }
  }

  /**
   * The public form's suggestions: published entries valid today that match the citizen's words,
   * ranked by BM25 and kept only when they share enough of them (faq.relevance.ts). Staff search
   * keeps plain OR ranking: there a loose match is a lead to follow, not advice to a citizen.
   */
  async function suggest({ centerId, q, limit = 5 }: { centerId: string; q: string; limit?: number }) {
    const scope = tenantScope(centerId)
    const terms = queryTokens(q)
    return inScope(db, scope, async (trx) => {
      // A few more candidates than shown, so entries the rule drops leave room for the next ones.
      const hits = await store.searchEntries(trx, scope, { centerId, terms, isPublicOnly: true, today: shanghaiDate(clock()), limit: Math.min(limit * 4, 40) })
      return withRows(trx, scope, centerId, hits.filter((h) => isSuggestible({ queryTerms: terms, entryTerms: h.matched })).slice(0, limit))
    })
  }

  return { create, update, remove, get, list, suggest }
}

export type FaqService = ReturnType<typeof createFaqService>
