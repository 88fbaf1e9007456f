import { useMemo, useState } from 'react'
import { Button, Empty, Input, Modal, Space, Tabs, Tag, Typography } from 'antd'
import { PictureOutlined } from '@ant-design/icons'
import { renditionUrl, thumbUrl, useAsset, useAssets, useSharedAssets, type Asset, type Share } from '../../api/assets'
import { usePermissions } from '../../auth/permissions'
import { t } from '../../i18n'
import { AssetThumb } from './assetBits'
import { UploadPanel } from './UploadPanel'

interface Props {
  value?: string | null
  onChange?: (value: string | null) => void
  disabled?: boolean
}

/**
 * A story's cover (a form control: value = asset id). Chosen from the unit's pictures, from
 * pictures other units share (the server records the use with their credit when the story is
 * saved), or uploaded on the spot.
 */
export function CoverPicker({ value, onChange, disabled }: Props) {
  const [isOpen, setOpen] = useState(false)
  const [picked, setPicked] = useState<{ id: string; url: string | null; title: string } | null>(null)
  // The cover's own record; a shared picture is not readable as an asset, so fall back to what was picked.
  const own = useAsset(value && picked?.id !== value ? value : null)
  const isPicked = picked !== null && picked.id === value
  const url = isPicked ? picked.url : own.data ? renditionUrl(own.data.renditions, 'wide') ?? thumbUrl(own.data) : null
  const title = isPicked ? picked.title : own.data?.title ?? ''

  const choose = (id: string, chosenUrl: string | null, chosenTitle: string) => {
    setPicked({ id, url: chosenUrl, title: chosenTitle })
    onChange?.(id)
    setOpen(false)
  }

  return (
    <div className="rm-cover" data-testid="cover-picker">
      {value ? (
        <div className="rm-cover-current">
          {url ? <img src={url} alt={title} data-testid="cover-image" /> : <span className="rm-cover-placeholder"><PictureOutlined /></span>}
          <Space direction="vertical" size={4}>
            {title && <Typography.Text>{title}</Typography.Text>}
            {!disabled && (
              <Space wrap>
                <Button size="small" onClick={() => setOpen(true)}>{t('cover.change')}</Button>
                <Button size="small" danger onClick={() => onChange?.(null)} data-testid="cover-clear">{t('cover.clear')}</Button>
              </Space>
            )}
          </Space>
        </div>
      ) : (
        <Space>
          <Typography.Text type="secondary">{t('cover.none')}</Typography.Text>
          {!disabled && <Button icon={<PictureOutlined />} onClick={() => setOpen(true)} data-testid="cover-choose">{t('cover.choose')}</Button>}
        </Space>
      )}
      {isOpen && <PickerModal onClose={() => setOpen(false)} onPick={choose} />}
    </div>
  )
}

function PickerModal({ onClose, onPick }: { onClose: () => void; onPick: (id: string, url: string | null, title: string) => void }) {
  const { can } = usePermissions()
  const [q, setQ] = useState<string | undefined>()
  const own = useAssets({ kind: 'image', q })
  const shared = useSharedAssets()
  const ownRows = useMemo(() => own.data?.pages.flatMap((p) => p.items) ?? [], [own.data])
  const sharedRows = useMemo(() => (shared.data?.pages.flatMap((p) => p.items) ?? []).filter((s) => s.kind === 'image'), [shared.data])
  const pickOwn = (a: Asset) => onPick(a.id, renditionUrl(a.renditions, 'wide') ?? thumbUrl(a), a.title)
  const pickShared = (s: Share) => onPick(s.assetId, renditionUrl(s.renditions, 'wide') ?? thumbUrl(s), s.title)

  return (
    <Modal open title={t('cover.pickTitle')} onCancel={onClose} footer={null} width={860} rootClassName="rm-cover-modal">
      <Tabs
        items={[
          {
            key: 'own',
            label: t('cover.tabOwn'),
            children: (
              <>
                {can('asset.manage') && <UploadPanel onUploaded={(a) => a.kind === 'image' && pickOwn(a)} />}
                <Input.Search allowClear placeholder={t('assets.search')} onSearch={(v) => setQ(v.trim() || undefined)} style={{ margin: '12px 0', maxWidth: 320 }} />
                {ownRows.length === 0 && !own.isFetching ? <Empty description={q ? t('assets.noMatch') : t('assets.empty')} /> : (
                  <div className="rm-asset-grid rm-asset-grid-small">
                    {ownRows.map((a) => (
                      <button key={a.id} type="button" className="rm-asset-card" onClick={() => pickOwn(a)} data-testid="cover-option">
                        <AssetThumb asset={a} />
                        <span className="rm-asset-card-title">{a.title || t('assets.untitled')}</span>
                      </button>
                    ))}
                  </div>
                )}
                {own.hasNextPage && <Button block style={{ marginTop: 12 }} onClick={() => void own.fetchNextPage()} loading={own.isFetchingNextPage}>{t('common.loadMore')}</Button>}
              </>
            ),
          },
          {
            key: 'shared',
            label: t('cover.tabShared'),
            children: sharedRows.length === 0 ? <Empty description={t('assets.shared.empty')} /> : (
              <div className="rm-asset-grid rm-asset-grid-small">
                {sharedRows.map((s) => (
                  <button key={s.id} type="button" className="rm-asset-card" onClick={() => pickShared(s)}>
                    <AssetThumb asset={s} />
                    <span className="rm-asset-card-title">{s.title || t('assets.untitled')}</span>
                    <span className="rm-asset-card-meta"><Tag>{t('cover.shared')}</Tag>{s.ownerName}</span>
                  </button>
                ))}
              </div>
            ),
          },
        ]}
      />
    </Modal>
  )
}
