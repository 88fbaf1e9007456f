import { Descriptions, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import type { AuditEntry, AuditOutcome } from '../../api/types'
import { formatDateTime } from '../../lib/time'
import { t, tOr } from '../../i18n'

const outcomeColors: Record<AuditOutcome, string> = { success: 'green', failure: 'orange', denied: 'red' }

export function actionLabel(action: string): string {
  return tOr(`auditAction.${action}`, action)
}

export const auditColumns: TableColumnsType<AuditEntry> = [
  { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
  {
    title: t('audit.time'),
    dataIndex: 'at',
    width: 170,
    render: (at: string) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDateTime(at)}</span>,
  },
  {
    title: t('audit.actor'),
    key: 'actor',
    width: 140,
    render: (_, e) => e.actorName ?? (e.actorId ? <Typography.Text code>{e.actorId.slice(0, 8)}</Typography.Text> : <Typography.Text type="secondary">{t('audit.anonymous')}</Typography.Text>),
  },
  {
    title: t('audit.action'),
    dataIndex: 'action',
    width: 180,
    render: (action: string) => {
      const label = actionLabel(action)
      return label === action ? <Typography.Text code>{action}</Typography.Text> : <Tooltip title={action}>{label}</Tooltip>
    },
  },
  {
    title: t('audit.target'),
    key: 'target',
    width: 200,
    render: (_, e) =>
      e.targetType ? (
        <Tooltip title={e.targetId}>
          <span>
            {tOr(`auditTarget.${e.targetType}`, e.targetType)}
            {e.targetId && <Typography.Text type="secondary" style={{ marginInlineStart: 6, fontSize: 12 }}>{e.targetId.length > 12 ? `${e.targetId.slice(0, 8)}…` : e.targetId}</Typography.Text>}
          </span>
        </Tooltip>
      ) : (
        <Typography.Text type="secondary">—</Typography.Text>
      ),
  },
  {
    title: t('audit.outcome'),
    dataIndex: 'outcome',
    width: 90,
    render: (o: AuditOutcome) => <Tag color={outcomeColors[o]}>{tOr(`audit.outcome.${o}`, o)}</Tag>,
  },
  { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (ip: string | null) => ip ?? '—' },
]

/** The expanded row: everything the list cells shorten, plus the raw details. */
export function AuditDetails({ entry }: { entry: AuditEntry }) {
  const hasDetails = entry.details !== null && entry.details !== undefined && !(typeof entry.details === 'object' && Object.keys(entry.details as object).length === 0)
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 3 }}
        items={[
          { key: 'action', label: t('audit.action'), children: <Typography.Text code>{entry.action}</Typography.Text> },
          { key: 'target', label: t('audit.target'), children: [entry.targetType, entry.targetId].filter(Boolean).join(' : ') || '—' },
          { key: 'actorId', label: t('audit.actorId'), children: entry.actorId ?? '—' },
          { key: 'tenantId', label: t('audit.tenantId'), children: entry.tenantId ?? '—' },
          { key: 'requestId', label: t('audit.requestId'), children: entry.requestId ?? '—' },
        ]}
      />
      {hasDetails ? (
        <pre className="rm-json" aria-label={t('audit.details')}>{JSON.stringify(entry.details, null, 2)}</pre>
      ) : (
        <Typography.Text type="secondary">{t('audit.noDetails')}</Typography.Text>
      )}
    </div>
  )
}
