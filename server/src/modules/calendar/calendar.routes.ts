import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import type { CalendarDayRow } from './calendar.store.js'
import {
  CalendarDay, CalendarDayList, CalendarYearQuery, DayInput, DayParams, WorkdaysQuery, WorkdaysReply, YearInput, YearParams,
} from './calendar.schema.js'
import { createCalendarService, type CalendarActing } from './calendar.service.js'

function dayView(row: CalendarDayRow) {
  return { day: row.day, isWorkday: row.isWorkday, name: row.name, updatedAt: row.updatedAt.toISOString() }
}

function actingOf(request: FastifyRequest): CalendarActing {
  return { actorId: request.actor!.userId, audit: request.auditContext }
}

const tags = ['calendar']

/** The working-day calendar (法定节假日与调休): compute deadlines' dates, list and edit overrides. */
export async function calendarRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const calendar = createCalendarService({ db })

  app.get<{ Querystring: WorkdaysQuery }>('/calendar/workdays', {
    schema: {
      tags, summary: '从某日起第 N 个工作日（次一工作日为第 1 天）', querystring: WorkdaysQuery,
      response: { 200: WorkdaysReply, ...problemResponses(400) },
    },
    // Public: the citizen's form shows the date a reply is due before anyone signs in.
    config: { access: 'public' },
  }, async (request) => calendar.workdaysAfter(request.query))

  app.get<{ Querystring: CalendarYearQuery }>('/calendar/days', {
    schema: { tags, summary: '某年的节假日与调休上班日', querystring: CalendarYearQuery, response: { 200: CalendarDayList, ...problemResponses(400, 401) } },
    config: { access: 'authenticated' },
  }, async (request) => ({ year: request.query.year, items: (await calendar.listYear(request.query)).map(dayView) }))

  app.put<{ Params: DayParams; Body: DayInput }>('/calendar/days/:day', {
    schema: {
      tags, summary: '设置某日为节假日或调休上班日', params: DayParams, body: DayInput,
      response: { 200: CalendarDay, ...problemResponses(400, 401, 403) },
    },
    config: { access: 'calendar.manage' },
  }, async (request) => dayView(await calendar.setDay(actingOf(request), { day: request.params.day, ...request.body })))

  app.delete<{ Params: DayParams }>('/calendar/days/:day', {
    schema: { tags, summary: '删除某日的设置（恢复按周末规则）', params: DayParams, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 403, 404) } },
    config: { access: 'calendar.manage' },
  }, async (request, reply) => {
    await calendar.removeDay(actingOf(request), request.params)
    return reply.status(204).send()
  })

  app.put<{ Params: YearParams; Body: YearInput }>('/calendar/years/:year', {
    schema: {
      tags, summary: '整体替换某年的节假日安排（录入国务院办公厅通知）', params: YearParams, body: YearInput,
      response: { 200: CalendarDayList, ...problemResponses(400, 401, 403) },
    },
    config: { access: 'calendar.manage' },
  }, async (request) => {
    const rows = await calendar.replaceYear(actingOf(request), { year: request.params.year, days: request.body.days })
    return { year: request.params.year, items: rows.map(dayView) }
  })
}
