import type { ButtonProps } from 'antd'
import { useState } from 'react'
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd'
import { ApiOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons'
import type { ColumnsType } from 'antd/es/table'
import { useTenants } from '../../api/tenants'
import {
  useAccounts, useChannelSets, useCreateChannelSet, useRemoveAccount, useRemoveChannelSet, useSaveAccount, useTestAccount, type Account, type ChannelSet,
} from '../../api/publishing'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useCanPinColumns } from '../../components/responsive'
import { t } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { AccountFormModal } from './AccountFormModal'
import { AccountStatusTag, ChannelTag } from './shared'
import './publishing.css'

/** 渠道账号: the register of accounts, their status and connection tests, and saved channel sets. */
export function AccountsPage() {
  const { can } = usePermissions()
  const canManage = can('account.manage')
  const accounts = useAccounts()
  const [editing, setEditing] = useState<Account | 'new' | null>(null)

  return (
    <>
      <PageHeader
        title={t('pub.accounts.title')}
        description={t('pub.accounts.description')}
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="account-new">{t('pub.accounts.new')}</Button>}
      />
      {accounts.error ? <QueryError error={accounts.error} onRetry={() => void accounts.refetch()} /> : (
        <AccountsTable accounts={accounts.data ?? []} isLoading={accounts.isLoading} canManage={canManage} onEdit={setEditing} />
      )}
      <ChannelSetsCard accounts={accounts.data ?? []} />
      {editing && <AccountFormModal account={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  )
}

function AccountsTable({ accounts, isLoading, canManage, onEdit }: { accounts: Account[]; isLoading: boolean; canManage: boolean; onEdit: (a: Account) => void }) {
  const { can } = usePermissions()
  const units = useTenants(can('tenant.read'))
  const canPin = useCanPinColumns()
  const { modal } = App.useApp()
  const feedback = useFeedback()
  const save = useSaveAccount()
  const remove = useRemoveAccount()
  const test = useTestAccount()

  const ownerName = (id: string | null) => (id ? units.data?.find((u) => u.id === id)?.name ?? id.slice(0, 8) : t('pub.accounts.ownerSelf'))

  async function runTest(account: Account) {
    try {
      const result = await test.mutateAsync(account.id)
      if (result.isOk) feedback.success(t('pub.accounts.testOk', { message: result.message }))
      else {
        modal.error({
          title: `${account.name}：${t('pub.accounts.testFailed')}`,
          content: <div data-testid="account-test-result">{result.message}{result.hint && <p style={{ marginTop: 8 }}>{t('pub.story.whatToDo')}{result.hint}</p>}</div>,
        })
      }
    } catch (err) {
      feedback.error(err)
    }
  }

  async function toggle(account: Account) {
    const status = account.status === 'disabled' ? 'active' : 'disabled'
    try {
      await save.mutateAsync({ id: account.id, input: { status } })
      feedback.success(t(status === 'disabled' ? 'pub.accounts.disabled' : 'pub.accounts.enabled'))
    } catch (err) {
      feedback.error(err)
    }
  }

  const actions = (a: Account) => (
    <Space wrap size={4}>
      <Button size="small" icon={<ApiOutlined />} loading={test.isPending && test.variables === a.id} onClick={() => void runTest(a)} data-testid="account-test">{t('pub.accounts.test')}</Button>
      <Button size="small" icon={<EditOutlined />} onClick={() => onEdit(a)} data-testid="account-edit">{t('common.edit')}</Button>
      <Button size="small" onClick={() => void toggle(a)} data-testid="account-toggle">{t(a.status === 'disabled' ? 'pub.accounts.enable' : 'pub.accounts.disable')}</Button>
      <Popconfirm
        title={t('pub.accounts.deleteConfirm', { name: a.name })}
        description={<div style={{ maxWidth: 260 }}>{t('pub.accounts.deleteNote')}</div>}
        okButtonProps={{ danger: true }}
        onConfirm={() => remove.mutateAsync(a.id).then(() => feedback.success(t('pub.accounts.deleted')), feedback.error)}
      >
        <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="account-delete" />
      </Popconfirm>
    </Space>
  )
  const lastTest = (a: Account) => a.lastTest ? (
    <div data-testid="account-last-test">
      <Tag color={a.lastTest.isOk ? 'success' : 'error'} style={{ whiteSpace: 'normal' }}>{a.lastTest.isOk ? '✓' : '✗'} {a.lastTest.message}</Tag>
      <div><Typography.Text type="secondary">{formatDateTime(a.lastTest.at)}</Typography.Text></div>
    </div>
  ) : <Typography.Text type="secondary">{t('pub.accounts.neverTested')}</Typography.Text>
  const reauth = accounts.filter((a) => a.status === 'needs_reauth')
  const reauthAlert = reauth.length > 0 && (
    <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={`${reauth.map((a) => a.name).join('、')}：${t('pub.accountStatus.needs_reauth')}`} />
  )

  // On a phone the register is a list of cards: a wide table would hide the status and actions off screen.
  if (!canPin) {
    return (
      <Card style={{ marginBottom: 16 }} loading={isLoading}>
        {reauthAlert}
        {accounts.length === 0 ? <Empty description={t('pub.accounts.empty')} /> : (
          <div className="rm-pub-cards">
            {accounts.map((a) => (
              <div key={a.id} className="rm-pub-card" data-testid="account-row" data-account={a.id} data-channel={a.channel}>
                <Typography.Text strong>{a.name}</Typography.Text>
                <Space wrap size={4}><ChannelTag channel={a.channel} /><AccountStatusTag status={a.status} /><Typography.Text type="secondary">{ownerName(a.ownerUnitId)}</Typography.Text></Space>
                {lastTest(a)}
                {canManage && actions(a)}
              </div>
            ))}
          </div>
        )}
      </Card>
    )
  }

  const columns: ColumnsType<Account> = [
    {
      title: t('pub.accounts.name'), dataIndex: 'name', fixed: canPin ? 'left' : undefined, width: 210,
      render: (name: string, a) => <Space wrap size={4}><Typography.Text strong>{name}</Typography.Text><ChannelTag channel={a.channel} /></Space>,
    },
    { title: t('common.status'), dataIndex: 'status', width: 110, render: (_: unknown, a) => <AccountStatusTag status={a.status} /> },
    { title: t('pub.accounts.owner'), dataIndex: 'ownerUnitId', width: 110, render: (id: string | null) => ownerName(id) },
    {
      title: t('pub.accounts.credentials'), width: 150,
      render: (_: unknown, a) => a.credentialFieldsAvailable.length === 0 ? <Typography.Text type="secondary">—</Typography.Text> : (
        <Space wrap size={4}>{a.credentialFieldsAvailable.map((f) => <Tag key={f} color={a.credentialFields.includes(f) ? 'success' : 'default'}>{f}{a.credentialFields.includes(f) ? ` ${t('pub.accounts.credentialSet')}` : ''}</Tag>)}</Space>
      ),
    },
    { title: t('pub.accounts.lastTest'), width: 210, render: (_: unknown, a) => lastTest(a) },
    ...(canManage ? [{
      title: t('common.actions'), key: 'actions', fixed: canPin ? ('right' as const) : undefined, width: 250,
      render: (_: unknown, a: Account) => actions(a),
    }] : []),
  ]

  return (
    <Card style={{ marginBottom: 16 }}>
      {reauthAlert}
      <Table<Account>
        rowKey="id"
        size="middle"
        loading={isLoading}
        dataSource={accounts}
        columns={columns}
        pagination={false}
        scroll={{ x: 1040 }}
        onRow={(a) => ({ 'data-testid': 'account-row', 'data-account': a.id, 'data-channel': a.channel } as object)}
        locale={{ emptyText: <Empty description={t('pub.accounts.empty')} /> }}
      />
    </Card>
  )
}

/** Saved channel sets: a name and the accounts picked together in the publish dialog. */
function ChannelSetsCard({ accounts }: { accounts: Account[] }) {
  const { can } = usePermissions()
  const canManage = can('publication.manage')
  const sets = useChannelSets()
  const remove = useRemoveChannelSet()
  const feedback = useFeedback()
  const [isCreating, setCreating] = useState(false)
  const nameOf = (id: string) => accounts.find((a) => a.id === id)?.name ?? t('pub.sets.missingAccount')

  return (
    <Card
      title={t('pub.sets.title')}
      extra={canManage && <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={accounts.length === 0} data-testid="set-new">{t('pub.sets.new')}</Button>}
    >
      <Typography.Paragraph type="secondary">{t('pub.sets.description')}</Typography.Paragraph>
      {sets.error ? <QueryError error={sets.error} onRetry={() => void sets.refetch()} /> : (
        <Table<ChannelSet>
          rowKey="id"
          size="small"
          loading={sets.isLoading}
          dataSource={sets.data ?? []}
          pagination={false}
          onRow={(s) => ({ 'data-testid': 'set-row', 'data-set': s.id } as object)}
          scroll={{ x: 520 }}
          locale={{ emptyText: <Empty description={t('pub.sets.empty')} /> }}
          columns={[
            { title: t('pub.sets.name'), dataIndex: 'name', width: 180 },
            { title: t('pub.sets.accounts'), render: (_: unknown, s) => <Space wrap size={4}>{s.accountIds.map((id) => <Tag key={id}>{nameOf(id)}</Tag>)}</Space> },
            ...(canManage ? [{
              title: t('common.actions'), width: 90,
              render: (_: unknown, s: ChannelSet) => (
                <Popconfirm title={t('pub.sets.deleteConfirm', { name: s.name })} okButtonProps={{ danger: true }} onConfirm={() => remove.mutateAsync(s.id).then(() => feedback.success(t('pub.sets.deleted')), feedback.error)}>
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                </Popconfirm>
              ),
            }] : []),
          ]}
        />
      )}
      {isCreating && <NewSetModal accounts={accounts} onClose={() => setCreating(false)} />}
    </Card>
  )
}

function NewSetModal({ accounts, onClose }: { accounts: Account[]; onClose: () => void }) {
  const [form] = Form.useForm<{ name: string; accountIds: string[] }>()
  const create = useCreateChannelSet()
  const feedback = useFeedback()
  return (
    <Modal open title={t('pub.sets.new')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending, 'data-testid': 'set-save' } as ButtonProps} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => create.mutateAsync({ name: v.name.trim(), accountIds: v.accountIds }).then(() => { feedback.success(t('pub.sets.created')); onClose() }, feedback.error)}
      >
        <Form.Item name="name" label={t('pub.sets.name')} rules={[{ required: true, whitespace: true, message: t('pub.sets.nameRequired') }]}>
          <Input maxLength={100} data-testid="set-name" />
        </Form.Item>
        <Form.Item name="accountIds" label={t('pub.sets.accounts')} rules={[{ required: true, message: t('pub.sets.accountsRequired') }]}>
          <Select mode="multiple" data-testid="set-accounts" options={accounts.map((a) => ({ value: a.id, label: `${a.name}（${a.channelName}）` }))} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
