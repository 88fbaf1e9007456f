import { useEffect, useState } from 'react'
import { Alert, App, Button, Descriptions, Drawer, Dropdown, Empty, Grid, List, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd'
import { DeleteOutlined, DownloadOutlined, FolderAddOutlined, RollbackOutlined, ShareAltOutlined, AimOutlined } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import {
  audiences, renditionUrl, useAsset, useAssetActions, useAssetShares, useAssetUsage, useCollectionActions, useCollections, useSimilar,
  type Asset, type Rendition,
} from '../../api/assets'
import { useMe } from '../../api/auth'
import { ApiError } from '../../api/client'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { QueryError } from '../../components/QueryState'
import { t, tOr } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { AssetMetaForm } from './AssetMetaForm'
import { AssetThumb, LicenceTag, formatBytes, formatDuration, uploaderLabel } from './assetBits'
import { CropEditor } from './CropEditor'

/** The detail of one asset in a drawer: preview, rights, derivatives, usage, similar, sharing. */
export function AssetDrawer({ id, onClose, onOpen }: { id: string | null; onClose: () => void; onOpen: (id: string) => void }) {
  const screens = Grid.useBreakpoint()
  const asset = useAsset(id)
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={screens.md ? 760 : '100%'}
      title={asset.data ? asset.data.title || asset.data.originalName || t('assets.untitled') : t('assets.detail.title')}
      destroyOnHidden
      rootClassName="rm-asset-drawer"
    >
      {asset.error ? (
        asset.error instanceof ApiError && asset.error.status === 404 ? <Empty description={t('assets.detail.notFound')} /> : <QueryError error={asset.error} onRetry={() => void asset.refetch()} />
      ) : !asset.data ? (
        <Spin />
      ) : (
        <Detail asset={asset.data} onOpen={onOpen} onGone={onClose} />
      )}
    </Drawer>
  )
}

function Detail({ asset, onOpen, onGone }: { asset: Asset; onOpen: (id: string) => void; onGone: () => void }) {
  const { can } = usePermissions()
  const canManage = can('asset.manage')
  const actions = useAssetActions(asset.id)
  const feedback = useFeedback()
  const { modal } = App.useApp()
  const [isCropping, setCropping] = useState(false)
  const isDeleted = asset.deletedAt !== null

  const remove = (isForced: boolean) =>
    actions.remove.mutate({ isForced }, {
      onSuccess: () => {
        feedback.success(t('assets.deleted'))
        onGone()
      },
      onError: (err) => {
        // In use: the server refuses unless forced; say where it is used and ask again.
        if (err instanceof ApiError && err.code === 'ASSET_IN_USE') {
          modal.confirm({
            title: t('assets.deleteConfirm'),
            content: t('assets.deleteInUse', { count: asset.usage.count, live: asset.usage.live }),
            okText: t('assets.deleteForce'),
            okButtonProps: { danger: true },
            onOk: () => remove(true),
          })
        } else feedback.error(err)
      },
    })

  const confirmDelete = () =>
    modal.confirm({
      title: t('assets.deleteConfirm'),
      content: asset.usage.count > 0 ? t('assets.deleteInUse', { count: asset.usage.count, live: asset.usage.live }) : t('assets.deleteHint'),
      okText: asset.usage.count > 0 ? t('assets.deleteForce') : t('assets.delete'),
      okButtonProps: { danger: true },
      onOk: () => remove(asset.usage.count > 0),
    })

  const download = () =>
    actions.originalLink.mutate(undefined, {
      onSuccess: (link) => {
        window.open(link.url, '_blank', 'noopener')
        feedback.info(t('assets.downloadHint', { minutes: Math.max(1, Math.round((new Date(link.expiresAt).getTime() - Date.now()) / 60_000)) }))
      },
      onError: feedback.error,
    })

  return (
    <div className="rm-asset-detail">
      {isDeleted && <Alert type="warning" showIcon message={t('assets.detail.deleted', { at: formatDateTime(asset.deletedAt) })} style={{ marginBottom: 12 }} />}
      {asset.warnings.map((w) => (
        <Alert key={w} type="error" showIcon message={tOr(`assets.warning.${w}`, w)} style={{ marginBottom: 12 }} />
      ))}
      <DerivativesStatus asset={asset} />
      <Preview asset={asset} />
      <Space wrap style={{ margin: '12px 0' }}>
        {isDeleted ? (
          canManage && (
            <Button icon={<RollbackOutlined />} type="primary" loading={actions.restore.isPending} data-testid="asset-restore"
              onClick={() => actions.restore.mutate(undefined, { onSuccess: () => feedback.success(t('assets.restored')), onError: feedback.error })}>
              {t('assets.restore')}
            </Button>
          )
        ) : (
          <>
            {canManage && asset.kind === 'image' && (
              <Button icon={<AimOutlined />} onClick={() => setCropping(true)} data-testid="asset-crop">{t('assets.cropEditor')}</Button>
            )}
            {can('asset.original.read') && (
              <Button icon={<DownloadOutlined />} onClick={download} loading={actions.originalLink.isPending} data-testid="asset-download">{t('assets.download')}</Button>
            )}
            {canManage && <AddToCollection assetId={asset.id} />}
            {canManage && (
              <Dropdown
                menu={{
                  items: audiences.map((a) => ({ key: a, label: t(`assets.share.audience.${a}`) })),
                  onClick: ({ key }) => actions.share.mutate(key as (typeof audiences)[number], {
                    onSuccess: () => feedback.success(t('assets.share.offered', { audience: t(`assets.share.audience.${key as (typeof audiences)[number]}`) })),
                    onError: feedback.error,
                  }),
                }}
              >
                <Button icon={<ShareAltOutlined />}>{t('assets.share.offer')}</Button>
              </Dropdown>
            )}
            {canManage && <Button danger icon={<DeleteOutlined />} onClick={confirmDelete} data-testid="asset-delete">{t('assets.delete')}</Button>}
          </>
        )}
      </Space>
      <Tabs
        items={[
          { key: 'info', label: t('assets.detail.info'), children: <Info asset={asset} isEditable={canManage && !isDeleted} /> },
          { key: 'derivatives', label: t('assets.detail.derivatives'), children: <Derivatives renditions={asset.renditions} /> },
          { key: 'usage', label: `${t('assets.detail.usage')} (${asset.usage.count})`, children: <UsageList assetId={asset.id} /> },
          ...(asset.kind === 'image' ? [{ key: 'similar', label: t('assets.detail.similar'), children: <Similar assetId={asset.id} onOpen={onOpen} /> }] : []),
          { key: 'sharing', label: t('assets.detail.sharing'), children: <Shares assetId={asset.id} canManage={canManage} /> },
        ]}
      />
      {isCropping && <CropEditor asset={asset} onClose={() => setCropping(false)} />}
    </div>
  )
}

function DerivativesStatus({ asset }: { asset: Asset }) {
  const { status, reason } = asset.derivatives
  if (status === 'pending') return <Alert type="info" showIcon message={t('assets.derivatives.pending')} style={{ marginBottom: 12 }} />
  if (status === 'failed') return <Alert type="error" showIcon message={t('assets.derivatives.failed', { reason: reason ?? '' })} style={{ marginBottom: 12 }} />
  if (status === 'unavailable') {
    return <Alert type="warning" showIcon message={t('assets.derivatives.unavailable', { reason: reason ?? '' })} style={{ marginBottom: 12 }} data-testid="derivatives-unavailable" />
  }
  return null
}

function Preview({ asset }: { asset: Asset }) {
  const web = renditionUrl(asset.renditions, 'web')
  const poster = renditionUrl(asset.renditions, 'poster') ?? undefined
  if (asset.kind === 'video' && web) return <video className="rm-asset-preview" src={web} poster={poster} controls preload="metadata" />
  if (asset.kind === 'audio' && web) return <audio src={web} controls preload="metadata" style={{ width: '100%' }} />
  if (asset.kind === 'image' && web) return <img className="rm-asset-preview" src={web} alt={asset.title} data-testid="asset-preview" />
  return <div className="rm-asset-preview rm-asset-preview-empty"><AssetThumb asset={asset} size={96} /></div>
}

function Info({ asset, isEditable }: { asset: Asset; isEditable: boolean }) {
  const me = useMe()
  return (
    <>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('assets.detail.file')}>{asset.originalName} · {asset.mimeType} · {formatBytes(asset.size)}</Descriptions.Item>
        <Descriptions.Item label={t('assets.col.licence')}><LicenceTag status={asset.licenceStatus} /></Descriptions.Item>
        {asset.width && <Descriptions.Item label={t('assets.detail.dimensions')}>{asset.width} × {asset.height}</Descriptions.Item>}
        {asset.durationMs !== null && <Descriptions.Item label={t('assets.detail.duration')}>{formatDuration(asset.durationMs)}</Descriptions.Item>}
        {asset.metadata.camera && <Descriptions.Item label={t('assets.detail.camera')}>{asset.metadata.camera}</Descriptions.Item>}
        <Descriptions.Item label={t('assets.detail.gps')}>{asset.metadata.hasGps ? t('assets.detail.gpsKept') : t('assets.detail.gpsNone')}</Descriptions.Item>
        <Descriptions.Item label={t('assets.col.uploader')}>
          <span data-testid="asset-uploader">{uploaderLabel(asset, me.data?.user.id)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('assets.detail.uploadedAt')}>{formatDateTime(asset.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('assets.detail.sha256')}><Typography.Text code copyable={{ text: asset.sha256 }}>{asset.sha256.slice(0, 16)}…</Typography.Text></Descriptions.Item>
      </Descriptions>
      <AssetMetaForm asset={asset} isEditable={isEditable} />
    </>
  )
}

function Derivatives({ renditions }: { renditions: Rendition[] }) {
  if (renditions.length === 0) return <Empty description={t('assets.derivatives.none')} />
  return (
    <div data-testid="asset-derivatives">
    <Table<Rendition>
      rowKey={(r) => `${r.name}.${r.format}`}
      dataSource={renditions}
      pagination={false}
      size="small"
      scroll={{ x: 520 }}
      columns={[
        { key: 'name', title: t('assets.derivatives.name'), render: (_, r) => tOr(`assets.rendition.${r.name}`, r.name) },
        { key: 'format', title: t('assets.derivatives.format'), width: 80, render: (_, r) => r.format.toUpperCase() },
        { key: 'size', title: t('assets.derivatives.size'), width: 110, render: (_, r) => (r.width ? `${r.width} × ${r.height}` : '—') },
        { key: 'bytes', title: t('assets.derivatives.bytes'), width: 100, render: (_, r) => formatBytes(r.bytes) },
        { key: 'open', title: '', width: 70, render: (_, r) => (r.isPublic ? <a href={r.url} target="_blank" rel="noreferrer">{t('assets.derivatives.open')}</a> : null) },
      ]}
    />
    </div>
  )
}

function UsageList({ assetId }: { assetId: string }) {
  const usage = useAssetUsage(assetId)
  if (usage.error) return <QueryError error={usage.error} onRetry={() => void usage.refetch()} />
  return (
    <List
      loading={usage.isLoading}
      dataSource={usage.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('assets.usage.none')} /> }}
      data-testid="asset-usage"
      renderItem={(u) => (
        <List.Item>
          <div data-testid="usage-item"><Space wrap>
            <Tag>{tOr(`assets.usage.ref.${u.refType}`, u.refType)}</Tag>
            {u.refType === 'story' ? <Link to={`/stories/${u.refId}`}>{t('assets.usage.open')}</Link> : <Typography.Text code>{u.refId}</Typography.Text>}
            {u.isLive && <Tag color="green">{t('assets.usage.live')}</Tag>}
            {u.credit && <Typography.Text type="secondary">{t('assets.usage.credit', { credit: u.credit })}</Typography.Text>}
            <Typography.Text type="secondary">{formatDateTime(u.createdAt)}</Typography.Text>
          </Space></div>
        </List.Item>
      )}
    />
  )
}

function Similar({ assetId, onOpen }: { assetId: string; onOpen: (id: string) => void }) {
  const similar = useSimilar(assetId, true)
  if (similar.error) return <QueryError error={similar.error} onRetry={() => void similar.refetch()} />
  if (similar.isLoading) return <Spin />
  const items = similar.data?.items ?? []
  if (items.length === 0) return <Empty description={t('assets.similar.none')} />
  return (
    <div className="rm-asset-grid rm-asset-grid-small">
      {items.map(({ asset, distance }) => (
        <button key={asset.id} type="button" className="rm-asset-card" onClick={() => onOpen(asset.id)}>
          <AssetThumb asset={asset} />
          <span className="rm-asset-card-title">{asset.title || t('assets.untitled')}</span>
          <span className="rm-asset-card-meta">{t('assets.similar.distance', { distance })}</span>
        </button>
      ))}
    </div>
  )
}

function Shares({ assetId, canManage }: { assetId: string; canManage: boolean }) {
  const shares = useAssetShares(assetId)
  const actions = useAssetActions(assetId)
  const feedback = useFeedback()
  const { modal } = App.useApp()
  if (shares.error) return <QueryError error={shares.error} onRetry={() => void shares.refetch()} />
  return (
    <List
      loading={shares.isLoading}
      dataSource={shares.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('assets.share.none')} /> }}
      renderItem={(s) => (
        <List.Item
          actions={canManage && !s.withdrawnAt ? [
            <Button key="w" size="small" onClick={() => modal.confirm({
              title: t('assets.share.withdraw'), content: t('assets.share.withdrawConfirm'),
              onOk: () => actions.withdraw.mutateAsync(s.id).then(() => feedback.success(t('assets.share.withdrawn')), feedback.error),
            })}>{t('assets.share.withdraw')}</Button>,
          ] : []}
        >
          <Space wrap>
            <Tag color={s.withdrawnAt ? 'default' : 'blue'}>{t(`assets.share.audience.${s.audience}`)}</Tag>
            <Typography.Text type="secondary">
              {s.withdrawnAt ? t('assets.myShares.withdrawnAt', { at: formatDateTime(s.withdrawnAt) }) : t('assets.share.since', { at: formatDateTime(s.createdAt) })}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  )
}

function AddToCollection({ assetId }: { assetId: string }) {
  const collections = useCollections()
  const { addItems } = useCollectionActions()
  const feedback = useFeedback()
  const [value, setValue] = useState<string | undefined>()
  useEffect(() => setValue(undefined), [assetId])
  const items = collections.data?.items ?? []
  if (items.length === 0) return null
  return (
    <Select<string>
      value={value}
      placeholder={<><FolderAddOutlined /> {t('assets.addToCollection')}</>}
      style={{ width: 160 }}
      options={items.map((c) => ({ value: c.id, label: c.title }))}
      onChange={(id) => {
        setValue(id)
        addItems.mutate({ id, assetIds: [assetId] }, {
          onSuccess: () => feedback.success(t('assets.addedToCollection', { title: items.find((c) => c.id === id)?.title ?? '' })),
          onError: feedback.error,
        })
      }}
    />
  )
}
