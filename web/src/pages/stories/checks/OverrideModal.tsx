import { Form, Input, Modal, Typography } from 'antd'
import { useOverride } from '../../../api/review'
import { useFeedback } from '../../../components/feedback'
import { t } from '../../../i18n'
import type { PanelHit } from './useChecks'

/** A reviewer lets one blocking hit stand, for this exact version, with a recorded reason. */
export function OverrideModal({ storyId, hit, onClose }: { storyId: string; hit: PanelHit | null; onClose: (isDone: boolean) => void }) {
  const [form] = Form.useForm<{ reason: string }>()
  const override = useOverride(storyId)
  const feedback = useFeedback()

  const onFinish = ({ reason }: { reason: string }) => {
    if (!hit) return
    override.mutateAsync({ ruleId: hit.ruleId, start: hit.start, end: hit.end, field: hit.field, reason: reason.trim() }).then(
      () => {
        feedback.success(t('checks.overrideDone'))
        onClose(true)
      },
      (err: unknown) => feedback.error(err),
    )
  }

  return (
    <Modal
      open={hit !== null}
      title={t('checks.overrideTitle')}
      onCancel={() => onClose(false)}
      onOk={() => form.submit()}
      okText={t('checks.override')}
      okButtonProps={{ danger: true, loading: override.isPending }}
      destroyOnHidden
    >
      {hit && (
        <Typography.Paragraph>
          「{hit.quote}」 — {hit.message}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph type="secondary">{t('checks.overrideNote')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={onFinish} preserve={false}>
        <Form.Item
          name="reason"
          label={t('checks.overrideReason')}
          rules={[{ required: true, whitespace: true, min: 5, message: t('checks.overrideReasonRule') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  )
}
