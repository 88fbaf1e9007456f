import { useState } from 'react'
import { Alert, Button, Space } from 'antd'
import { EditOutlined, HistoryOutlined, WarningOutlined } from '@ant-design/icons'
import { Link, useParams } from 'react-router-dom'
import { useReview } from '../../api/review'
import { useStory } from '../../api/stories'
import { FullPageSpin, QueryError } from '../../components/QueryState'
import { PageHeader } from '../../components/PageHeader'
import { formatDateTimeShort } from '../../lib/time'
import { t } from '../../i18n'
import { VersionHistory } from '../stories/history/VersionHistory'
import { StoryStateTag } from '../stories/StoryStateTag'
import { DecisionTimeline } from './DecisionTimeline'
import { ErrataModal } from './ErrataModal'
import { RecordDownloads } from './RecordDownloads'
import { ReviewDesk } from './ReviewDesk'
import { StageSteps } from './StageSteps'
import '../stories/stories.css'

/** /review/:id — a story as its reviewers see it: text, checks, decisions, history, the record. */
export function ReviewPage() {
  const { id } = useParams<{ id: string }>()
  const story = useStory(id)
  const review = useReview(id)
  const [historyPair, setHistoryPair] = useState<[number, number] | null | false>(false)
  const [isRecordingError, setRecordingError] = useState(false)

  const error = story.error ?? review.error
  if (error) return <QueryError error={error} onRetry={() => void Promise.all([story.refetch(), review.refetch()])} />
  if (!story.data || !review.data) return <FullPageSpin />
  const s = story.data
  const r = review.data
  const since = r.diffSinceMyLastApproval
  const refresh = () => void Promise.all([story.refetch(), review.refetch()])

  return (
    <>
      <PageHeader
        title={<Space wrap>{t('review.pageTitle')}<StoryStateTag state={s.state} />{r.stage && <span>{r.stage.name}</span>}</Space>}
        description={r.submitter ? <span data-testid="review-submitter">{t('review.submittedBy', { name: r.submitter.name, at: formatDateTimeShort(r.submitter.at) })}</span> : undefined}
        extra={
          <>
            <Button icon={<HistoryOutlined />} onClick={() => setHistoryPair(null)} data-testid="open-history">{t('history.open')}</Button>
            {s.canEdit && <Link to={`/stories/${s.id}`}><Button icon={<EditOutlined />}>{t('review.openEditor')}</Button></Link>}
            <Button icon={<WarningOutlined />} onClick={() => setRecordingError(true)}>{t('errata.record')}</Button>
            <RecordDownloads storyId={s.id} />
          </>
        }
      />
      {r.stages.length > 0 && <StageSteps review={r} />}
      {r.stage?.deadline && (
        <Alert
          type={r.stage.isOverdue ? 'error' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          title={r.stage.isOverdue ? t('review.overdueNotice', { at: formatDateTimeShort(r.stage.deadline) }) : t('review.deadline', { at: formatDateTimeShort(r.stage.deadline) })}
        />
      )}
      {since && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="changed-since"
          title={t('review.changedSince', { from: since.fromVersion, to: since.toVersion, at: formatDateTimeShort(since.approvedAt) })}
          action={<Button size="small" onClick={() => setHistoryPair([since.fromVersion, since.toVersion])}>{t('review.showChanges')}</Button>}
        />
      )}
      <ReviewDesk key={`${s.id}:${s.versionNumber}`} story={s} review={r} onActed={refresh} />
      <div style={{ marginTop: 16 }}>
        <DecisionTimeline decisions={r.decisions} proofreads={r.proofreads} overrides={r.overrides} submitted={s.submittedAt && r.cycle ? { at: s.submittedAt, cycle: r.cycle } : null} />
      </div>
      <VersionHistory
        storyId={s.id}
        versions={s.versions}
        currentVersion={s.versionNumber}
        open={historyPair !== false}
        initialPair={historyPair || null}
        onClose={() => setHistoryPair(false)}
      />
      <ErrataModal storyId={s.id} open={isRecordingError} onClose={() => setRecordingError(false)} />
    </>
  )
}
