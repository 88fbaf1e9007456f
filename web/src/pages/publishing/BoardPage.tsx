import { useMemo, useState } from 'react'
import { Alert, Button, Card, DatePicker, Select, Space } from 'antd'
import { CalendarOutlined, ApiOutlined } from '@ant-design/icons'
import type { Dayjs } from 'dayjs'
import { Link } from 'react-router-dom'
import {
  builtChannels, isInFlight, publicationStatuses, useAccounts, usePublicationBoard, type BoardFilters, type ChannelKind, type PublicationStatus,
} from '../../api/publishing'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t, type MessageKey } from '../../i18n'
import { channelName } from './shared'
import { PublicationTable } from './StoryPublishingPage'
import './publishing.css'

/**
 * 发布状态: every publication of the tenant, newest change first, filtered on the server by
 * status, channel, account and the day it was asked for (提交日期, Asia/Shanghai days).
 */
export function BoardPage() {
  const [filters, setFilters] = useState<BoardFilters>({})
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null)
  const board = usePublicationBoard(filters)
  const accounts = useAccounts()
  const items = useMemo(() => board.data?.pages.flatMap((p) => p.items) ?? [], [board.data])
  // With a channel chosen, only that channel's accounts are offered.
  const accountOptions = (accounts.data ?? []).filter((a) => !filters.channel || a.channel === filters.channel)
  const set = (patch: Partial<BoardFilters>) => setFilters((f) => ({ ...f, ...patch }))
  const hasFilters = Object.values(filters).some((v) => v !== undefined)

  function setChannel(channel: ChannelKind | undefined) {
    const account = accounts.data?.find((a) => a.id === filters.accountId)
    // An account of another channel would leave the board empty for no visible reason.
    set({ channel, ...(channel && account && account.channel !== channel ? { accountId: undefined } : {}) })
  }

  function setDates(value: [Dayjs | null, Dayjs | null] | null) {
    setRange(value)
    set({ from: value?.[0]?.format('YYYY-MM-DD') ?? undefined, to: value?.[1]?.format('YYYY-MM-DD') ?? undefined })
  }

  return (
    <>
      <PageHeader
        title={t('pub.board.title')}
        description={t('pub.board.description')}
        extra={
          <>
            <Link to="/publishing/calendar"><Button icon={<CalendarOutlined />}>{t('pub.board.calendar')}</Button></Link>
            <Link to="/publishing/accounts"><Button icon={<ApiOutlined />}>{t('pub.board.accounts')}</Button></Link>
          </>
        }
      />
      <Space wrap className="rm-toolbar">
        <Select
          value={filters.status ?? 'all'}
          onChange={(v) => set({ status: v === 'all' ? undefined : (v as PublicationStatus) })}
          style={{ width: 160 }}
          aria-label={t('common.status')}
          data-testid="board-status"
          options={[{ value: 'all', label: t('pub.board.allStatuses') }, ...publicationStatuses.map((s) => ({ value: s, label: t(`pub.status.${s}` as MessageKey) }))]}
        />
        <Select
          value={filters.channel ?? 'all'}
          onChange={(v) => setChannel(v === 'all' ? undefined : (v as ChannelKind))}
          style={{ width: 160 }}
          aria-label={t('pub.accounts.channel')}
          data-testid="board-channel"
          options={[{ value: 'all', label: t('pub.board.allChannels') }, ...builtChannels.map((c) => ({ value: c, label: channelName(c) }))]}
        />
        <Select
          value={filters.accountId ?? 'all'}
          onChange={(v) => set({ accountId: v === 'all' ? undefined : v })}
          style={{ width: 200 }}
          aria-label={t('pub.board.account')}
          data-testid="board-account"
          showSearch={{ optionFilterProp: 'label' }}
          options={[{ value: 'all', label: t('pub.board.allAccounts') }, ...accountOptions.map((a) => ({ value: a.id, label: `${a.name}（${channelName(a.channel)}）` }))]}
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setDates(v as [Dayjs | null, Dayjs | null] | null)}
          allowEmpty={[true, true]}
          placeholder={[t('pub.board.createdFrom'), t('pub.board.createdTo')]}
          aria-label={t('pub.board.created')}
          data-testid="board-range"
          style={{ width: 260, maxWidth: '100%' }}
        />
        {hasFilters && <Button onClick={() => { setFilters({}); setRange(null) }} data-testid="board-clear">{t('pub.board.clear')}</Button>}
      </Space>
      {board.error ? <QueryError error={board.error} onRetry={() => void board.refetch()} /> : (
        <Card>
          {items.some(isInFlight) && <Alert type="info" showIcon title={t('pub.story.polling')} style={{ marginBottom: 12 }} />}
          <PublicationTable items={items} isLoading={board.isLoading} emptyText={t('pub.board.empty')} showStory />
          {board.hasNextPage && (
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              <Button onClick={() => void board.fetchNextPage()} loading={board.isFetchingNextPage}>{t('common.loadMore')}</Button>
            </div>
          )}
        </Card>
      )}
    </>
  )
}
