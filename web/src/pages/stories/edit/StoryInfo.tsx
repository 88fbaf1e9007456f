import { Card, Descriptions, Tag, Typography } from 'antd'
import type { Story } from '../../../api/stories'
import { formatDateTimeShort } from '../../../lib/time'
import { t } from '../../../i18n'

/** The story's particulars beside the editor: author, version, review stage and deadline. */
export function StoryInfo({ story }: { story: Story }) {
  const stage = story.stage
  return (
    <Card size="small" title={t('story.info')}>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'author', label: t('story.author'), children: story.authorName || '—' },
          {
            key: 'version', label: t('story.version'),
            children: (
              <span>
                {t('history.versionLabel', { number: story.versionNumber })}
                <Typography.Text type="secondary" code style={{ fontSize: 11, marginInlineStart: 6 }}>{story.versionHash.slice(0, 10)}</Typography.Text>
              </span>
            ),
          },
          ...(stage?.name
            ? [{
                key: 'stage', label: t('story.stage'),
                children: (
                  <span>
                    {stage.name}
                    {stage.isOverdue && <Tag color="red" style={{ marginInlineStart: 6 }}>{t('review.overdue')}</Tag>}
                    {stage.deadline && <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>{t('review.deadline', { at: formatDateTimeShort(stage.deadline) })}</Typography.Text>}
                  </span>
                ),
              }]
            : []),
          { key: 'updated', label: t('story.updatedAt'), children: formatDateTimeShort(story.updatedAt) },
          ...(story.submittedAt ? [{ key: 'submitted', label: t('story.submittedAt'), children: formatDateTimeShort(story.submittedAt) }] : []),
          ...(story.signedOffAt ? [{ key: 'signed', label: t('story.signedOffAt'), children: formatDateTimeShort(story.signedOffAt) }] : []),
        ]}
      />
    </Card>
  )
}
