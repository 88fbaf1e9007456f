import { useEffect, useRef, useState } from 'react'
import { Alert, Button, Card, DatePicker, Empty, Select, Space, Statistic, Table, Typography } from 'antd'
import { DownloadOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { EChartsCoreOption } from 'echarts/core'
import { Link } from 'react-router-dom'
import { downloadKpis, useKpis, type KpiFigures, type KpiQuery, type KpiReport } from '../../api/tickets'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useFeedback } from '../../components/feedback'
import { useMe } from '../../api/auth'
import { t } from '../../i18n'
import { saveBlob } from '../../lib/download'
import { formatDateTimeShort } from '../../lib/time'
import { useDepartments } from './shared'
import './tickets.css'

// Only the pieces the page draws: keeps the chart code in its own small chunk.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

/** A thin React wrapper: one echarts instance per element, resized with it, disposed on unmount. */
function Chart({ option, label }: { option: EChartsCoreOption; label: string }) {
  const ref = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  useEffect(() => {
    if (!ref.current) return
    const instance = echarts.init(ref.current)
    chart.current = instance
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(ref.current)
    return () => { observer.disconnect(); instance.dispose(); chart.current = null }
  }, [])
  useEffect(() => { chart.current?.setOption(option, true) }, [option])
  return <div ref={ref} className="rm-kpi-chart" role="img" aria-label={label} />
}

const pct = (v: number | null) => (v === null ? t('tickets.kpis.noData') : `${(v * 100).toFixed(1)}%`)
const days = (v: number | null) => (v === null ? t('tickets.kpis.noData') : t('tickets.kpis.days', { value: v }))
const rateKeys = ['responseRate', 'onTimeRate', 'resolutionRate', 'satisfactionRate'] as const

function departmentChart(r: KpiReport): EChartsCoreOption {
  const names = r.departments.map((d) => d.department.name)
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: rateKeys.map((k) => ({
      name: t(`tickets.kpis.${k}`), type: 'bar', barMaxWidth: 36, data: r.departments.map((d) => (d[k] === null ? null : Math.round(d[k]! * 1000) / 10)),
    })),
  }
}

function trendChart(r: KpiReport): EChartsCoreOption {
  const labels = r.trend.map((p) => (r.bucket === 'month' ? p.period.slice(0, 7) : p.period.slice(5)))
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('tickets.kpis.received'), type: 'bar', barMaxWidth: 36, data: r.trend.map((p) => p.received) },
      { name: t('tickets.kpis.repliedSeries'), type: 'line', data: r.trend.map((p) => p.replied) },
    ],
  }
}

function Figures({ f }: { f: KpiFigures }) {
  const items: Array<[string, string, string]> = [
    ['total', t('tickets.kpis.total'), String(f.total)],
    ['responseRate', t('tickets.kpis.responseRate'), pct(f.responseRate)],
    ['onTimeRate', t('tickets.kpis.onTimeRate'), pct(f.onTimeRate)],
    ['resolutionRate', t('tickets.kpis.resolutionRate'), pct(f.resolutionRate)],
    ['satisfactionRate', t('tickets.kpis.satisfactionRate'), pct(f.satisfactionRate)],
    ['averageHandlingDays', t('tickets.kpis.averageHandlingDays'), days(f.averageHandlingDays)],
    ['overdue', t('tickets.kpis.overdueCount'), String(f.overdue)],
  ]
  return (
    <div className="rm-kpi-cards">
      {items.map(([key, title, value]) => (
        <Card key={key} size="small" data-testid={`kpi-${key}`}><Statistic title={title} value={value} /></Card>
      ))}
    </div>
  )
}

/** 办理指标: figures per department and period, charts, the overdue list, and the Excel export. */
export function KpiPage() {
  const me = useMe()
  const isDepartment = me.data?.tenant?.kind === 'unit'
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()])
  const [departmentId, setDepartmentId] = useState<string | undefined>()
  const departments = useDepartments()
  const query: KpiQuery = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), ...(departmentId ? { departmentId } : {}) }
  const kpis = useKpis(query)
  const feedback = useFeedback()
  const [isExporting, setExporting] = useState(false)
  const r = kpis.data

  async function exportXlsx() {
    setExporting(true)
    try {
      saveBlob(await downloadKpis(query), `留言办理指标_${query.from}_${query.to}.xlsx`)
      feedback.success(t('tickets.kpis.exported'))
    } catch (err) {
      feedback.error(err)
    } finally {
      setExporting(false)
    }
  }

  return (
    <>
      <PageHeader
        title={t('nav.ticketKpis')}
        description={t('tickets.kpis.description')}
        extra={<Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()} loading={isExporting} data-testid="kpi-export">{t('tickets.kpis.export')}</Button>}
      />
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Card>
          <div className="rm-toolbar" style={{ margin: 0 }}>
            <DatePicker.RangePicker
              aria-label={t('tickets.kpis.period')}
              value={range}
              allowClear={false}
              onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
              disabledDate={(d) => d.isAfter(dayjs().add(1, 'year'))}
              presets={[
                { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
                { label: '上月', value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')] },
                { label: '本季度', value: [dayjs().startOf('month').subtract(dayjs().month() % 3, 'month'), dayjs()] },
                { label: '今年', value: [dayjs().startOf('year'), dayjs()] },
              ]}
            />
            {!isDepartment && (
              <Select allowClear placeholder={t('tickets.kpis.allDepartments')} style={{ minWidth: 200 }} value={departmentId} onChange={setDepartmentId}
                options={departments.items.map((d) => ({ value: d.id, label: d.name }))} aria-label={t('tickets.department')} />
            )}
            <Typography.Text type="secondary">{t('tickets.kpis.range')}</Typography.Text>
          </div>
        </Card>
        {kpis.error ? <QueryError error={kpis.error} onRetry={() => void kpis.refetch()} /> : !r ? <Card loading /> : (
          <>
            <Figures f={r.total} />
            {r.total.total === 0 ? <Card><Empty description={t('tickets.kpis.empty')} /></Card> : (
              <>
                <Card title={t('tickets.kpis.byDepartment')}>
                  {r.departments.length > 0 && <Chart option={departmentChart(r)} label={t('tickets.kpis.byDepartment')} />}
                  <Table
                    rowKey={(d) => d.department.id}
                    size="small"
                    pagination={false}
                    scroll={{ x: 'max-content' }}
                    dataSource={r.departments}
                    data-testid="kpi-departments"
                    columns={[
                      { title: t('tickets.department'), key: 'name', render: (_, d) => d.department.name },
                      { title: t('tickets.kpis.total'), dataIndex: 'total' },
                      ...rateKeys.map((k) => ({ title: t(`tickets.kpis.${k}`), key: k, render: (_: unknown, d: KpiFigures) => pct(d[k]) })),
                      { title: t('tickets.kpis.averageHandlingDays'), key: 'avg', render: (_, d) => days(d.averageHandlingDays) },
                      { title: t('tickets.kpis.overdueCount'), dataIndex: 'overdue' },
                    ]}
                  />
                </Card>
                <Card title={t('tickets.kpis.trend')}><Chart option={trendChart(r)} label={t('tickets.kpis.trend')} /></Card>
                <Card title={t('tickets.kpis.overdueList')}>
                  {r.isOverdueTruncated && <Alert type="info" showIcon title={t('tickets.kpis.truncated')} style={{ marginBottom: 12 }} />}
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={{ pageSize: 20, hideOnSinglePage: true }}
                    scroll={{ x: 'max-content' }}
                    dataSource={r.overdue}
                    locale={{ emptyText: <Empty description={t('tickets.supervision.noOverdue')} /> }}
                    columns={[
                      { title: t('tickets.number'), dataIndex: 'number' },
                      { title: t('tickets.title'), key: 'title', render: (_, o) => <Link to={`/tickets/${o.id}`}>{o.title}</Link> },
                      { title: t('tickets.state'), dataIndex: 'stateName' },
                      { title: t('tickets.department'), key: 'dept', render: (_, o) => o.department?.name ?? t('tickets.noDepartment') },
                      { title: t('tickets.finalDue'), key: 'due', render: (_, o) => formatDateTimeShort(o.finalDueAt) },
                      { title: t('tickets.kpis.repliedAt'), key: 'replied', render: (_, o) => (o.repliedAt ? formatDateTimeShort(o.repliedAt) : t('tickets.kpis.notReplied')) },
                      { title: t('tickets.kpis.overdueDays'), dataIndex: 'overdueWorkingDays' },
                    ]}
                  />
                </Card>
              </>
            )}
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('tickets.kpis.definitions')}</Typography.Paragraph>
          </>
        )}
      </Space>
    </>
  )
}
