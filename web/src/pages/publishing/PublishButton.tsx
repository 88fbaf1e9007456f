import { useState } from 'react'
import { Button } from 'antd'
import { SendOutlined } from '@ant-design/icons'
import { useNavigate } from 'react-router-dom'
import type { Story } from '../../api/stories'
import { usePermissions } from '../../auth/permissions'
import { t } from '../../i18n'
import { PublishDialog } from './PublishDialog'
import { publishableOf } from './StoryPublishingPage'

/**
 * The story editor's entry to publishing: opens the publish dialog (which explains why a story
 * that is not signed off cannot go out) and, once sent, the story's status board.
 */
export function PublishButton({ story }: { story: Story }) {
  const { can } = usePermissions()
  const navigate = useNavigate()
  const [isOpen, setOpen] = useState(false)
  if (!can('publication.read')) return null
  if (!can('publication.manage')) {
    return <Button icon={<SendOutlined />} onClick={() => navigate(`/publishing/stories/${story.id}`)} data-testid="story-publications">{t('pub.story.title')}</Button>
  }
  return (
    <>
      <Button icon={<SendOutlined />} onClick={() => setOpen(true)} data-testid="story-publish">{t('pub.publish.open')}</Button>
      {isOpen && (
        <PublishDialog story={publishableOf(story)} onClose={() => setOpen(false)} onPublished={() => navigate(`/publishing/stories/${story.id}`)} />
      )}
    </>
  )
}
