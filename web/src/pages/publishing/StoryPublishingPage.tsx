import type { ButtonProps } from 'antd'
import { useState } from 'react'
import { Alert, Button, Card, Empty, Grid, Input, Modal, Space, Spin, Table, Typography } from 'antd'
import { ArrowLeftOutlined, EditOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons'
import type { ColumnsType } from 'antd/es/table'
import { Link, useParams } from 'react-router-dom'
import { errorMessage } from '../../api/client'
import { isInFlight, useCorrect, useStoryPublications, useWithdraw, type Publication } from '../../api/publishing'
import { storyPath, useStory, type Story } from '../../api/stories'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { PageHeader } from '../../components/PageHeader'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { t } from '../../i18n'
import { formatDateTime } from '../../lib/time'
import { StoryStateTag } from '../stories/StoryStateTag'
import { PublishDialog, type PublishableStory } from './PublishDialog'
import { ChannelTag, PublicationDetails, PublicationStatusTag } from './shared'
import './publishing.css'

export const publishableOf = (story: Story): PublishableStory => ({
  id: story.id, title: story.title, state: story.state, versionNumber: story.versionNumber, wasSignedOff: story.signedOffAt !== null,
})

/** One story's publications: status per account, refreshing while anything is on its way; publish, correct, withdraw. */
export function StoryPublishingPage() {
  const { id } = useParams<{ id: string }>()
  const story = useStory(id)
  const publications = useStoryPublications(id)
  const { can } = usePermissions()
  const canManage = can('publication.manage')
  const [dialog, setDialog] = useState<'publish' | 'correct' | 'withdraw' | null>(null)

  if (story.isLoading) return <FullPageSpin />
  if (story.error || !story.data) return <QueryError error={story.error} onRetry={() => void story.refetch()} />
  const s = story.data
  const items = publications.data ?? []
  const isPolling = items.some(isInFlight)
  const canWithdraw = items.some((p) => p.status !== 'withdrawn' && p.withdrawal === null)
  const hasLive = items.some((p) => p.status === 'live')

  return (
    <>
      <PageHeader
        title={<Space wrap><span data-testid="pub-story-title">{s.title}</span><StoryStateTag state={s.state} /></Space>}
        description={t('pub.story.title')}
        extra={
          <>
            <Link to={storyPath(s.id)}><Button icon={<ArrowLeftOutlined />}>{t('pub.story.back')}</Button></Link>
            {canManage && <Button type="primary" icon={<SendOutlined />} onClick={() => setDialog('publish')} data-testid="open-publish">{t('pub.publish.open')}</Button>}
            {canManage && hasLive && <Button icon={<EditOutlined />} onClick={() => setDialog('correct')} data-testid="open-correct">{t('pub.correct.open')}</Button>}
            {canManage && canWithdraw && <Button className="rm-pub-danger" icon={<RollbackOutlined />} onClick={() => setDialog('withdraw')} data-testid="open-withdraw">{t('pub.withdraw.open')}</Button>}
          </>
        }
      />
      {publications.error ? <QueryError error={publications.error} onRetry={() => void publications.refetch()} /> : (
        <>
          {isPolling && <Alert type="info" showIcon title={t('pub.story.polling')} style={{ marginBottom: 12 }} data-testid="pub-polling" />}
          <NotWithdrawable items={items} />
          <Card>
            <PublicationTable items={items} isLoading={publications.isLoading} emptyText={t('pub.story.empty')} />
          </Card>
        </>
      )}
      {dialog === 'publish' && <PublishDialog story={publishableOf(s)} onClose={() => setDialog(null)} />}
      {dialog === 'correct' && <CorrectDialog story={s} items={items} onClose={() => setDialog(null)} />}
      {dialog === 'withdraw' && <WithdrawDialog storyId={s.id} onClose={() => setDialog(null)} />}
    </>
  )
}

/** After a withdrawal, the channels that could not take the story down, so someone does it by hand. */
function NotWithdrawable({ items }: { items: Publication[] }) {
  const stuck = items.filter((p) => p.withdrawal?.outcome === 'not_possible')
  if (stuck.length === 0) return null
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="not-withdrawable"
      title={t('pub.story.notWithdrawable')}
      description={<ul style={{ margin: 0, paddingInlineStart: 18 }}>{stuck.map((p) => <li key={p.id}>{p.accountName}{p.url ? `：${p.url}` : ''}{p.error ? `（${p.error.message}）` : ''}</li>)}</ul>}
    />
  )
}

/** The publications of a story (or of the tenant, with `showStory`), one row per account. */
export function PublicationTable({ items, isLoading, emptyText, showStory }: { items: Publication[]; isLoading: boolean; emptyText: string; showStory?: boolean }) {
  const screens = Grid.useBreakpoint()
  // Every publication carries its account's name (kept when the account is deleted).
  const accountName = (p: Publication) => p.accountName
  if (screens.md === false) return <PublicationCards items={items} isLoading={isLoading} emptyText={emptyText} showStory={showStory} accountName={accountName} />
  const columns: ColumnsType<Publication> = [
    ...(showStory ? [{
      title: t('pub.board.story'), key: 'story', width: 220,
      render: (_: unknown, p: Publication) => <Link to={`/publishing/stories/${p.storyId}`} data-testid="board-story-link">{p.storyTitle ?? p.storyId.slice(0, 8)}</Link>,
    }] : []),
    {
      title: t('pub.story.account'), key: 'account', width: 180,
      render: (_: unknown, p) => <Space wrap size={4}><span>{accountName(p)}</span><ChannelTag channel={p.channel} /></Space>,
    },
    { title: t('common.status'), key: 'status', width: 130, render: (_: unknown, p) => <PublicationStatusTag publication={p} /> },
    {
      title: t('pub.story.version'), key: 'version', width: 110,
      render: (_: unknown, p) => (
        <div>
          {t('pub.story.versionN', { n: p.versionNumber })}
          {p.liveVersionNumber !== null && p.liveVersionNumber !== p.versionNumber && <div><Typography.Text type="secondary">{t('pub.story.liveVersion', { n: p.liveVersionNumber })}</Typography.Text></div>}
        </div>
      ),
    },
    { title: '', key: 'details', render: (_: unknown, p) => <PublicationDetails publication={p} /> },
    { title: t('pub.story.updatedAt'), key: 'updatedAt', width: 160, render: (_: unknown, p) => formatDateTime(p.updatedAt) },
  ]
  return (
    <Table<Publication>
      rowKey="id"
      size="middle"
      loading={isLoading}
      dataSource={items}
      columns={columns}
      pagination={false}
      scroll={{ x: showStory ? 1000 : 820 }}
      onRow={(p) => ({ 'data-testid': 'publication-row', 'data-channel': p.channel, 'data-status': p.status } as object)}
      locale={{ emptyText: <Empty description={emptyText} /> }}
    />
  )
}

/** On a phone a six-column table hides the URL and the platform's message off screen: one card per publication instead. */
function PublicationCards({ items, isLoading, emptyText, showStory, accountName }: {
  items: Publication[]; isLoading: boolean; emptyText: string; showStory?: boolean; accountName: (p: Publication) => string
}) {
  if (isLoading) return <Spin />
  if (items.length === 0) return <Empty description={emptyText} />
  return (
    <div className="rm-pub-cards">
      {items.map((p) => (
        <div key={p.id} className="rm-pub-card" data-testid="publication-row" data-channel={p.channel} data-status={p.status}>
          {showStory && <div><Link to={`/publishing/stories/${p.storyId}`} data-testid="board-story-link">{p.storyTitle ?? p.storyId.slice(0, 8)}</Link></div>}
          <Space wrap size={4}>
            <Typography.Text strong>{accountName(p)}</Typography.Text>
            <ChannelTag channel={p.channel} />
            <PublicationStatusTag publication={p} />
          </Space>
          <div><Typography.Text type="secondary">{t('pub.story.versionN', { n: p.versionNumber })} · {formatDateTime(p.updatedAt)}</Typography.Text></div>
          <PublicationDetails publication={p} />
        </div>
      ))}
    </div>
  )
}

function CorrectDialog({ story, items, onClose }: { story: Story; items: Publication[]; onClose: () => void }) {
  const correct = useCorrect(story.id)
  const feedback = useFeedback()
  const [note, setNote] = useState('')
  const [error, setError] = useState<string | null>(null)
  // A correction sends the newest signed-off version; without one newer than what is live there is nothing to send.
  const outdated = items.filter((p) => p.status === 'live' && (p.liveVersionNumber ?? 0) < story.versionNumber)
  const isPossible = story.state === 'signed_off' && outdated.length > 0

  async function submit() {
    setError(null)
    try {
      const touched = await correct.mutateAsync(note.trim() ? { note: note.trim() } : {})
      feedback.success(touched.length ? t('pub.correct.done', { n: touched.length }) : t('pub.correct.none'))
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Modal
      open
      title={t('pub.correct.title')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('pub.correct.submit')}
      okButtonProps={{ disabled: !isPossible, loading: correct.isPending, 'data-testid': 'correct-submit' } as ButtonProps}
      cancelText={t('pub.cancel')}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {isPossible ? (
        <>
          <Typography.Paragraph>{t('pub.correct.explain', { n: story.versionNumber })}</Typography.Paragraph>
          <ul>{outdated.map((p) => <li key={p.id}>{p.accountName}（{t('pub.story.liveVersion', { n: p.liveVersionNumber ?? '—' })}）</li>)}</ul>
          <Typography.Text>{t('pub.correct.note')}</Typography.Text>
          <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} autoSize={{ minRows: 3 }} placeholder={t('pub.correct.notePlaceholder')} aria-label={t('pub.correct.note')} />
        </>
      ) : (
        <Alert type="info" showIcon title={t('pub.correct.nothing')} data-testid="correct-nothing" />
      )}
    </Modal>
  )
}

function WithdrawDialog({ storyId, onClose }: { storyId: string; onClose: () => void }) {
  const withdraw = useWithdraw(storyId)
  const feedback = useFeedback()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const isValid = reason.trim().length >= 2

  async function submit() {
    setError(null)
    if (!isValid) return setError(t('pub.withdraw.reasonRequired'))
    try {
      await withdraw.mutateAsync({ reason: reason.trim() })
      feedback.success(t('pub.withdraw.done'))
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Modal
      open
      title={t('pub.withdraw.title')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('pub.withdraw.submit')}
      okButtonProps={{ danger: true, disabled: !isValid, loading: withdraw.isPending, 'data-testid': 'withdraw-submit' } as ButtonProps}
      cancelText={t('pub.cancel')}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('pub.withdraw.explain')} style={{ marginBottom: 12 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="withdraw-error" />}
      <label htmlFor="withdraw-reason"><Typography.Text strong>{t('pub.withdraw.reason')}</Typography.Text></label>
      <Input.TextArea
        id="withdraw-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={500}
        showCount
        autoSize={{ minRows: 3 }}
        placeholder={t('pub.withdraw.reasonPlaceholder')}
        data-testid="withdraw-reason"
        status={reason && !isValid ? 'error' : undefined}
        style={{ marginBottom: 20 }}
      />
    </Modal>
  )
}
