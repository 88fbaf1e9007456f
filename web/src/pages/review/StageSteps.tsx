import { Steps } from 'antd'
import type { ReviewView, StageStatus } from '../../api/review'
import { t } from '../../i18n'

const stepStatus: Record<StageStatus, 'finish' | 'process' | 'wait' | 'error'> = {
  approved: 'finish', pending: 'process', waiting: 'wait', outdated: 'error', not_required: 'wait',
}

/** The review path of this cycle: each stage's status, then 校对 rounds. */
export function StageSteps({ review }: { review: ReviewView }) {
  const items = review.stages.map((s) => ({
    title: s.name,
    status: stepStatus[s.status],
    content: s.status === 'not_required' ? t('review.notRequired') : s.status === 'outdated' ? t('review.outdated') : undefined,
  }))
  return (
    <Steps
      size="small"
      responsive
      items={items}
      style={{ marginBottom: 16 }}
      aria-label={t('review.path', { done: review.proofreadRounds.done, required: review.proofreadRounds.required })}
    />
  )
}
