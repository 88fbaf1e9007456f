import { Form, Input, Modal, Radio, Select } from 'antd'
import { useRecordError } from '../../api/review'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

export const errataCategories = ['political', 'fact', 'wording', 'name_title', 'number_date', 'punctuation', 'image', 'link', 'other'] as const

interface Values {
  foundStage: 'review' | 'post_publication'
  category: (typeof errataCategories)[number]
  severity: 'severe' | 'ordinary'
  description: string
}

/** 登记差错: an error found in review or after publication, counted against the story's author. */
export function ErrataModal({ storyId, open, onClose }: { storyId: string; open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<Values>()
  const feedback = useFeedback()
  const record = useRecordError(storyId)

  const onFinish = (values: Values) =>
    record.mutateAsync({ ...values, description: values.description.trim() }).then(
      () => {
        feedback.success(t('errata.recorded'))
        onClose()
      },
      (err: unknown) => feedback.error(err),
    )

  return (
    <Modal open={open} title={t('errata.record')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: record.isPending }} destroyOnHidden>
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} preserve={false} initialValues={{ foundStage: 'review', severity: 'ordinary', category: 'wording' }}>
        <Form.Item name="foundStage" label={t('errata.foundStage')}>
          <Radio.Group options={[{ value: 'review', label: t('errata.stage.review') }, { value: 'post_publication', label: t('errata.stage.post_publication') }]} />
        </Form.Item>
        <Form.Item name="category" label={t('errata.category')}>
          <Select options={errataCategories.map((c) => ({ value: c, label: t(`errataCategory.${c}`) }))} />
        </Form.Item>
        <Form.Item name="severity" label={t('errata.severity')}>
          <Radio.Group options={[{ value: 'ordinary', label: t('errata.severity.ordinary') }, { value: 'severe', label: t('errata.severity.severe') }]} />
        </Form.Item>
        <Form.Item name="description" label={t('errata.description')} rules={[{ required: true, whitespace: true, message: t('errata.descriptionRequired') }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  )
}
