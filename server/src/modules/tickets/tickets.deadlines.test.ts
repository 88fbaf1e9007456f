import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope, tenantScope } from '../../db/scope.js'
import { dispatchEvents } from '../../kernel/events.js'
import { handlerMap } from '../subscriptions.js'
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../../../test/harness.js'
import { randomPhone } from '../../../test/factories/tickets.js'
import { seedDemo } from '../../seed/demo.js'
import { createCalendarService } from '../calendar/calendar.service.js'
import type { TicketActing } from './tickets.core.js'
import { createDeadlinesService } from './tickets.deadlines.js'
import { createIntakeService } from './tickets.intake.js'
import { createTicketQueries } from './tickets.queries.js'
import { createRepliesService } from './tickets.replies.js'
import { detailView } from './tickets.views.js'
import { createWorkflowService } from './tickets.workflow.js'

/** Statutory clocks on a fixed clock: holidays, 调休 Saturdays, the overdue scan, extensions, calendar changes. */
describe('deadlines', () => {
  let t: TestDatabase
  let now = new Date('2026-09-29T10:00:00+08:00')
  const clock = () => now
  const at = (iso: string) => { now = new Date(iso) }
  let services: ReturnType<typeof build>
  let center: TicketActing & { actorId: string }
  let department: TicketActing & { actorId: string }
  let admin: { actorId: string; audit: TicketActing['audit'] }
  let govId: string

  const build = (db: TestDatabase['db']) => ({
    intake: createIntakeService({ db, clock }), workflow: createWorkflowService({ db, clock }), answers: createRepliesService({ db, clock }),
    deadlines: createDeadlinesService({ db, clock }), queries: createTicketQueries({ db, clock }), calendar: createCalendarService({ db }),
  })
  const audit = (actorId: string) => ({ actorId, actorName: 'test', tenantId: null, ip: null, requestId: null })

  beforeAll(async () => {
    t = await createTestDatabase()
    await seedDemo(t.db, { password: DEMO_PASSWORD })
    services = build(t.db)
    const rows = await inScope(t.db, systemScope, async (trx) => ({
      tenants: await trx.selectFrom('tenants').select(['id', 'slug', 'path']).execute(),
      users: await trx.selectFrom('users').select(['id', 'username']).execute(),
    }))
    const tenant = (slug: string) => rows.tenants.find((x) => x.slug === slug)!
    const user = (name: string) => rows.users.find((u) => u.username === name)!.id
    govId = tenant('district-a-gov').id
    center = { actorId: user('district-a.dispatcher'), actorName: '分办员', tenant: { id: tenant('district-a').id, kind: 'center', path: tenant('district-a').path, scope: tenantScope(tenant('district-a').id) }, audit: audit(user('district-a.dispatcher')) }
    department = { actorId: user('district-a.handler'), actorName: '办理员', tenant: { id: govId, kind: 'unit', path: tenant('district-a-gov').path, scope: tenantScope(govId) }, audit: audit(user('district-a.handler')) }
    admin = { actorId: user('admin'), audit: audit(user('admin')) }
  })
  afterAll(async () => { await t.drop() })

  async function submitAt(iso: string, kind: 'consultation' | 'complaint' | 'help') {
    at(iso)
    const c = await services.intake.resolveCenter('district-a')
    const result = await services.intake.submit({
      center: c, channel: 'web', audit: audit(center.actorId), actorName: '留言人',
      input: { kind, category: 'road', title: '道路问题反映', text: `东湖路路面破损，请尽快维修。${Math.random()}`, name: '李四', phone: randomPhone(), consent: true },
    })
    return result.id
  }
  const view = async (id: string) => detailView(await services.queries.get(center, id), now)
  const alerts = (id: string) => inScope(t.db, systemScope, async (trx) => (await trx.selectFrom('ticket_alerts').select(['clock', 'stage']).where('ticket_id', '=', id).execute()).map((a) => `${a.clock}/${a.stage}`).sort())
  let consultation: string
  let complaint: string

  it('counts working days from the day after submission, across the National Day holiday and its 调休 Saturday', async () => {
    consultation = await submitAt('2026-09-29T10:00:00+08:00', 'consultation')
    expect((await view(consultation)).deadlines).toEqual({ signFor: '2026-09-30T23:59:59+08:00', firstResponse: '2026-09-30T23:59:59+08:00', final: '2026-10-09T23:59:59+08:00' })
    complaint = await submitAt('2026-09-29T10:00:00+08:00', 'complaint')
    expect((await view(complaint)).deadlines).toEqual({ signFor: '2026-09-30T23:59:59+08:00', firstResponse: '2026-10-08T23:59:59+08:00', final: '2026-10-22T23:59:59+08:00' })
    // A Friday: the make-up Saturday 10-10 is working day 1.
    const friday = await submitAt('2026-10-09T15:00:00+08:00', 'consultation')
    expect((await view(friday)).deadlines).toMatchObject({ firstResponse: '2026-10-10T23:59:59+08:00', final: '2026-10-13T23:59:59+08:00' })
    // Urgent, submitted on a holiday: "same day" is the first working day.
    const urgent = await submitAt('2026-10-03T09:00:00+08:00', 'help')
    await services.workflow.accept(center, urgent, { isUrgent: true })
    expect((await view(urgent)).deadlines).toEqual({ signFor: '2026-10-08T23:59:59+08:00', firstResponse: '2026-10-08T23:59:59+08:00', final: '2026-10-08T23:59:59+08:00' })
    // Routing gives the department its sign-for day from the routing date on.
    at('2026-10-08T09:00:00+08:00')
    await services.workflow.route(center, friday, { leadDepartmentId: govId })
    expect((await view(friday)).deadlines.signFor).toBe('2026-10-09T23:59:59+08:00')
  })

  it('raises each reminder, 催办 and escalation once, at its time, and plans the next look', async () => {
    at('2026-09-29T11:00:00+08:00')
    await services.workflow.route(center, consultation, { leadDepartmentId: govId })
    at('2026-10-01T09:00:00+08:00')
    await services.deadlines.scan({ now })
    expect(await alerts(consultation)).toEqual(['first_response/overdue', 'sign_for/overdue'])
    await services.deadlines.scan({ now })
    expect(await alerts(consultation)).toEqual(['first_response/overdue', 'sign_for/overdue'])
    const planned = await inScope(t.db, systemScope, (trx) => trx.selectFrom('tickets').select('next_check_at').where('id', '=', consultation).executeTakeFirstOrThrow())
    expect(planned.next_check_at!.toISOString()).toBe(new Date('2026-10-08T23:59:59+08:00').toISOString())
    expect((await view(consultation)).overdue).toEqual({ signFor: true, firstResponse: true, final: false })

    await services.deadlines.scan({ now: new Date('2026-10-09T08:00:00+08:00') })
    expect(await alerts(consultation)).toContain('final/reminder')
    await services.deadlines.scan({ now: new Date('2026-10-10T08:00:00+08:00') })
    expect(await alerts(consultation)).toContain('final/overdue')
    await services.deadlines.scan({ now: new Date('2026-10-15T20:00:00+08:00') })
    expect(await alerts(consultation)).not.toContain('final/escalated')
    await services.deadlines.scan({ now: new Date('2026-10-16T08:00:00+08:00') })
    expect(await alerts(consultation)).toEqual(['final/escalated', 'final/overdue', 'final/reminder', 'first_response/overdue', 'sign_for/overdue'])
    const done = await inScope(t.db, systemScope, async (trx) => ({
      next: (await trx.selectFrom('tickets').select('next_check_at').where('id', '=', consultation).executeTakeFirstOrThrow()).next_check_at,
      events: (await trx.selectFrom('outbox_events').select(['type', 'payload']).where('type', 'in', ['ticket.reminder', 'ticket.overdue', 'ticket.escalated']).execute())
        .filter((e) => (e.payload as { ticketId: string }).ticketId === consultation).map((e) => `${e.type}:${(e.payload as { clock: string }).clock}`).sort(),
    }))
    expect(done.next).toBeNull()
    expect(done.events).toEqual(['ticket.escalated:final', 'ticket.overdue:final', 'ticket.overdue:first_response', 'ticket.overdue:sign_for', 'ticket.reminder:final'])
    expect((await view(consultation)).timeline.filter((e) => e.action === 'overdue').map((e) => e.note)).toContain('答复已超期，系统催办')
  })

  it('approves extensions only before the deadline, adding working days to the final clock', async () => {
    at('2026-09-29T12:00:00+08:00')
    await services.workflow.route(center, complaint, { leadDepartmentId: govId })
    await services.workflow.signFor(department, complaint)
    at('2026-10-12T10:00:00+08:00')
    const extension = await services.deadlines.requestExtension(department, complaint, { days: 5, reason: '需要协调供电公司' })
    await expect(services.deadlines.requestExtension(department, complaint, { days: 2, reason: '再延' })).rejects.toMatchObject({ code: 'CONFLICT' })
    at('2026-10-13T10:00:00+08:00')
    await services.deadlines.decideExtension(center, complaint, extension, { decision: 'approve' })
    const extended = await view(complaint)
    expect(extended.deadlines.final).toBe('2026-10-29T23:59:59+08:00')
    expect(extended.extensionDays).toBe(5)
    expect(extended.timeline.at(-1)).toMatchObject({ action: 'extension_approved', isPublic: true })

    const late = await submitAt('2026-09-29T10:00:00+08:00', 'consultation')
    await services.workflow.route(center, late, { leadDepartmentId: govId })
    await services.workflow.signFor(department, late)
    at('2026-10-09T20:00:00+08:00')
    const pending = await services.deadlines.requestExtension(department, late, { days: 3, reason: '材料未齐' })
    at('2026-10-10T09:00:00+08:00')
    await expect(services.deadlines.decideExtension(center, late, pending, { decision: 'approve' })).rejects.toMatchObject({ code: 'TICKET_DEADLINE_PASSED' })
    await services.deadlines.decideExtension(center, late, pending, { decision: 'deny', note: '已超期' })
    await expect(services.deadlines.requestExtension(department, late, { days: 3, reason: '再申请' })).rejects.toMatchObject({ code: 'TICKET_DEADLINE_PASSED' })
  })

  it('closes an answered ticket nobody rated after the configured working days', async () => {
    const id = await submitAt('2026-10-09T15:00:00+08:00', 'consultation')
    await services.workflow.route(center, id, { leadDepartmentId: govId })
    await services.workflow.signFor(department, id)
    at('2026-10-12T10:00:00+08:00')
    const replyId = await services.answers.submitReply(department, id, { body: '已修复。' })
    await services.answers.reviewReply(center, id, replyId, { decision: 'approve' })
    await services.deadlines.scan({ now: new Date('2026-10-21T20:00:00+08:00') })
    expect((await view(id)).state).toBe('replied')
    await services.deadlines.scan({ now: new Date('2026-10-22T08:00:00+08:00') })
    const closed = await view(id)
    expect(closed.state).toBe('closed')
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'auto_closed', actorName: '系统' })
  })

  it('recomputes open deadlines when the calendar changes (calendar.changed)', async () => {
    const open = await submitAt('2026-09-29T10:00:00+08:00', 'complaint')
    expect((await view(open)).deadlines.final).toBe('2026-10-22T23:59:59+08:00')
    const deliverAll = async () => { while ((await dispatchEvents(t.db, handlerMap(), { batchSize: 500 })) > 0) { /* drain the outbox */ } }
    await deliverAll()
    await services.calendar.setDay(admin, { day: '2026-10-15', isWorkday: false, name: '地方性假日' })
    await deliverAll()
    const moved = await view(open)
    expect(moved.deadlines.final).toBe('2026-10-23T23:59:59+08:00')
    expect(moved.timeline.at(-1)).toMatchObject({ action: 'deadlines_recomputed', isPublic: true, details: { final: { from: '2026-10-22T23:59:59+08:00', to: '2026-10-23T23:59:59+08:00' } } })
    await services.calendar.removeDay(admin, { day: '2026-10-15' })
    await deliverAll()
    expect((await view(open)).deadlines.final).toBe('2026-10-22T23:59:59+08:00')
  })
})
