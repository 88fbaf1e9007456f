import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { CloseOutlined } from '@ant-design/icons'
import { useProofread, type Mark, type ReviewView } from '../../api/review'
import { usePermissions } from '../../auth/permissions'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Props {
  storyId: string
  review: ReviewView
  marks: Mark[]
  onRemoveMark: (index: number) => void
  onDone: () => void
}

/** One 校对 round on the current version: the marks made (selected text → correction) and a comment. */
export function ProofreadForm({ storyId, review, marks, onRemoveMark, onDone }: Props) {
  const [form] = Form.useForm<{ comment?: string }>()
  const proofread = useProofread(storyId)
  const feedback = useFeedback()
  const { can } = usePermissions()
  const { done, required } = review.proofreadRounds

  if (!review.canProofread) {
    // Only proofreaders need to know why they cannot proofread now.
    return can('story.proofread') && review.proofreadRefusal && review.state === 'in_review' ? (
      <Alert type="info" showIcon title={t('review.cannotProofread')} description={review.proofreadRefusal.detail} />
    ) : null
  }

  const onFinish = ({ comment }: { comment?: string }) =>
    proofread.mutateAsync({ marks, comment: comment?.trim() || undefined }).then(
      () => {
        feedback.success(t('review.proofreadDone', { round: done + 1 }))
        form.resetFields()
        onDone()
      },
      (err: unknown) => feedback.error(err),
    )

  return (
    <Card size="small" title={t('review.proofreadTitle', { round: done + 1 })} data-testid="proofread-form">
      <Typography.Paragraph type="secondary">{t('review.proofreadRounds', { done, required })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={onFinish}>
        {marks.length > 0 ? (
          <ul className="rm-note-list">
            {marks.map((m, i) => (
              <li key={`${m.start}-${i}`} className="rm-note-mark">
                <del>{m.original}</del> → <ins>{m.correction}</ins> {m.note}
                <Button type="text" size="small" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={() => onRemoveMark(i)} />
              </li>
            ))}
          </ul>
        ) : (
          <Typography.Paragraph type="secondary">{t('review.noMarks')}</Typography.Paragraph>
        )}
        <Form.Item name="comment" label={t('review.comment')}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={proofread.isPending} block data-testid="proofread-submit">
          {t('review.proofreadSubmit')}
        </Button>
      </Form>
    </Card>
  )
}
