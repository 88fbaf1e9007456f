import { useState } from 'react'
import { Button, Card, Empty, Input, Modal, Space, Spin, Tag, Timeline, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { useTicket, useTicketAction, type TicketListItem } from '../../api/tickets'
import { PageHeader } from '../../components/PageHeader'
import { useFeedback } from '../../components/feedback'
import { usePermissions } from '../../auth/permissions'
import { t, tOr } from '../../i18n'
import { formatDateTimeShort } from '../../lib/time'
import { Section, TicketTable } from './shared'

/** Timeline actions that belong to supervision: reminders, overdue notices, 催办 and escalation. */
export const supervisionActions = new Set(['reminder', 'overdue', 'urged', 'escalated'])
const actionColor: Record<string, string> = { reminder: 'blue', overdue: 'orange', urged: 'red', escalated: 'magenta' }

/** The 催办 and escalation entries of one ticket, read from its timeline when the row opens. */
function History({ id }: { id: string }) {
  const detail = useTicket(id)
  if (detail.isPending) return <Spin size="small" />
  const entries = (detail.data?.timeline ?? []).filter((e) => supervisionActions.has(e.action))
  if (entries.length === 0) return <Typography.Text type="secondary">{t('tickets.supervision.noHistory')}</Typography.Text>
  return (
    <Timeline
      items={entries.map((e) => ({
        color: actionColor[e.action],
        content: (
          <span data-testid="supervision-history">
            <Tag color={actionColor[e.action]}>{tOr(`tickets.timeline.${e.action}`, e.action)}</Tag>
            {formatDateTimeShort(e.at)} · {e.actorName || t('tickets.timeline.system')} {e.note && `· ${e.note}`}
          </span>
        ),
      }))}
    />
  )
}

function UrgeButton({ item }: { item: TicketListItem }) {
  const [isOpen, setOpen] = useState(false)
  const [note, setNote] = useState('')
  const action = useTicketAction(item.id)
  const feedback = useFeedback()
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)} data-testid="urge-button">{t('tickets.action.urge')}</Button>
      <Modal
        open={isOpen}
        title={`${t('tickets.action.urge')} · ${item.number}`}
        okText={t('tickets.action.urge')}
        okButtonProps={{ disabled: !note.trim(), loading: action.isPending }}
        onCancel={() => setOpen(false)}
        onOk={() => action.mutate({ kind: 'urge', body: { note: note.trim() } }, {
          onSuccess: () => { feedback.success(t('tickets.action.urged')); setOpen(false); setNote('') },
          onError: feedback.error,
        })}
      >
        <Input.TextArea rows={3} maxLength={2000} showCount value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('tickets.action.urgeNote')} aria-label={t('tickets.action.urgeNote')} />
      </Modal>
    </>
  )
}

/** 督办看板: what is late or about to be, across all departments, with 催办 at hand. */
export function SupervisionPage() {
  const { can } = usePermissions()
  const urge: TableColumnsType<TicketListItem> = can('ticket.dispatch')
    ? [{ title: t('common.actions'), key: 'urge', width: 90, render: (_, r) => <UrgeButton item={r} /> }]
    : []
  return (
    <>
      <PageHeader title={t('nav.ticketSupervision')} description={t('tickets.supervision.description')} />
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card>
          <Section title={t('tickets.supervision.overdue')}>
            <ExpandableTable filters={{ overdue: true, sort: 'due' }} empty={t('tickets.supervision.noOverdue')} extra={urge} />
          </Section>
        </Card>
        <Card>
          <Section title={t('tickets.supervision.dueSoon')}>
            <ExpandableTable filters={{ state: ['submitted', 'accepted', 'returned', 'routed', 'signed_for', 'in_progress'], sort: 'due' }} empty={t('tickets.supervision.noDueSoon')} extra={urge} />
          </Section>
        </Card>
      </Space>
    </>
  )
}

function ExpandableTable({ filters, empty, extra }: { filters: Parameters<typeof TicketTable>[0]['filters']; empty: string; extra: TableColumnsType<TicketListItem> }) {
  const [openId, setOpenId] = useState<string | null>(null)
  const history: TableColumnsType<TicketListItem> = [{
    title: t('tickets.supervision.history'), key: 'history', width: 120,
    render: (_, r) => <Button size="small" type="link" onClick={() => setOpenId(r.id)}>{t('tickets.supervision.history')}</Button>,
  }]
  return (
    <>
      <TicketTable filters={filters} empty={empty} extraColumns={[...history, ...extra]} />
      <Modal open={Boolean(openId)} footer={null} title={t('tickets.supervision.history')} onCancel={() => setOpenId(null)}>
        {openId ? <History id={openId} /> : <Empty />}
      </Modal>
    </>
  )
}
