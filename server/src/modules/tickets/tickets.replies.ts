import type { Database } from '../../db/database.js'
import { inScope, tenantScope } from '../../db/scope.js'
import type { AuditContext } from '../../kernel/audit.js'
import { AppError } from '../../kernel/errors.js'
import { safeEqual } from '../../kernel/secrets.js'
import { shanghaiDate } from '../calendar/calendar.js'
import { citedEntries } from '../faq/faq.service.js'
import { attachmentHooks } from './attachments.js'
import * as catalogue from './catalogue.store.js'
import { loadSettings, record, requireAssignment, requireOwningCenter, requireState, reschedule, stateInvalid, type TicketActing } from './tickets.core.js'
import { maskPersonalData } from './tickets.mask.js'
import * as replies from './replies.store.js'
import * as store from './tickets.store.js'
import { moveTo, stepper, type Step } from './tickets.workflow.js'

export type Rating = 'satisfied' | 'basically' | 'unsatisfied'

/** The last four digits of the phone that submitted the ticket: the second half of the lookup key. */
export function isPhoneMatch(ticket: { citizen_phone: string }, last4: string): boolean {
  return ticket.citizen_phone.length >= 4 && safeEqual(ticket.citizen_phone.slice(-4), last4)
}

/** Replies (with 先审后发 review and masking), ratings, reopening (回退重办) and closing. */
export function createRepliesService({ db, clock = () => new Date() }: { db: Database; clock?: () => Date }) {
  const step = stepper(db, clock)

  /** Reopens a ticket for the lead department: the first-response and final clocks start again today. */
  async function reopen(s: Step, acting: TicketActing, note: string) {
    await moveTo(s, acting, 'in_progress', {
      reopen_count: s.ticket.reopen_count + 1, clock_anchor: shanghaiDate(s.now), first_response_at: null, replied_at: null, closed_at: null,
    })
    await reschedule(s.trx, acting.tenant.scope, s.ticket.id, { settings: s.settings })
    await record(s.trx, acting, s.ticket, { action: 'reopened', from: s.ticket.state, to: 'in_progress', note, isPublic: true, departmentId: s.ticket.lead_department_id }, s.now)
  }

  async function close(s: Step, acting: TicketActing, note: string, action = 'closed') {
    await moveTo(s, acting, 'closed', { closed_at: s.now })
    await reschedule(s.trx, acting.tenant.scope, s.ticket.id, { settings: s.settings })
    await record(s.trx, acting, s.ticket, { action, from: s.ticket.state, to: 'closed', note, isPublic: true }, s.now)
  }

  /**
   * The lead department answers. The public version is masked automatically; with 先审后发 the
   * reply waits for review, otherwise it is published at once. Cited FAQ entries must be the center's.
   */
  async function submitReply(acting: TicketActing & { actorId: string }, id: string, input: { body: string; faqEntryIds?: string[]; templateId?: string | null; attachmentIds?: string[] }) {
    const uploads = input.attachmentIds ?? []
    if (uploads.length > 0 && !attachmentHooks()) throw new AppError('TICKET_ATTACHMENTS_UNAVAILABLE', '暂不支持上传附件', { errors: [{ field: 'attachmentIds', message: 'attachments are not available' }] })
    return step(acting, id, async (s) => {
      await requireAssignment(s.trx, acting, s.ticket, { isLeadRequired: true })
      requireState(s.ticket, ['signed_for', 'in_progress'], '请先签收；已提交的答复在审核中或已发布')
      const scope = acting.tenant.scope
      const cited = await citedEntries(s.trx, scope, { centerId: s.ticket.tenant_id, ids: input.faqEntryIds ?? [], field: 'faqEntryIds' })
      if (input.templateId) {
        const template = await catalogue.findTemplate(s.trx, scope, { centerId: s.ticket.tenant_id, id: input.templateId })
        if (!template) throw new AppError('VALIDATION_FAILED', 'templateId: unknown template', { errors: [{ field: 'templateId', message: 'names no template of this center' }] })
      }
      const isReviewed = s.settings.isReplyReviewRequired
      const body = input.body.trim()
      const replyId = await replies.insertReply(s.trx, scope, {
        centerId: s.ticket.tenant_id, ticketId: id, departmentId: acting.tenant.id, round: s.ticket.reopen_count, body,
        publicBody: maskPersonalData(body, { names: [s.ticket.citizen_name] }), faqEntryIds: cited.map((c) => c.id), templateId: input.templateId ?? null,
        state: isReviewed ? 'pending_review' : 'published', authorId: acting.actorId, authorName: acting.actorName, at: s.now,
      })
      if (uploads.length > 0) {
        const refs = await attachmentHooks()!.claim(s.trx, scope, { centerId: s.ticket.tenant_id, ticketId: id, replyId, uploadIds: uploads, field: 'attachmentIds' })
        await replies.insertAttachments(s.trx, scope, { centerId: s.ticket.tenant_id, ticketId: id, replyId, assets: refs })
      }
      const to = isReviewed ? 'reply_review' : 'replied'
      await moveTo(s, acting, to, { replied_at: s.now, first_response_at: s.ticket.first_response_at ?? s.now, ...(isReviewed ? {} : { published_at: s.now }) })
      await reschedule(s.trx, scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, {
        action: isReviewed ? 'reply_submitted' : 'replied', from: s.ticket.state, to, isPublic: !isReviewed, departmentId: acting.tenant.id,
        details: { replyId, faqEntryIds: cited.map((c) => c.id) },
      }, s.now)
      return replyId
    })
  }

  /**
   * Review of a reply (先审后发) in the ticket's center: approval publishes it (the reviewer may
   * correct the public version), rejection sends it back to the department with a note.
   */
  async function reviewReply(acting: TicketActing & { actorId: string }, id: string, replyId: string, input: { decision: 'approve' | 'reject'; note?: string; publicBody?: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.reply.review')
      requireState(s.ticket, ['reply_review'], '没有待审核的答复')
      const reply = await replies.findReply(s.trx, acting.tenant.scope, { ticketId: id, replyId })
      if (!reply) throw new AppError('NOT_FOUND', 'no such reply')
      if (reply.state !== 'pending_review') throw stateInvalid(s.ticket.state, '这条答复已审核过')
      const note = input.note?.trim() ?? ''
      if (input.decision === 'reject') {
        if (!note) throw new AppError('VALIDATION_FAILED', 'note: say why the reply goes back', { errors: [{ field: 'note', message: 'is required when rejecting' }] })
        await replies.reviewReply(s.trx, acting.tenant.scope, { replyId, state: 'rejected', reviewerId: acting.actorId, note, at: s.now })
        await moveTo(s, acting, 'in_progress', { replied_at: null })
        await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
        await record(s.trx, acting, s.ticket, { action: 'reply_rejected', from: 'reply_review', to: 'in_progress', note, departmentId: reply.department_id, details: { replyId } }, s.now)
        return
      }
      const publicBody = input.publicBody?.trim() || undefined
      await replies.reviewReply(s.trx, acting.tenant.scope, { replyId, state: 'published', reviewerId: acting.actorId, note, publicBody, at: s.now })
      await moveTo(s, acting, 'replied', { published_at: s.now })
      await reschedule(s.trx, acting.tenant.scope, id, { settings: s.settings })
      await record(s.trx, acting, s.ticket, {
        action: 'replied', from: 'reply_review', to: 'replied', note, isPublic: true, departmentId: reply.department_id,
        details: { replyId, isPublicBodyEdited: publicBody !== undefined },
      }, s.now)
    })
  }

  /** The dispatcher closes an answered ticket (办结) without waiting for the citizen's rating. */
  async function closeTicket(acting: TicketActing, id: string, { note = '' }: { note?: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, ['replied'], '只能办结已答复的留言')
      await close(s, acting, note)
    })
  }

  /** The dispatcher sends an answered or closed ticket back to the lead department (回退重办). */
  async function reopenTicket(acting: TicketActing, id: string, { note }: { note: string }) {
    return step(acting, id, async (s) => {
      requireOwningCenter(acting, s.ticket, 'ticket.dispatch')
      requireState(s.ticket, ['replied', 'closed'], '只能回退已答复或已办结的留言')
      if (!s.ticket.lead_department_id) throw stateInvalid(s.ticket.state, '这条留言没有承办部门')
      await reopen(s, acting, note)
    })
  }

  /**
   * The citizen rates the published reply through the lookup code and the phone's last 4 digits.
   * Satisfied or basically satisfied closes the ticket; unsatisfied sends it back to the
   * department while the center's reopen limit allows, and closes it otherwise.
   */
  async function rate({ center, lookupCode, phoneLast4, rating, comment = '', audit }: {
    center: catalogue.CenterRow; lookupCode: string; phoneLast4: string; rating: Rating; comment?: string; audit: AuditContext
  }): Promise<{ state: string; isReopened: boolean }> {
    const scope = tenantScope(center.id)
    const acting: TicketActing = { actorId: null, actorName: '留言人', tenant: { id: center.id, kind: 'center', path: center.path, scope }, audit: { ...audit, tenantId: center.id, actorName: '留言人' } }
    return inScope(db, scope, async (trx) => {
      const ticket = await store.findTicketOfCenter(trx, scope, { centerId: center.id, lookupCode, isForUpdate: true })
      if (!ticket || !isPhoneMatch(ticket, phoneLast4)) throw new AppError('TICKET_LOOKUP_FAILED')
      const s: Step = { trx, ticket, settings: await loadSettings(trx, scope, center.id), now: clock() }
      requireState(ticket, ['replied'], '只能评价已答复的留言')
      const reply = await replies.latestPublished(trx, scope, ticket.id)
      if (!reply || !(await replies.insertRating(trx, scope, { centerId: center.id, ticketId: ticket.id, replyId: reply.id, rating, comment: comment.trim(), at: s.now }))) {
        throw stateInvalid(ticket.state, '这条答复已经评价过')
      }
      await record(trx, acting, ticket, { action: 'rated', from: 'replied', to: 'replied', isPublic: true, details: { rating, replyId: reply.id } }, s.now)
      const isReopened = rating === 'unsatisfied' && ticket.reopen_count < s.settings.reopenLimit
      if (isReopened) await reopen(s, acting, comment.trim())
      else await close(s, acting, '')
      return { state: isReopened ? 'in_progress' : 'closed', isReopened }
    })
  }

  return { submitReply, reviewReply, closeTicket, reopenTicket, rate, close, reopen }
}

export type RepliesService = ReturnType<typeof createRepliesService>
