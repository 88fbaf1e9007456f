import { useMemo, useState, type HTMLAttributes, type MouseEvent } from 'react'
import { App, Button, Card, Empty, Table, Typography } from 'antd'
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons'
import { useAudit, useAuditExport, useAuditVerify, type AuditFilters as Filters } from '../../api/audit'
import { buildUrl } from '../../api/client'
import type { AuditEntry } from '../../api/types'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { saveBlob } from '../../lib/download'
import { formatDateTime } from '../../lib/time'
import { t } from '../../i18n'
import { AuditDetails, auditColumns } from './auditColumns'
import { AuditFilters } from './AuditFilters'

export function AuditPage() {
  const { can } = usePermissions()
  const [filters, setFilters] = useState<Filters>({})
  const audit = useAudit(filters)
  const verify = useAuditVerify()
  const exportCsv = useAuditExport()
  const feedback = useFeedback()
  const { modal } = App.useApp()
  const rows = useMemo(() => audit.data?.pages.flatMap((p) => p.items) ?? [], [audit.data])
  const isFiltered = Object.values(filters).some(Boolean)

  const onVerify = () =>
    verify.mutateAsync().then(
      (r) => {
        if (r.ok) modal.success({ title: t('audit.verifyOk'), content: t('audit.verifyOkDetail', { checked: r.checked }) })
        else
          modal.error({
            title: t('audit.verifyBad'),
            content: t('audit.verifyBadDetail', { seq: r.firstBadSeq ?? '?', checked: r.checked, reason: r.reason ?? t('audit.verifyNoReason') }),
          })
      },
      (err: unknown) => feedback.error(err),
    )

  // A link keeps the URL visible and copyable; the click goes through fetch so the tenant header is sent.
  const exportHref = buildUrl('/audit/export.csv', { ...filters })
  const onExport = (event: MouseEvent) => {
    event.preventDefault()
    exportCsv.mutateAsync(filters).then(
      (blob) => {
        const stamp = formatDateTime(new Date()).replace(/[-: ]/g, '').slice(0, 12)
        saveBlob(blob, `audit-${stamp}.csv`)
        feedback.success(t('audit.exported'))
      },
      (err: unknown) => feedback.error(err),
    )
  }

  return (
    <>
      <PageHeader
        title={t('nav.audit')}
        description={t('audit.description')}
        extra={
          <>
            <Button icon={<SafetyCertificateOutlined />} onClick={onVerify} loading={verify.isPending} data-testid="audit-verify">
              {t('audit.verify')}
            </Button>
            {can('audit.export') && (
              <Button icon={<DownloadOutlined />} href={exportHref} onClick={onExport} loading={exportCsv.isPending} data-testid="audit-export">
                {t('audit.export')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <AuditFilters onChange={setFilters} />
        {audit.error ? (
          <QueryError error={audit.error} onRetry={() => void audit.refetch()} />
        ) : (
          <>
            <Table<AuditEntry>
              rowKey={(e) => String(e.seq)}
              columns={auditColumns}
              dataSource={rows}
              loading={audit.isPending}
              pagination={false}
              size="middle"
              scroll={{ x: 1000 }}
              onRow={(e) => ({ 'data-testid': 'audit-row', 'data-action': e.action }) as HTMLAttributes<HTMLElement>}
              expandable={{ expandedRowRender: (e) => <AuditDetails entry={e} /> }}
              locale={{ emptyText: <Empty description={isFiltered ? t('audit.noMatch') : t('audit.empty')} /> }}
            />
            <div style={{ textAlign: 'center', marginTop: 16 }}>
              {audit.hasNextPage ? (
                <Button onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage} data-testid="audit-load-more">
                  {t('common.loadMore')}
                </Button>
              ) : (
                rows.length > 0 && <Typography.Text type="secondary">{t('audit.allShown', { count: rows.length })}</Typography.Text>
              )}
            </div>
          </>
        )}
      </Card>
    </>
  )
}
