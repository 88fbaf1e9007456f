import { Form, Input, Modal } from 'antd'
import { ApiError } from '../../api/client'
import type { User } from '../../api/types'
import { useUpdateUser } from '../../api/users'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Values {
  displayName: string
  email?: string
  phone?: string
}

export function EditUserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const [form] = Form.useForm<Values>()
  const update = useUpdateUser()
  const feedback = useFeedback()

  const submit = async () => {
    if (!user) return
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    try {
      await update.mutateAsync({
        id: user.id,
        displayName: values.displayName.trim(),
        // An emptied field means "remove it", which the API expresses as null.
        email: values.email?.trim() || null,
        phone: values.phone?.trim() || null,
      })
      feedback.success(t('common.saved'))
      onClose()
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors : {}
      const fields = (['displayName', 'email', 'phone'] as const).filter((f) => byField[f])
      if (fields.length) form.setFields(fields.map((name) => ({ name, errors: byField[name] })))
      else feedback.error(err)
    }
  }

  return (
    <Modal
      open={user !== null}
      title={t('users.editTitle', { username: user?.username ?? '' })}
      onCancel={onClose}
      onOk={submit}
      okText={t('common.save')}
      confirmLoading={update.isPending}
      destroyOnHidden
    >
      {user && (
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark="optional"
          name="edit-user"
          initialValues={{ displayName: user.displayName, email: user.email ?? '', phone: user.phone ?? '' }}
        >
          <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, max: 100, message: t('users.displayNameRequired') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="email" label={t('users.email')} rules={[{ type: 'email', message: t('users.emailInvalid') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('users.phone')}>
            <Input />
          </Form.Item>
        </Form>
      )}
    </Modal>
  )
}
