import { useMemo, useState } from 'react'
import { Alert, Button, Card, Select, Space } from 'antd'
import { CalendarOutlined, ApiOutlined } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import { builtChannels, isInFlight, publicationStatuses, usePublicationBoard, type ChannelKind, type PublicationStatus } from '../../api/publishing'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { t, type MessageKey } from '../../i18n'
import { channelName } from './shared'
import { PublicationTable } from './StoryPublishingPage'
import './publishing.css'

/** 发布状态: every publication of the tenant, newest change first, filtered by status and channel. */
export function BoardPage() {
  const [status, setStatus] = useState<PublicationStatus | undefined>()
  const [channel, setChannel] = useState<ChannelKind | undefined>()
  const board = usePublicationBoard(status)
  const all = useMemo(() => board.data?.pages.flatMap((p) => p.items) ?? [], [board.data])
  // The server filters by status; the channel filter narrows the loaded pages (the API has no channel filter).
  const items = channel ? all.filter((p) => p.channel === channel) : all

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
          value={status ?? 'all'}
          onChange={(v) => setStatus(v === 'all' ? undefined : (v as PublicationStatus))}
          style={{ width: 160 }}
          aria-label={t('common.status')}
          data-testid="board-status"
          options={[{ value: 'all', label: t('pub.board.allStatuses') }, ...publicationStatuses.map((s) => ({ value: s, label: t(`pub.status.${s}` as MessageKey) }))]}
        />
        <Select
          value={channel ?? 'all'}
          onChange={(v) => setChannel(v === 'all' ? undefined : (v as ChannelKind))}
          style={{ width: 160 }}
          aria-label={t('pub.accounts.channel')}
          options={[{ value: 'all', label: t('pub.board.allChannels') }, ...builtChannels.map((c) => ({ value: c, label: channelName(c) }))]}
        />
      </Space>
      {board.error ? <QueryError error={board.error} onRetry={() => void board.refetch()} /> : (
        <Card>
          {all.some(isInFlight) && <Alert type="info" showIcon title={t('pub.story.polling')} style={{ marginBottom: 12 }} />}
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
