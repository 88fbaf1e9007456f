import { sql } from 'kysely'
import { requireScope, requireTenantScope, type Scope, type TenantScope, type Tx } from '../../db/scope.js'

/** SQL of what hangs off a ticket: replies, extensions, ratings, raised alerts, attachments. */

const replyColumns = [
  'id', 'ticket_id', 'department_id', 'round', 'body', 'public_body', 'faq_entry_ids', 'template_id', 'state', 'author_id',
  'author_name', 'created_at', 'reviewed_by', 'reviewed_at', 'review_note', 'published_at',
] as const

export async function listReplies(trx: Tx, scope: TenantScope, ticketId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_replies').select(replyColumns).where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute()
}

export type ReplyRow = Awaited<ReturnType<typeof listReplies>>[number]

export async function findReply(trx: Tx, scope: TenantScope, { ticketId, replyId }: { ticketId: string; replyId: string }): Promise<ReplyRow | undefined> {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_replies').select(replyColumns).where('id', '=', replyId).where('ticket_id', '=', ticketId).executeTakeFirst()
}

/** The reply the public sees now: the latest published one. */
export async function latestPublished(trx: Tx, scope: TenantScope, ticketId: string): Promise<ReplyRow | undefined> {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_replies').select(replyColumns).where('ticket_id', '=', ticketId).where('state', '=', 'published')
    .orderBy('published_at', 'desc').limit(1).executeTakeFirst()
}

export async function insertReply(trx: Tx, scope: TenantScope, r: {
  centerId: string; ticketId: string; departmentId: string; round: number; body: string; publicBody: string; faqEntryIds: string[];
  templateId: string | null; state: 'pending_review' | 'published'; authorId: string; authorName: string; at: Date
}): Promise<string> {
  requireTenantScope(scope)
  const row = await trx.insertInto('ticket_replies').values({
    tenant_id: r.centerId, ticket_id: r.ticketId, department_id: r.departmentId, round: r.round, body: r.body, public_body: r.publicBody,
    faq_entry_ids: r.faqEntryIds, template_id: r.templateId, state: r.state, author_id: r.authorId, author_name: r.authorName,
    created_at: r.at, published_at: r.state === 'published' ? r.at : null,
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function reviewReply(trx: Tx, scope: TenantScope, r: {
  replyId: string; state: 'published' | 'rejected'; reviewerId: string; note: string; publicBody?: string; at: Date
}): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('ticket_replies').set({
    state: r.state, reviewed_by: r.reviewerId, reviewed_at: r.at, review_note: r.note,
    ...(r.publicBody !== undefined ? { public_body: r.publicBody } : {}), ...(r.state === 'published' ? { published_at: r.at } : {}),
  }).where('id', '=', r.replyId).where('state', '=', 'pending_review').execute()
}

// ---- extensions ---------------------------------------------------------------------------------

const extensionColumns = ['id', 'ticket_id', 'department_id', 'days', 'reason', 'state', 'requested_by', 'requested_at', 'decided_by', 'decided_at', 'decision_note'] as const

export async function listExtensions(trx: Tx, scope: TenantScope, ticketId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_extensions').select(extensionColumns).where('ticket_id', '=', ticketId).orderBy('requested_at').execute()
}

export type ExtensionRow = Awaited<ReturnType<typeof listExtensions>>[number]

export async function findExtension(trx: Tx, scope: TenantScope, { ticketId, id }: { ticketId: string; id: string }): Promise<ExtensionRow | undefined> {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_extensions').select(extensionColumns).where('id', '=', id).where('ticket_id', '=', ticketId).forUpdate().executeTakeFirst()
}

export async function insertExtension(trx: Tx, scope: TenantScope, e: { centerId: string; ticketId: string; departmentId: string; days: number; reason: string; requestedBy: string; at: Date }): Promise<string | undefined> {
  requireTenantScope(scope)
  // One pending request per ticket (partial unique index): a second one inserts nothing.
  const row = await trx.insertInto('ticket_extensions').values({
    tenant_id: e.centerId, ticket_id: e.ticketId, department_id: e.departmentId, days: e.days, reason: e.reason, requested_by: e.requestedBy, requested_at: e.at,
  }).onConflict((oc) => oc.column('ticket_id').where('state', '=', 'pending').doNothing()).returning('id').executeTakeFirst()
  return row?.id
}

export async function decideExtension(trx: Tx, scope: TenantScope, d: { id: string; state: 'approved' | 'denied'; decidedBy: string | null; note: string; at: Date }): Promise<void> {
  requireTenantScope(scope)
  await trx.updateTable('ticket_extensions').set({ state: d.state, decided_by: d.decidedBy, decided_at: d.at, decision_note: d.note })
    .where('id', '=', d.id).where('state', '=', 'pending').execute()
}

// ---- ratings ------------------------------------------------------------------------------------

export async function listRatings(trx: Tx, scope: TenantScope, ticketId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_ratings').select(['id', 'reply_id', 'rating', 'comment', 'created_at']).where('ticket_id', '=', ticketId).orderBy('created_at').execute()
}

export type RatingRow = Awaited<ReturnType<typeof listRatings>>[number]

/** @returns false when the reply was already rated (one rating per reply). */
export async function insertRating(trx: Tx, scope: TenantScope, r: { centerId: string; ticketId: string; replyId: string; rating: 'satisfied' | 'basically' | 'unsatisfied'; comment: string; at: Date }): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.insertInto('ticket_ratings').values({
    tenant_id: r.centerId, ticket_id: r.ticketId, reply_id: r.replyId, rating: r.rating, comment: r.comment, created_at: r.at,
  }).onConflict((oc) => oc.column('reply_id').doNothing()).returning('id').executeTakeFirst()
  return Boolean(row)
}

// ---- alerts -------------------------------------------------------------------------------------

export async function alertsDone(trx: Tx, scope: Scope, ticketIds: readonly string[]) {
  requireScope(scope)
  if (ticketIds.length === 0) return []
  return trx.selectFrom('ticket_alerts').select(['ticket_id', 'round', 'clock', 'stage']).where('ticket_id', 'in', [...ticketIds]).execute()
}

/** @returns false when the alert was raised before (the scan then does nothing for it). */
export async function insertAlert(trx: Tx, scope: TenantScope, a: { centerId: string; ticketId: string; round: number; clock: 'sign_for' | 'first_response' | 'final' | 'rating'; stage: 'reminder' | 'overdue' | 'escalated' | 'auto_close'; at: Date }): Promise<boolean> {
  requireTenantScope(scope)
  const row = await trx.insertInto('ticket_alerts').values({ tenant_id: a.centerId, ticket_id: a.ticketId, round: a.round, clock: a.clock, stage: a.stage, at: a.at })
    .onConflict((oc) => oc.columns(['ticket_id', 'round', 'clock', 'stage']).doNothing()).returning('ticket_id').executeTakeFirst()
  return Boolean(row)
}

// ---- attachments --------------------------------------------------------------------------------

export async function insertAttachments(trx: Tx, scope: TenantScope, { centerId, ticketId, replyId = null, assets }: {
  centerId: string; ticketId: string; replyId?: string | null; assets: Array<{ assetId: string; isPublic: boolean }>
}): Promise<void> {
  requireTenantScope(scope)
  if (assets.length === 0) return
  await trx.insertInto('ticket_attachments').values(assets.map((a, position) => ({
    tenant_id: centerId, ticket_id: ticketId, reply_id: replyId, asset_id: a.assetId, position, is_public: a.isPublic,
  }))).execute()
}

export async function listAttachments(trx: Tx, scope: TenantScope, ticketId: string) {
  requireTenantScope(scope)
  return trx.selectFrom('ticket_attachments').select(['asset_id', 'reply_id', 'position', 'is_public'])
    .where('ticket_id', '=', ticketId).orderBy(sql`reply_id nulls first`).orderBy('position').execute()
}
