import { toShanghaiIso } from '../calendar/calendar.js'
import type * as catalogue from './catalogue.store.js'
import { overdueClocks } from './tickets.clocks.js'
import { maskPersonalData, publicCitizenName } from './tickets.mask.js'
import { kindNames, stateNames } from './tickets.model.js'
import type { TicketDetail } from './tickets.queries.js'
import type * as replies from './replies.store.js'
import type * as store from './tickets.store.js'

/** Shaping tickets for the staff API, the citizen's lookup and the public list. */

const iso = (d: Date | string) => toShanghaiIso(new Date(d))
const isoOrNull = (d: Date | string | null) => (d ? iso(d) : null)
const ref = (id: string | null, names: Map<string, string>) => (id ? { id, name: names.get(id) ?? '' } : null)

export function deadlinesView(t: store.TicketRow) {
  return { signFor: iso(t.sign_for_due_at), firstResponse: iso(t.first_response_due_at), final: iso(t.final_due_at) }
}

export function listItemView(t: store.TicketRow, services: Map<string, { code: string; name: string }>, names: Map<string, string>, now = new Date()) {
  const service = services.get(t.service_id)
  return {
    id: t.id, number: t.number, kind: t.kind, kindName: kindNames[t.kind], isUrgent: t.is_urgent,
    service: { code: service?.code ?? '', name: service?.name ?? '' }, title: t.title, citizenName: t.citizen_name,
    state: t.state, stateName: stateNames[t.state], leadDepartment: ref(t.lead_department_id, names),
    deadlines: deadlinesView(t), overdue: overdueClocks(t, now), createdAt: iso(t.created_at),
  }
}

function replyView(r: replies.ReplyRow, d: TicketDetail) {
  return {
    id: r.id, department: { id: r.department_id, name: d.names.get(r.department_id) ?? '' }, round: r.round, body: r.body, publicBody: r.public_body,
    state: r.state, authorName: r.author_name, createdAt: iso(r.created_at), reviewedAt: isoOrNull(r.reviewed_at), reviewNote: r.review_note,
    publishedAt: isoOrNull(r.published_at), templateId: r.template_id,
    faqEntries: r.faq_entry_ids.filter((id) => d.faq.has(id)).map((id) => ({ id, question: d.faq.get(id)!.question })),
  }
}

/** The staff detail (`GET /tickets/{id}`): state, deadlines (+08:00), timeline and everything else. */
export function detailView(d: TicketDetail, now = new Date()) {
  const t = d.ticket
  return {
    id: t.id, number: t.number, lookupCode: t.lookup_code, channel: t.channel, kind: t.kind, kindName: kindNames[t.kind],
    isUrgent: t.is_urgent, isPublic: t.is_public,
    service: { id: t.service_id, code: d.service?.code ?? '', name: d.service?.name ?? '' },
    title: t.title, body: t.body, address: t.address, lat: t.lat, long: t.long,
    citizen: { name: t.citizen_name, phone: t.citizen_phone, isNamePublic: t.is_name_public, email: t.citizen_email },
    state: t.state, stateName: stateNames[t.state], stateNote: t.state_note,
    leadDepartment: ref(t.lead_department_id, d.names), suggestedDepartment: ref(t.suggested_department_id, d.names),
    assignments: d.assignments.map((a) => ({
      id: a.id, department: { id: a.department_id, name: a.department_name }, role: a.role, assignedAt: iso(a.assigned_at),
      signedForAt: isoOrNull(a.signed_for_at), endedAt: isoOrNull(a.ended_at), endReason: a.end_reason, endNote: a.end_note,
    })),
    deadlines: deadlinesView(t),
    met: { signedForAt: isoOrNull(t.signed_for_at), firstResponseAt: isoOrNull(t.first_response_at), repliedAt: isoOrNull(t.replied_at), publishedAt: isoOrNull(t.published_at), closedAt: isoOrNull(t.closed_at) },
    overdue: overdueClocks(t, now), extensionDays: t.extension_days, reopenCount: t.reopen_count, mergedInto: d.mergedInto,
    replies: d.replies.map((r) => replyView(r, d)),
    extensions: d.extensions.map((e) => ({
      id: e.id, department: { id: e.department_id, name: d.names.get(e.department_id) ?? '' }, days: e.days, reason: e.reason, state: e.state,
      requestedAt: iso(e.requested_at), decidedAt: isoOrNull(e.decided_at), decisionNote: e.decision_note,
    })),
    ratings: d.ratings.map((r) => ({ replyId: r.reply_id, rating: r.rating, comment: r.comment, createdAt: iso(r.created_at) })),
    attachments: d.attachments.map((a) => ({ assetId: a.asset_id, replyId: a.reply_id, isPublic: a.is_public })),
    timeline: d.timeline.map((e) => ({
      id: String(e.id), at: iso(e.at), action: e.action, fromState: e.from_state, toState: e.to_state, actorName: e.actor_name,
      department: e.department_id ? { id: e.department_id, name: e.department_name ?? '' } : null, note: e.note, isPublic: e.is_public,
      details: (e.details ?? {}) as Record<string, unknown>,
    })),
    createdAt: iso(t.created_at), updatedAt: iso(t.updated_at),
  }
}

/** What a public timeline entry says to the citizen. */
function publicLabel(e: store.TimelineRow): string {
  const details = (e.details ?? {}) as Record<string, unknown>
  switch (e.action) {
    case 'submitted': return '留言已提交'
    case 'accepted': return '已受理'
    case 'rejected': return '不予受理'
    case 'routed': case 'rerouted': return `已转交${e.department_name ?? '承办部门'}办理`
    case 'signed_for': return '承办部门已签收'
    case 'progress': return '正在办理'
    case 'replied': return '已答复'
    case 'rated': return '已评价'
    case 'reopened': return '已回退承办部门重新办理'
    case 'closed': case 'auto_closed': return '已办结'
    case 'merged': return `已并入第 ${String(details.intoNumber ?? '')} 号留言一并办理`
    case 'extension_approved': return `办理期限延长至 ${String(details.finalDue ?? '').slice(0, 10)}`
    case 'deadlines_recomputed': return '因节假日安排调整，办理期限已更新'
    default: return stateNames[(e.to_state ?? 'submitted') as keyof typeof stateNames] ?? e.action
  }
}

function publicNote(e: store.TimelineRow): string {
  const details = (e.details ?? {}) as Record<string, unknown>
  if (e.action === 'rejected' || e.action === 'merged' || (e.action === 'progress' && details.isNotePublic === true)) return e.note
  return ''
}

/** The citizen's own view through the lookup code: their text as written, the public reply, the steps. */
export function lookupView(r: { detail: TicketDetail; targetReply?: replies.ReplyRow; targetNames: Map<string, string> }) {
  const { detail: d } = r
  const t = d.ticket
  const published = [...d.replies].reverse().find((x) => x.state === 'published')
  const reply = published ?? r.targetReply
  const names = published ? d.names : r.targetNames
  const rating = published ? d.ratings.find((x) => x.reply_id === published.id) : undefined
  return {
    number: t.number, kind: t.kind, kindName: kindNames[t.kind], category: { code: d.service?.code ?? '', name: d.service?.name ?? '' },
    title: t.title, text: t.body, address: t.address, state: t.state, stateName: stateNames[t.state], createdAt: iso(t.created_at),
    expectedReplyBy: iso(t.final_due_at), department: t.lead_department_id ? d.names.get(t.lead_department_id) ?? null : null,
    timeline: d.timeline.map((e) => ({ at: iso(e.at), action: e.action, label: publicLabel(e), note: publicNote(e) })),
    reply: reply?.published_at ? {
      body: reply.public_body, publishedAt: iso(reply.published_at), department: names.get(reply.department_id) ?? '',
      faqEntries: reply.faq_entry_ids.filter((id) => d.faq.has(id)).map((id) => ({ id, question: d.faq.get(id)!.question })),
    } : null,
    rating: rating ? { rating: rating.rating, comment: rating.comment, createdAt: iso(rating.created_at) } : null,
    canRate: t.state === 'replied' && Boolean(published) && !rating,
    mergedInto: d.mergedInto ? { number: d.mergedInto.number } : null,
  }
}

/** One answered ticket on the public list: the citizen's words and the reply, both masked. */
export function publicItemView(t: store.TicketRow, services: Map<string, { code: string; name: string }>, reply: { public_body: string; published_at: Date | null; department_id: string } | undefined, names: Map<string, string>) {
  const service = services.get(t.service_id)
  const people = t.citizen_name ? [t.citizen_name] : []
  return {
    number: t.number, kind: t.kind, kindName: kindNames[t.kind], category: { code: service?.code ?? '', name: service?.name ?? '' },
    title: maskPersonalData(t.title, { names: people }), text: maskPersonalData(t.body, { names: people }),
    citizenName: publicCitizenName(t.citizen_name, t.is_name_public), createdAt: iso(t.created_at), state: t.state, stateName: stateNames[t.state],
    reply: reply?.published_at ? { body: reply.public_body, publishedAt: iso(reply.published_at), department: names.get(reply.department_id) ?? '' } : null,
  }
}

export function serviceView(s: catalogue.ServiceRow) {
  return {
    id: s.id, code: s.code, name: s.name, description: s.description, group: s.group_name, keywords: s.keywords, defaultKind: s.default_kind,
    notice: s.notice, attributes: s.attributes, open311Type: s.open311_type, sortOrder: s.sort_order, isActive: s.is_active, updatedAt: iso(s.updated_at),
  }
}

export function ruleView(r: catalogue.RuleRow) {
  return {
    id: r.id, service: { id: r.service_id, code: r.service_code, name: r.service_name }, placeKeyword: r.place_keyword,
    department: { id: r.department_id, name: r.department_name }, priority: r.priority, isActive: r.is_active, updatedAt: iso(r.updated_at),
  }
}

export function templateView(t: catalogue.TemplateRow) {
  return { id: t.id, name: t.name, body: t.body, isActive: t.is_active, updatedAt: iso(t.updated_at) }
}
