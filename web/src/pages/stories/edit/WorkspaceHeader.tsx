import { Button, Space } from 'antd'
import { HistoryOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import type { Removal, Story } from '../../../api/stories'
import { PageHeader } from '../../../components/PageHeader'
import { PublishButton } from '../../publishing/PublishButton'
import { t } from '../../../i18n'
import { StoryStateTag } from '../StoryStateTag'
import type { useSubmitFlow } from './useSubmitFlow'

interface Props {
  story: Story
  canWrite: boolean
  isSaving: boolean
  submitFlow: ReturnType<typeof useSubmitFlow>
  onSave: () => void
  onHistory: () => void
}

/** The writing page's title line: state, history, the review record, save, submit or recall. */
export function WorkspaceHeader({ story, canWrite, isSaving, submitFlow, onSave, onHistory }: Props) {
  return (
    <PageHeader
      title={<Space wrap>{story.title}<StoryStateTag state={story.state} /></Space>}
      extra={
        <>
          <Button icon={<HistoryOutlined />} onClick={onHistory} data-testid="open-history">{t('history.open')}</Button>
          {story.state !== 'draft' && (
            <Link to={`/review/${story.id}`}><Button data-testid="open-review">{t('story.openReview')}</Button></Link>
          )}
          {canWrite && (
            <Button icon={<SaveOutlined />} onClick={onSave} loading={isSaving} data-testid="story-save">{t('common.save')}</Button>
          )}
          {submitFlow.canSubmit && canWrite && (
            <Button type="primary" icon={<SendOutlined />} onClick={() => void submitFlow.submit()} loading={submitFlow.isSubmitting} data-testid="story-submit">
              {t('story.submit')}
            </Button>
          )}
          {submitFlow.canRecall && <Button onClick={() => void submitFlow.recall()} data-testid="story-recall">{t('story.recall')}</Button>}
          <PublishButton story={story} />
        </>
      }
    />
  )
}

/** What the sanitiser dropped from a save, named for a person ("span style、colgroup"); null when nothing. */
export function removedSummary(removed: Removal[]): string | null {
  if (removed.length === 0) return null
  return [...new Set(removed.map((r) => [r.tag, r.attribute].filter(Boolean).join(' ') || r.reason))].join('、')
}
