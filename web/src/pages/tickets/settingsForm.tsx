/** Form pieces the 留言设置 pages share: the edit dialog, field errors from the API, the required rule. */
import type { ButtonProps } from 'antd'
import { Form, Modal } from 'antd'
import { ApiError } from '../../api/client'
import { t } from '../../i18n'

/** Puts the server's field errors next to the inputs of an antd form. */
export function showFieldErrors(form: ReturnType<typeof Form.useForm>[0], err: unknown): boolean {
  if (!(err instanceof ApiError)) return false
  const fields = Object.entries(err.fieldErrors).map(([name, errors]) => ({ name, errors }))
  if (fields.length) form.setFields(fields)
  return fields.length > 0
}

/**
 * An edit dialog over an antd form: create when `initial` has no id. Read-only, it shows the same
 * fields disabled and no save button (people who may only look still read a whole template).
 */
export function EditModal<V extends object>({ title, open, initial, onClose, onSave, isPending, isReadOnly = false, children }: {
  title: string; open: boolean; initial: Partial<V>; onClose: () => void; onSave: (values: V, form: ReturnType<typeof Form.useForm>[0]) => void; isPending: boolean
  isReadOnly?: boolean; children: React.ReactNode
}) {
  const [form] = Form.useForm()
  return (
    <Modal open={open} title={title} onCancel={onClose} destroyOnHidden okText={t('common.save')} okButtonProps={{ loading: isPending, 'data-testid': 'edit-ok' } as ButtonProps}
      footer={isReadOnly ? null : undefined}
      onOk={() => void form.validateFields().then((v) => onSave(v as V, form))}>
      <Form form={form} layout="vertical" initialValues={initial} preserve={false} disabled={isReadOnly}>{children}</Form>
    </Modal>
  )
}

export const required = [{ required: true, whitespace: true, message: t('tickets.action.required') }]
