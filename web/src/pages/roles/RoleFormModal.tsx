import { Form, Input, Modal } from 'antd'
import { ApiError } from '../../api/client'
import { useSaveRole, type RoleInput } from '../../api/roles'
import type { Permission } from '../../api/types'
import { useFeedback } from '../../components/feedback'
import { PermissionChecklist } from '../../components/PermissionChecklist'
import { t } from '../../i18n'
import { reservedPermissions } from './reserved'

export interface RoleDraft extends RoleInput {
  id?: string
}

interface Props {
  /** null: closed; a draft without id: create; with id: edit. */
  draft: RoleDraft | null
  catalogue: Permission[]
  onClose: () => void
}

const CODE_PATTERN = /^[a-z][a-z0-9_]{1,62}$/

export function RoleFormModal({ draft, catalogue, onClose }: Props) {
  const [form] = Form.useForm<RoleInput>()
  const save = useSaveRole()
  const feedback = useFeedback()
  const isEdit = !!draft?.id

  const submit = async () => {
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    try {
      await save.mutateAsync({ ...values, id: draft?.id, name: values.name.trim(), description: values.description?.trim() ?? '' })
      feedback.success(isEdit ? t('common.saved') : t('roles.createdOk', { name: values.name }))
      onClose()
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors : {}
      const fields = (['code', 'name', 'description', 'permissions'] as const).filter((f) => byField[f])
      if (fields.length) form.setFields(fields.map((name) => ({ name, errors: byField[name] })))
      else if (err instanceof ApiError && err.status === 409 && !isEdit) form.setFields([{ name: 'code', errors: [err.message] }])
      else feedback.error(err)
    }
  }

  return (
    <Modal
      open={draft !== null}
      title={isEdit ? t('roles.editTitle', { name: draft?.name ?? '' }) : t('roles.create')}
      onCancel={onClose}
      onOk={submit}
      okText={isEdit ? t('common.save') : t('common.create')}
      confirmLoading={save.isPending}
      width={800}
      destroyOnHidden
    >
      {draft && (
        <Form<RoleInput>
          form={form}
          layout="vertical"
          requiredMark="optional"
          name="role-form"
          initialValues={{ ...draft, permissions: draft.permissions.filter((p) => !reservedPermissions.has(p)) }}
        >
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))', columnGap: 16 }}>
            <Form.Item
              name="code"
              label={t('roles.code')}
              extra={isEdit ? t('roles.codeFixed') : t('roles.codeHint')}
              normalize={(v: string) => v?.toLowerCase().trim()}
              rules={[
                { required: true, message: t('roles.codeRequired') },
                { pattern: CODE_PATTERN, message: t('roles.codeInvalid') },
              ]}
            >
              <Input disabled={isEdit} maxLength={63} placeholder="news_desk" />
            </Form.Item>
            <Form.Item name="name" label={t('roles.name')} rules={[{ required: true, whitespace: true, max: 60, message: t('roles.nameRequired') }]}>
              <Input maxLength={60} />
            </Form.Item>
          </div>
          <Form.Item name="description" label={t('roles.descriptionLabel')}>
            <Input.TextArea rows={2} maxLength={200} showCount />
          </Form.Item>
          <Form.Item
            name="permissions"
            label={t('roles.permissions')}
            rules={[{ required: true, type: 'array', min: 1, message: t('roles.permissionsRequired') }]}
          >
            <PermissionChecklist permissions={catalogue} locked={{ codes: reservedPermissions, reason: t('roles.reservedHint') }} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  )
}
