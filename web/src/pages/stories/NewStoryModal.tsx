import { Form, Input, Modal, Select } from 'antd'
import { useNavigate } from 'react-router-dom'
import { storyKinds, useCreateStory, type StoryKind } from '../../api/stories'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Values {
  title: string
  kind: StoryKind
  section?: string
}

/** A title and a kind are enough to start; everything else is written in the editor. */
export function NewStoryModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<Values>()
  const create = useCreateStory()
  const navigate = useNavigate()
  const feedback = useFeedback()

  const onFinish = (values: Values) =>
    create.mutateAsync({ title: values.title.trim(), kind: values.kind, section: values.section?.trim() || undefined }).then(
      (story) => {
        onClose()
        navigate(`/stories/${story.id}`)
      },
      (err: unknown) => feedback.error(err),
    )

  return (
    <Modal
      open={open}
      title={t('stories.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('stories.createAndEdit')}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'new-story-ok' }}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ kind: 'article' }} preserve={false}>
        <Form.Item name="title" label={t('story.field.title')} rules={[{ required: true, whitespace: true, message: t('story.titleRequired') }]}>
          <Input maxLength={200} autoFocus data-testid="new-story-title" />
        </Form.Item>
        <Form.Item name="kind" label={t('story.field.kind')}>
          <Select options={storyKinds.map((k) => ({ value: k, label: t(`story.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="section" label={t('story.field.section')}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
