import { useState } from 'react'
import { App, Button, Card, Empty, Form, Input, List, Modal, Space, Switch, Tag, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import { useCollectionActions, useCollections, type Collection } from '../../api/assets'
import { ApiError } from '../../api/client'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { formatDateTime } from '../../lib/time'

/** Collections (专题) and their switch to the public archive (数字资源公共服务平台). */
export function CollectionsPanel() {
  const { can } = usePermissions()
  const canManage = can('asset.manage')
  const collections = useCollections()
  const actions = useCollectionActions()
  const feedback = useFeedback()
  const { modal } = App.useApp()
  const [isCreating, setCreating] = useState(false)

  const toggle = (c: Collection, isPublic: boolean) =>
    modal.confirm({
      title: c.title,
      content: isPublic ? t('assets.collections.publishConfirm') : t('assets.collections.unpublishConfirm'),
      cancelText: t('assets.cancel'),
      onOk: () => actions.update.mutateAsync({ id: c.id, isPublic }).then(
        () => feedback.success(isPublic ? t('assets.collections.published') : t('assets.collections.unpublished')),
        feedback.error,
      ),
    })

  if (collections.error) return <QueryError error={collections.error} onRetry={() => void collections.refetch()} />
  return (
    <Card
      title={t('assets.tab.collections')}
      extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="collection-new">{t('assets.collections.new')}</Button>}
    >
      <List
        loading={collections.isLoading}
        dataSource={collections.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('assets.collections.empty')} /> }}
        renderItem={(c) => (
          <List.Item
            data-testid="collection"
            actions={[
              <Space key="public">
                <Typography.Text type="secondary">{t('assets.collections.public')}</Typography.Text>
                <Switch checked={c.isPublic} disabled={!canManage} onChange={(v) => toggle(c, v)} aria-label={t('assets.collections.public')} />
              </Space>,
              ...(c.isPublic && c.archiveUrl ? [<a key="open" href={c.archiveUrl} target="_blank" rel="noreferrer">{t('assets.collections.openArchive')}</a>] : []),
            ]}
          >
            <List.Item.Meta
              title={<Space>{c.title}{c.isPublic && <Tag color="green">{t('assets.collections.public')}</Tag>}</Space>}
              description={<>{c.description && <div>{c.description}</div>}{t('assets.collections.items', { count: c.items })} · {formatDateTime(c.updatedAt)}</>}
            />
          </List.Item>
        )}
      />
      {isCreating && <NewCollection onClose={() => setCreating(false)} />}
    </Card>
  )
}

function NewCollection({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<{ title: string; description?: string }>()
  const { create } = useCollectionActions()
  const feedback = useFeedback()
  const submit = (v: { title: string; description?: string }) =>
    create.mutate({ title: v.title.trim(), description: v.description ?? '' }, {
      onSuccess: () => {
        feedback.success(t('assets.collections.created'))
        onClose()
      },
      onError: (err) => {
        if (err instanceof ApiError) form.setFields(Object.entries(err.fieldErrors).map(([name, errors]) => ({ name: name as 'title', errors })))
        else feedback.error(err)
      },
    })
  return (
    <Modal open title={t('assets.collections.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} cancelText={t('assets.cancel')}>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="title" label={t('assets.collections.titleField')} rules={[{ required: true, whitespace: true, message: t('assets.collections.titleField') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="description" label={t('assets.collections.descriptionField')}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
