import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inScope, systemScope } from '../../db/scope.js'
import { grantRole, tenantIds } from '../../../test/factories/tenancy.js'
import { randomPhone, submit, ticketIdOf } from '../../../test/factories/tickets.js'
import { buildTestApp, signIn, type Client, type TestApp } from '../../../test/harness.js'

/**
 * KPIs on a constructed set of tickets in September 2026 (中秋 9-25…27, 国庆 10-1…7, 调休 Sunday
 * 9-20 and Saturday 10-10): each ticket goes through the real flow, then its times are set to the
 * constructed ones so that every figure below is known exactly.
 */
describe('ticket KPIs', () => {
  let t: TestApp
  let ids: Record<string, string>
  let dispatcher: Client
  let govHandler: Client
  let eduHandler: Client
  const tk: Record<string, string> = {}

  const at = (s: string) => new Date(s)

  /** Runs a ticket to `until` through the API; returns its id. */
  async function make(name: string, { dept, until }: { dept: 'gov' | 'edu' | null; until: 'accepted' | 'routed' | 'signed' | 'replied' | 'satisfied' | 'basically' | 'unsatisfied' | 'rejected' }) {
    const phone = randomPhone()
    const sub = await submit(t.app, 'district-a', { phone, text: `KPI 测试留言 ${name}：东湖路井盖缺失，夜间通行危险，请尽快处理。` })
    expect(sub.statusCode).toBe(201)
    const { number, lookupCode } = sub.json()
    const id = await ticketIdOf(dispatcher, number)
    tk[name] = id
    if (until === 'rejected') {
      expect((await dispatcher.post(`/api/v1/tickets/${id}/reject`, { reason: '重复反映' })).statusCode).toBe(200)
      return id
    }
    expect((await dispatcher.post(`/api/v1/tickets/${id}/accept`, {})).statusCode).toBe(200)
    if (until === 'accepted' || !dept) return id
    expect((await dispatcher.post(`/api/v1/tickets/${id}/route`, { leadDepartmentId: ids[`district-a-${dept}`] })).statusCode).toBe(200)
    if (until === 'routed') return id
    const handler = dept === 'gov' ? govHandler : eduHandler
    expect((await handler.post(`/api/v1/tickets/${id}/sign-for`)).statusCode).toBe(200)
    if (until === 'signed') {
      expect((await handler.post(`/api/v1/tickets/${id}/progress`, { note: '已派人查看' })).statusCode).toBe(200)
      return id
    }
    const replied = await handler.post(`/api/v1/tickets/${id}/replies`, { body: '您好，您反映的问题已处理完毕。' })
    expect(replied.statusCode).toBe(201)
    const replyId = replied.json().replies[0].id
    expect((await dispatcher.post(`/api/v1/tickets/${id}/replies/${replyId}/review`, { decision: 'approve' })).statusCode).toBe(200)
    if (until === 'replied') return id
    const rated = await t.app.inject({ method: 'POST', url: '/api/v1/public/district-a/tickets/rating', payload: { lookupCode, phoneLast4: phone.slice(-4), rating: until } })
    expect(rated.json()).toMatchObject({ state: 'closed' })
    return id
  }

  /** Sets a ticket's times to the constructed ones (the KPI reads only these columns). */
  async function times(name: string, patch: { created: string; firstResponse?: string | null; replied?: string | null; finalDue: string }) {
    await inScope(t.db, systemScope, (trx) => trx.updateTable('tickets').set({
      created_at: at(patch.created), first_response_at: patch.firstResponse ? at(patch.firstResponse) : null,
      replied_at: patch.replied ? at(patch.replied) : null, final_due_at: at(patch.finalDue),
    }).where('id', '=', tk[name]).execute())
  }

  beforeAll(async () => {
    t = await buildTestApp({ config: { publicRateLimitPerMinute: 1000 } })
    ids = await tenantIds(t.db)
    await grantRole(t.db, { username: 'district-a.proofreader', role: 'department_handler', tenant: 'district-a-edu' })
    dispatcher = await signIn(t.app, 'district-a.dispatcher')
    govHandler = await signIn(t.app, 'district-a.handler')
    eduHandler = await signIn(t.app, 'district-a.proofreader', { tenant: 'district-a-edu' })
    // No 回退重办: an unsatisfied rating closes the ticket, so the set stays as constructed.
    expect((await dispatcher.put('/api/v1/tickets/settings', { reopenLimit: 0 })).statusCode).toBe(200)

    // 政府办 (gov): four tickets.
    await make('T1', { dept: 'gov', until: 'satisfied' })
    // Thu 9-24 → Fri 10-9: 9-28, 9-29, 9-30, 10-8, 10-9 = 5 working days; on time.
    await times('T1', { created: '2026-09-24T10:00:00+08:00', firstResponse: '2026-10-09T10:00:00+08:00', replied: '2026-10-09T10:00:00+08:00', finalDue: '2026-10-16T23:59:59+08:00' })
    await make('T2', { dept: 'gov', until: 'replied' })
    // Tue 9-1 → Tue 9-8: 5 working days; replied 2 working days after its deadline (Fri 9-4).
    await times('T2', { created: '2026-09-01T09:00:00+08:00', firstResponse: '2026-09-02T09:00:00+08:00', replied: '2026-09-08T15:00:00+08:00', finalDue: '2026-09-04T23:59:59+08:00' })
    await make('T3', { dept: 'gov', until: 'signed' })
    // Responded, never replied, deadline passed: overdue and still open.
    await times('T3', { created: '2026-09-10T11:00:00+08:00', firstResponse: '2026-09-11T09:00:00+08:00', finalDue: '2026-09-29T23:59:59+08:00' })
    await make('T4', { dept: 'gov', until: 'basically' })
    // Tue 9-15 → Thu 9-17: 2 working days; on time.
    await times('T4', { created: '2026-09-15T08:00:00+08:00', firstResponse: '2026-09-17T16:00:00+08:00', replied: '2026-09-17T16:00:00+08:00', finalDue: '2026-09-18T23:59:59+08:00' })

    // 教育局 (edu): two tickets.
    await make('T5', { dept: 'edu', until: 'routed' })
    // Not signed for, deadline still ahead: counts in the total only.
    await times('T5', { created: '2026-09-21T10:00:00+08:00', finalDue: '2099-01-30T23:59:59+08:00' })
    await make('T6', { dept: 'edu', until: 'unsatisfied' })
    // Sunday 9-20 is a 调休 workday: replied Monday 9-21 = 1 working day; rated unsatisfied (no reopening allowed: closed).
    await times('T6', { created: '2026-09-20T10:00:00+08:00', firstResponse: '2026-09-21T10:00:00+08:00', replied: '2026-09-21T10:00:00+08:00', finalDue: '2026-09-23T23:59:59+08:00' })

    // Not routed yet, submitted in the last second of the period.
    await make('T9', { dept: null, until: 'accepted' })
    await times('T9', { created: '2026-09-30T23:59:59+08:00', finalDue: '2099-01-30T23:59:59+08:00' })
    // Outside: rejected, a second before the period, the first second after it.
    await make('T7', { dept: null, until: 'rejected' })
    await times('T7', { created: '2026-09-05T10:00:00+08:00', finalDue: '2026-09-10T23:59:59+08:00' })
    await make('T8', { dept: 'gov', until: 'routed' })
    await times('T8', { created: '2026-08-31T23:59:59+08:00', finalDue: '2026-09-01T23:59:59+08:00' })
    await make('T10', { dept: 'gov', until: 'routed' })
    await times('T10', { created: '2026-10-01T00:00:00+08:00', finalDue: '2026-10-09T23:59:59+08:00' })
  }, 240_000)
  afterAll(async () => { await t.close() })

  const september = '/api/v1/tickets/kpis?from=2026-09-01&to=2026-09-30'

  it('computes each department\'s figures and the center total exactly', async () => {
    const res = await dispatcher.get(september)
    expect(res.statusCode).toBe(200)
    const r = res.json()
    expect(r).toMatchObject({ from: '2026-09-01', to: '2026-09-30', bucket: 'day', isOverdueTruncated: false })
    expect(r.departments.map((d: { department: { name: string } }) => d.department.name)).toEqual(['东湖区人民政府办公室', '东湖区教育局'])
    expect(r.departments[0]).toEqual({
      department: { id: ids['district-a-gov'], name: '东湖区人民政府办公室' },
      total: 4, responded: 4, due: 4, onTime: 2, resolved: 3, rated: 2, satisfied: 2, replied: 3, overdue: 2,
      responseRate: 1, onTimeRate: 0.5, resolutionRate: 0.75, satisfactionRate: 1, averageHandlingDays: 4,
    })
    expect(r.departments[1]).toEqual({
      department: { id: ids['district-a-edu'], name: '东湖区教育局' },
      total: 2, responded: 1, due: 1, onTime: 1, resolved: 1, rated: 1, satisfied: 0, replied: 1, overdue: 0,
      responseRate: 0.5, onTimeRate: 1, resolutionRate: 0.5, satisfactionRate: 0, averageHandlingDays: 1,
    })
    // The total includes T9, not yet routed.
    expect(r.total).toEqual({
      total: 7, responded: 5, due: 5, onTime: 3, resolved: 4, rated: 3, satisfied: 2, replied: 4, overdue: 2,
      responseRate: 0.7143, onTimeRate: 0.6, resolutionRate: 0.5714, satisfactionRate: 0.6667, averageHandlingDays: 3.25,
    })
    expect(r.trend).toEqual([
      { period: '2026-09-01', received: 1, replied: 1 }, { period: '2026-09-10', received: 1, replied: 0 },
      { period: '2026-09-15', received: 1, replied: 1 }, { period: '2026-09-20', received: 1, replied: 1 },
      { period: '2026-09-21', received: 1, replied: 0 }, { period: '2026-09-24', received: 1, replied: 1 },
      { period: '2026-09-30', received: 1, replied: 0 },
    ])
  })

  it('lists the overdue tickets: replied late (with its working days late) and still open past the deadline', async () => {
    const r = (await dispatcher.get(september)).json()
    expect(r.overdue.map((o: { id: string }) => o.id)).toEqual([tk.T2, tk.T3])
    expect(r.overdue[0]).toMatchObject({
      state: 'replied', department: { name: '东湖区人民政府办公室' }, finalDueAt: '2026-09-04T23:59:59+08:00', repliedAt: '2026-09-08T15:00:00+08:00', overdueWorkingDays: 2,
    })
    expect(r.overdue[1]).toMatchObject({ state: 'in_progress', repliedAt: null, finalDueAt: '2026-09-29T23:59:59+08:00' })
    // Still open: late by at least 9-30 and 10-8…10-10 (the deadline passed before the holiday).
    expect(r.overdue[1].overdueWorkingDays).toBeGreaterThanOrEqual(4)
  })

  it('filters by department, and a department sees only its own figures whatever it asks', async () => {
    const edu = (await dispatcher.get(`${september}&departmentId=${ids['district-a-edu']}`)).json()
    expect(edu.departments.map((d: { department: { id: string } }) => d.department.id)).toEqual([ids['district-a-edu']])
    expect(edu.total).toMatchObject({ total: 2, responded: 1, satisfactionRate: 0, averageHandlingDays: 1 })
    expect(edu.overdue).toEqual([])

    const own = (await govHandler.get(`${september}&departmentId=${ids['district-a-edu']}`)).json()
    expect(own.departments.map((d: { department: { id: string } }) => d.department.id)).toEqual([ids['district-a-gov']])
    expect(own.total).toMatchObject({ total: 4, onTimeRate: 0.5, averageHandlingDays: 4 })

    // Another center sees none of it.
    const other = await signIn(t.app, 'district-b.dispatcher')
    const none = (await other.get(september)).json()
    expect(none).toMatchObject({ departments: [], overdue: [], trend: [] })
    expect(none.total).toMatchObject({ total: 0, responseRate: null, onTimeRate: null, resolutionRate: null, satisfactionRate: null, averageHandlingDays: null })
  })

  it('groups the trend by month over a long period and refuses a period that is reversed or longer than 366 days', async () => {
    const year = (await dispatcher.get('/api/v1/tickets/kpis?from=2026-01-01&to=2026-12-31')).json()
    expect(year.bucket).toBe('month')
    // The seed's own tickets fall in later months; August and September hold the constructed ones.
    expect(year.trend.filter((p: { period: string }) => p.period <= '2026-09-01')).toEqual([
      { period: '2026-08-01', received: 1, replied: 0 }, { period: '2026-09-01', received: 7, replied: 4 },
    ])
    const reversed = await dispatcher.get('/api/v1/tickets/kpis?from=2026-09-30&to=2026-09-01')
    expect(reversed.statusCode).toBe(400)
    expect(reversed.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'to' }] })
    expect((await dispatcher.get('/api/v1/tickets/kpis?from=2025-01-01&to=2026-01-02')).statusCode).toBe(400)
    expect((await dispatcher.get('/api/v1/tickets/kpis?from=2025-01-01&to=2026-01-01')).statusCode).toBe(200)
    expect((await dispatcher.get('/api/v1/tickets/kpis?from=2026-9-1&to=2026-09-30')).statusCode).toBe(400)
    expect((await t.app.inject({ method: 'GET', url: september })).statusCode).toBe(401)
  })

  it('exports the same figures as .xlsx: one sheet per view, Chinese headers', async () => {
    const res = await dispatcher.get(`/api/v1/tickets/kpis.xlsx?from=2026-09-01&to=2026-09-30`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('留言办理指标_2026-09-01_2026-09-30.xlsx')}`)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    expect(book.worksheets.map((s) => s.name)).toEqual(['部门指标', '超期清单', '趋势'])

    const values = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as unknown[]).slice(1)
    const depts = book.getWorksheet('部门指标')!
    expect(values(depts, 1)).toEqual([
      '部门', '受理数', '已响应', '响应率', '应办结（已到期或已答复）', '按时答复', '按时率', '已办结', '办结率', '已评价', '满意（含基本满意）', '满意率', '已答复',
      '平均办理时长（工作日）', '超期数',
    ])
    expect(values(depts, 2)).toEqual(['东湖区人民政府办公室', 4, 4, 1, 4, 2, 0.5, 3, 0.75, 2, 2, 1, 3, 4, 2])
    expect(values(depts, 3)).toEqual(['东湖区教育局', 2, 1, 0.5, 1, 1, 1, 1, 0.5, 1, 0, 0, 1, 1, 0])
    expect(values(depts, 4)).toEqual(['合计（含未转办）', 7, 5, 0.7143, 5, 3, 0.6, 4, 0.5714, 3, 2, 0.6667, 4, 3.25, 2])
    expect(depts.getCell('D2').numFmt).toBe('0.00%')
    expect(depts.rowCount).toBe(4)

    const overdue = book.getWorksheet('超期清单')!
    expect(values(overdue, 1)).toEqual(['编号', '标题', '类型', '状态', '主办部门', '提交时间', '答复期限', '答复时间', '超期工作日'])
    expect(overdue.rowCount).toBe(3)
    expect(values(overdue, 2).slice(2)).toEqual(['投诉', '已答复', '东湖区人民政府办公室', '2026-09-01T09:00:00+08:00', '2026-09-04T23:59:59+08:00', '2026-09-08T15:00:00+08:00', 2])
    expect(values(overdue, 3)[7]).toBe('未答复')

    const trend = book.getWorksheet('趋势')!
    expect(values(trend, 1)).toEqual(['日期', '收到留言', '已答复'])
    expect(trend.rowCount).toBe(8)
    expect(values(trend, 2)).toEqual(['2026-09-01', 1, 1])

    // An empty period still gives the three sheets with their headers and a total row.
    const empty = new ExcelJS.Workbook()
    await empty.xlsx.load((await dispatcher.get('/api/v1/tickets/kpis.xlsx?from=2020-01-01&to=2020-01-31')).rawPayload as unknown as ArrayBuffer)
    expect(empty.worksheets.map((s) => [s.name, s.rowCount])).toEqual([['部门指标', 2], ['超期清单', 1], ['趋势', 1]])
  })
})
