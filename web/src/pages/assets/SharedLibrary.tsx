import { useMemo, useState } from 'react'
import { App, Button, Card, Empty, Form, Modal, Select, Space, Tag, Typography } from 'antd'
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useSharedAssets, useUseShared, type Share } from '../../api/assets'
import { api } from '../../api/client'
import { useStories } from '../../api/stories'
import type { Page } from '../../api/types'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { AssetThumb } from './assetBits'

/** 资源共享中心: what other units offer to this one; "use" records the use with the owner's credit. */
export function SharedLibrary() {
  const shared = useSharedAssets()
  const [using, setUsing] = useState<Share | null>(null)
  const rows = useMemo(() => shared.data?.pages.flatMap((p) => p.items) ?? [], [shared.data])
  if (shared.error) return <QueryError error={shared.error} onRetry={() => void shared.refetch()} />
  return (
    <Card loading={shared.isLoading}>
      {rows.length === 0 ? (
        <Empty description={t('assets.shared.empty')} />
      ) : (
        <div className="rm-asset-grid" data-testid="shared-grid">
          {rows.map((s) => (
            <div key={s.id} className="rm-asset-card" data-testid="shared-card">
              <AssetThumb asset={s} />
              <span className="rm-asset-card-title">{s.title || t('assets.untitled')}</span>
              <span className="rm-asset-card-meta">{t('assets.shared.from', { owner: s.ownerName })}</span>
              {s.credit && <span className="rm-asset-card-meta">{t('assets.usage.credit', { credit: s.credit })}</span>}
              <Button size="small" type="primary" onClick={() => setUsing(s)} style={{ marginTop: 6 }}>{t('assets.shared.use')}</Button>
            </div>
          ))}
        </div>
      )}
      {shared.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => void shared.fetchNextPage()} loading={shared.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </div>
      )}
      {using && <UseSharedModal share={using} onClose={() => setUsing(null)} />}
    </Card>
  )
}

/** Records that one of the unit's stories uses a shared asset; the credit travels with it. */
function UseSharedModal({ share, onClose }: { share: Share; onClose: () => void }) {
  const [form] = Form.useForm<{ storyId: string }>()
  const [q, setQ] = useState<string | undefined>()
  const stories = useStories({ q })
  const use = useUseShared()
  const feedback = useFeedback()
  const options = (stories.data?.pages[0]?.items ?? []).map((s) => ({ value: s.id, label: s.title }))
  const submit = ({ storyId }: { storyId: string }) =>
    use.mutate({ shareId: share.id, refType: 'story', refId: storyId }, {
      onSuccess: (usage) => {
        feedback.success(t('assets.shared.used', { credit: usage.credit }))
        onClose()
      },
      onError: feedback.error,
    })
  return (
    <Modal open title={t('assets.shared.useTitle', { title: share.title || t('assets.untitled') })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={use.isPending} cancelText={t('assets.cancel')}>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="storyId" label={t('assets.shared.useStory')} rules={[{ required: true, message: t('assets.shared.useStoryRequired') }]}>
          <Select showSearch filterOption={false} onSearch={(v) => setQ(v.trim() || undefined)} options={options} loading={stories.isFetching} />
        </Form.Item>
        {share.credit && <Typography.Text type="secondary">{t('assets.usage.credit', { credit: share.credit })}</Typography.Text>}
      </Form>
    </Modal>
  )
}

/** 我的共享: what this unit offers to others, with withdrawal (uses made before keep working). */
export function MyShares({ onOpen }: { onOpen: (id: string) => void }) {
  const { can } = usePermissions()
  const qc = useQueryClient()
  const feedback = useFeedback()
  const { modal } = App.useApp()
  const mine = useInfiniteQuery({
    queryKey: ['asset-shares', 'mine'],
    queryFn: ({ pageParam, signal }) => api<Page<Share>>('/asset-shares', { query: { limit: 40, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const withdraw = useMutation({
    mutationFn: (id: string) => api<Share>(`/asset-shares/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['asset-shares'] })
      void qc.invalidateQueries({ queryKey: ['asset'] })
    },
  })
  const rows = useMemo(() => mine.data?.pages.flatMap((p) => p.items) ?? [], [mine.data])
  if (mine.error) return <QueryError error={mine.error} onRetry={() => void mine.refetch()} />
  return (
    <Card loading={mine.isLoading}>
      {rows.length === 0 ? (
        <Empty description={t('assets.myShares.empty')} />
      ) : (
        <div className="rm-asset-grid">
          {rows.map((s) => (
            <div key={s.id} className="rm-asset-card" data-testid="my-share">
              <button type="button" className="rm-asset-card-open" onClick={() => onOpen(s.assetId)}><AssetThumb asset={s} /></button>
              <span className="rm-asset-card-title">{s.title || t('assets.untitled')}</span>
              <Space size={4} wrap>
                <Tag color={s.withdrawnAt ? 'default' : 'blue'}>{t(`assets.share.audience.${s.audience}`)}</Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {s.withdrawnAt ? t('assets.myShares.withdrawnAt', { at: formatDateTime(s.withdrawnAt) }) : t('assets.share.since', { at: formatDateTime(s.createdAt) })}
                </Typography.Text>
              </Space>
              {!s.withdrawnAt && can('asset.manage') && (
                <Button size="small" style={{ marginTop: 6 }} onClick={() => modal.confirm({
                  title: t('assets.share.withdraw'), content: t('assets.share.withdrawConfirm'),
                  onOk: () => withdraw.mutateAsync(s.id).then(() => feedback.success(t('assets.share.withdrawn')), feedback.error),
                })}>{t('assets.share.withdraw')}</Button>
              )}
            </div>
          ))}
        </div>
      )}
      {mine.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => void mine.fetchNextPage()} loading={mine.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </div>
      )}
    </Card>
  )
}
