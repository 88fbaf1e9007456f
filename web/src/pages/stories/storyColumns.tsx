import { Space, Tag, Tooltip, Typography } from 'antd'
import type { TableColumnsType } from 'antd'
import { LockOutlined } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import type { StoryListItem } from '../../api/stories'
import { formatDateTimeShort } from '../../lib/time'
import { t } from '../../i18n'
import { StoryStateTag } from './StoryStateTag'

/** The name of review position `index`: a configured stage, then 校对 and 负责人签发. */
export function stageName(stages: { name: string }[] | undefined, index: number | null): string {
  if (index === null) return ''
  if (!stages) return t('story.stageIndex', { index: index + 1 })
  if (index < stages.length) return stages[index].name
  return index === stages.length ? t('review.proofreadStage') : t('review.headStage')
}

export function storyColumns(stages: { name: string }[] | undefined): TableColumnsType<StoryListItem> {
  return [
    {
      title: t('story.field.title'),
      dataIndex: 'title',
      render: (title: string, s) => (
        <>
          <Space size={4} wrap>
            <Link to={`/stories/${s.id}`} data-testid="story-link">{title}</Link>
            {s.isImportant && <Tag color="volcano">{t('story.important')}</Tag>}
            {s.lock && (
              <Tooltip title={t('lock.heldBy', { name: s.lock.holderName, until: formatDateTimeShort(s.lock.expiresAt).slice(11) })}>
                <LockOutlined aria-label={t('lock.locked')} style={{ color: '#faad14' }} />
              </Tooltip>
            )}
          </Space>
          <span className="rm-only-phone">{s.authorName} · {formatDateTimeShort(s.updatedAt)}</span>
        </>
      ),
    },
    { title: t('story.author'), dataIndex: 'authorName', width: 110, responsive: ['md'] },
    { title: t('common.status'), dataIndex: 'state', width: 96, render: (_, s) => <StoryStateTag state={s.state} /> },
    {
      title: t('story.stage'),
      key: 'stage',
      width: 110,
      responsive: ['lg'],
      render: (_, s) => (s.state === 'in_review' ? s.stage?.name ?? stageName(stages, s.stageIndex) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: t('stories.deadline'),
      key: 'deadline',
      width: 150,
      responsive: ['md'],
      render: (_, s) => !s.stage?.deadline ? <Typography.Text type="secondary">—</Typography.Text> : (
        <span style={{ fontVariantNumeric: 'tabular-nums', color: s.stage.isOverdue ? '#cf1322' : undefined, fontWeight: s.stage.isOverdue ? 600 : undefined }} data-testid="story-deadline" data-overdue={s.stage.isOverdue}>
          {formatDateTimeShort(s.stage.deadline)}{s.stage.isOverdue && ` ${t('stories.overdueMark')}`}
        </span>
      ),
    },
    {
      title: t('story.words'),
      dataIndex: 'wordCount',
      width: 90,
      align: 'right',
      responsive: ['sm'],
      render: (n: number) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{n.toLocaleString('zh-CN')}</span>,
    },
    {
      title: t('story.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      responsive: ['sm'],
      render: (at: string) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDateTimeShort(at)}</span>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      responsive: ['md'],
      render: (_, s) => (
        <Space size={8}>
          <Link to={`/stories/${s.id}`}>{s.state === 'draft' || s.state === 'returned' ? t('common.edit') : t('common.view')}</Link>
          {s.state !== 'draft' && <Link to={`/review/${s.id}`}>{t('story.reviewLink')}</Link>}
        </Space>
      ),
    },
  ]
}
