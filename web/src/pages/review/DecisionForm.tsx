import { Alert, Button, Card, Form, Input, Radio } from 'antd'
import { CloseOutlined } from '@ant-design/icons'
import { stagePermissions, useDecide, type Anchor, type ReviewView } from '../../api/review'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

type DecisionValue = 'approve' | 'return' | 'reject'

interface Props {
  storyId: string
  review: ReviewView
  anchors: Anchor[]
  onRemoveAnchor: (index: number) => void
  onDone: () => void
}

/** 通过 / 退回 / 拒绝 at the current stage, with a comment and notes anchored to text ranges. */
export function DecisionForm({ storyId, review, anchors, onRemoveAnchor, onDone }: Props) {
  const [form] = Form.useForm<{ decision: DecisionValue; comment?: string }>()
  const decide = useDecide(storyId)
  const feedback = useFeedback()
  const decision = Form.useWatch('decision', form)
  const stageName = review.stage?.name ?? ''
  const { canAny } = usePermissions()

  if (!review.canDecide) {
    // Reviewers learn why they cannot act now (another stage, own story…); others need no notice.
    return canAny(stagePermissions) && review.decideRefusal && review.state === 'in_review' ? (
      <Alert type="info" showIcon title={t('review.cannotDecide')} description={review.decideRefusal.detail} data-testid="decide-refusal" />
    ) : null
  }

  const onFinish = ({ decision: d, comment }: { decision: DecisionValue; comment?: string }) =>
    decide.mutateAsync({ decision: d, comment: comment?.trim() || undefined, anchors }).then(
      (reply) => {
        feedback.success(t(`review.decided.${d}`, { stage: stageName, state: t(`story.state.${reply.state as 'draft'}`) }))
        form.resetFields()
        onDone()
      },
      (err: unknown) => feedback.error(err),
    )

  return (
    <Card size="small" title={t('review.decisionTitle', { stage: stageName })} data-testid="decision-form">
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ decision: 'approve' }} requiredMark={false}>
        <Form.Item name="decision" label={t('review.decision')}>
          <Radio.Group optionType="button" buttonStyle="solid">
            <Radio.Button value="approve" data-testid="decision-approve">{t('review.decision.approve')}</Radio.Button>
            <Radio.Button value="return" data-testid="decision-return">{t('review.decision.return')}</Radio.Button>
            <Radio.Button value="reject" data-testid="decision-reject">{t('review.decision.reject')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="comment"
          label={t('review.comment')}
          rules={[{ required: decision !== 'approve', whitespace: true, message: t('review.commentRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={5000} placeholder={decision === 'approve' ? t('review.commentOptional') : t('review.commentWhy')} data-testid="decision-comment" />
        </Form.Item>
        {anchors.length > 0 && (
          <Form.Item label={t('review.notes', { count: anchors.length })}>
            <ul className="rm-note-list">
              {anchors.map((a, i) => (
                <li key={`${a.start}-${a.end}-${i}`}>
                  <strong>「{a.quote}」</strong> {a.note}
                  <Button type="text" size="small" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={() => onRemoveAnchor(i)} />
                </li>
              ))}
            </ul>
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={decide.isPending} danger={decision === 'reject'} block data-testid="decision-submit">
          {t('review.submitDecision')}
        </Button>
      </Form>
    </Card>
  )
}
