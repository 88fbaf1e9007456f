import { Form, Input, Modal, Radio } from 'antd'
import { ApiError } from '../../api/client'
import { useCreateTenant, useUpdateTenant } from '../../api/tenants'
import type { Tenant, TenantKind } from '../../api/types'
import { useFeedback } from '../../components/feedback'
import { t } from '../../i18n'

interface Props {
  /** create: a child of `tenant`; rename: `tenant` itself. */
  mode: 'create' | 'rename'
  open: boolean
  tenant: Tenant
  onClose: () => void
  onCreated: (id: string) => void
}

interface Values {
  name: string
  slug: string
  kind: TenantKind
}

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/

export function TenantFormModal({ mode, open, tenant, onClose, onCreated }: Props) {
  const [form] = Form.useForm<Values>()
  const create = useCreateTenant()
  const update = useUpdateTenant()
  const feedback = useFeedback()

  // The modal unmounts its form on close, so initial values are fresh on every opening.
  const initialValues: Partial<Values> =
    mode === 'rename' ? { name: tenant.name } : { kind: tenant.kind === 'platform' ? 'center' : 'unit' }

  const submit = async () => {
    const values = await form.validateFields().catch(() => null)
    if (!values) return // the form shows what is missing
    try {
      if (mode === 'rename') {
        await update.mutateAsync({ id: tenant.id, name: values.name.trim() })
        feedback.success(t('tenants.renamedOk'))
      } else {
        const created = await create.mutateAsync({ ...values, name: values.name.trim(), parentId: tenant.id })
        feedback.success(t('tenants.createdOk', { name: created.name }))
        onCreated(created.id)
      }
      onClose()
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors : {}
      const fields = (['name', 'slug', 'kind'] as const).filter((f) => byField[f])
      if (fields.length) form.setFields(fields.map((name) => ({ name, errors: byField[name] })))
      else if (err instanceof ApiError && err.status === 409) form.setFields([{ name: 'slug', errors: [err.message] }])
      else feedback.error(err)
    }
  }

  return (
    <Modal
      open={open}
      title={mode === 'rename' ? t('tenants.renameTitle', { name: tenant.name }) : t('tenants.createTitle', { parent: tenant.name })}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={create.isPending || update.isPending}
      okText={mode === 'rename' ? t('common.save') : t('common.create')}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" requiredMark="optional" name="tenant-form" initialValues={initialValues}>
        <Form.Item name="name" label={t('tenants.name')} rules={[{ required: true, whitespace: true, max: 100, message: t('tenants.nameRequired') }]}>
          <Input maxLength={100} placeholder={t('tenants.namePlaceholder')} />
        </Form.Item>
        {mode === 'create' && (
          <>
            <Form.Item
              name="slug"
              label={t('tenants.slug')}
              extra={t('tenants.slugHint')}
              rules={[
                { required: true, message: t('tenants.slugRequired') },
                { pattern: SLUG_PATTERN, message: t('tenants.slugInvalid') },
              ]}
              normalize={(v: string) => v?.toLowerCase().trim()}
            >
              <Input maxLength={63} placeholder="xinhua-district" />
            </Form.Item>
            <Form.Item name="kind" label={t('tenants.kind')} rules={[{ required: true }]} extra={t('tenants.kindHint')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'center', label: t('tenantKind.center') },
                  { value: 'unit', label: t('tenantKind.unit') },
                ]}
              />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  )
}
