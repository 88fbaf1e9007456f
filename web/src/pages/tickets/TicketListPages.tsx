import { useState } from 'react'
import { Card, Input, Select, Tabs } from 'antd'
import type { TicketFilters } from '../../api/tickets'
import { PageHeader } from '../../components/PageHeader'
import { t } from '../../i18n'
import { TicketTable, useDepartments } from './shared'

interface TabSpec {
  key: string
  label: string
  filters: TicketFilters
  empty: string
}

/** Tabs over one ticket list, with a search box (number, lookup code or words) and a department filter. */
function TicketTabs({ tabs, withDepartment }: { tabs: TabSpec[]; withDepartment?: boolean }) {
  const [tab, setTab] = useState(tabs[0].key)
  const [q, setQ] = useState('')
  const [departmentId, setDepartmentId] = useState<string | undefined>()
  const departments = useDepartments()
  const current = tabs.find((x) => x.key === tab) ?? tabs[0]
  return (
    <Card>
      <div className="rm-toolbar">
        <Input.Search allowClear placeholder={t('tickets.search')} onSearch={setQ} style={{ maxWidth: 320 }} aria-label={t('tickets.search')} />
        {withDepartment && (
          <Select
            allowClear
            placeholder={t('tickets.kpis.allDepartments')}
            style={{ minWidth: 200 }}
            value={departmentId}
            onChange={setDepartmentId}
            options={departments.items.map((d) => ({ value: d.id, label: d.name }))}
            aria-label={t('tickets.department')}
          />
        )}
      </div>
      <Tabs activeKey={tab} onChange={setTab} items={tabs.map((x) => ({ key: x.key, label: x.label }))} />
      <TicketTable filters={{ ...current.filters, q, departmentId }} empty={current.empty} />
    </Card>
  )
}

/** 分办: new messages to moderate, accepted ones to route, returns from departments. */
export function TicketInboxPage() {
  return (
    <>
      <PageHeader title={t('nav.ticketInbox')} description={t('tickets.inbox.description')} />
      <TicketTabs
        withDepartment
        tabs={[
          { key: 'new', label: t('tickets.inbox.tab.new'), filters: { state: ['submitted'], sort: 'due' }, empty: t('tickets.inbox.empty.new') },
          { key: 'accepted', label: t('tickets.inbox.tab.accepted'), filters: { state: ['accepted'], sort: 'due' }, empty: t('tickets.empty') },
          { key: 'returned', label: t('tickets.inbox.tab.returned'), filters: { state: ['returned'], sort: 'due' }, empty: t('tickets.inbox.empty.returned') },
          { key: 'handling', label: t('tickets.inbox.tab.handling'), filters: { state: ['routed', 'signed_for', 'in_progress', 'reply_review'], sort: 'due' }, empty: t('tickets.empty') },
          { key: 'all', label: t('tickets.inbox.tab.all'), filters: {}, empty: t('tickets.empty') },
        ]}
      />
    </>
  )
}

/** 办理: the department's own tickets by what they need next. */
export function TicketWorkbenchPage() {
  return (
    <>
      <PageHeader title={t('nav.ticketWorkbench')} description={t('tickets.workbench.description')} />
      <TicketTabs
        tabs={[
          { key: 'toSign', label: t('tickets.workbench.tab.toSign'), filters: { state: ['routed'], sort: 'due' }, empty: t('tickets.workbench.empty.toSign') },
          { key: 'handling', label: t('tickets.workbench.tab.handling'), filters: { state: ['signed_for', 'in_progress'], sort: 'due' }, empty: t('tickets.empty') },
          { key: 'overdue', label: t('tickets.workbench.tab.overdue'), filters: { overdue: true, sort: 'due' }, empty: t('tickets.workbench.empty.overdue') },
          { key: 'answered', label: t('tickets.workbench.tab.answered'), filters: { state: ['reply_review', 'replied', 'closed'] }, empty: t('tickets.empty') },
          { key: 'all', label: t('tickets.inbox.tab.all'), filters: {}, empty: t('tickets.empty') },
        ]}
      />
    </>
  )
}

/** 先审后发: replies waiting for a reviewer. */
export function TicketReviewPage() {
  return (
    <>
      <PageHeader title={t('nav.ticketReview')} description={t('tickets.review.description')} />
      <Card>
        <TicketTable filters={{ state: ['reply_review'], sort: 'due' }} empty={t('tickets.review.empty')} />
      </Card>
    </>
  )
}
