import { Descriptions, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import type { AuditEntry, AuditOutcome } from '../../api/types'
import { formatDateTime } from '../../lib/time'
import { t, tOr, type MessageKey } from '../../i18n'
import { zhCN } from '../../i18n/zh-CN'

const outcomeColors: Record<AuditOutcome, string> = { success: 'green', failure: 'orange', denied: 'red' }

export function actionLabel(action: string): string {
  return tOr(`auditAction.${action}`, action)
}

const ACTION_PREFIX = 'auditAction.'

/** Every action the catalogue names, for suggesting filters. */
export function knownActions(): { code: string; label: string }[] {
  return (Object.keys(zhCN) as MessageKey[])
    .filter((k) => k.startsWith(ACTION_PREFIX))
    .map((k) => ({ code: k.slice(ACTION_PREFIX.length), label: t(k) }))
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
    width: 180,
    ellipsis: true,
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
            {e.targetId && <Typography.Text type="secondary" style={{ marginInlineStart: 6, fontSize: 12 }}>{targetLabel(e)}</Typography.Text>}
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
          { key: 'tenant', label: t('audit.tenant'), children: entry.tenantSlug ?? entry.tenantId ?? '—' },
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

/** What an auditor recognises: the username, slug, code or name the entry recorded, else a short id. */
function targetLabel(e: { targetId: string | null; details: unknown }): string {
  const d = (e.details ?? {}) as Record<string, unknown>
  for (const key of ['username', 'slug', 'code', 'name']) {
    if (typeof d[key] === 'string' && d[key]) return d[key] as string
  }
  const id = e.targetId ?? ''
  return id.length > 12 ? `${id.slice(0, 8)}…` : id
}
