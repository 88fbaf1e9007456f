import { useMemo, useState, type HTMLAttributes } from 'react'
import { Button, Card, DatePicker, Empty, Input, Segmented, Select, Table, Tag, Typography } from 'antd'
import { AppstoreOutlined, UnorderedListOutlined } from '@ant-design/icons'
import type { Dayjs } from 'dayjs'
import { assetKinds, licenceStatuses, useAssets, type Asset, type AssetFilters, type AssetKind, type LicenceStatus } from '../../api/assets'
import { useMe } from '../../api/auth'
import { usePermissions } from '../../auth/permissions'
import { QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { AssetThumb, LicenceTag, formatBytes, uploaderLabel } from './assetBits'
import { UploadPanel } from './UploadPanel'

type View = 'grid' | 'list'
type Uploader = 'any' | 'mine' | 'citizen'
const VIEW_KEY = 'rongmei.assets.view'

/** The library (or the trash): search, filters, grid or list, cursor pages, uploads on top. */
export function AssetLibrary({ onOpen, isTrash = false }: { onOpen: (id: string) => void; isTrash?: boolean }) {
  const { can } = usePermissions()
  const me = useMe()
  const [filters, setFilters] = useState<AssetFilters>(isTrash ? { deleted: true } : {})
  const [view, setView] = useState<View>(() => (localStorage.getItem(VIEW_KEY) === 'list' ? 'list' : 'grid'))
  const assets = useAssets(filters)
  const rows = useMemo(() => assets.data?.pages.flatMap((p) => p.items) ?? [], [assets.data])
  const isFiltered = Object.entries(filters).some(([k, v]) => k !== 'deleted' && v !== undefined)
  const set = <K extends keyof AssetFilters>(key: K, value: AssetFilters[K]) => setFilters((f) => ({ ...f, [key]: value }))
  const uploader: Uploader = filters.uploadedVia === 'citizen' ? 'citizen' : filters.uploadedBy ? 'mine' : 'any'
  const setUploader = (next: Uploader) =>
    setFilters((f) => ({
      ...f,
      uploadedBy: next === 'mine' ? me.data?.user.id : undefined,
      uploadedVia: next === 'citizen' ? 'citizen' : undefined,
    }))
  const changeView = (next: View) => {
    setView(next)
    localStorage.setItem(VIEW_KEY, next)
  }
  const onDates = (range: [Dayjs | null, Dayjs | null] | null) =>
    setFilters((f) => ({
      ...f,
      from: range?.[0] ? range[0].startOf('day').toISOString() : undefined,
      // `to` is exclusive on the server: the day after the last one chosen.
      to: range?.[1] ? range[1].add(1, 'day').startOf('day').toISOString() : undefined,
    }))

  const empty = isTrash ? t('assets.trashEmpty') : isFiltered ? t('assets.noMatch') : t('assets.empty')

  return (
    <>
      {!isTrash && can('asset.manage') && <UploadPanel />}
      <Card>
        <div className="rm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('assets.search')}
            aria-label={t('assets.search')}
            onSearch={(q) => set('q', q.trim() || undefined)}
            style={{ width: 260, maxWidth: '100%' }}
            data-testid="assets-search"
          />
          <Select<AssetKind | 'all'>
            aria-label={t('assets.filter.kind')}
            value={filters.kind ?? 'all'}
            onChange={(v) => set('kind', v === 'all' ? undefined : v)}
            options={[{ value: 'all', label: t('assets.filter.allKinds') }, ...assetKinds.map((k) => ({ value: k, label: t(`assets.kind.${k}`) }))]}
            style={{ width: 110 }}
          />
          <DatePicker.RangePicker aria-label={t('assets.filter.dates')} onChange={(r) => onDates(r as [Dayjs | null, Dayjs | null] | null)} style={{ width: 240, maxWidth: '100%' }} />
          <Select<Uploader>
            aria-label={t('assets.filter.uploader')}
            value={uploader}
            onChange={setUploader}
            options={[
              { value: 'any', label: t('assets.filter.anyUploader') },
              { value: 'mine', label: t('assets.filter.mine') },
              { value: 'citizen', label: t('assets.filter.citizen') },
            ]}
            style={{ width: 110 }}
            data-testid="assets-uploader-filter"
          />
          {!isTrash && (
            <>
              <Select<LicenceStatus | 'all'>
                aria-label={t('assets.filter.licence')}
                value={filters.licence ?? 'all'}
                onChange={(v) => set('licence', v === 'all' ? undefined : v)}
                options={[{ value: 'all', label: t('assets.filter.allLicences') }, ...licenceStatuses.map((s) => ({ value: s, label: t(`assets.licence.${s}`) }))]}
                style={{ width: 130 }}
              />
              <Select<'all' | 'used' | 'unused'>
                aria-label={t('assets.filter.usage')}
                value={filters.usage ?? 'all'}
                onChange={(v) => set('usage', v === 'all' ? undefined : v)}
                options={[
                  { value: 'all', label: `${t('assets.filter.usage')}：${t('assets.filter.allUsage')}` },
                  { value: 'used', label: t('assets.filter.used') },
                  { value: 'unused', label: t('assets.filter.unused') },
                ]}
                style={{ width: 130 }}
              />
            </>
          )}
          <Segmented<View>
            className="rm-assets-view"
            value={view}
            onChange={changeView}
            options={[
              { value: 'grid', icon: <AppstoreOutlined />, label: t('assets.view.grid') },
              { value: 'list', icon: <UnorderedListOutlined />, label: t('assets.view.list') },
            ]}
            data-testid="assets-view"
          />
        </div>
        {assets.error ? (
          <QueryError error={assets.error} onRetry={() => void assets.refetch()} />
        ) : view === 'grid' ? (
          rows.length === 0 && !assets.isFetching ? (
            <Empty description={empty} />
          ) : (
            <div className="rm-asset-grid" data-testid="asset-grid">
              {rows.map((a) => (
                <button key={a.id} type="button" className="rm-asset-card" onClick={() => onOpen(a.id)} data-testid="asset-card" data-kind={a.kind}>
                  <AssetThumb asset={a} />
                  <span className="rm-asset-card-title">{a.title || a.originalName || t('assets.untitled')}</span>
                  <span className="rm-asset-card-meta">
                    {t(`assets.kind.${a.kind}`)} · {formatBytes(a.size)}
                    {a.usage.count > 0 && <> · {t('assets.usedTimes', { count: a.usage.count })}</>}
                  </span>
                  {a.licenceStatus === 'expiring' || a.licenceStatus === 'expired' ? <LicenceTag status={a.licenceStatus} /> : null}
                  {a.uploadedVia === 'citizen' && <Tag>{t('assets.uploader.citizen')}</Tag>}
                </button>
              ))}
            </div>
          )
        ) : (
          <Table<Asset>
            rowKey="id"
            dataSource={rows}
            loading={assets.isFetching && !assets.isFetchingNextPage}
            pagination={false}
            size="middle"
            scroll={{ x: 910 }}
            locale={{ emptyText: <Empty description={empty} /> }}
            onRow={(a) => ({ onClick: () => onOpen(a.id), style: { cursor: 'pointer' }, 'data-testid': 'asset-row' }) as HTMLAttributes<HTMLElement>}
            columns={[
              { key: 'thumb', title: t('assets.col.preview'), width: 84, render: (_, a) => <AssetThumb asset={a} size={64} /> },
              { key: 'title', title: t('assets.col.title'), render: (_, a) => <Typography.Text strong>{a.title || a.originalName || t('assets.untitled')}</Typography.Text> },
              { key: 'kind', title: t('assets.col.kind'), width: 80, render: (_, a) => t(`assets.kind.${a.kind}`) },
              { key: 'size', title: t('assets.col.size'), width: 100, render: (_, a) => formatBytes(a.size) },
              { key: 'licence', title: t('assets.col.licence'), width: 110, render: (_, a) => <LicenceTag status={a.licenceStatus} /> },
              { key: 'uploader', title: t('assets.col.uploader'), width: 150, render: (_, a) => uploaderLabel(a, me.data?.user.id) },
              { key: 'usage', title: t('assets.col.usage'), width: 90, render: (_, a) => (a.usage.count > 0 ? <Tag color="blue">{a.usage.count}</Tag> : t('assets.unused')) },
              isTrash
                ? { key: 'deletedAt', title: t('assets.col.deletedAt'), width: 170, render: (_, a) => formatDateTime(a.deletedAt) }
                : { key: 'createdAt', title: t('assets.col.createdAt'), width: 170, render: (_, a) => formatDateTime(a.createdAt) },
            ]}
          />
        )}
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          {assets.hasNextPage ? (
            <Button onClick={() => void assets.fetchNextPage()} loading={assets.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : (
            rows.length > 0 && <Typography.Text type="secondary">{t('assets.allShown', { count: rows.length })}</Typography.Text>
          )}
        </div>
      </Card>
    </>
  )
}
