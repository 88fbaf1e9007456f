import { useMemo, useState, type HTMLAttributes } from 'react'
import { Button, Card, Checkbox, Empty, Table, Tag, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { Link } from 'react-router-dom'
import { useQueue, type QueueItem } from '../../api/review'
import { PageHeader } from '../../components/PageHeader'
import { QueryError } from '../../components/QueryState'
import { formatDateTimeShort } from '../../lib/time'
import { t } from '../../i18n'

const taskColor = { review: 'blue', proofread: 'cyan', head_signoff: 'purple' } as const

const columns: TableColumnsType<QueueItem> = [
  {
    title: t('story.field.title'),
    dataIndex: 'title',
    render: (title: string, q) => <Link to={`/review/${q.storyId}`} data-testid="queue-link">{title}</Link>,
  },
  { title: t('story.author'), dataIndex: 'authorName', width: 110, responsive: ['md'] },
  {
    title: t('review.task'),
    key: 'task',
    width: 150,
    render: (_, q) => (
      <span>
        <Tag color={taskColor[q.task]}>{t(`review.task.${q.task}`)}</Tag>
        {q.task === 'proofread' ? t('review.roundsShort', { done: q.proofreadRounds.done, required: q.proofreadRounds.required }) : q.stage.name}
      </span>
    ),
  },
  { title: t('story.submittedAt'), dataIndex: 'submittedAt', width: 150, responsive: ['lg'], render: (at: string) => formatDateTimeShort(at) },
  {
    title: t('review.deadlineColumn'),
    key: 'deadline',
    width: 170,
    render: (_, q) =>
      q.deadline ? (
        <span>
          {formatDateTimeShort(q.deadline)}
          {q.isOverdue && <Tag color="red" style={{ marginInlineStart: 6 }} data-testid="overdue-tag">{t('review.overdue')}</Tag>}
        </span>
      ) : (
        <Typography.Text type="secondary">{t('review.noDeadline')}</Typography.Text>
      ),
  },
]

/** 审核待办: what the signed-in person may act on now, soonest deadline first. */
export function ReviewQueuePage() {
  const [isOverdueOnly, setOverdueOnly] = useState(false)
  const queue = useQueue({ overdue: isOverdueOnly || undefined })
  const rows = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data])
  return (
    <>
      <PageHeader title={t('nav.reviewQueue')} description={t('review.queueDescription')} />
      <Card>
        <div className="rm-toolbar">
          <Checkbox checked={isOverdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)}>{t('review.overdueOnly')}</Checkbox>
        </div>
        {queue.error ? (
          <QueryError error={queue.error} onRetry={() => void queue.refetch()} />
        ) : (
          <>
            <Table<QueueItem>
              rowKey={(q) => `${q.storyId}:${q.task}`}
              columns={columns}
              dataSource={rows}
              loading={queue.isPending}
              pagination={false}
              size="middle"
              onRow={(q) => ({ 'data-testid': 'queue-row', 'data-story': q.storyId }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty description={isOverdueOnly ? t('review.queueNoOverdue') : t('review.queueEmpty')} /> }}
            />
            {queue.hasNextPage && (
              <div style={{ textAlign: 'center', marginTop: 16 }}>
                <Button onClick={() => void queue.fetchNextPage()} loading={queue.isFetchingNextPage}>{t('common.loadMore')}</Button>
              </div>
            )}
          </>
        )}
      </Card>
    </>
  )
}
