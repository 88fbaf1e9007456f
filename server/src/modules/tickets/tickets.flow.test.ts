import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { submit, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'

/**
 * The life of a message through the front door: intake → route → sign for → reply → review →
 * publish masked → rate, with the department's visibility, the timeline, audit and events.
 */
describe('ticket flow', () => {
  let t: TestApp
  let ids: Record<string, string>
  let dispatcher: Client
  let handler: Client
  let eduHandler: Client
  let otherCenter: Client

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000 } })
    ids = await tenantIds(t.db)
    // A handler for the education department, to act as co-department.
    await grantRole(t.db, { username: 'district-a.proofreader', role: 'department_handler', tenant: 'district-a-edu' })
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    handler = await signIn(t.app, 'district-a.handler')
    eduHandler = await signIn(t.app, 'district-a.proofreader', { tenant: 'district-a-edu' })
    otherCenter = await signIn(t.app, 'district-b.dispatcher')
  })
  afterAll(async () => { await t.close() })

  it('goes from submission to a masked public reply and a rating', async () => {
    const sub = await submit(t.app, 'district-a', { name: '张三', phone: '13812345678', text: '东湖路12号井盖丢失，我是张三，电话13812345678，夜里很危险。' })
    expect(sub.statusCode).toBe(201)
    const { number, lookupCode, expectedReplyBy } = sub.json()
    expect(lookupCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/)
    expect(expectedReplyBy).toMatch(/T23:59:59\+08:00$/)

    const inbox = await dispatcher.get('/api/v1/tickets?state=submitted&state=accepted&state=returned')
    expect(inbox.json().items.map((i: { number: string }) => i.number)).toContain(number)
    const id = await ticketIdOf(dispatcher, number)
    let detail = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
    expect(detail).toMatchObject({ state: 'submitted', kind: 'complaint', suggestedDepartment: { id: ids['district-a-gov'] }, citizen: { name: '张三', phone: '13812345678' } })
    for (const clock of ['signFor', 'firstResponse', 'final']) expect(detail.deadlines[clock]).toMatch(/^\d{4}-\d{2}-\d{2}T23:59:59\+08:00$/)
    expect(detail.deadlines.final).toBe(expectedReplyBy)

    expect((await dispatcher.post(`/api/v1/tickets/${id}/accept`, { note: '内容属实，受理' })).json().state).toBe('accepted')
    const routed = await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'], coDepartmentIds: [ids['district-a-edu']] })
    expect(routed.statusCode).toBe(200)
    expect(routed.json()).toMatchObject({ state: 'routed', leadDepartment: { id: ids['district-a-gov'] } })
    expect(routed.json().assignments.map((a: { role: string }) => a.role).sort()).toEqual(['co', 'lead'])

    // Each department sees the ticket on its workbench; the other center does not see it at all.
    expect((await handler.get('/api/v1/tickets')).json().items.map((i: { id: string }) => i.id)).toContain(id)
    expect((await eduHandler.get(`/api/v1/tickets/${id}`)).statusCode).toBe(200)
    expect((await otherCenter.get(`/api/v1/tickets/${id}`)).statusCode).toBe(404)

    expect((await handler.post(`/api/v1/tickets/${id}/sign-for`)).json().state).toBe('signed_for')
    expect((await eduHandler.post(`/api/v1/tickets/${id}/sign-for`)).json().state).toBe('signed_for')
    expect((await eduHandler.post(`/api/v1/tickets/${id}/progress`, { note: '协办意见：周边学校已提醒学生绕行' })).statusCode).toBe(200)
    detail = (await handler.post(`/api/v1/tickets/${id}/progress`, { note: '已派人现场查看', isPublic: true })).json()
    expect(detail.state).toBe('in_progress')
    expect(detail.met.firstResponseAt).not.toBeNull()

    const faq = (await handler.get(`/api/v1/faq?q=${encodeURIComponent('井盖丢失')}`)).json().items[0]
    const template = (await handler.get('/api/v1/tickets/reply-templates')).json().items[0]
    const replied = await handler.post(`/api/v1/tickets/${id}/replies`, {
      body: '张三您好：您反映的东湖路12号井盖问题，我办已于今日补装。如有疑问请致电13812345678以外的办公电话。', faqEntryIds: [faq.id], templateId: template.id,
    })
    expect(replied.statusCode).toBe(201)
    expect(replied.json().state).toBe('reply_review')
    const reply = replied.json().replies[0]
    expect(reply.body).toContain('张三')
    expect(reply.publicBody).toContain('张某您好')
    expect(reply.publicBody).not.toMatch(/张三|13812345678/)
    expect(reply.faqEntries).toEqual([{ id: faq.id, question: faq.question }])

    // Nothing is public before review; the department cannot review.
    const lookup = () => t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/lookup', payload: { lookupCode, phoneLast4: '5678' } })
    expect((await lookup()).json()).toMatchObject({ state: 'reply_review', reply: null, canRate: false })
    expect((await handler.post(`/api/v1/tickets/${id}/replies/${reply.id}/review`, { decision: 'approve' })).statusCode).toBe(403)
    const approved = await dispatcher.post(`/api/v1/tickets/${id}/replies/${reply.id}/review`, { decision: 'approve', note: '同意发布' })
    expect(approved.json()).toMatchObject({ state: 'replied' })

    const seen = (await lookup()).json()
    expect(seen).toMatchObject({ number, state: 'replied', canRate: true, department: '东湖区人民政府办公室', reply: { body: reply.publicBody } })
    expect(seen.timeline.map((e: { label: string }) => e.label)).toEqual(['留言已提交', '已受理', '已转交东湖区人民政府办公室办理', '承办部门已签收', '正在办理', '已答复'])
    expect(seen.timeline.find((e: { action: string }) => e.action === 'progress').note).toBe('已派人现场查看')
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/public/district-a/tickets?q=井盖' })).json().items
    const item = list.find((i: { number: string }) => i.number === number)
    expect(item).toMatchObject({ citizenName: '张某', reply: { body: reply.publicBody } })
    expect(JSON.stringify(item)).not.toMatch(/张三|13812345678/)

    const rated = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/rating', payload: { lookupCode, phoneLast4: '5678', rating: 'satisfied', comment: '处理很快' } })
    expect(rated.json()).toEqual({ state: 'closed', isReopened: false })
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/rating', payload: { lookupCode, phoneLast4: '5678', rating: 'satisfied' } })
    expect(again.statusCode).toBe(409)

    detail = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual([
      'submitted', 'accepted', 'routed', 'signed_for', 'signed_for', 'co_opinion', 'progress', 'reply_submitted', 'replied', 'rated', 'closed',
    ])
    expect(detail.ratings).toEqual([expect.objectContaining({ rating: 'satisfied', comment: '处理很快' })])
    const { audit, eventTypes } = await inScope(t.db, systemScope, async (trx) => ({
      audit: (await trx.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('seq').execute()).map((r) => r.action),
      eventTypes: (await trx.selectFrom('outbox_events').select(['type', 'payload']).where('type', 'like', 'ticket.%').orderBy('id').execute())
        .filter((e) => (e.payload as { ticketId?: string }).ticketId === id).map((e) => e.type),
    }))
    // Every transition: one timeline entry, one audit entry, one event.
    expect(audit).toEqual(detail.timeline.map((e: { action: string }) => `ticket.${e.action}`))
    expect(eventTypes).toEqual(audit)
  })

  it('lets a department return a ticket (退单) and the dispatcher route it anew (改派); visibility follows the assignment', async () => {
    const { number } = (await submit(t.app, 'district-a', { category: 'education', kind: 'consultation', title: '小学入学咨询', text: '请问孩子明年上小学一年级需要准备哪些材料？' })).json()
    const id = await ticketIdOf(dispatcher, number)
    expect((await dispatcher.get(`/api/v1/tickets/${id}`)).json().suggestedDepartment.id).toBe(ids['district-a-edu'])
    await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'] })
    expect((await eduHandler.get(`/api/v1/tickets/${id}`)).statusCode).toBe(404)
    expect((await handler.post(`/api/v1/tickets/${id}/return`, { reason: '属于教育局职责' })).json().state).toBe('returned')
    expect((await handler.get(`/api/v1/tickets/${id}`)).statusCode).toBe(404)
    const back = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
    expect(back).toMatchObject({ state: 'returned', stateNote: '属于教育局职责', leadDepartment: null })
    expect(back.assignments.map((a: { endReason: string }) => a.endReason)).toEqual(['returned'])

    await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-edu'] })
    expect((await eduHandler.post(`/api/v1/tickets/${id}/sign-for`)).json().state).toBe('signed_for')
    // 改派 while the department holds it: the new lead must sign again, the old one loses sight of it.
    const moved = (await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'], note: '改由区政府办牵头' })).json()
    expect(moved.state).toBe('routed')
    expect(moved.timeline.at(-1)).toMatchObject({ action: 'rerouted', fromState: 'signed_for', toState: 'routed' })
    expect((await eduHandler.get(`/api/v1/tickets/${id}`)).statusCode).toBe(404)
    expect((await handler.get(`/api/v1/tickets/${id}`)).statusCode).toBe(200)
  })

  it('reopens once on an unsatisfied rating (回退重办), then closes on the second', async () => {
    const sub = (await submit(t.app, 'district-a', { phone: '13700001234' })).json()
    const id = await ticketIdOf(dispatcher, sub.number)
    await dispatcher.put('/api/v1/tickets/settings', { isReplyReviewRequired: false })
    try {
      const answer = async () => {
        await handler.post(`/api/v1/tickets/${id}/sign-for`)
        return handler.post(`/api/v1/tickets/${id}/replies`, { body: '已安排维修。' })
      }
      await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'] })
      expect((await answer()).json().state).toBe('replied')
      const rate = (rating: string) => t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/rating', payload: { lookupCode: sub.lookupCode, phoneLast4: '1234', rating, comment: '没有修好' } })
      expect((await rate('unsatisfied')).json()).toEqual({ state: 'in_progress', isReopened: true })
      const reopened = (await dispatcher.get(`/api/v1/tickets/${id}`)).json()
      expect(reopened).toMatchObject({ state: 'in_progress', reopenCount: 1, met: { repliedAt: null, firstResponseAt: null } })
      expect((await handler.post(`/api/v1/tickets/${id}/replies`, { body: '已再次维修并验收。' })).json().state).toBe('replied')
      expect((await rate('unsatisfied')).json()).toEqual({ state: 'closed', isReopened: false })
    } finally {
      await dispatcher.put('/api/v1/tickets/settings', { isReplyReviewRequired: true })
    }
  })

  it('merges a duplicate into another ticket (并单) and suggests duplicates by phone and words', async () => {
    const phone = '13600009999'
    const first = (await submit(t.app, 'district-a', { phone, title: '青石路路灯不亮', text: '青石路与东湖路交叉口的路灯连续一周不亮，晚上很黑。' })).json()
    const second = (await submit(t.app, 'district-a', { phone: '13600001357', title: '路口路灯坏了', text: '青石路和东湖路交叉口路灯一周都不亮了，晚上很黑很危险。' })).json()
    const firstId = await ticketIdOf(dispatcher, first.number)
    const secondId = await ticketIdOf(dispatcher, second.number)
    const suggestions = (await dispatcher.get(`/api/v1/tickets/${secondId}/duplicates`)).json().items
    expect(suggestions.find((s: { id: string }) => s.id === firstId)).toMatchObject({ isSamePhone: false })
    expect(suggestions.find((s: { id: string }) => s.id === firstId).similarity).toBeGreaterThanOrEqual(0.5)
    const merged = (await dispatcher.post(`/api/v1/tickets/${secondId}/merge`, { intoId: firstId, note: '同一路灯' })).json()
    expect(merged).toMatchObject({ state: 'merged', mergedInto: { id: firstId, number: first.number } })
    const lookup = (await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/lookup', payload: { lookupCode: second.lookupCode, phoneLast4: '1357' } })).json()
    expect(lookup).toMatchObject({ state: 'merged', mergedInto: { number: first.number } })
    expect((await dispatcher.post(`/api/v1/tickets/${secondId}/merge`, { intoId: firstId })).statusCode).toBe(409)
  })

  it('refuses what the rules forbid', async () => {
    const { number, lookupCode } = (await submit(t.app, 'district-a', { phone: '13500002468' })).json()
    const id = await ticketIdOf(dispatcher, number)
    const expectProblem = async (res: Promise<{ statusCode: number; json(): { code: string; errors?: Array<{ field: string }> } }>, status: number, code: string, field?: string) => {
      const r = await res
      expect(r.statusCode, JSON.stringify(r.json())).toBe(status)
      expect(r.json().code).toBe(code)
      if (field) expect(r.json().errors?.[0].field).toBe(field)
    }
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/reject`, {}), 400, 'VALIDATION_FAILED', 'reason')
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-b-gov'] }), 400, 'VALIDATION_FAILED', 'leadDepartmentId')
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/merge`, { intoId: id }), 400, 'VALIDATION_FAILED', 'intoId')
    await expectProblem(handler.post(`/api/v1/tickets/${id}/sign-for`), 404, 'TICKET_NOT_FOUND')
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/sign-for`), 403, 'FORBIDDEN')
    await expectProblem(otherCenter.post(`/api/v1/tickets/${id}/accept`, {}), 404, 'TICKET_NOT_FOUND')
    await expectProblem(t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/rating', payload: { lookupCode, phoneLast4: '2468', rating: 'satisfied' } }), 409, 'TICKET_STATE_INVALID')
    await expectProblem(t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/lookup', payload: { lookupCode, phoneLast4: '0000' } }), 404, 'TICKET_LOOKUP_FAILED')
    await expectProblem(t.app.inject({ method: 'POST', url: '/api/v1/public/district-b/tickets/lookup', payload: { lookupCode, phoneLast4: '2468' } }), 404, 'TICKET_LOOKUP_FAILED')
    await expectProblem(t.app.inject({ method: 'POST', url: '/api/v1/public/nowhere/tickets/lookup', payload: { lookupCode, phoneLast4: '2468' } }), 404, 'TENANT_NOT_FOUND')

    await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-gov'], coDepartmentIds: [ids['district-a-edu']] })
    await expectProblem(handler.post(`/api/v1/tickets/${id}/replies`, { body: '答复' }), 409, 'TICKET_STATE_INVALID')
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/accept`, {}), 409, 'TICKET_STATE_INVALID')
    await handler.post(`/api/v1/tickets/${id}/sign-for`)
    await expectProblem(handler.post(`/api/v1/tickets/${id}/sign-for`), 409, 'TICKET_STATE_INVALID')
    await eduHandler.post(`/api/v1/tickets/${id}/sign-for`)
    await expectProblem(eduHandler.post(`/api/v1/tickets/${id}/replies`, { body: '协办部门不能答复' }), 403, 'FORBIDDEN')
    await expectProblem(eduHandler.post(`/api/v1/tickets/${id}/return`, { reason: '不是我们' }), 403, 'FORBIDDEN')
    await expectProblem(handler.post(`/api/v1/tickets/${id}/replies`, { body: '答复', faqEntryIds: ['00000000-0000-4000-8000-000000000000'] }), 400, 'VALIDATION_FAILED', 'faqEntryIds')
    const replyId = (await handler.post(`/api/v1/tickets/${id}/replies`, { body: '已处理。' })).json().replies[0].id
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/replies/${replyId}/review`, { decision: 'reject' }), 400, 'VALIDATION_FAILED', 'note')
    const back = (await dispatcher.post(`/api/v1/tickets/${id}/replies/${replyId}/review`, { decision: 'reject', note: '答复过于简单，请补充处理结果' })).json()
    expect(back).toMatchObject({ state: 'in_progress', met: { repliedAt: null } })
    expect(back.replies[0]).toMatchObject({ state: 'rejected', reviewNote: '答复过于简单，请补充处理结果' })
    await expectProblem(dispatcher.post(`/api/v1/tickets/${id}/replies/${replyId}/review`, { decision: 'approve' }), 409, 'TICKET_STATE_INVALID')
  })

  it('keeps a department to its assigned tickets under row-level security, even without the store', async () => {
    const { number } = (await submit(t.app, 'district-a')).json()
    const id = await ticketIdOf(dispatcher, number)
    const visible = (tenant: string) => inScope(t.db, { kind: 'tenant', tenantId: ids[tenant], tenantIds: [ids[tenant]] }, async (trx) =>
      (await trx.selectFrom('tickets').select('id').execute()).map((r) => r.id))
    expect(await visible('district-a-health')).not.toContain(id)
    expect(await visible('district-a')).toContain(id)
    expect(await visible('district-b')).not.toContain(id)
    await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids['district-a-health'] })
    expect(await visible('district-a-health')).toContain(id)
    expect(await visible('district-a-gov')).not.toContain(id)
  })
})
