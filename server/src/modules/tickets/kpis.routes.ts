import type ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { AppDeps } from '../../app.js'
import { problemResponses } from '../../kernel/openapi.js'
import { toShanghaiIso } from '../calendar/calendar.js'
import { actingOf } from './tickets.http.js'
import { createKpiService, MAX_PERIOD_DAYS, type KpiFigures, type KpiReport } from './tickets.kpis.js'

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（北京时间）' })

export const KpiQuery = Type.Object({
  from: IsoDate,
  to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `含当日；区间最长 ${MAX_PERIOD_DAYS} 天` }),
  departmentId: Type.Optional(Type.String({ format: 'uuid', description: '只看某个主办部门（部门用户总是只看本部门）' })),
}, { additionalProperties: false })
export type KpiQuery = Static<typeof KpiQuery>

const Rate = Type.Union([Type.Number(), Type.Null()])
const Figures = Type.Object({
  total: Type.Integer({ description: '受理留言数（期间提交，不含不予受理、并单）' }),
  responded: Type.Integer(), due: Type.Integer({ description: '已到期或已答复（按时率的分母）' }), onTime: Type.Integer(), resolved: Type.Integer(),
  rated: Type.Integer(), satisfied: Type.Integer({ description: '满意与基本满意' }), replied: Type.Integer(), overdue: Type.Integer(),
  responseRate: Rate, onTimeRate: Rate, resolutionRate: Rate, satisfactionRate: Rate,
  averageHandlingDays: Type.Union([Type.Number(), Type.Null()], { description: '平均办理时长（工作日）' }),
})
const Ref = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() })

export const KpiReportView = Type.Object({
  from: IsoDate, to: IsoDate, generatedAt: Type.String({ format: 'date-time' }), bucket: Type.Union([Type.Literal('day'), Type.Literal('month')]),
  total: Figures,
  departments: Type.Array(Type.Intersect([Type.Object({ department: Ref }), Figures])),
  trend: Type.Array(Type.Object({ period: IsoDate, received: Type.Integer(), replied: Type.Integer() })),
  overdue: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), number: Type.String(), title: Type.String(), kind: Type.String(), kindName: Type.String(), state: Type.String(),
    stateName: Type.String(), department: Type.Union([Ref, Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
    finalDueAt: Type.String({ format: 'date-time' }), repliedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    overdueWorkingDays: Type.Integer(),
  })),
  isOverdueTruncated: Type.Boolean(),
})

const iso = (d: Date) => toShanghaiIso(d)

function reportView(r: KpiReport) {
  return {
    ...r, generatedAt: iso(r.generatedAt),
    overdue: r.overdue.map((o) => ({ ...o, createdAt: iso(o.createdAt), finalDueAt: iso(o.finalDueAt), repliedAt: o.repliedAt ? iso(o.repliedAt) : null })),
  }
}

/** Column headers of the figures, in the order of the sheet. */
const figureColumns: Array<{ header: string; key: keyof KpiFigures; isRate?: boolean }> = [
  { header: '受理数', key: 'total' }, { header: '已响应', key: 'responded' }, { header: '响应率', key: 'responseRate', isRate: true },
  { header: '应办结（已到期或已答复）', key: 'due' }, { header: '按时答复', key: 'onTime' }, { header: '按时率', key: 'onTimeRate', isRate: true },
  { header: '已办结', key: 'resolved' }, { header: '办结率', key: 'resolutionRate', isRate: true },
  { header: '已评价', key: 'rated' }, { header: '满意（含基本满意）', key: 'satisfied' }, { header: '满意率', key: 'satisfactionRate', isRate: true },
  { header: '已答复', key: 'replied' }, { header: '平均办理时长（工作日）', key: 'averageHandlingDays' }, { header: '超期数', key: 'overdue' },
]

/** The report as a workbook: one sheet per view, a header row of Chinese column names each. */
const XlsxReply = {
  description: '办理指标（Excel）',
  content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) } },
}

export async function kpiWorkbook(r: KpiReport): Promise<Buffer> {
  // Loaded on the first export: exceljs is large and most processes never export.
  const { default: Excel } = await import('exceljs')
  const book = new Excel.Workbook()
  book.creator = 'Rongmei'
  book.created = r.generatedAt
  const header = (sheet: ExcelJS.Worksheet) => {
    sheet.getRow(1).font = { bold: true }
    sheet.views = [{ state: 'frozen', ySplit: 1 }]
  }
  const figureCells = (f: KpiFigures) => Object.fromEntries(figureColumns.map((c) => [c.key, f[c.key]]))

  const departments = book.addWorksheet('部门指标')
  departments.columns = [{ header: '部门', key: 'department', width: 28 }, ...figureColumns.map((c) => ({
    header: c.header, key: c.key, width: Math.max(10, c.header.length * 2 + 2), ...(c.isRate ? { style: { numFmt: '0.00%' } } : {}),
  }))]
  for (const d of r.departments) departments.addRow({ department: d.department.name, ...figureCells(d) })
  departments.addRow({ department: '合计（含未转办）', ...figureCells(r.total) }).font = { bold: true }
  header(departments)

  const overdue = book.addWorksheet('超期清单')
  overdue.columns = [
    { header: '编号', key: 'number', width: 14 }, { header: '标题', key: 'title', width: 36 }, { header: '类型', key: 'kind', width: 8 },
    { header: '状态', key: 'state', width: 18 }, { header: '主办部门', key: 'department', width: 28 }, { header: '提交时间', key: 'createdAt', width: 26 },
    { header: '答复期限', key: 'finalDueAt', width: 26 }, { header: '答复时间', key: 'repliedAt', width: 26 }, { header: '超期工作日', key: 'days', width: 12 },
  ]
  for (const o of r.overdue) {
    overdue.addRow({
      number: o.number, title: o.title, kind: o.kindName, state: o.stateName, department: o.department?.name ?? '未转办', createdAt: iso(o.createdAt),
      finalDueAt: iso(o.finalDueAt), repliedAt: o.repliedAt ? iso(o.repliedAt) : '未答复', days: o.overdueWorkingDays,
    })
  }
  header(overdue)

  const trend = book.addWorksheet('趋势')
  trend.columns = [
    { header: r.bucket === 'month' ? '月份' : '日期', key: 'period', width: 14 }, { header: '收到留言', key: 'received', width: 12 }, { header: '已答复', key: 'replied', width: 12 },
  ]
  for (const p of r.trend) trend.addRow({ period: r.bucket === 'month' ? p.period.slice(0, 7) : p.period, received: p.received, replied: p.replied })
  header(trend)

  return Buffer.from(await book.xlsx.writeBuffer())
}

const tags = ['tickets']

/** KPIs of citizens' messages per department and period, in JSON and as an .xlsx download. */
export async function ticketKpiRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  const kpis = createKpiService({ db })

  app.get<{ Querystring: KpiQuery }>('/tickets/kpis', {
    schema: {
      tags, summary: '留言办理指标（按主办部门与期间：响应率、按时率、办结率、满意率、平均办理时长、超期清单）', querystring: KpiQuery,
      response: { 200: KpiReportView, ...problemResponses(400, 401, 403) },
    },
    config: { access: 'ticket.read' },
  }, async (request) => reportView(await kpis.report(actingOf(request), request.query)))

  app.get<{ Querystring: KpiQuery }>('/tickets/kpis.xlsx', {
    schema: { tags, summary: '导出留言办理指标（Excel，每个视图一个工作表）', querystring: KpiQuery, produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], response: { 200: XlsxReply, ...problemResponses(400, 401, 403) } },
    config: { access: 'ticket.read' },
  }, async (request, reply) => {
    const report = await kpis.report(actingOf(request), request.query)
    const file = `留言办理指标_${report.from}_${report.to}.xlsx`
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="kpis-${report.from}-${report.to}.xlsx"; filename*=UTF-8''${encodeURIComponent(file)}`)
      .send(await kpiWorkbook(report))
  })
}
