import { useMemo, useState } from 'react'
import { Card, DatePicker, Empty, Segmented, Statistic, Table, Tag, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import type { Dayjs } from 'dayjs'
import { useErrorReport, type ErrorReport } from '../../api/review'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { errataCategories } from './ErrataModal'

type Row = ErrorReport['items'][number]

/** 差错统计: errors per author or per reviewer over a period, by category and by month. */
export function ErrorReportPage() {
  const [groupBy, setGroupBy] = useState<'author' | 'reviewer'>('author')
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null)
  const report = useErrorReport({
    groupBy,
    from: range?.[0]?.format('YYYY-MM-DD'),
    to: range?.[1]?.format('YYYY-MM-DD'),
  })
  const data = report.data
  const usedCategories = useMemo(
    () => errataCategories.filter((c) => data?.items.some((i) => (i.byCategory[c] ?? 0) > 0)),
    [data],
  )

  const columns: TableColumnsType<Row> = [
    { title: groupBy === 'author' ? t('errata.author') : t('errata.reviewer'), dataIndex: 'name', fixed: 'left', width: 120 },
    { title: t('errata.total'), dataIndex: 'total', width: 80, align: 'right', sorter: (a, b) => a.total - b.total, defaultSortOrder: 'descend' },
    { title: t('errata.severe'), dataIndex: 'severe', width: 90, align: 'right', render: (n: number) => (n > 0 ? <Tag color="red">{n}</Tag> : 0) },
    ...usedCategories.map((c) => ({
      title: t(`errataCategory.${c}`), key: c, width: 110, align: 'right' as const,
      render: (_: unknown, r: Row) => r.byCategory[c] ?? 0,
    })),
    {
      title: t('errata.byMonth'), key: 'months', width: 220,
      render: (_, r) => r.byMonth.map((m) => <Tag key={m.month}>{m.month}：{m.count}</Tag>),
    },
  ]

  return (
    <>
      <PageHeader title={t('nav.errorReport')} description={t('errata.pageDescription')} />
      <Card>
        <div className="rm-toolbar">
          <Segmented
            value={groupBy}
            onChange={(v) => setGroupBy(v as 'author' | 'reviewer')}
            options={[{ value: 'author', label: t('errata.byAuthor') }, { value: 'reviewer', label: t('errata.byReviewer') }]}
          />
          <DatePicker.RangePicker allowEmpty={[true, true]} value={range} onChange={(v) => setRange(v)} aria-label={t('errata.period')} />
          {data && <Typography.Text type="secondary">{t('errata.period')}：{data.from} ～ {data.to}</Typography.Text>}
        </div>
        {report.error ? (
          <QueryError error={report.error} onRetry={() => void report.refetch()} />
        ) : (
          <>
            {data && (
              <div className="rm-toolbar" style={{ gap: 32 }}>
                <Statistic title={t('errata.totalAll')} value={data.totals.errors} />
                <Statistic title={t('errata.severeAll')} value={data.totals.severe} styles={{ content: { color: data.totals.severe ? '#cf1322' : undefined } }} />
              </div>
            )}
            <Table<Row>
              rowKey="userId"
              columns={columns}
              dataSource={data?.items ?? []}
              loading={report.isFetching}
              pagination={false}
              size="middle"
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <Empty description={t('errata.empty')} /> }}
            />
          </>
        )}
      </Card>
    </>
  )
}
