import { useState } from 'react'
import { Button, Card, Empty, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { useMe } from '../../api/auth'
import { useCreateOpen311Key, useOpen311Keys, useRevokeOpen311Key } from '../../api/tickets'
import { OneTimeSecretModal } from '../../components/OneTimeSecretModal'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'
import { formatDateTimeShort } from '../../lib/time'
import './tickets.css'

/** Open311 接口: keys for GeoReport v2 clients (12345 hotline, apps); shown once, revocable. */
export function Open311KeysPage() {
  const keys = useOpen311Keys()
  const create = useCreateOpen311Key()
  const revoke = useRevokeOpen311Key()
  const feedback = useFeedback()
  const me = useMe()
  const [isCreating, setCreating] = useState(false)
  const [name, setName] = useState('')
  const [secret, setSecret] = useState<string | null>(null)
  const slug = me.data?.tenant?.slug ?? ''
  return (
    <>
      <PageHeader title={t('nav.ticketOpen311')} description={t('tickets.open311.description')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('tickets.open311.new')}</Button>} />
      <Card>
        <Typography.Paragraph type="secondary">{t('tickets.open311.endpoint', { url: `${window.location.origin}/open311/v2/discovery.json`, slug })}</Typography.Paragraph>
        {keys.error ? <QueryError error={keys.error} onRetry={() => void keys.refetch()} /> : (
          <Table rowKey="id" size="small" loading={keys.isPending} dataSource={keys.data} pagination={false} scroll={{ x: 'max-content' }}
            locale={{ emptyText: <Empty description={t('tickets.open311.empty')} /> }}
            columns={[
              { title: t('tickets.settings.name'), dataIndex: 'name' },
              { title: t('tickets.open311.prefix'), dataIndex: 'prefix', render: (p: string) => <code>{p}…</code> },
              { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDateTimeShort(at) },
              { title: t('tickets.open311.lastUsed'), dataIndex: 'lastUsedAt', render: (at: string | null) => (at ? formatDateTimeShort(at) : t('tickets.open311.never')) },
              { title: t('tickets.state'), key: 's', render: (_, k) => (k.revokedAt ? <Tag>{t('tickets.open311.revoked')}</Tag> : <Tag color="green">{t('tickets.open311.active')}</Tag>) },
              {
                title: t('common.actions'), key: 'a', render: (_, k) => !k.revokedAt && (
                  <Popconfirm title={t('tickets.open311.revokeConfirm')} onConfirm={() => revoke.mutate(k.id, { onSuccess: () => feedback.success(t('tickets.open311.revoked')), onError: feedback.error })}>
                    <Button size="small" danger>{t('tickets.open311.revoke')}</Button>
                  </Popconfirm>
                ),
              },
            ]} />
        )}
      </Card>
      <Modal open={isCreating} title={t('tickets.open311.new')} onCancel={() => setCreating(false)} okButtonProps={{ disabled: !name.trim(), loading: create.isPending }}
        onOk={() => create.mutate(name.trim(), { onSuccess: (k) => { setCreating(false); setName(''); setSecret(k.key) }, onError: feedback.error })}>
        <Form layout="vertical"><Form.Item label={t('tickets.open311.name')} required><Input maxLength={60} value={name} onChange={(e) => setName(e.target.value)} /></Form.Item></Form>
      </Modal>
      <OneTimeSecretModal open={Boolean(secret)} title={t('tickets.open311.new')} secret={secret} note={t('tickets.open311.created')} onClose={() => setSecret(null)} />
    </>
  )
}
