import { useMemo, type HTMLAttributes, type ReactNode } from 'react'
import { Button, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { Link } from 'react-router-dom'
import { useMe } from '../../api/auth'
import { useTenants } from '../../api/tenants'
import { useTicketList, type TicketFilters, type TicketListItem, type TicketState } from '../../api/tickets'
import { QueryError } from '../../components/QueryState'
import { t, tOr } from '../../i18n'
import { formatDateTimeShort } from '../../lib/time'

const stateColor: Record<TicketState, string> = {
  submitted: 'gold', accepted: 'orange', rejected: 'default', routed: 'blue', signed_for: 'cyan', in_progress: 'geekblue', returned: 'volcano',
  reply_review: 'purple', replied: 'green', closed: 'default', merged: 'default',
}

export function StateTag({ state, name }: { state: TicketState; name: string }) {
  return <Tag color={stateColor[state]} data-testid="ticket-state" data-state={state}>{name}</Tag>
}

export function kindName(kind: string): string {
  return tOr(`tickets.kind.${kind}`, kind)
}

/** Within a day of a deadline that is still running. */
export function isDueSoon(due: string, now = Date.now()): boolean {
  const left = new Date(due).getTime() - now
  return left > 0 && left < 24 * 3600 * 1000
}

export function DeadlineCell({ item }: { item: Pick<TicketListItem, 'deadlines' | 'overdue' | 'state'> }) {
  const isOverdue = item.overdue.final || item.overdue.firstResponse || item.overdue.signFor
  const running = ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress'].includes(item.state)
  return (
    <span>
      {formatDateTimeShort(item.deadlines.final)}
      {isOverdue && (
        <Tooltip title={(['signFor', 'firstResponse', 'final'] as const).filter((c) => item.overdue[c]).map((c) => t(`tickets.clock.${c}`)).join('、')}>
          <Tag color="red" style={{ marginInlineStart: 6 }} data-testid="overdue-tag">{t('tickets.overdue')}</Tag>
        </Tooltip>
      )}
      {!isOverdue && running && isDueSoon(item.deadlines.final) && <Tag color="orange" style={{ marginInlineStart: 6 }}>{t('tickets.dueSoon')}</Tag>}
    </span>
  )
}

export function ticketColumns(extra: TableColumnsType<TicketListItem> = []): TableColumnsType<TicketListItem> {
  return [
    { title: t('tickets.number'), dataIndex: 'number', width: 130, responsive: ['md'] },
    {
      title: t('tickets.title'),
      dataIndex: 'title',
      render: (title: string, r) => (
        <Space size={4} wrap>
          {r.isUrgent && <Tag color="red">{t('tickets.urgent')}</Tag>}
          <Link to={`/tickets/${r.id}`} data-testid="ticket-link">{title}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.kindName} · {r.service.name}</Typography.Text>
        </Space>
      ),
    },
    { title: t('tickets.state'), key: 'state', width: 150, render: (_, r) => <StateTag state={r.state} name={r.stateName} /> },
    { title: t('tickets.department'), key: 'dept', width: 170, responsive: ['lg'], render: (_, r) => r.leadDepartment?.name ?? <Typography.Text type="secondary">{t('tickets.noDepartment')}</Typography.Text> },
    { title: t('tickets.finalDue'), key: 'due', width: 200, render: (_, r) => <DeadlineCell item={r} /> },
    { title: t('tickets.submittedAt'), dataIndex: 'createdAt', width: 140, responsive: ['xl'], render: (at: string) => formatDateTimeShort(at) },
    ...extra,
  ]
}

/** A paged list of tickets with the given filters and the standard columns. */
export function TicketTable({ filters, empty, extraColumns }: { filters: TicketFilters; empty: string; extraColumns?: TableColumnsType<TicketListItem> }) {
  const list = useTicketList(filters)
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])
  const columns = useMemo(() => ticketColumns(extraColumns), [extraColumns])
  if (list.error) return <QueryError error={list.error} onRetry={() => void list.refetch()} />
  return (
    <>
      <Table<TicketListItem>
        rowKey="id"
        columns={columns}
        dataSource={rows}
        loading={list.isPending}
        pagination={false}
        size="middle"
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({ 'data-testid': 'ticket-row', 'data-number': r.number }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: <Empty description={empty} /> }}
      />
      {list.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </div>
      )}
    </>
  )
}

/** The departments (units) of the acting center, for routing and filters. */
export function useDepartments() {
  const me = useMe()
  const tenants = useTenants()
  const centerId = me.data?.tenant?.kind === 'center' ? me.data.tenant.id : null
  const items = useMemo(
    () => (tenants.data ?? []).filter((x) => x.kind === 'unit' && !x.isDisabled && (!centerId || x.parentId === centerId)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    [tenants.data, centerId],
  )
  return { items, isPending: tenants.isPending }
}

export function Section({ title, children, extra }: { title: ReactNode; children: ReactNode; extra?: ReactNode }) {
  return (
    <section className="rm-ticket-section">
      <div className="rm-ticket-section-head">
        <Typography.Title level={5} style={{ margin: 0 }}>{title}</Typography.Title>
        {extra}
      </div>
      {children}
    </section>
  )
}
