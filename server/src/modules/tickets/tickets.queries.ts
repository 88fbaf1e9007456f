import type { Database } from '../../db/database.js'
import { inScope, tenantScope, type TenantScope, type Tx } from '../../db/scope.js'
import { AppError } from '../../kernel/errors.js'
import { decodeCursor, encodeCursor } from '../../kernel/openapi.js'
import { queryTokens } from '../../kernel/text/segment.js'
import { entriesByIds, type FaqRow } from '../faq/faq.service.js'
import * as catalogue from './catalogue.store.js'
import * as queries from './queries.store.js'
import { loadSettings, loadTicket, requireOwningCenter, viewOf, type TicketActing } from './tickets.core.js'
import type { TicketKind, TicketState } from './tickets.model.js'
import { isPhoneMatch } from './tickets.replies.js'
import { jaccard, SIMILAR } from './tickets.rules.js'
import * as replies from './replies.store.js'
import * as store from './tickets.store.js'

export interface TicketDetail {
  ticket: store.TicketRow
  service: catalogue.ServiceRow | undefined
  names: Map<string, string>
  assignments: store.AssignmentRow[]
  timeline: store.TimelineRow[]
  replies: replies.ReplyRow[]
  faq: Map<string, FaqRow>
  extensions: replies.ExtensionRow[]
  ratings: replies.RatingRow[]
  attachments: Awaited<ReturnType<typeof replies.listAttachments>>
  mergedInto: { id: string; number: string } | null
}

export interface StaffListQuery {
  states?: TicketState[]
  kind?: TicketKind
  serviceId?: string
  departmentId?: string
  isOverdueOnly?: boolean
  q?: string
  sort?: 'newest' | 'due'
  limit?: number
  cursor?: string
}

function cursorKey(cursor: string | undefined): { key: Date; id: string } | undefined {
  if (!cursor) return undefined
  const key = decodeCursor(cursor)
  if (!key || typeof key[0] !== 'string' || Number.isNaN(Date.parse(key[0])) || typeof key[1] !== 'string' || !/^[0-9a-f-]{36}$/.test(key[1])) {
    throw new AppError('VALIDATION_FAILED', 'cursor: is not valid', { errors: [{ field: 'cursor', message: 'is not valid' }] })
  }
  return { key: new Date(key[0]), id: key[1] }
}

/** `q` is a public number, a lookup code, or words (any of them). */
function searchOf(q: string | undefined): { number?: string; lookupCode?: string; terms?: string[] } {
  const text = q?.trim()
  if (!text) return {}
  if (/^\d{1,18}$/.test(text)) return { number: text }
  if (/^[2-9A-Za-z]{10}$/.test(text) && /\d/.test(text)) return { lookupCode: text.toUpperCase() }
  return { terms: queryTokens(text) }
}

/** Everything about one ticket, read in the caller's transaction. */
async function detailOf(trx: Tx, scope: TenantScope, ticket: store.TicketRow, { isPublicTimeline }: { isPublicTimeline: boolean }): Promise<TicketDetail> {
  const [service, assignments, timeline, replyRows, extensions, ratings, attachments] = [
    await catalogue.findService(trx, scope, { centerId: ticket.tenant_id, id: ticket.service_id }),
    await store.allAssignments(trx, scope, ticket.id),
    await store.listTimeline(trx, scope, { ticketId: ticket.id, isPublicOnly: isPublicTimeline }),
    await replies.listReplies(trx, scope, ticket.id),
    await replies.listExtensions(trx, scope, ticket.id),
    await replies.listRatings(trx, scope, ticket.id),
    await replies.listAttachments(trx, scope, ticket.id),
  ]
  const faqIds = [...new Set(replyRows.flatMap((r) => r.faq_entry_ids))]
  const faqRows = await entriesByIds(trx, scope, { centerId: ticket.tenant_id, ids: faqIds })
  const merged = ticket.merged_into_id
    ? await store.findTicketOfCenter(trx, scope, { centerId: ticket.tenant_id, id: ticket.merged_into_id })
    : undefined
  const names = await catalogue.tenantNames(trx, scope, [
    ticket.lead_department_id, ticket.suggested_department_id, ...replyRows.map((r) => r.department_id), ...extensions.map((e) => e.department_id),
  ].filter((x): x is string => Boolean(x)))
  return {
    ticket, service, names, assignments, timeline, replies: replyRows, faq: new Map(faqRows.map((f) => [f.id, f])), extensions, ratings, attachments,
    mergedInto: merged ? { id: merged.id, number: merged.number } : null,
  }
}

/** Reading tickets: the staff detail and lists, duplicates, the citizen's lookup, the public list. */
export function createTicketQueries({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  async function get(acting: TicketActing, id: string): Promise<TicketDetail> {
    return inScope(db, acting.tenant.scope, async (trx) => detailOf(trx, acting.tenant.scope, await loadTicket(trx, acting, id, { isForUpdate: false }), { isPublicTimeline: false }))
  }

  /** One page of the tickets the actor's tenant sees (a department: its assignments). */
  async function list(acting: TicketActing, query: StaffListQuery) {
    const limit = query.limit ?? 50
    const sort = query.sort ?? 'newest'
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const rows = await queries.listTickets(trx, scope, {
        view: viewOf(acting.tenant), states: query.states, kind: query.kind, serviceId: query.serviceId, departmentId: query.departmentId,
        isOverdueOnly: query.isOverdueOnly, ...searchOf(query.q), sort, now: clock(), limit: limit + 1, after: cursorKey(query.cursor),
      })
      const page = rows.slice(0, limit)
      const services = await queries.servicesByIds(trx, scope, page.map((r) => r.service_id))
      const names = await catalogue.tenantNames(trx, scope, page.map((r) => r.lead_department_id).filter((x): x is string => Boolean(x)))
      const last = page[page.length - 1]
      const nextCursor = rows.length > limit ? encodeCursor([new Date(sort === 'due' ? last.final_due_at : last.created_at).toISOString(), last.id]) : null
      return { items: page, services, names, nextCursor }
    })
  }

  /** Tickets that may be the same matter (same phone, or similar words) within the center's period. */
  async function duplicates(acting: TicketActing, id: string) {
    const scope = acting.tenant.scope
    return inScope(db, scope, async (trx) => {
      const ticket = await loadTicket(trx, acting, id, { isForUpdate: false })
      requireOwningCenter(acting, ticket, 'ticket.dispatch')
      const settings = await loadSettings(trx, scope, ticket.tenant_id)
      const since = new Date(clock().getTime() - settings.similarWindowDays * 86_400_000)
      const rows = await queries.duplicateCandidates(trx, scope, { centerId: ticket.tenant_id, ticketId: id, phone: ticket.citizen_phone, terms: ticket.terms, since })
      return rows
        .map((r) => ({ row: r, isSamePhone: Boolean(ticket.citizen_phone) && r.citizen_phone === ticket.citizen_phone, similarity: jaccard(r.terms, ticket.terms) }))
        .filter((c) => c.isSamePhone || c.similarity >= SIMILAR)
        .sort((a, b) => b.similarity - a.similarity || Number(b.isSamePhone) - Number(a.isSamePhone))
        .slice(0, 20)
    })
  }

  /** The citizen's lookup: the lookup code and the last 4 digits of the phone, or 404 alike. */
  async function lookup({ center, lookupCode, phoneLast4 }: { center: catalogue.CenterRow; lookupCode: string; phoneLast4: string }) {
    const scope = tenantScope(center.id)
    return inScope(db, scope, async (trx) => {
      const ticket = await store.findTicketOfCenter(trx, scope, { centerId: center.id, lookupCode: lookupCode.toUpperCase() })
      if (!ticket || !isPhoneMatch(ticket, phoneLast4)) throw new AppError('TICKET_LOOKUP_FAILED')
      const detail = await detailOf(trx, scope, ticket, { isPublicTimeline: true })
      // A merged ticket is answered through the ticket it went into.
      const target = ticket.merged_into_id ? await store.findTicketOfCenter(trx, scope, { centerId: center.id, id: ticket.merged_into_id }) : undefined
      const targetReply = target ? await replies.latestPublished(trx, scope, target.id) : undefined
      return { detail, targetReply, targetNames: targetReply ? await catalogue.tenantNames(trx, scope, [targetReply.department_id]) : new Map<string, string>() }
    })
  }

  /** The public list of answered tickets (masked), newest reply first; `q` searches their words. */
  async function publicList({ center, kind, category, q, limit = 20, cursor }: { center: catalogue.CenterRow; kind?: TicketKind; category?: string; q?: string; limit?: number; cursor?: string }) {
    const scope = tenantScope(center.id)
    return inScope(db, scope, async (trx) => {
      const service = category ? await catalogue.findService(trx, scope, { centerId: center.id, code: category }) : undefined
      if (category && !service) return { items: [], services: new Map(), replies: new Map(), names: new Map(), nextCursor: null }
      const terms = q?.trim() ? queryTokens(q) : undefined
      const rows = await queries.listPublished(trx, scope, { centerId: center.id, kind, serviceId: service?.id, terms, limit: limit + 1, after: cursorKey(cursor) })
      const page = rows.slice(0, limit)
      const replyMap = await queries.publishedReplies(trx, scope, page.map((r) => r.id))
      const services = await queries.servicesByIds(trx, scope, page.map((r) => r.service_id))
      const names = await catalogue.tenantNames(trx, scope, [...replyMap.values()].map((r) => r.department_id))
      const last = page[page.length - 1]
      return { items: page, services, replies: replyMap, names, nextCursor: rows.length > limit ? encodeCursor([new Date(last.published_at!).toISOString(), last.id]) : null }
    })
  }

  return { get, list, duplicates, lookup, publicList }
}

export type TicketQueries = ReturnType<typeof createTicketQueries>
