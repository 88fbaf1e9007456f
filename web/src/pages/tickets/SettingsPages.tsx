import { useMemo, useState } from 'react'
import { Alert, Button, Card, DatePicker, Empty, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { useSearchParams } from 'react-router-dom'
import dayjs from 'dayjs'
import { faq, routingRules, replyTemplates, services, ticketKinds, useFaqList, type FaqView, type RuleView, type ServiceView, type TemplateView } from '../../api/tickets'
import { usePermissions } from '../../auth/permissions'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'
import { HandlingSettingsTab } from './HandlingSettingsTab'
import { kindName, useDepartments } from './shared'
import { EditModal, required, showFieldErrors } from './settingsForm'
import './tickets.css'

/** Catalogue, rules and templates change only with ticket.dispatch; everyone else reads them. */
function useCanEditCatalogue(): boolean {
  return usePermissions().can('ticket.dispatch')
}

function ReadOnlyNotice() {
  return <Alert type="info" showIcon title={t('tickets.settings.readOnly')} style={{ marginBottom: 16 }} data-testid="settings-read-only" />
}

// ---- service catalogue, routing rules, reply templates ---------------------------------------------

function ServicesTab() {
  const list = services.useList()
  const save = services.useSave()
  const feedback = useFeedback()
  const canEdit = useCanEditCatalogue()
  const [editing, setEditing] = useState<Partial<ServiceView> | null>(null)
  return (
    <>
      {canEdit
        ? <div className="rm-toolbar"><Button icon={<PlusOutlined />} type="primary" onClick={() => setEditing({ isActive: true, sortOrder: 0, defaultKind: 'complaint' })}>{t('tickets.settings.newService')}</Button></div>
        : <ReadOnlyNotice />}
      {list.error ? <QueryError error={list.error} /> : (
        <Table<ServiceView> rowKey="id" size="small" loading={list.isPending} dataSource={list.data} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('tickets.settings.noServices')} /> }}
          columns={[
            { title: t('tickets.settings.code'), dataIndex: 'code' },
            { title: t('tickets.settings.name'), dataIndex: 'name' },
            { title: t('tickets.settings.group'), dataIndex: 'group', responsive: ['md'] },
            { title: t('tickets.settings.defaultKind'), key: 'kind', render: (_, s) => kindName(s.defaultKind) },
            { title: t('tickets.state'), key: 'active', render: (_, s) => (s.isActive ? <Tag color="green">{t('tickets.settings.active')}</Tag> : <Tag>{t('tickets.settings.inactive')}</Tag>) },
            { title: t('common.actions'), key: 'a', render: (_, s) => <Button size="small" onClick={() => setEditing(s)}>{canEdit ? t('common.edit') : t('common.view')}</Button> },
          ]} />
      )}
      <EditModal<ServiceView> open={Boolean(editing)} title={!canEdit ? t('common.view') : editing?.id ? t('common.edit') : t('tickets.settings.newService')} initial={editing ?? {}} isPending={save.isPending}
        isReadOnly={!canEdit}
        onClose={() => setEditing(null)}
        onSave={(v, form) => save.mutate({ id: editing?.id ?? null, input: { code: v.code, name: v.name, group: v.group ?? '', keywords: v.keywords ?? '', description: v.description ?? '', notice: v.notice ?? '', defaultKind: v.defaultKind, sortOrder: v.sortOrder ?? 0, isActive: v.isActive } }, {
          onSuccess: () => { feedback.success(t('common.saved')); setEditing(null) },
          onError: (err) => { if (!showFieldErrors(form, err)) feedback.error(err) },
        })}>
        <Form.Item name="code" label={t('tickets.settings.code')} rules={[...required, { pattern: /^[A-Za-z0-9_-]{1,40}$/, message: 'A-Z a-z 0-9 _ -' }]}><Input maxLength={40} /></Form.Item>
        <Form.Item name="name" label={t('tickets.settings.name')} rules={required}><Input maxLength={60} /></Form.Item>
        <Form.Item name="group" label={t('tickets.settings.group')}><Input maxLength={40} /></Form.Item>
        <Form.Item name="defaultKind" label={t('tickets.settings.defaultKind')}><Select options={ticketKinds.map((k) => ({ value: k, label: kindName(k) }))} /></Form.Item>
        <Form.Item name="keywords" label={t('tickets.settings.keywords')}><Input maxLength={200} /></Form.Item>
        <Form.Item name="description" label={t('tickets.settings.descriptionField')}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
        <Form.Item name="notice" label={t('tickets.settings.notice')}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
        <Form.Item name="sortOrder" label={t('tickets.settings.sortOrder')}><InputNumber min={0} max={10000} precision={0} /></Form.Item>
        <Form.Item name="isActive" label={t('tickets.settings.active')} valuePropName="checked"><Switch /></Form.Item>
      </EditModal>
    </>
  )
}

interface RuleForm { serviceId: string; departmentId: string; placeKeyword?: string; priority?: number; isActive: boolean }

function RulesTab() {
  const list = routingRules.useList()
  const serviceList = services.useList()
  const departments = useDepartments()
  const save = routingRules.useSave()
  const remove = routingRules.useRemove()
  const feedback = useFeedback()
  const [editing, setEditing] = useState<(Partial<RuleForm> & { id?: string }) | null>(null)
  return (
    <>
      <div className="rm-toolbar"><Button icon={<PlusOutlined />} type="primary" onClick={() => setEditing({ isActive: true, priority: 0 })}>{t('tickets.settings.newRule')}</Button></div>
      {list.error ? <QueryError error={list.error} /> : (
        <Table<RuleView> rowKey="id" size="small" loading={list.isPending} dataSource={list.data} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('tickets.settings.noRules')} /> }}
          columns={[
            { title: t('tickets.settings.service'), key: 's', render: (_, r) => r.service.name },
            { title: t('tickets.settings.placeKeyword'), key: 'p', render: (_, r) => r.placeKeyword ?? <Typography.Text type="secondary">{t('tickets.settings.anyPlace')}</Typography.Text> },
            { title: t('tickets.department'), key: 'd', render: (_, r) => r.department.name },
            { title: t('tickets.settings.priority'), dataIndex: 'priority' },
            { title: t('tickets.state'), key: 'active', render: (_, r) => (r.isActive ? <Tag color="green">{t('tickets.settings.active')}</Tag> : <Tag>{t('tickets.settings.inactive')}</Tag>) },
            {
              title: t('common.actions'), key: 'a', render: (_, r) => (
                <Space>
                  <Button size="small" onClick={() => setEditing({ id: r.id, serviceId: r.service.id, departmentId: r.department.id, placeKeyword: r.placeKeyword ?? undefined, priority: r.priority, isActive: r.isActive })}>{t('common.edit')}</Button>
                  <Popconfirm title={t('tickets.settings.deleteRule')} onConfirm={() => remove.mutate(r.id, { onSuccess: () => feedback.success(t('tickets.deleted')), onError: feedback.error })}>
                    <Button size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]} />
      )}
      <EditModal<RuleForm> open={Boolean(editing)} title={editing?.id ? t('common.edit') : t('tickets.settings.newRule')} initial={editing ?? {}} isPending={save.isPending}
        onClose={() => setEditing(null)}
        onSave={(v, form) => save.mutate({ id: editing?.id ?? null, input: { serviceId: v.serviceId, departmentId: v.departmentId, placeKeyword: v.placeKeyword?.trim() || null, priority: v.priority ?? 0, isActive: v.isActive } }, {
          onSuccess: () => { feedback.success(t('common.saved')); setEditing(null) },
          onError: (err) => { if (!showFieldErrors(form, err)) feedback.error(err) },
        })}>
        <Form.Item name="serviceId" label={t('tickets.settings.service')} rules={[{ required: true, message: t('tickets.action.required') }]}>
          <Select options={(serviceList.data ?? []).map((s) => ({ value: s.id, label: s.name }))} showSearch optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="placeKeyword" label={t('tickets.settings.placeKeyword')} extra={t('tickets.settings.anyPlace')}><Input maxLength={40} /></Form.Item>
        <Form.Item name="departmentId" label={t('tickets.department')} rules={[{ required: true, message: t('tickets.action.required') }]}>
          <Select options={departments.items.map((d) => ({ value: d.id, label: d.name }))} showSearch optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="priority" label={t('tickets.settings.priority')}><InputNumber min={-1000} max={1000} precision={0} /></Form.Item>
        <Form.Item name="isActive" label={t('tickets.settings.active')} valuePropName="checked"><Switch /></Form.Item>
      </EditModal>
    </>
  )
}

function TemplatesTab() {
  const list = replyTemplates.useList()
  const save = replyTemplates.useSave()
  const feedback = useFeedback()
  const canEdit = useCanEditCatalogue()
  const [editing, setEditing] = useState<Partial<TemplateView> | null>(null)
  return (
    <>
      {canEdit
        ? <div className="rm-toolbar"><Button icon={<PlusOutlined />} type="primary" onClick={() => setEditing({ isActive: true })}>{t('tickets.settings.newTemplate')}</Button></div>
        : <ReadOnlyNotice />}
      {list.error ? <QueryError error={list.error} /> : (
        <Table<TemplateView> rowKey="id" size="small" loading={list.isPending} dataSource={list.data} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('tickets.settings.noTemplates')} /> }}
          columns={[
            { title: t('tickets.settings.name'), dataIndex: 'name' },
            { title: t('tickets.settings.body'), key: 'b', render: (_, x) => <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 480 }}>{x.body}</Typography.Paragraph> },
            { title: t('tickets.state'), key: 'active', render: (_, x) => (x.isActive ? <Tag color="green">{t('tickets.settings.active')}</Tag> : <Tag>{t('tickets.settings.inactive')}</Tag>) },
            { title: t('common.actions'), key: 'a', render: (_, x) => <Button size="small" onClick={() => setEditing(x)}>{canEdit ? t('common.edit') : t('common.view')}</Button> },
          ]} />
      )}
      <EditModal<TemplateView> open={Boolean(editing)} title={!canEdit ? t('common.view') : editing?.id ? t('common.edit') : t('tickets.settings.newTemplate')} initial={editing ?? {}} isPending={save.isPending}
        isReadOnly={!canEdit}
        onClose={() => setEditing(null)}
        onSave={(v, form) => save.mutate({ id: editing?.id ?? null, input: { name: v.name, body: v.body, isActive: v.isActive } }, {
          onSuccess: () => { feedback.success(t('common.saved')); setEditing(null) },
          onError: (err) => { if (!showFieldErrors(form, err)) feedback.error(err) },
        })}>
        <Form.Item name="name" label={t('tickets.settings.name')} rules={required}><Input maxLength={60} /></Form.Item>
        <Form.Item name="body" label={t('tickets.settings.body')} rules={required} extra={t('tickets.settings.templateHint')}><Input.TextArea rows={8} maxLength={5000} showCount /></Form.Item>
        <Form.Item name="isActive" label={t('tickets.settings.active')} valuePropName="checked"><Switch /></Form.Item>
      </EditModal>
    </>
  )
}

/**
 * 留言设置: the catalogue, routing rules, reply templates and handling settings of the center.
 * Departments and leaders (ticket.read) see them read-only; the routing rules are the dispatchers'
 * alone (the API keeps them from everyone else), so their tab is left out for others.
 */
export function TicketCataloguePage() {
  const canEdit = useCanEditCatalogue()
  const tabs = [
    ...(canEdit ? [{ key: 'rules', label: t('tickets.settings.rules'), children: <RulesTab /> }] : []),
    { key: 'services', label: t('tickets.settings.services'), children: <ServicesTab /> },
    { key: 'templates', label: t('tickets.settings.templates'), children: <TemplatesTab /> },
    { key: 'handling', label: t('tickets.handling.tab'), children: <HandlingSettingsTab /> },
  ]
  // The open tab lives in the address (?tab=handling), so a link or a reload lands on it.
  const [params, setParams] = useSearchParams()
  const first = tabs[0].key
  const tab = tabs.find((x) => x.key === params.get('tab'))?.key ?? first
  return (
    <>
      <PageHeader title={t('nav.ticketCatalogue')} description={t('tickets.settings.description')} />
      <Card>
        <Tabs activeKey={tab} onChange={(key) => setParams(key === first ? {} : { tab: key }, { replace: true })} items={tabs} />
      </Card>
    </>
  )
}

// ---- knowledge base ---------------------------------------------------------------------------------

interface FaqForm { question: string; variants?: string; answer: string; ownerDepartmentId?: string; validity?: [dayjs.Dayjs | null, dayjs.Dayjs | null]; isPublished: boolean }

/** 问答库: entries with their question variants, owner department and validity. */
export function FaqPage() {
  const [q, setQ] = useState('')
  const list = useFaqList(q)
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])
  const save = faq.useSave()
  const remove = faq.useRemove()
  const departments = useDepartments()
  const { can } = usePermissions()
  const canManage = can('faq.manage')
  const feedback = useFeedback()
  const [editing, setEditing] = useState<(Partial<FaqForm> & { id?: string }) | null>(null)
  const toForm = (f: FaqView): Partial<FaqForm> & { id: string } => ({
    id: f.id, question: f.question, variants: f.variants.join('\n'), answer: f.answer, ownerDepartmentId: f.ownerDepartment?.id, isPublished: f.isPublished,
    validity: [f.validFrom ? dayjs(f.validFrom) : null, f.validTo ? dayjs(f.validTo) : null],
  })
  return (
    <>
      <PageHeader title={t('nav.ticketFaq')} description={t('tickets.faq.description')}
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ isPublished: true })}>{t('tickets.faq.new')}</Button>} />
      <Card>
        <div className="rm-toolbar"><Input.Search allowClear placeholder={t('tickets.faq.search')} onSearch={setQ} style={{ maxWidth: 360 }} aria-label={t('tickets.faq.search')} /></div>
        {list.error ? <QueryError error={list.error} onRetry={() => void list.refetch()} /> : (
          <>
            <Table<FaqView> rowKey="id" size="small" loading={list.isPending} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }}
              locale={{ emptyText: <Empty description={q ? t('tickets.faq.noMatch') : t('tickets.faq.empty')} /> }}
              columns={[
                {
                  title: t('tickets.faq.question'), key: 'q', render: (_, f) => (
                    <div style={{ maxWidth: 420 }}>
                      <Typography.Text strong>{f.question}</Typography.Text>
                      {f.variants.length > 0 && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{f.variants.join(' / ')}</Typography.Text></div>}
                    </div>
                  ),
                },
                { title: t('tickets.faq.owner'), key: 'o', responsive: ['md'], render: (_, f) => f.ownerDepartment?.name ?? '—' },
                { title: t('tickets.faq.validity'), key: 'v', render: (_, f) => (f.validFrom || f.validTo ? `${f.validFrom ?? '…'} ~ ${f.validTo ?? '…'}` : t('tickets.faq.forever')) },
                {
                  title: t('tickets.state'), key: 's', render: (_, f) => (
                    <Space size={4} wrap>
                      {f.isPublished ? <Tag color="green">{t('tickets.faq.published')}</Tag> : <Tag>{t('tickets.faq.unpublished')}</Tag>}
                      {f.isValidNow ? <Tag color="blue">{t('tickets.faq.validNow')}</Tag> : <Tag color="orange">{t('tickets.faq.notValidNow')}</Tag>}
                    </Space>
                  ),
                },
                ...(canManage ? [{
                  title: t('common.actions'), key: 'a', render: (_: unknown, f: FaqView) => (
                    <Space>
                      <Button size="small" onClick={() => setEditing(toForm(f))}>{t('common.edit')}</Button>
                      <Popconfirm title={t('tickets.faq.delete')} onConfirm={() => remove.mutate(f.id, { onSuccess: () => feedback.success(t('tickets.deleted')), onError: feedback.error })}>
                        <Button size="small" danger>{t('common.delete')}</Button>
                      </Popconfirm>
                    </Space>
                  ),
                }] : []),
              ]} />
            {list.hasNextPage && <div style={{ textAlign: 'center', marginTop: 16 }}><Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('common.loadMore')}</Button></div>}
          </>
        )}
      </Card>
      <EditModal<FaqForm> open={Boolean(editing)} title={editing?.id ? t('common.edit') : t('tickets.faq.new')} initial={editing ?? {}} isPending={save.isPending}
        onClose={() => setEditing(null)}
        onSave={(v, form) => save.mutate({
          id: editing?.id ?? null,
          input: {
            question: v.question.trim(), answer: v.answer.trim(), isPublished: v.isPublished, ownerDepartmentId: v.ownerDepartmentId ?? null,
            variants: (v.variants ?? '').split('\n').map((x) => x.trim()).filter(Boolean).slice(0, 20),
            validFrom: v.validity?.[0]?.format('YYYY-MM-DD') ?? null, validTo: v.validity?.[1]?.format('YYYY-MM-DD') ?? null,
          },
        }, {
          onSuccess: () => { feedback.success(t('common.saved')); setEditing(null) },
          onError: (err) => { if (!showFieldErrors(form, err)) feedback.error(err) },
        })}>
        <Form.Item name="question" label={t('tickets.faq.question')} rules={required}><Input maxLength={200} /></Form.Item>
        <Form.Item name="variants" label={t('tickets.faq.variants')}><Input.TextArea rows={3} /></Form.Item>
        <Form.Item name="answer" label={t('tickets.faq.answer')} rules={required}><Input.TextArea rows={6} maxLength={10000} showCount /></Form.Item>
        <Form.Item name="ownerDepartmentId" label={t('tickets.faq.owner')}><Select allowClear options={departments.items.map((d) => ({ value: d.id, label: d.name }))} /></Form.Item>
        <Form.Item name="validity" label={t('tickets.faq.validity')} extra={t('tickets.faq.forever')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} placeholder={[t('tickets.faq.validFrom'), t('tickets.faq.validTo')]} />
        </Form.Item>
        <Form.Item name="isPublished" label={t('tickets.faq.published')} valuePropName="checked"><Switch /></Form.Item>
      </EditModal>
    </>
  )
}
