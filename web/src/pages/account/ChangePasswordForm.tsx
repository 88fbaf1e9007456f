import { useState } from 'react'
import { Alert, Button, Form, Input } from 'antd'
import { useChangePassword } from '../../api/auth'
import { ApiError, errorMessage } from '../../api/client'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Values {
  currentPassword: string
  newPassword: string
  confirm: string
}

/** Password change with the server's policy errors placed next to the field they concern. */
export function ChangePasswordForm({ onDone, currentLabel }: { onDone?: () => void; currentLabel?: string }) {
  const [form] = Form.useForm<Values>()
  const change = useChangePassword()
  const feedback = useFeedback()
  const [generalErrors, setGeneralErrors] = useState<string[]>([])

  const onFinish = async ({ currentPassword, newPassword }: Values) => {
    setGeneralErrors([])
    try {
      await change.mutateAsync({ currentPassword, newPassword })
      form.resetFields()
      feedback.success(t('password.changed'))
      onDone?.()
    } catch (err) {
      if (!(err instanceof ApiError)) return setGeneralErrors([errorMessage(err)])
      const byField = err.fieldErrors
      const known: (keyof Values)[] = ['currentPassword', 'newPassword']
      form.setFields(known.map((name) => ({ name, errors: byField[name] ?? [] })))
      const others = Object.entries(byField)
        .filter(([field]) => !known.includes(field as keyof Values))
        .flatMap(([, messages]) => messages)
      const placed = known.some((name) => byField[name]?.length)
      setGeneralErrors(others.length ? others : placed ? [] : [err.message])
    }
  }

  return (
    <Form<Values> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="change-password">
      {generalErrors.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          title={generalErrors.length === 1 ? generalErrors[0] : t('password.policyFailed')}
          description={generalErrors.length > 1 ? <ul style={{ margin: 0, paddingInlineStart: 18 }}>{generalErrors.map((m) => <li key={m}>{m}</li>)}</ul> : undefined}
        />
      )}
      <Form.Item name="currentPassword" label={currentLabel ?? t('password.current')} rules={[{ required: true, message: t('password.currentRequired') }]}>
        <Input.Password autoComplete="current-password" data-testid="password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.hint')}
        rules={[{ required: true, message: t('password.newRequired') }]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="password-submit">
        {t('password.submit')}
      </Button>
    </Form>
  )
}
